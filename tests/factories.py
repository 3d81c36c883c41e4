"""Test data factories: one place that knows how to build a valid ``Chunk``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from core.schema import Chunk, chunk_id_for, content_hash, doc_id_for

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def make_chunk(
    text: str,
    source: str = "s.md",
    *,
    id: str | None = None,
    groups: Sequence[str] = ("everyone",),
    section: str = "",
    title: str | None = None,
    ordinal: int = 0,
    page: int | None = None,
) -> Chunk:
    """A chunk of ``text`` from ``source``; the ids follow the real id contract unless given."""
    doc_id = doc_id_for(source)
    digest = content_hash(text)
    return Chunk(
        id=id or chunk_id_for(doc_id, ordinal, digest),
        doc_id=doc_id,
        ordinal=ordinal,
        source=source,
        title=source if title is None else title,
        section=section,
        text=text,
        span=(0, len(text)),
        page=page,
        content_hash=digest,
        doc_hash="h",
        groups=list(groups),
        modified_at=NOW,
        ingested_at=NOW,
    )
