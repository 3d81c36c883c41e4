"""Answer sources tried before the documents: table answers and person-approved answers.

Each source gets the ``Query`` and returns a finished ``Answer`` or None (→ the next
source, and finally retrieval over the documents). The ask service takes them as a
constructor argument, in order.
"""

from __future__ import annotations

from typing import Protocol

from answer.query import Query
from core.embed import Embedder
from core.records import Records, review
from core.schema import Answer, Citation
from core.settings import AnswerSettings
from core.store import VectorStore
from tables import TableService

__all__ = ["AnswerSource", "ReviewedAnswers", "TableAnswers"]


class AnswerSource(Protocol):
    """Something that may answer a query outright."""

    def answer(self, query: Query) -> Answer | None:
        """A finished answer, or None."""


class TableAnswers:
    """Questions about numbers, answered from tables through the semantic layer."""

    def __init__(self, service: TableService) -> None:
        self.service = service

    def answer(self, query: Query) -> Answer | None:
        """A structured answer, a table refusal, or None (→ the documents)."""
        assert query.version is not None
        return self.service.answer(
            query.text, query.principal, query.version.version, query.version.revision
        )


class ReviewedAnswers:
    """A person-approved answer for this (or a near-identical) question, while every
    passage it cites is unchanged; a changed passage sends it back to the review queue."""

    def __init__(
        self, records: Records, store: VectorStore, embedder: Embedder, cfg: AnswerSettings
    ) -> None:
        self.records, self.store, self.embedder, self.cfg = records, store, embedder, cfg

    def answer(self, query: Query) -> Answer | None:
        """The approved answer, or None (follow-ups never match: they depend on context)."""
        version = query.version
        if version is None or query.context or not review.has_active(self.records):
            return None
        row = review.match(
            self.records,
            query.vector(self.embedder),
            query.principal.groups,
            self.cfg.approved_similarity,
        )
        if row is None:
            return None
        reason = review.still_valid(self.store, version.collection, row)
        if reason is not None:
            review.expire(self.records, row.id, reason)
            return None
        return Answer(
            question=query.text,
            answer=row.answer,
            refused=False,
            citations=[Citation.model_validate(c) for c in row.citations],
            sentences=[],
            grounded=True,
            confidence=1.0,
            answerer="reviewed",
            index_version=version.version,
            index_revision=version.revision,
            reviewed_by=row.reviewer,
        )
