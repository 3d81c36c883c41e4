"""Audit: replay one answer, list answers (admin), feedback."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Query

from api.deps import AdminDep, EngineDep, MetricsDep, PrincipalDep
from api.models import FeedbackRequest
from api.responses import AuditEntry, FeedbackSaved
from core.errors import NotFound
from core.records import Feedback, audit, review
from core.schema import Answer

router = APIRouter(tags=["audit"])


@router.get("/answers/{answer_id}", response_model=Answer)
def replay(answer_id: str, principal: PrincipalDep, engine: EngineDep) -> Answer:
    """The answer exactly as it was given (yours, or any for admins)."""
    row = audit.get_answer(engine.records, answer_id)
    if row.principal != principal.name and not principal.is_admin:
        raise NotFound(f"no answer with id {answer_id}")
    return Answer.model_validate_json(row.response)


@router.get("/answers", response_model=list[AuditEntry])
def list_answers(
    _: AdminDep,
    engine: EngineDep,
    principal: str | None = None,
    since: datetime | None = None,
    refused: bool | None = None,
    limit: int = Query(100, ge=1, le=1000),
) -> list[AuditEntry]:
    """Audit log, newest first (admin only)."""
    rows = audit.list_answers(engine.records, principal, since, refused, limit)
    return [AuditEntry.model_validate(r) for r in rows]


@router.post("/answers/{answer_id}/feedback", status_code=201, response_model=FeedbackSaved)
def feedback(
    answer_id: str,
    body: FeedbackRequest,
    principal: PrincipalDep,
    engine: EngineDep,
    metrics: MetricsDep,
) -> FeedbackSaved:
    """Thumbs up/down with an optional comment on an answer you received."""
    row = audit.get_answer(engine.records, answer_id)
    if row.principal != principal.name and not principal.is_admin:
        raise NotFound(f"no answer with id {answer_id}")
    if not body.helpful:
        review.enqueue(engine.records, row.question, list(row.groups), "thumbs_down", answer_id)
    metrics.feedback.labels("up" if body.helpful else "down").inc()
    saved = audit.add_feedback(
        engine.records,
        Feedback(
            answer_id=answer_id,
            principal=principal.name,
            helpful=body.helpful,
            comment=body.comment,
        ),
    )
    return FeedbackSaved.model_validate(saved)
