"""Hybrid retrieval: dense + BM25 in one Qdrant query, fused by weighted RRF, ACL inside.

Cross-encoder reranking: no trained cross-encoder ships in a PyPI wheel, and fetching one
from a model hub is exactly what Cairn must not do, so the fused ranking is final; the
weights are tuned on SQuAD2-dev (bench/query.py). A reranker can be added behind
``Retriever.search`` without touching callers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

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
        self, store: VectorStore, embedder: Embedder, sparse: Bm25Encoder, cfg: AnswerSettings
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.sparse = sparse
        self.cfg = cfg

    def search(
        self,
        query: str,
        principal: Principal,
        collection: str,
        limit: int,
        source: str | None = None,
    ) -> Retrieval:
        """Top ``limit`` chunks the principal may see (``source`` restricts to one file)."""
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
        return Retrieval(hits=hits, query_vector=vector)
