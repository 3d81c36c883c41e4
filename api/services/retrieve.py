"""Hybrid retrieval: dense + BM25 (ACL filter inside each query), score fusion, rerank.

Rerank: no trained cross-encoder ships in a PyPI wheel, and fetching one from a model
hub is exactly what Cairn must not do. The fallback is a lexical sentence reranker: the
top ``rerank_depth`` fused chunks get ``rerank_weight`` x (share of the question's terms
in their best single sentence). Weights were tuned on a SQuAD2-dev sample disjoint from
the one bench/query.py reports on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from api.services.overlap import Overlap
from core.access import Principal
from core.embedding import Embedder
from core.schema import Hit
from core.settings import AnswerSettings
from core.sparse import Bm25Encoder
from core.store import VectorStore


@dataclass
class Retrieval:
    """Hits plus the query vector (reused by the answerer)."""

    hits: list[Hit]
    query_vector: np.ndarray


class Retriever:
    """Embeds the query once and runs the hybrid, access-filtered search."""

    def __init__(
        self,
        store: VectorStore,
        embedder: Embedder,
        sparse: Bm25Encoder,
        cfg: AnswerSettings,
        overlap: Overlap | None = None,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.sparse = sparse
        self.cfg = cfg
        self.overlap = overlap or Overlap(sparse)

    def search(
        self,
        query: str,
        principal: Principal,
        collection: str,
        limit: int,
        source: str | None = None,
        vector: np.ndarray | None = None,
    ) -> Retrieval:
        """Top ``limit`` chunks the principal may see (``source`` restricts to one file)."""
        if vector is None:
            vector = self.embedder.embed([query])[0]
        groups = None if principal.is_admin else principal.groups
        hits = self.store.search(
            collection,
            vector.tolist(),
            self.sparse.encode_query(query),
            groups,
            limit,
            weights=(self.cfg.dense_weight, self.cfg.sparse_weight),
            source=source,
        )
        return Retrieval(hits=self.rerank(query, hits), query_vector=vector)

    def rerank(self, query: str, hits: list[Hit]) -> list[Hit]:
        """Lexical sentence rerank of the head of the list (deterministic)."""
        depth, weight = self.cfg.rerank_depth, self.cfg.rerank_weight
        if weight == 0 or len(hits) < 2:
            return hits
        q_terms = self.overlap.question_terms(query)
        head = [
            Hit(
                chunk=h.chunk,
                score=round(
                    h.score + weight * self.overlap.best_sentence(q_terms, h.chunk.text), 6
                ),
            )
            for h in hits[:depth]
        ]
        head.sort(key=lambda h: (-h.score, h.chunk.id))
        return head + hits[depth:]
