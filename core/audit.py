"""Audit records of answers, feedback, and the answer cache (records DB)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.errors import NotFound
from core.records import Records
from core.tables import AnswerRecord, CacheEntry, Feedback


def record_answer(records: Records, row: AnswerRecord) -> None:
    """Store one audit record (retried over a dropped connection, never duplicated)."""
    records.write(row)


def get_answer(records: Records, answer_id: str) -> AnswerRecord:
    """One audit record, or NotFound."""
    with records.session() as s:
        row = s.get(AnswerRecord, answer_id)
    if row is None:
        raise NotFound(f"no answer with id {answer_id}")
    return row


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


def cache_get(records: Records, key: str) -> str | None:
    """Cached response bytes for a key."""
    with records.session() as s:
        row = s.get(CacheEntry, key)
        return row.response if row else None


def cache_put(records: Records, key: str, response: str) -> None:
    """Insert if absent (the first answer for a key wins, so repeats are identical)."""
    try:
        with records.writing() as s:
            if s.get(CacheEntry, key) is None:
                s.add(CacheEntry(key=key, response=response))
    except IntegrityError:  # a concurrent request stored the same key first
        pass
