"""BM25 sparse encoder: offline, deterministic (hashed vocabulary, no fitted state).

It wraps qdrant-edge's Bm25 model (the same tokenizer/stemmer Qdrant uses server-side).
Term weights are the BM25 term-frequency part; the IDF part is applied by the engine
(sparse vectors are created with the IDF modifier), so documents can be encoded one by
one and the index stays correct as the corpus grows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from qdrant_edge import Bm25, Bm25Config

from core.schema import SparseVector

__all__ = ["Bm25Encoder"]


class Bm25Encoder:
    """Encode documents and queries into BM25 sparse vectors."""

    model_id = "qdrant-edge-bm25-english"

    def __init__(self, avg_len: float = 160.0) -> None:
        self._bm25 = Bm25(Bm25Config(language="english", avg_len=avg_len))

    def encode_documents(self, texts: Sequence[str]) -> list[SparseVector]:
        """Sparse vectors of passages, in input order."""
        return [self._convert(self._bm25.embed_document(t)) for t in texts]

    def encode_query(self, text: str) -> SparseVector:
        """Sparse vector of a query (each term weighted 1; IDF comes from the engine)."""
        return self._convert(self._bm25.embed_query(text))

    def terms(self, text: str) -> set[int]:
        """The stemmed, stop-word-free terms of a text (hashed), for lexical overlap."""
        return set(self._bm25.embed_query(text).indices)

    @staticmethod
    def _convert(vec: Any) -> SparseVector:
        return SparseVector(indices=list(vec.indices), values=list(vec.values))
