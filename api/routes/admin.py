"""Admin endpoints: sources and ingest status, index promote/rollback, feedback queue."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi import Path as PathParam
from sqlalchemy import select

from api.deps import AdminDep, ServicesDep
from core import versions
from core.tables import AnswerRecord, Feedback

router = APIRouter(prefix="/admin", tags=["admin"])


@router.get("/sources")
def sources(_: AdminDep, services: ServicesDep) -> dict[str, Any]:
    """Every file of the live index version with its status, chunks and failure reason."""
    version = services.ask.live()
    rows = services.records.manifest(version.version)
    files = [
        {
            "path": row.path,
            "title": row.title,
            "status": row.status,
            "chunks": len(row.chunk_ids),
            "groups": row.groups,
            "error": row.error,
            "size_bytes": row.size_bytes,
            "updated_at": row.updated_at.isoformat(),
        }
        for row in sorted(rows.values(), key=lambda r: r.path)
    ]
    return {
        "version": version.version,
        "revision": version.revision,
        "corpus_root": version.corpus_root,
        "last_sync": version.updated_at.isoformat(),
        "files": files,
    }


@router.post("/index/{version}/promote")
def promote(
    version: Annotated[int, PathParam(ge=1, le=2**31 - 1)], _: AdminDep, services: ServicesDep
) -> dict[str, Any]:
    """Make a ready version live."""
    row = versions.promote(
        services.records, services.store, services.settings.qdrant.alias, version
    )
    return {"live": row.version}


@router.post("/index/rollback")
def rollback(_: AdminDep, services: ServicesDep) -> dict[str, Any]:
    """Switch back to the previously live version."""
    row = versions.rollback(services.records, services.store, services.settings.qdrant.alias)
    return {"live": row.version}


@router.get("/feedback")
def feedback(
    _: AdminDep,
    services: ServicesDep,
    helpful: bool | None = None,
    limit: int = Query(100, ge=1, le=1000),
) -> list[dict[str, Any]]:
    """Feedback with the answer it is about, newest first (``helpful=false``: the review queue)."""
    query = (
        select(Feedback, AnswerRecord)
        .join(AnswerRecord, AnswerRecord.id == Feedback.answer_id)
        .order_by(Feedback.id.desc())
        .limit(limit)
    )
    if helpful is not None:
        query = query.where(Feedback.helpful == helpful)
    with services.records.session() as s:
        rows = s.execute(query).all()
    return [
        {
            "id": fb.id,
            "at": fb.at.isoformat(),
            "helpful": fb.helpful,
            "comment": fb.comment,
            "principal": fb.principal,
            "answer_id": ans.id,
            "question": ans.question,
            "answer": ans.answer,
            "refused": ans.refused,
            "citations": ans.citations,
        }
        for fb, ans in rows
    ]
