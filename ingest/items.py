"""Fetch, parse and chunk one live-source item: the work a sync does per changed item,
in-process or on a ``cairn worker`` (``ingest.queue``).

It reads nothing of the manifest and writes nothing: the caller decides which items need
it and stores the result.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from core.errors import CairnError, IngestError
from core.records import ManifestRow, utcnow
from core.schema import DEFAULT_GROUP, Chunk, doc_id_for
from core.settings import Settings
from ingest.chunk import chunk_document
from ingest.connectors import Connector, Item, suffix_for
from ingest.parse import parse, to_document
from ingest.sources import SourceFile


def parse_item(
    settings: Settings,
    connector: Connector,
    item: Item,
    key: str,
    fingerprint: str,
    groups: list[str] | None,
) -> tuple[ManifestRow, list[Chunk], list[str]]:
    """The item's manifest row, chunks and parser warnings; raises on any failure."""
    fetched = connector.fetch(item)
    data = fetched.data
    limit = settings.ingest.max_file_mb
    if len(data) > limit * 1024 * 1024:
        raise IngestError(f"too large: {len(data) / 2**20:.1f} MB > {limit:g} MB limit")
    suffix = suffix_for(item, fetched.media_type)
    with tempfile.TemporaryDirectory(prefix="cairn-item-") as tmp:
        path = Path(tmp) / f"item{suffix}"
        if suffix in (".pdf", ".docx"):
            path.write_bytes(data)
        src = SourceFile(path, item.path, len(data), 0.0)
        parsed = parse(src, data, settings.ingest)
    blocks, meta, warnings = parsed.blocks, parsed.meta, parsed.warnings
    if item.title and not meta.get("title"):
        meta["title"] = item.title
    doc_groups = meta.get("groups") or groups
    doc = to_document(
        src, blocks, meta, warnings, doc_groups or [DEFAULT_GROUP], doc_groups is None
    ).model_copy(update={"key": key, "link": item.link})
    doc_hash = hashlib.sha256(data).hexdigest()
    modified = item.modified or utcnow()
    text, chunks = chunk_document(doc, doc_hash, modified, utcnow(), settings.chunking)
    row = ManifestRow(
        path=key,
        doc_id=doc_id_for(key),
        doc_hash=doc_hash,
        fingerprint=fingerprint,
        status="ok" if chunks else "empty",
        error=None if chunks else "no text found",
        title=doc.title,
        groups=doc.groups,
        access_defaulted=doc.access_defaulted,
        chunk_ids=[c.id for c in chunks],
        size_bytes=len(data),
        text=text,
    )
    return row, chunks, doc.warnings


def failure_reason(exc: BaseException) -> str:
    """What a report shows for an item that raised."""
    return str(exc) if isinstance(exc, CairnError) else f"{type(exc).__name__}: {exc}"


def failed_row(item: Item, key: str, reason: str) -> ManifestRow:
    """The manifest row of an item that could not be ingested."""
    return ManifestRow(
        path=key,
        doc_id=doc_id_for(key),
        doc_hash="",
        fingerprint="",
        status="failed",
        error=reason,
        groups=[],
        chunk_ids=[],
        size_bytes=item.size or 0,
    )
