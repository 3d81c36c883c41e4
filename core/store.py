"""Vector store protocol, its own point type, and the factory that picks an engine.

Two engines implement the protocol and pass the same contract tests
(``tests/contracts/test_vector_store.py``):
- ``EdgeStore`` (default, embedded): qdrant-edge, the real Qdrant engine in-process.
- ``QdrantServerStore``: qdrant-client against a Qdrant server (``CAIRN_QDRANT__URL``) —
  or its local mode, which runs the same client calls without a server.
Collections are index versions (``cairn_v{N}``); an alias names the live one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from core.schema import Chunk, Hit, SparseVector
from core.settings import Settings

__all__ = ["StoredPoint", "VectorStore", "open_store", "version_collection"]

DENSE = "dense"
SPARSE = "bm25"
INDEXED_FIELDS = ("groups", "doc_id", "source")


@dataclass(frozen=True)
class StoredPoint:
    """What the store keeps per chunk: id, vectors and the JSON payload."""

    id: str
    dense: Sequence[float]
    sparse: SparseVector
    payload: dict[str, Any]


class VectorStore(Protocol):
    """Everything Cairn asks of a vector engine."""

    engine: str

    def create_collection(self, name: str, dim: int) -> None:
        """Create an empty collection with dense (cosine) + sparse (BM25/IDF) vectors."""

    def drop_collection(self, name: str) -> None:
        """Delete a collection and its data (no error if missing)."""

    def has_collection(self, name: str) -> bool:
        """Whether the collection exists."""

    def set_alias(self, alias: str, name: str) -> None:
        """Point ``alias`` at collection ``name`` (atomically replaces the old target)."""

    def resolve_alias(self, alias: str) -> str | None:
        """The collection an alias points at, or None."""

    def upsert(self, name: str, points: Sequence[StoredPoint]) -> None:
        """Insert or replace points (idempotent by id)."""

    def delete(self, name: str, ids: Iterable[str]) -> None:
        """Delete points by id (missing ids are ignored)."""

    def delete_doc(self, name: str, doc_id: str, keep: Iterable[str] = ()) -> None:
        """Delete every point of ``doc_id`` except the ids in ``keep``."""

    def ids(self, name: str) -> set[str]:
        """All point ids of a collection."""

    def get(self, name: str, ids: Sequence[str]) -> list[Chunk]:
        """The chunks with these ids (missing ids are left out)."""

    def count(self, name: str) -> int:
        """Number of points in a collection."""

    def nearest(
        self,
        name: str,
        vector: Sequence[float] | SparseVector,
        groups: Sequence[str] | None,
        limit: int,
        source: str | None = None,
    ) -> list[Hit]:
        """Nearest chunks to one dense or sparse vector (raw scores), filtered inside the
        query to ``groups`` (None: no access filter, admins only) and optional ``source``."""

    def nearest_ids(
        self,
        name: str,
        vector: Sequence[float] | SparseVector,
        groups: Sequence[str] | None,
        limit: int,
        source: str | None = None,
    ) -> list[tuple[str, float]]:
        """``nearest`` without payloads: (id, raw score) pairs, best first."""

    def search(
        self,
        name: str,
        dense: Sequence[float] | None,
        sparse: SparseVector | None,
        groups: Sequence[str] | None,
        limit: int,
        weights: tuple[float, float] = (0.7, 0.3),
        source: str | None = None,
    ) -> list[Hit]:
        """Hybrid search: ``nearest`` for each vector, fused (see ``HybridSearch``)."""

    def snapshot(self, name: str, dest: Path) -> None:
        """Write a restorable snapshot of a collection to ``dest``."""

    def restore_snapshot(self, name: str, src: Path) -> None:
        """Recreate a collection from ``snapshot``'s output."""

    def close(self) -> None:
        """Flush and release files/connections."""


