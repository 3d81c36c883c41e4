"""The connector protocol: list a source's items, fetch one item's bytes.

A connector knows nothing of parsing, embedding or the manifest. ``list_items`` is the
only call allowed to fail the whole sync (it raises ``SourceUnavailable``, and then
nothing is deleted); an item that cannot be read is listed with an ``error`` or fails in
``fetch`` with an ``IngestError``, and the run goes on.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from core.errors import IngestError

MEDIA_SUFFIX = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "text/markdown": ".md",
    "text/x-markdown": ".md",
    "text/plain": ".txt",
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
}


@dataclass(frozen=True)
class Item:
    """One document at a source, as listed (nothing fetched yet, unless cheap)."""

    id: str  # stable within the source: a relative path, an object key, a URL
    path: str  # what citations show: relative path, s3://bucket/key, page URL
    version: str  # ETag, content hash, commit id or mtime: changes when the item does
    title: str | None = None
    groups: list[str] | None = None  # None: the source's default groups
    modified: datetime | None = None
    link: str | None = None  # deep link to the item at its source
    size: int | None = None
    error: str | None = None  # listed but not ingestible (too large, symlink, HTTP 404)


@dataclass(frozen=True)
class Fetched:
    """An item's bytes and media type."""

    data: bytes
    media_type: str
    extra: dict[str, str] = field(default_factory=dict)


class Connector(Protocol):
    """A live source."""

    def list_items(self, known: Mapping[str, str]) -> Sequence[Item]:
        """Every item now at the source. ``known`` maps item id → the version token
        stored by the last sync (for conditional requests). Raises SourceUnavailable."""
        ...

    def fetch(self, item: Item) -> Fetched:
        """The item's bytes; raises IngestError with the reason when it cannot."""
        ...


def suffix_for(item: Item, media_type: str) -> str:
    """The parser to use: by media type, else by the item's file extension."""
    base = media_type.split(";")[0].strip().lower()
    if base in MEDIA_SUFFIX:
        return MEDIA_SUFFIX[base]
    tail = item.id.rsplit("/", 1)[-1]
    ext = "." + tail.rsplit(".", 1)[-1].lower() if "." in tail else ""
    if ext in (".md", ".markdown", ".txt", ".text", ".html", ".htm", ".pdf", ".docx"):
        return ext
    raise IngestError(f"not a text document (media type {base or 'unknown'})")


def selected(item_id: str, include: Sequence[str], exclude: Sequence[str]) -> bool:
    """Whether ``include``/``exclude`` globs keep an item (matched on its id)."""
    if include and not any(fnmatch.fnmatch(item_id, g) for g in include):
        return False
    return not any(fnmatch.fnmatch(item_id, g) for g in exclude)


def check_size(size: int | None, limit_mb: float) -> str | None:
    """A 'too large' reason when ``size`` exceeds the limit."""
    if size is not None and size > limit_mb * 1024 * 1024:
        return f"too large: {size / 2**20:.1f} MB > {limit_mb:g} MB limit"
    return None
