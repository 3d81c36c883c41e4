"""The storage-only vector engine: one abstract class every engine subclasses.

Storage knows collections, aliases, points and exact access-filtered nearest-neighbour
queries. It knows nothing of fusion weights or reranking: that is retrieval's job
(``answer.retrieval``). Two engines implement it and pass the same contract tests
(``tests/contracts/test_vector_store.py``):
- ``EdgeStore`` (default, embedded): qdrant-edge, the real Qdrant engine in-process.
- ``QdrantServerStore``: qdrant-client against a Qdrant server (``CAIRN_QDRANT__URL``) —
  or its local mode, which runs the same client calls without a server.
Collections are index versions (``cairn_v{N}``); an alias names the live one.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.schema import Chunk, Hit, SparseVector

__all__ = ["DENSE", "INDEXED_FIELDS", "SPARSE", "StoredPoint", "VectorStore", "version_collection"]

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


class VectorStore(ABC):
    """Everything Cairn asks of a vector engine."""

    engine: str

    @abstractmethod
    def create_collection(self, name: str, dim: int) -> None:
        """Create an empty collection with dense (cosine) + sparse (BM25/IDF) vectors."""

    @abstractmethod
    def drop_collection(self, name: str) -> None:
        """Delete a collection and its data (no error if missing)."""

    @abstractmethod
    def has_collection(self, name: str) -> bool:
        """Whether the collection exists."""

    @abstractmethod
    def set_alias(self, alias: str, name: str) -> None:
        """Point ``alias`` at collection ``name`` (atomically replaces the old target)."""

    @abstractmethod
    def resolve_alias(self, alias: str) -> str | None:
        """The collection an alias points at, or None."""

    @abstractmethod
    def upsert(self, name: str, points: Sequence[StoredPoint]) -> None:
        """Insert or replace points (idempotent by id)."""

    @abstractmethod
    def delete(self, name: str, ids: Iterable[str]) -> None:
        """Delete points by id (missing ids are ignored)."""

    @abstractmethod
    def delete_doc(self, name: str, doc_id: str, keep: Iterable[str] = ()) -> None:
        """Delete every point of ``doc_id`` except the ids in ``keep``."""

    @abstractmethod
    def ids(self, name: str) -> set[str]:
        """All point ids of a collection."""

    @abstractmethod
    def get(self, name: str, ids: Sequence[str]) -> list[Chunk]:
        """The chunks with these ids (missing ids are left out)."""

    def chunks_at(
        self, name: str, positions: Sequence[tuple[str, int]], groups: Sequence[str] | None
    ) -> list[Chunk]:
        """The chunks at these (doc_id, ordinal) positions that ``groups`` may see (None:
        no access filter), in the order asked; positions with no such chunk are left out."""
        if not positions:
            return []
        found = {
            (c.doc_id, c.ordinal): c
            for c in self._positions(
                name, sorted({d for d, _ in positions}), sorted({o for _, o in positions}), groups
            )
        }
        return [found[p] for p in positions if p in found]

    @abstractmethod
    def _positions(
        self,
        name: str,
        doc_ids: Sequence[str],
        ordinals: Sequence[int],
        groups: Sequence[str] | None,
    ) -> list[Chunk]:
        """The chunks of any of ``doc_ids`` at any of ``ordinals`` that ``groups`` may see."""

    @abstractmethod
    def count(self, name: str) -> int:
        """Number of points in a collection."""

    @abstractmethod
    def snapshot(self, name: str, dest: Path) -> None:
        """Write a restorable snapshot of a collection to ``dest``."""

    @abstractmethod
    def restore_snapshot(self, name: str, src: Path) -> None:
        """Recreate a collection from ``snapshot``'s output."""

    @abstractmethod
    def close(self) -> None:
        """Flush and release files/connections."""

    @abstractmethod
    def _query(
        self,
        name: str,
        vector: Sequence[float] | SparseVector,
        groups: Sequence[str] | None,
        limit: int,
        source: str | None,
        payload: bool,
    ) -> list[Any]:
        """The engine's exact, access-filtered search: points with ``id``, ``score`` and
        (when ``payload``) ``payload``."""

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
        """``nearest`` without payloads: (id, raw score) pairs, best first."""
        points = self._query(name, vector, groups, limit, source, payload=False)
        return [(str(p.id), float(p.score)) for p in points]


def version_collection(version: int) -> str:
    """Collection name of index version N."""
    return f"cairn_v{version}"