class HybridSearch:
    """Dense + sparse fusion shared by every engine (so ranking is engine-independent).

    Each vector is searched separately, with the access filter inside the query. The two
    result lists are fused by a convex combination of scores: the dense cosine, and the
    BM25 score divided by the query's best BM25 score (so both live in [0, 1]). A chunk
    missing from the dense list gets that list's lowest cosine; from the BM25 list, 0.
    On SQuAD2-dev this beats reciprocal-rank fusion (bench/query.py). Both searches run
    without payloads; only the ``limit`` fused winners are fetched (at 100k chunks, the
    ~80 payloads of two 40-deep lists were a third of the hybrid search's time).
    """

    def _query(
        self,
        name: str,
        vector: Sequence[float] | SparseVector,
        groups: Sequence[str] | None,
        limit: int,
        source: str | None,
        payload: bool,
    ) -> list[Any]:
        """Each engine's exact, access-filtered search: points with ``id``, ``score`` and
        (when ``payload``) ``payload``."""
        raise NotImplementedError

    def get(self, name: str, ids: Sequence[str]) -> list[Chunk]:
        """Implemented by each engine."""
        raise NotImplementedError

    def nearest(
        self,
        name: str,
        vector: Sequence[float] | SparseVector,
        groups: Sequence[str] | None,
        limit: int,
        source: str | None = None,
    ) -> list[Hit]:
        """Exact nearest neighbours of one dense or sparse vector, filter inside the query."""
        return [
            Hit(chunk=Chunk.from_payload(str(p.id), dict(p.payload or {})), score=p.score)
            for p in self._query(name, vector, groups, limit, source, payload=True)
        ]

    def nearest_ids(
        self,
        name: str,
        vector: Sequence[float] | SparseVector,
        groups: Sequence[str] | None,
        limit: int,
        source: str | None = None,
    ) -> list[tuple[str, float]]:
        """``nearest`` without payloads."""
        points = self._query(name, vector, groups, limit, source, payload=False)
        return [(str(p.id), float(p.score)) for p in points]

    def search(
        self,
        name: str,
        dense: Sequence[float] | None,
        sparse: SparseVector | None,
        groups: Sequence[str] | None,
        limit: int,
        weights: tuple[float, float] = (0.7, 0.3),
        source: str | None = None,
    ) -> list[Hit]:
        """Fuse the dense and sparse rankings (either may be None)."""
        depth = max(limit * 4, 40)
        dense_ids = (
            self.nearest_ids(name, dense, groups, depth, source) if dense is not None else []
        )
        sparse_ids = (
            self.nearest_ids(name, sparse, groups, depth, source) if sparse is not None else []
        )
        top = fuse_scores(dense_ids, sparse_ids, weights)[:limit]
        chunks = {c.id: c for c in self.get(name, [cid for cid, _ in top])}
        # A point deleted between the search and the fetch is left out.
        return [Hit(chunk=chunks[cid], score=score) for cid, score in top if cid in chunks]


def fuse_scores(
    dense: list[tuple[str, float]], sparse: list[tuple[str, float]], weights: tuple[float, float]
) -> list[tuple[str, float]]:
    """Convex score fusion of (id, score) lists; ties broken by id (deterministic)."""
    total = (weights[0] + weights[1]) or 1.0
    alpha = weights[0] / total
    floor = min((score for _, score in dense), default=0.0)
    top_sparse = max((score for _, score in sparse), default=0.0) or 1.0
    dense_score = dict(dense)
    sparse_score = {cid: score / top_sparse for cid, score in sparse}
    ids = {*dense_score, *sparse_score}
    scores = {
        cid: alpha * dense_score.get(cid, floor) + (1 - alpha) * sparse_score.get(cid, 0.0)
        for cid in ids
    }
    if not dense:
        scores = {cid: sparse_score[cid] for cid in ids}
    elif not sparse:
        scores = {cid: dense_score[cid] for cid in ids}
    order = sorted(scores, key=lambda cid: (-scores[cid], cid))
    return [(cid, round(scores[cid], 6)) for cid in order]


def fuse(dense: list[Hit], sparse: list[Hit], weights: tuple[float, float]) -> list[Hit]:
    """``fuse_scores`` over hits that carry their chunks (benchmarks, tests)."""
    chunks = {h.chunk.id: h.chunk for h in [*dense, *sparse]}
    fused = fuse_scores(
        [(h.chunk.id, h.score) for h in dense], [(h.chunk.id, h.score) for h in sparse], weights
    )
    return [Hit(chunk=chunks[cid], score=score) for cid, score in fused]


def version_collection(version: int) -> str:
    """Collection name of index version N."""
    return f"cairn_v{version}"


def open_store(settings: Settings) -> VectorStore:
    """The configured engine: Qdrant server if ``qdrant.url`` is set, else embedded."""
    if settings.qdrant.url:
        from core.store_qdrant import QdrantServerStore

        return QdrantServerStore.connect(settings.qdrant)
    from core.store_edge import EdgeStore

    return EdgeStore(settings.vectors_path)
