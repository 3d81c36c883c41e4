"""Vector engines behind one storage-only class, and the factory that picks one.

``open_store(settings)``: a Qdrant server when ``qdrant.url`` is set, else the embedded
engine (qdrant-edge, in-process, persisted under ``<home>/vectors``).
"""

from __future__ import annotations

from core.settings import Settings
from core.store.base import StoredPoint, VectorStore, version_collection
from core.store.edge import EdgeStore
from core.store.qdrant import QdrantServerStore

__all__ = [
    "EdgeStore",
    "QdrantServerStore",
    "StoredPoint",
    "VectorStore",
    "open_store",
    "version_collection",
]


def open_store(settings: Settings) -> VectorStore:
    """The configured engine: Qdrant server if ``qdrant.url`` is set, else embedded."""
    if settings.qdrant.url:
        return QdrantServerStore.connect(settings.qdrant)
    return EdgeStore(settings.vectors_path)
