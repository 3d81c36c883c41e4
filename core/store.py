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
from typing import Any, Protocol

from core.schema import Hit, SparseVector
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

    def count(self, name: str) -> int:
        """Number of points in a collection."""

    def search(
        self,
        name: str,
        dense: Sequence[float] | None,
        sparse: SparseVector | None,
        groups: Sequence[str] | None,
        limit: int,
        weights: tuple[float, float] = (1.0, 1.0),
        source: str | None = None,
    ) -> list[Hit]:
        """Hybrid search (weighted RRF over dense and sparse), filtered inside the query to
        chunks carrying one of ``groups`` (None: no access filter, for admins only) and,
        if given, to one ``source`` file."""

    def close(self) -> None:
        """Flush and release files/connections."""


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
