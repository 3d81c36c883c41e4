"""The parsed documents of the live index a caller may see: what a citation points into.

One place decides visibility for every way out (``GET /sources``, MCP ``get_source`` and
resources): a document outside the caller's groups is reported as not found, so its
existence does not leak.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from core.access import Principal
from core.errors import BadRequest, NotFound
from core.records import IndexVersion, ManifestRow, Records

__all__ = ["DocumentInfo", "Documents", "Passage"]


@dataclass(frozen=True)
class DocumentInfo:
    """A visible document without its text (for listings)."""

    doc_id: str
    source: str
    title: str
    groups: list[str]


@dataclass(frozen=True)
class Passage:
    """A visible document's text, and the span asked for (None: the whole text)."""

    info: DocumentInfo
    text: str
    span: tuple[int, int] | None = None

    @property
    def passage(self) -> str | None:
        """The text of ``span``."""
        return None if self.span is None else self.text[self.span[0] : self.span[1]]


def _info(row: ManifestRow) -> DocumentInfo:
    return DocumentInfo(row.doc_id, row.path, row.title, list(row.groups))


class Documents:
    """Documents of the live (or pinned) index version, filtered by the caller's groups."""

    def __init__(self, records: Records, live: Callable[[], IndexVersion]) -> None:
        self.records = records
        self.live = live

    def visible(self, principal: Principal) -> list[DocumentInfo]:
        """Every parsed document the principal may see, by source path."""
        rows = self.records.manifest(self.live().version, with_text=False)
        return [
            _info(row)
            for path, row in sorted(rows.items())
            if row.status == "ok" and principal.can_see(list(row.groups))
        ]

    def get(
        self, doc_id: str, principal: Principal, start: int | None = None, end: int | None = None
    ) -> Passage:
        """The document (NotFound when missing or not visible); ``start``/``end`` pick a
        span (BadRequest when it is outside the text)."""
        row = self.records.document(self.live().version, doc_id)
        if row is None or row.status != "ok" or not principal.can_see(list(row.groups)):
            raise NotFound(f"no document {doc_id}")
        text = row.text
        if start is None and end is None:
            return Passage(_info(row), text)
        a, b = start or 0, end if end is not None else len(text)
        if a < 0 or a >= b or b > len(text):
            raise BadRequest(f"span {a}-{b} is outside the document (length {len(text)})")
        return Passage(_info(row), text, (a, b))
