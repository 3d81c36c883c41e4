"""The /ask pipeline: cache → retrieve → answer → ground → confidence → audit.

Refusal is the honest default: no visible passage, an answerer that finds nothing,
no supported sentence, or a confidence below ``min_confidence`` all produce "The
documents don't cover this." with the closest sources the caller may see.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Protocol

import numpy as np

from api.services import ground
from api.services.cache import AnswerCache, answer_config, cache_key
from api.services.drafts import Draft
from api.services.retrieve import Retriever
from api.services.tables import TableService
from core import audit, review
from core.access import Principal
from core.errors import BadRequest, IndexNotFound
from core.records import IndexVersion, Records
from core.schema import Answer, Citation, Hit, SentenceSupport
from core.settings import Settings
from core.sparse import Bm25Encoder
from core.store import VectorStore
from core.tables import AnswerRecord
from core.versions import live_version

REFUSAL = "The documents don't cover this."


class Answerer(Protocol):
    """Extractive or LLM: turns hits into draft sentences."""

    name: str

    def config(self) -> str:
        """Everything that changes answers (goes into the cache key)."""

    def answer(self, question: str, hits: list[Hit], query_vector: np.ndarray) -> Draft:
        """Draft an answer from the hits."""


class AskService:
    """Owns one request's path from question to audited answer."""

    def __init__(
        self,
        settings: Settings,
        records: Records,
        store: VectorStore,
        retriever: Retriever,
        answerer: Answerer,
        cache: AnswerCache,
        sparse: Bm25Encoder,
        observe: Callable[[Answer, float], None] = lambda answer, top: None,
    ) -> None:
        self.settings, self.records, self.store = settings, records, store
        self.retriever, self.answerer, self.cache = retriever, answerer, cache
        self.sparse, self.observe = sparse, observe
        self.audit = True  # the eval runner turns auditing off for its synthetic callers
        self.pinned: int | None = None  # evaluate a staged version instead of the live one
        self.tables: TableService | None = None  # when a semantic model is configured

    def live(self) -> IndexVersion:
        """The live index version, or IndexNotFound (→ 503)."""
        if self.pinned is not None:
            return self.records.version(self.pinned)
        row = live_version(self.records, self.store, self.settings.qdrant.alias)
        if row is None:
            raise IndexNotFound("no live index: run `cairn ingest PATH` first")
        return row

    def ask(self, question: str, principal: Principal, context: str = "") -> Answer:
        """Answer ``question`` (``context`` = earlier turns, used only for retrieval)."""
        started = time.perf_counter()
        question = question.strip()
        if not question:
            raise BadRequest("the question is empty")
        if len(question) > self.settings.answer.max_question_chars:
            limit = self.settings.answer.max_question_chars
            raise BadRequest(f"the question is longer than {limit} characters")
        version = self.live()
        groups = ["*admin*"] if principal.is_admin else principal.groups
        structured = (
            self.tables.answer(question, principal, version.version, version.revision)
            if self.tables is not None
            else None
        )
        if structured is not None:
            return self._issue(structured, principal, started)
        reviewed, vector = self._reviewed(question, context, principal, version)
        if reviewed is not None:
            return self._issue(reviewed, principal, started)
        key = cache_key(
            f"{context}\n{question}",
            groups,
            version.version,
            version.revision,
            answer_config(self.answerer.config(), self.settings.answer),
        )
        cached = self.cache.get(key)
        if cached is not None:
            answer = Answer.model_validate_json(cached)
            answer.cached = True
        else:
            answer, top = self._compute(question, context, principal, version, vector)
            self.cache.put(key, answer.model_dump_json())
            self.observe(answer, top)
        self._issue(answer, principal, started)
        low = not answer.refused and answer.confidence < self.settings.answer.review_below
        if self.audit and low:
            review.enqueue(
                self.records, question, principal.groups, "low_confidence", answer.answer_id
            )
        return answer

    def _issue(self, answer: Answer, principal: Principal, started: float) -> Answer:
        """Give the answer its id and latency, and audit it (unless auditing is off)."""
        answer.answer_id = str(uuid.uuid4())
        answer.latency_ms = round((time.perf_counter() - started) * 1000, 2)
        if self.audit:
            self._audit(answer, principal)
        return answer

    def _reviewed(
        self, question: str, context: str, principal: Principal, version: IndexVersion
    ) -> tuple[Answer | None, np.ndarray | None]:
        """A person-approved answer for this (or a near-identical) question, if still valid,
        and the question's embedding when one was computed (retrieval reuses it)."""
        if context or not review.has_active(self.records):
            return None, None
        vector = self.retriever.embedder.embed([question])[0]
        row = review.match(
            self.records, vector, principal.groups, self.settings.answer.approved_similarity
        )
        if row is None:
            return None, vector
        reason = review.still_valid(self.store, version.collection, row)
        if reason is not None:  # a cited passage changed since approval: back to the queue
            review.expire(self.records, row.id, reason)
            return None, vector
        return Answer(
            question=question,
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
        ), vector

    def _compute(
        self,
        question: str,
        context: str,
        principal: Principal,
        version: IndexVersion,
        vector: np.ndarray | None = None,
    ) -> tuple[Answer, float]:
        cfg = self.settings.answer
        query = f"{context} {question}".strip()
        retrieval = self.retriever.search(
            query, principal, version.collection, cfg.top_k, vector=vector
        )
        hits = retrieval.hits
        top = hits[0].score if hits else 0.0
        if not hits:
            return self._refusal(question, [], version, "no document visible to you matches"), top
        draft = self.answerer.answer(question, hits, retrieval.query_vector)
        if draft.refused:
            return self._refusal(question, hits, version, draft.reason), top
        numbering: dict[int, int] = {}
        for sentence in draft.sentences:
            if sentence.hit is not None and sentence.hit not in numbering:
                numbering[sentence.hit] = len(numbering) + 1
        pairs = [(s.text, s.hit) for s in draft.sentences]
        checked = ground.check(pairs, hits, numbering, self.sparse, cfg.min_support)
        kept = [s for s in checked if s.supported]
        if not kept or (cfg.grounding_policy == "refuse" and len(kept) < len(checked)):
            return self._refusal(question, hits, version, "no answer sentence is supported"), top
        support = sum(s.support for s in kept) / len(kept)
        confidence = round(draft.evidence * support, 4)
        if confidence < cfg.min_confidence:
            reason = f"confidence {confidence:.2f} is below {cfg.min_confidence:.2f}"
            return self._refusal(question, hits, version, reason, confidence), top
        used = {s.citation for s in kept}
        quoted = _quoted(draft, hits, {s.text for s in kept})
        citations = [
            citation_of(n, hits[h], quoted.get(h))
            for h, n in sorted(numbering.items(), key=lambda x: x[1])
            if n in used
        ]
        renumber = {c.n: i + 1 for i, c in enumerate(citations)}
        for i, c in enumerate(citations):
            c.n = i + 1
        final = [s.model_copy(update={"citation": renumber[s.citation or 0]}) for s in kept]
        text = " ".join(f"{ground.MARKER.sub('', s.text).strip()} [{s.citation}]" for s in final)
        answer = Answer(
            question=question,
            answer=text,
            refused=False,
            citations=citations,
            sentences=final,
            grounded=len(kept) == len(checked),
            confidence=confidence,
            answerer=self.answerer.name,
            index_version=version.version,
            index_revision=version.revision,
        )
        return answer, top

    def _refusal(
        self,
        question: str,
        hits: list[Hit],
        version: IndexVersion,
        reason: str | None,
        confidence: float = 0.0,
    ) -> Answer:
        return Answer(
            question=question,
            answer=REFUSAL,
            refused=True,
            refusal_reason=reason,
            citations=[citation_of(i + 1, h) for i, h in enumerate(hits[:3])],
            sentences=[],
            grounded=True,
            confidence=confidence,
            answerer=self.answerer.name,
            index_version=version.version,
            index_revision=version.revision,
        )

    def _audit(self, answer: Answer, principal: Principal) -> None:
        audit.record_answer(
            self.records,
            AnswerRecord(
                id=answer.answer_id,
                principal=principal.name,
                groups=principal.groups,
                question=answer.question,
                answer=answer.answer,
                citations=[
                    {"chunk_id": c.chunk_id, "content_hash": c.content_hash, "source": c.source}
                    for c in answer.citations
                ],
                index_version=answer.index_version,
                index_revision=answer.index_revision,
                answerer=answer.answerer,
                confidence=answer.confidence,
                grounded=answer.grounded,
                refused=answer.refused,
                cached=answer.cached,
                latency_ms=answer.latency_ms,
                top_score=answer.citations[0].score if answer.citations else 0.0,
                response=answer.model_dump_json(),
            ),
        )


def _quoted(draft: Draft, hits: list[Hit], kept: set[str]) -> dict[int, tuple[int, int]]:
    """Document span of the sentences quoted from each chunk (extractive answers)."""
    spans: dict[int, tuple[int, int]] = {}
    for s in draft.sentences:
        if s.hit is None or s.start is None or s.text not in kept:
            continue
        base = hits[s.hit].chunk.span[0]
        start, end = base + s.start, base + s.start + len(s.text)
        old = spans.get(s.hit, (start, end))
        spans[s.hit] = (min(old[0], start), max(old[1], end))
    return spans


def citation_of(n: int, hit: Hit, highlight: tuple[int, int] | None = None) -> Citation:
    c = hit.chunk
    return Citation(
        n=n,
        chunk_id=c.id,
        doc_id=c.doc_id,
        source=c.source,
        title=c.title,
        section=c.section,
        page=c.page,
        span=c.span,
        quote=c.text,
        highlight=highlight or c.span,
        content_hash=c.content_hash,
        url=c.url,
        score=round(hit.score, 6),
    )


__all__ = ["REFUSAL", "AskService", "SentenceSupport", "citation_of"]
