"""Extractive answerer (default): deterministic, offline, quotes the documents.

It scores every sentence of the top chunks by how many of the question's terms it
contains (stemmed BM25 terms, so "vacations" matches "vacation") and by the chunk's rank,
re-scores the best few by embedding similarity to the question, and returns the best
sentence plus the close runners-up from at most two chunks, in document order.
Its ``evidence`` (does the passage answer at all?) comes from the fitted answerability
model in ``answerability.py``.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from answer.answerability import Evidence, Model, features, opposite_terms
from answer.drafts import Draft, DraftSentence
from answer.overlap import Overlap
from core.embed import Embedder
from core.schema import Hit
from core.settings import AnswerSettings
from core.text import split_sentences

MIN_WORDS = 4

RERANK = 6


@dataclass
class Candidate:
    """A sentence of a retrieved chunk and its scores."""

    hit: int
    start: int
    text: str
    overlap: float
    similarity: float = 0.0
    score: float = 0.0


class ExtractiveAnswerer:
    """Selects the best-supported sentences of the retrieved chunks."""

    name = "extractive"

    def __init__(
        self,
        embedder: Embedder,
        overlap: Overlap,
        cfg: AnswerSettings,
        model: Model | None = None,
    ) -> None:
        self.embedder = embedder
        self.overlap = overlap
        self.cfg = cfg
        self.model = model or Model.load()
        opposite_terms()  # build the antonym table at start-up, not on the first request
        self.vectors = SentenceVectors(embedder, cfg.sentence_cache)

    def config(self) -> str:
        """What changes answers: part of the cache key."""
        return (
            f"extractive:max={self.cfg.max_sentences}:model={self.embedder.model_id}"
            f":answerability={self.model.digest()}"
        )

    def answer(self, question: str, hits: list[Hit], query_vector: np.ndarray) -> Draft:
        """Pick sentences and estimate how well they answer (``evidence``, 0..1)."""
        q_terms = self.overlap.question_terms(question)
        candidates = self._candidates(hits, q_terms)
        if not candidates or not q_terms:
            return Draft(refused=True, reason="no passage shares the question's terms")
        top = sorted(candidates, key=lambda c: (-c.overlap, c.hit, c.start))[:RERANK]
        vectors = self.vectors.embed([c.text for c in top])
        for cand, vec in zip(top, vectors, strict=True):
            cand.similarity = float(np.dot(vec, query_vector))
            cand.score = 0.5 * cand.overlap + 0.5 * cand.similarity - 0.03 * cand.hit
        top.sort(key=lambda c: (-c.score, c.hit, c.start))
        best = top[0]
        chosen = [best]
        chunks = {best.hit}
        for cand in top[1:]:
            if len(chosen) >= self.cfg.max_sentences or cand.score < 0.8 * best.score:
                break
            if cand.hit in chunks or len(chunks) < 2:
                chosen.append(cand)
                chunks.add(cand.hit)
        chosen.sort(key=lambda c: (c.hit != best.hit, c.hit, c.start))  # best chunk first
        values = features(self._evidence(question, q_terms, best, hits))
        return Draft(
            sentences=[DraftSentence(c.text, c.hit, c.start) for c in chosen],
            evidence=round(self.model.score(values), 4),
            features=values,
        )

    def _evidence(
        self, question: str, q_terms: frozenset[int], best: Candidate, hits: list[Hit]
    ) -> Evidence:
        chunk = hits[best.hit].chunk.text
        return Evidence(
            question=question,
            q_terms=q_terms,
            sentence=best.text,
            sentence_terms=self.overlap.terms(best.text),
            sentence_coverage=best.overlap,
            chunk=chunk,
            chunk_terms=self.overlap.terms(chunk),
            all_terms=set().union(*(self.overlap.terms(h.chunk.text) for h in hits)),
            similarity=best.similarity,
            scores=[h.score for h in hits],
            best_rank=best.hit,
        )

    def _candidates(self, hits: list[Hit], q_terms: frozenset[int]) -> list[Candidate]:
        out = []
        for rank, hit in enumerate(hits):
            text = hit.chunk.text
            headings = {hit.chunk.title, *hit.chunk.section.split(" > ")}
            for start, end in split_sentences(text):
                sentence = text[start:end]
                if len(sentence.split()) < MIN_WORDS or sentence in headings:
                    continue
                # A sentence is read under its heading ("Lyon office guide > Badges").
                overlap = self.overlap.coverage(q_terms, f"{hit.chunk.section}\n{sentence}")
                if overlap > 0:
                    out.append(Candidate(rank, start, sentence, overlap))
        return out


class SentenceVectors:
    """Embeddings of document sentences, kept in a bounded LRU across requests.

    Different questions about the same documents re-score the same sentences; their
    vectors depend only on the text and the model (one cache per answerer, so per
    model), so only unseen sentences are embedded. ``capacity`` 0 turns it off.
    """

    def __init__(self, embedder: Embedder, capacity: int) -> None:
        self.embedder = embedder
        self.capacity = capacity
        self._lru: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> list[np.ndarray]:
        """One vector per text, embedding only the ones not cached."""
        if self.capacity == 0:
            return list(self.embedder.embed(list(texts)))
        with self._lock:
            known = {t: self._lru[t] for t in texts if t in self._lru}
            for t in known:
                self._lru.move_to_end(t)
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if missing:
            fresh = dict(zip(missing, self.embedder.embed(missing), strict=True))
            known.update(fresh)
            with self._lock:
                self._lru.update(fresh)
                while len(self._lru) > self.capacity:
                    self._lru.popitem(last=False)
        return [known[t] for t in texts]
