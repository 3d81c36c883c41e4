"""Audit records of answers and feedback (records DB)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from core.errors import NotFound
from core.records import Records
from core.records.rows import AnswerRecord, Feedback


def record_answer(records: Records, row: AnswerRecord) -> None:
    """Store one audit record (retried over a dropped connection, never duplicated)."""
    records.write(row)


def get_answer(records: Records, answer_id: str) -> AnswerRecord:
    """One audit record, or NotFound."""
    return records.fetch(AnswerRecord, answer_id, NotFound(f"no answer with id {answer_id}"))


def list_answers(
    records: Records,
    principal: str | None = None,
    since: datetime | None = None,
    refused: bool | None = None,
    limit: int = 100,
) -> list[AnswerRecord]:
    """Newest first, filtered."""
    query = select(AnswerRecord).order_by(AnswerRecord.at.desc(), AnswerRecord.id).limit(limit)
    if principal is not None:
        query = query.where(AnswerRecord.principal == principal)
    if since is not None:
        query = query.where(AnswerRecord.at >= since)
    if refused is not None:
        query = query.where(AnswerRecord.refused == refused)
    with records.session() as s:
        return list(s.scalars(query))


def add_feedback(records: Records, row: Feedback) -> Feedback:
    """Store feedback on an existing answer."""
    get_answer(records, row.answer_id)
    with records.session() as s:
        s.add(row)
    return row


def list_feedback(
    records: Records, helpful: bool | None = None, limit: int = 100
) -> list[tuple[Feedback, AnswerRecord]]:
    """Feedback with the answer it is about, newest first (``helpful=False``: complaints)."""
    query = (
        select(Feedback, AnswerRecord)
        .join(AnswerRecord, AnswerRecord.id == Feedback.answer_id)
        .order_by(Feedback.id.desc())
        .limit(limit)
    )
    if helpful is not None:
        query = query.where(Feedback.helpful == helpful)
    with records.session() as s:
        return [(fb, answer) for fb, answer in s.execute(query).all()]
