"""Question-term overlap with single sentences — the lexical signal shared by the
retriever's reranker and the extractive answerer.

SQuAD-style questions are answered by one sentence that repeats most of the question's
content words; a chunk whose best sentence covers more of them is likelier to answer.
Terms are BM25's stemmed, stop-word-free tokens; asking verbs ("how do I *get*") are
ignored because they carry the asking, not the topic.
"""

from __future__ import annotations

import re
from functools import lru_cache

from core.sparse import Bm25Encoder
from core.text import split_sentences

FILLER = re.compile(
    r"\b(get|gets|got|need|needs|want|wants|know|tell|find|give|let|please)\b", re.I
)


class Overlap:
    """Computes question terms and sentence coverage, memoising sentence terms."""

    def __init__(self, sparse: Bm25Encoder) -> None:
        self.sparse = sparse
        self.terms = lru_cache(maxsize=50_000)(sparse.terms)

    def question_terms(self, question: str) -> frozenset[int]:
        """Content terms of a question."""
        return frozenset(self.sparse.terms(FILLER.sub(" ", question)))

    def coverage(self, q_terms: frozenset[int], sentence: str) -> float:
        """Share of the question's terms found in one sentence."""
        if not q_terms:
            return 0.0
        return len(q_terms & self.terms(sentence)) / len(q_terms)

    def best_sentence(self, q_terms: frozenset[int], text: str) -> float:
        """Coverage of the best sentence of a passage."""
        return max(
            (self.coverage(q_terms, text[a:b]) for a, b in split_sentences(text)), default=0.0
        )
