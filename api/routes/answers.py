"""Audit: replay one answer, list answers (admin), feedback."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Query, Request

from api.deps import AdminDep, PrincipalDep, ServicesDep
from api.models import FeedbackRequest
from core import audit, review
from core.errors import NotFound
from core.schema import Answer
from core.tables import Feedback

router = APIRouter(tags=["audit"])


@router.get("/answers/{answer_id}", response_model=Answer)
def replay(answer_id: str, principal: PrincipalDep, services: ServicesDep) -> Answer:
    """The answer exactly as it was given (yours, or any for admins)."""
    row = audit.get_answer(services.records, answer_id)
    if row.principal != principal.name and not principal.is_admin:
        raise NotFound(f"no answer with id {answer_id}")
    answer = Answer.model_validate_json(row.response)
    return answer


@router.get("/answers")
def list_answers(
    _: AdminDep,
    services: ServicesDep,
    principal: str | None = None,
    since: datetime | None = None,
    refused: bool | None = None,
    limit: int = Query(100, ge=1, le=1000),
) -> list[dict[str, Any]]:
    """Audit log, newest first (admin only)."""
    rows = audit.list_answers(services.records, principal, since, refused, limit)
    return [
        {
            "id": r.id,
            "at": r.at.isoformat(),
            "principal": r.principal,
            "question": r.question,
            "answer": r.answer,
            "refused": r.refused,
            "grounded": r.grounded,
            "confidence": r.confidence,
            "citations": r.citations,
            "index_version": r.index_version,
            "answerer": r.answerer,
            "latency_ms": r.latency_ms,
        }
        for r in rows
    ]


@router.post("/answers/{answer_id}/feedback", status_code=201)
def feedback(
    answer_id: str,
    body: FeedbackRequest,
    principal: PrincipalDep,
    services: ServicesDep,
    request: Request,
) -> dict[str, Any]:
    """Thumbs up/down with an optional comment on an answer you received."""
    row = audit.get_answer(services.records, answer_id)
    if row.principal != principal.name and not principal.is_admin:
        raise NotFound(f"no answer with id {answer_id}")
    if not body.helpful:
        review.enqueue(services.records, row.question, list(row.groups), "thumbs_down", answer_id)
    request.app.state.metrics.feedback.labels("up" if body.helpful else "down").inc()
    saved = audit.add_feedback(
        services.records,
        Feedback(
            answer_id=answer_id,
            principal=principal.name,
            helpful=body.helpful,
            comment=body.comment,
        ),
    )
    return {"id": saved.id, "answer_id": answer_id, "helpful": body.helpful}
