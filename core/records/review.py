"""Human review loop: the queue, approved answers, and their automatic expiry.

An approved (or corrected) answer is served for the same or a near-duplicate question
(cosine of question embeddings >= threshold) asked by callers with the same groups. It
expires as soon as a cited chunk's content hash changes or the chunk disappears —
checked at sync time and again at answer time — and goes back to the queue.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import AccessDenied, BadRequest, NotFound
from core.records import Records
from core.records.rows import AnswerRecord, ApprovedAnswer, ReviewItem, utcnow
from core.store import VectorStore

REVIEWERS = "reviewers"


def enqueue(
    records: Records,
    question: str,
    groups: Sequence[str],
    reason: str,
    answer_id: str | None = None,
) -> None:
    """Add an open item unless the same question is already open for the same reason."""
    with records.session() as s:  # the common case is read outside the writers' queue:
        if _open_item(s, question, reason) is not None:  # a question asked again
            return
    with records.writing() as s:
        if _open_item(s, question, reason) is None:  # checked again among the writers
            s.add(
                ReviewItem(
                    question=question, groups=sorted(groups), reason=reason, answer_id=answer_id
                )
            )


def _open_item(s: Session, question: str, reason: str) -> int | None:
    return s.scalar(
        select(ReviewItem.id).where(
            ReviewItem.question == question,
            ReviewItem.reason == reason,
            ReviewItem.status == "open",
        )
    )


def queue(records: Records, status: str = "open", limit: int = 200) -> list[ReviewItem]:
    """Items by status, oldest first."""
    with records.session() as s:
        query = (
            select(ReviewItem)
            .where(ReviewItem.status == status)
            .order_by(ReviewItem.id)
            .limit(limit)
        )
        return list(s.scalars(query))


def _close(
    records: Records, item_id: int, status: str, reviewer: str, note: str = ""
) -> ReviewItem:
    with records.session() as s:
        item = s.get(ReviewItem, item_id)
        if item is None:
            raise NotFound(f"no review item {item_id}")
        if item.status != "open":
            raise BadRequest(f"review item {item_id} is already {item.status}")
        item.status, item.reviewer, item.reviewed_at, item.note = status, reviewer, utcnow(), note
        return item


def dismiss(records: Records, item_id: int, reviewer: str, note: str = "") -> None:
    """Close an item without changing what is served."""
    _close(records, item_id, "dismissed", reviewer, note)


def approve(
    records: Records,
    item_id: int,
    reviewer: str,
    vector: Sequence[float],
    answer: str | None = None,
    citations: list[dict[str, Any]] | None = None,
) -> ApprovedAnswer:
    """Approve the item's answer as it was, or a correction (``answer`` + ``citations``)."""
    with records.session() as s:
        item = s.get(ReviewItem, item_id)
        original = s.get(AnswerRecord, item.answer_id) if item and item.answer_id else None
    if item is None:
        raise NotFound(f"no review item {item_id}")
    if answer is None:
        if original is None or original.refused:
            raise BadRequest("nothing to approve as is: write a corrected answer with citations")
        import json

        stored = json.loads(original.response)
        answer, citations = stored["answer"], stored["citations"]
    if not citations:
        raise BadRequest("an approved answer needs at least one citation")
    closed = _close(
        records,
        item_id,
        "corrected" if original is None or answer != original.answer else "approved",
        reviewer,
    )
    row = ApprovedAnswer(
        question=closed.question,
        vector=[float(x) for x in vector],
        groups=sorted(closed.groups),
        answer=answer,
        citations=citations,
        reviewer=reviewer,
        review_id=item_id,
    )
    with records.session() as s:
        s.add(row)
    return row


def has_active(records: Records) -> bool:
    """Whether any approved answer is active (skips the lookup on the hot path)."""
    with records.session() as s:
        return (
            s.scalar(select(ApprovedAnswer.id).where(ApprovedAnswer.status == "active").limit(1))
            is not None
        )


def match(
    records: Records, vector: np.ndarray, groups: Sequence[str], threshold: float
) -> ApprovedAnswer | None:
    """The best active approved answer for these groups above the similarity threshold."""
    with records.session() as s:
        rows = list(s.scalars(select(ApprovedAnswer).where(ApprovedAnswer.status == "active")))
    best, best_score = None, threshold
    for row in rows:
        if sorted(groups) != row.groups:
            continue
        score = float(np.dot(np.asarray(row.vector, dtype=np.float32), vector))
        if score >= best_score:
            best, best_score = row, score
    return best


def still_valid(store: VectorStore, collection: str, row: ApprovedAnswer) -> str | None:
    """None if every cited chunk is unchanged; otherwise why the answer expired."""
    wanted = {c["chunk_id"]: c["content_hash"] for c in row.citations}
    current = {c.id: c.content_hash for c in store.get(collection, list(wanted))}
    for chunk_id, content_hash in wanted.items():
        if chunk_id not in current:
            return f"cited chunk {chunk_id} is gone"
        if current[chunk_id] != content_hash:
            return f"cited chunk {chunk_id} changed"
    return None


def expire(records: Records, row_id: int, reason: str) -> None:
    """Mark an approved answer expired and send its question back to the queue."""
    with records.session() as s:
        row = s.get(ApprovedAnswer, row_id)
        if row is None or row.status != "active":
            return
        row.status, row.expired_reason = "expired", reason
        question, groups = row.question, list(row.groups)
    enqueue(records, question, groups, "expired")


def expire_stale(records: Records, store: VectorStore, collection: str) -> int:
    """Sync-time check of every active approved answer; returns how many expired."""
    with records.session() as s:
        rows = list(s.scalars(select(ApprovedAnswer).where(ApprovedAnswer.status == "active")))
    expired = 0
    for row in rows:
        reason = still_valid(store, collection, row)
        if reason:
            expire(records, row.id, reason)
            expired += 1
    return expired


def require_reviewer(groups: Sequence[str], is_admin: bool) -> None:
    """Reviewers (group ``reviewers``) and admins only."""
    if not is_admin and REVIEWERS not in groups:
        raise AccessDenied("reviewing needs the 'reviewers' group")
