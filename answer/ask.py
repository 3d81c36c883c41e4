"""The ask service: answer sources → cache → retrieve → answer → ground → confidence → audit.

Refusal is the honest default: no visible passage, an answerer that finds nothing,
no supported sentence, or a confidence below ``min_confidence`` all produce "The
documents don't cover this." with the closest sources the caller may see.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from answer import assemble, ground
from answer.cache import AnswerCache, answer_config, cache_key
from answer.drafts import Draft
from answer.query import Query
from answer.question import KIND_VALUE, analyse, unnamed
from answer.retrieval import Retriever
from answer.sources import AnswerSource
from answer.spelling import expanded, spelled
from answer.window import Window, widen
from core.access import Principal
from core.errors import BadRequest, IndexNotFound, UnknownAnswerer
from core.records import AnswerRecord, IndexVersion, Records, audit, review
from core.records.versions import live_version
from core.schema import Answer, Hit
from core.settings import Settings
from core.sparse import Bm25Encoder
from core.store import VectorStore

__all__ = ["Answerer", "AskService", "Listener", "Reading"]

NAMED_DOCUMENTS = 2  # documents an identifier names, searched when no hit holds it
NAMED_PASSAGES = 2  # ... the passages of each that lead the hits
PART_PASSAGES = 3  # passages searched per part of a multi-part question ...
PART_READ = 0.5  # ... that no passage read holds this share of in one sentence

Listener = Callable[[Answer, float], None]  # (answer, top retrieval score), e.g. metrics


class Answerer(Protocol):
    """Extractive or LLM: turns hits into draft sentences."""

    name: str

    def config(self) -> str:
        """Everything that changes answers (goes into the cache key)."""

    def answer(self, question: str, hits: list[Hit], query_vector: np.ndarray) -> Draft:
        """Draft an answer from the hits."""


@dataclass
class Reading:
    """What the answerer reads for one question: the question as answered (misspelt words
    and unknown acronyms in the documents' words), the retrieved hits, the hits as read
    (the best ones joined with their next chunk) and the question's vector."""

    text: str
    hits: list[Hit]
    wide: Window
    vector: np.ndarray


class AskService:
    """Owns one question's path from text to audited answer. Built whole: options,
    answer sources and listeners are constructor arguments.

    ``answerer`` is the default; ``answerers`` names every answerer a caller may pick
    (``extractive``, ``llm``), the default among them."""

    def __init__(
        self,
        settings: Settings,
        records: Records,
        store: VectorStore,
        retriever: Retriever,
        answerer: Answerer,
        cache: AnswerCache,
        sparse: Bm25Encoder,
        *,
        sources: Sequence[AnswerSource] = (),
        listeners: Sequence[Listener] = (),
        answerers: Mapping[str, Answerer] | None = None,
        audit: bool = True,
        pinned: int | None = None,
    ) -> None:
        self.settings, self.records, self.store = settings, records, store
        self.retriever, self.answerer, self.cache = retriever, answerer, cache
        self.sparse = sparse
        self.answerers = dict(answerers or {answerer.name: answerer})
        self.sources = tuple(sources)
        self.listeners = tuple(listeners)
        self.audit = audit  # off for the eval runner's synthetic callers
        self.pinned = pinned  # answer from this (staged) version instead of the live one
        self._titles: dict[tuple[int, int], list[tuple[str, str]]] = {}  # of one version

    def live(self) -> IndexVersion:
        """The index version answers come from, or IndexNotFound (→ 503)."""
        if self.pinned is not None:
            return self.records.version(self.pinned)
        row = live_version(self.records, self.store, self.settings.qdrant.alias)
        if row is None:
            raise IndexNotFound("no live index: run `cairn ingest PATH` first")
        return row

    def query(self, question: str, principal: Principal, context: str = "") -> Query:
        """A checked ``Query`` against the live version (BadRequest for empty/too long)."""
        question = question.strip()
        if not question:
            raise BadRequest("the question is empty")
        limit = self.settings.answer.max_question_chars
        if len(question) > limit:
            raise BadRequest(f"the question is longer than {limit} characters")
        return Query(question, principal, context, self.live())

    def search(
        self,
        text: str,
        principal: Principal,
        limit: int,
        source: str | None = None,
        section: str | None = None,
    ) -> list[Hit]:
        """Ranked passages the principal may see (``source``: one file; ``section``: a
        heading-trail substring), for lookup without an answer."""
        if not text.strip():
            raise BadRequest("the query is empty")
        version = self.live()
        query = Query(text, principal, version=version)
        hits = self.retriever.search(
            query, version.collection, limit * 3 if section else limit, source=source
        )
        if section:
            needle = section.casefold()
            hits = [h for h in hits if needle in h.chunk.section.casefold()][:limit]
        return hits

    def pick(self, name: str | None) -> Answerer:
        """The answerer called ``name`` (None: the default), or UnknownAnswerer."""
        if name is None:
            return self.answerer
        if name not in self.answerers:
            raise UnknownAnswerer(f"no answerer {name!r}; available: {', '.join(self.answerers)}")
        return self.answerers[name]

    def ask(
        self, question: str, principal: Principal, context: str = "", answerer: str | None = None
    ) -> Answer:
        """Answer ``question`` (``context`` = earlier turns, used only for retrieval) with
        the named answerer (default: the configured one)."""
        started = time.perf_counter()
        chosen = self.pick(answerer)
        query = self.query(question, principal, context)
        for source in self.sources:
            found = source.answer(query)
            if found is not None:
                return self._issue(found, query, started)
        assert query.version is not None
        key = cache_key(
            f"{query.context}\n{query.text}",
            query.cache_groups,
            query.version.version,
            query.version.revision,
            answer_config(chosen.config(), self.settings.answer),
        )
        cached = self.cache.get(key)
        if cached is not None:
            answer = Answer.model_validate_json(cached)
            answer.cached = True
            top = None
        else:
            answer, top = self._compute(query, chosen)
            self.cache.put(key, answer.model_dump_json())
        self._issue(answer, query, started, top)
        low = not answer.refused and answer.confidence < self.settings.answer.review_below
        if self.audit and low:
            review.enqueue(
                self.records, query.text, principal.groups, "low_confidence", answer.answer_id
            )
        return answer

    def _issue(
        self, answer: Answer, query: Query, started: float, top: float | None = None
    ) -> Answer:
        """Give the answer its id and latency, tell the listeners, audit it."""
        answer.answer_id = str(uuid.uuid4())
        answer.latency_ms = round((time.perf_counter() - started) * 1000, 2)
        if top is None:
            top = answer.citations[0].score if answer.citations else 0.0
        for listener in self.listeners:
            listener(answer, top)
        if self.audit:
            self._audit(answer, query.principal)
        return answer

    def read(self, query: Query) -> tuple[Reading | None, float]:
        """Retrieve what the answerer reads for ``query`` (None: no visible passage) and
        the top retrieval score. A question with misspelt words or an acronym the
        passages spell out is searched again in the documents' words. The answer
        benchmark and the answerability fit read questions through here too, so they see
        what ``ask`` sees."""
        cfg, version = self.settings.answer, query.version
        assert version is not None  # ``query`` built the Query against the live version
        hits = self.retriever.search(query, version.collection, cfg.top_k)
        top = hits[0].score if hits else 0.0
        if not hits:
            return None, top
        text = expanded(spelled(query.text, hits), hits)
        if text != query.text:  # misspelt words or acronyms: search again in the documents' words
            fixed = Query(text, query.principal, query.context, version)
            hits = self.retriever.search(fixed, version.collection, cfg.top_k) or hits
            vector = fixed.vector(self.retriever.embedder)
        else:
            vector = query.vector(self.retriever.embedder)
        hits = self._named(query, text, hits)
        hits = self._parts(query, text, hits)
        wide = widen(hits, self.store, version.collection, query.groups, cfg.window)
        return Reading(text, hits, wide, vector), top

    def _parts(self, query: Query, text: str, hits: list[Hit]) -> list[Hit]:
        """The hits, with the best passage of each part of a multi-part question that the
        question as a whole did not retrieve, where it comes from a document already
        among the hits ("How often does support review its continuity plan, and what's
        the fallback if Zendesk is down?": the two answers sit in two chunks of one
        page, and the whole question retrieves one of them). A part counts as read where a
        hit holds ``PART_READ`` of its words in one sentence and the kind of value it asks
        for. Each passage found takes the place of the lowest hit that reads no part (the
        best hit always stays)."""
        asked = analyse(text)
        if len(asked.parts) < 2 or len(hits) < 2:
            return hits
        version = query.version
        assert version is not None
        docs = {h.chunk.doc_id for h in hits}
        have = {h.chunk.id for h in hits}
        added: list[Hit] = []
        overlap = self.retriever.overlap
        serving: set[int] = set()  # hits holding a part's words and the value it asks for
        for part, kind in zip(asked.parts, asked.kinds, strict=True):
            terms, value = overlap.question_terms(part), KIND_VALUE.get(kind)
            found_here = {
                i
                for i, h in enumerate(hits)
                if overlap.best_sentence(terms, h.chunk.text) >= PART_READ
                and (value is None or value.search(h.chunk.text))
            }
            serving |= found_here
            if found_here:
                continue
            found = self.retriever.search(
                Query(f"{asked.context} {part}".strip(), query.principal, query.context, version),
                version.collection,
                PART_PASSAGES,
            )
            for hit in found:
                if hit.chunk.doc_id in docs and hit.chunk.id not in have:
                    added.append(hit)
                    have.add(hit.chunk.id)
                    break
        # The lowest hits no part needs make room (the best hit always stays).
        spare = [i for i in reversed(range(1, len(hits))) if i not in serving][: len(added)]
        if not spare:
            return hits
        kept = [h for i, h in enumerate(hits) if i not in spare]
        return kept + added[: len(spare)]

    def _named(self, query: Query, text: str, hits: list[Hit]) -> list[Hit]:
        """The hits, led by the best passages of the documents whose title or path names
        an identifier the question names and no hit holds ("Sourcegraph *5.1.2*" among
        pages of 5.0.1, 5.0.2 ...: `trivy/5-1-2.md`), where at most ``NAMED_DOCUMENTS``
        do. The search keeps the asker's access: a document they may not see adds nothing."""
        version = query.version
        assert version is not None
        missing = unnamed(text, hits)
        if not missing:
            return hits
        key = (version.version, version.revision)
        titles = self._titles.get(key)
        if titles is None:  # read once per version (the dict is replaced whole: thread-safe)
            titles = self.records.titles(version.version)
            self._titles = {key: titles}
        named = [
            path for path, title in titles if any(f.search(f"{title} {path}") for f in missing)
        ]
        if not named or len(named) > NAMED_DOCUMENTS:
            return hits
        found = [
            h
            for path in named
            for h in self.retriever.search(query, version.collection, NAMED_PASSAGES, source=path)
        ]
        kept = {h.chunk.id for h in found}
        return (found + [h for h in hits if h.chunk.id not in kept])[: len(hits)]

    def _compute(self, query: Query, answerer: Answerer) -> tuple[Answer, float]:
        """Retrieve, draft, ground, and score one uncached question."""
        cfg, version = self.settings.answer, query.version
        assert version is not None
        name = answerer.name
        reading, top = self.read(query)
        if reading is None:
            reason = "no document visible to you matches"
            return assemble.refusal(query.text, [], version, name, reason), top
        hits = reading.hits
        draft = answerer.answer(reading.text, reading.wide.hits, reading.vector)
        if draft.refused:
            return assemble.refusal(query.text, hits, version, name, draft.reason), top
        draft, hits = reading.wide.restore(draft, hits)  # each quote cites its stored chunk
        if draft.generated:  # a model wrote it: names must be in the passage too
            bar = max(cfg.min_support, cfg.min_support_generated)
            checked = ground.check(draft.sentences, hits, self.sparse, bar, strict=True)
            checked = ground.attribute(checked, hits, self.sparse, bar)
        else:
            checked = ground.check(draft.sentences, hits, self.sparse, cfg.min_support)
        kept = [c for c in checked if c.supported]
        if not kept or (cfg.grounding_policy == "refuse" and len(kept) < len(checked)):
            reason = "no answer sentence is supported"
            return assemble.refusal(query.text, hits, version, name, reason), top
        support = sum(c.support for c in kept) / len(kept)
        confidence = round(draft.evidence * support, 4)
        if confidence < cfg.min_confidence:
            reason = f"confidence {confidence:.2f} is below {cfg.min_confidence:.2f}"
            return assemble.refusal(query.text, hits, version, name, reason, confidence), top
        answer = assemble.answered(
            query.text, checked, hits, version, name, confidence, draft.uncovered
        )
        return answer, top

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
