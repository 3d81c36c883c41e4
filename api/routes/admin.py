"""Admin endpoints: sources and ingest status, index promote/rollback, feedback queue."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi import Path as PathParam
from sqlalchemy import select

from api.deps import AdminDep, ServicesDep
from core import monitor, versions
from core.errors import NotFound
from core.tables import AnswerRecord, Feedback

router = APIRouter(prefix="/admin", tags=["admin"])


@router.get("/sources")
def sources(_: AdminDep, services: ServicesDep) -> dict[str, Any]:
    """Every file of the live index version with its status, chunks and failure reason."""
    version = services.ask.live()
    rows = services.records.manifest(version.version, with_text=False)
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


@router.get("/monitor")
def monitoring(
    _: AdminDep, services: ServicesDep, window: int = Query(7, ge=1, le=90)
) -> dict[str, Any]:
    """Daily aggregates (stored), drift of the last window, top unanswered questions."""
    daily = monitor.store_daily(services.records)
    return {
        "daily": daily,
        "drift": monitor.drift(services.records, window_days=window),
        "top_unanswered": monitor.top_unanswered(services.records),
    }


@router.get("/eval/latest")
def latest_eval(_: AdminDep, services: ServicesDep) -> dict[str, Any]:
    """The newest `cairn eval` report in CAIRN_EVAL_REPORTS (metrics and the HTML page)."""
    root = services.settings.eval_reports
    runs = sorted(p for p in root.glob("*/report.json")) if root.is_dir() else []
    if not runs:
        raise NotFound(f"no evaluation report in {root} yet: run `cairn eval`")
    report = json.loads(runs[-1].read_text())
    html_path = runs[-1].with_name("report.html")
    return {
        "at": report.get("at"),
        "dataset": report.get("dataset"),
        "metrics": report.get("metrics", {}),
        "gate": report.get("gate"),
        "html": html_path.read_text() if html_path.exists() else "",
    }
