"""Parse a source file into Cairn blocks with `unstructured` (offline).

Markdown, text and HTML are decoded by us (so Latin-1 and binary files are handled
explicitly) and handed to unstructured's partitioners. PDFs: pypdf extracts page text
(unstructured's PDF path needs a hub-hosted layout model), line-break hyphens are
rejoined, then each page is partitioned as text so every block keeps its page number.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from core.errors import IngestError
from core.schema import Block, ParsedDocument
from ingest.offline import configure_unstructured
from ingest.sources import SourceFile, decode, split_front_matter
from ingest.structure import BULLET, mark_field_runs, table_rows

LIST_MARK = re.compile(r"^(?:[•◦▪▸●○■\-*\u2013]|\d{1,2}[.)])\s")
HYPHEN_BREAK = re.compile(r"(\w)- (?=\w)")
SKIP_CATEGORIES = {"PageBreak", "Header", "Footer", "PageNumber", "Image"}


def parse(
    src: SourceFile, data: bytes, languages: list[str] | None = None
) -> tuple[list[Block], dict[str, Any], list[str]]:
    """Blocks, front-matter metadata and warnings for one file's bytes.

    ``languages`` (ISO 639-3, or ``["auto"]``) feeds unstructured's text heuristics;
    naming it skips per-document language detection."""
    langs = languages or ["eng"]
    configure_unstructured()
    kind = src.suffix
    if kind == ".pdf":
        return _parse_pdf(src.path, langs)
    if kind == ".docx":
        from unstructured.partition.docx import partition_docx

        return _blocks(partition_docx(filename=str(src.path), languages=langs)), {}, []
    text, warnings = decode(data, src.rel)
    meta: dict[str, Any] = {}
    if kind in (".md", ".markdown"):
        from unstructured.partition.md import partition_md

        meta, text = split_front_matter(text, src.rel)
        text = mark_field_runs(text)
        elements = partition_md(text=text, languages=langs) if text.strip() else []
    elif kind in (".html", ".htm"):
        from unstructured.partition.html import partition_html

        elements = partition_html(text=text, languages=langs) if text.strip() else []
    else:
        from unstructured.partition.text import partition_text

        elements = partition_text(text=text, languages=langs) if text.strip() else []
    return _blocks(elements), meta, warnings


def _blocks(elements: list[Any], page: int | None = None) -> list[Block]:
    out = []
    for el in elements:
        category = type(el).__name__
        text = (el.text or "").strip()
        if not text or category in SKIP_CATEGORIES:
            continue
        where = page if page is not None else getattr(el.metadata, "page_number", None)
        if category == "Table":
            out += _table_blocks(el, text, where)
            continue
        depth = getattr(el.metadata, "category_depth", None)
        is_title = category == "Title"
        if category == "ListItem":
            text = BULLET + text
        out.append(
            Block(
                text=text,
                kind="heading" if is_title else category.lower(),
                heading_level=(depth or 0) if is_title else None,
                page=where,
            )
        )
    return out


def _table_blocks(el: Any, text: str, page: int | None) -> list[Block]:
    """One block per row, each cell labelled with its column header (the flat text when
    the table's structure is unknown)."""
    structured = getattr(el.metadata, "text_as_html", None)
    rows = table_rows(structured) if structured else []
    return [Block(text=row, kind="tablerow", page=page) for row in rows] or [
        Block(text=text, kind="table", page=page)
    ]


def _parse_pdf(path: Path, langs: list[str]) -> tuple[list[Block], dict[str, Any], list[str]]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError
    from unstructured.partition.text import partition_text

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise IngestError("encrypted PDF (needs a password)")
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise IngestError(f"unreadable PDF: {exc}") from exc
    blocks: list[Block] = []
    warnings: list[str] = []
    for number, raw in enumerate(pages, start=1):
        text = rejoin_lines(HYPHEN_BREAK.sub(r"\1-", raw))
        if len(text.strip()) < 40 and _has_images(reader.pages[number - 1]):
            warnings.append(f"page {number}: image with little or no text (not read)")
        if text.strip():
            found = _blocks(partition_text(text=text, languages=langs), page=number)
            for block in found:  # PDFs carry no heading depth: a leading heading is the title
                if block.kind == "heading":
                    block.heading_level = 0 if not blocks else 1
                blocks.append(block)
    meta = {"pages": len(pages)}
    return blocks, meta, warnings


def _has_images(page: Any) -> bool:
    try:
        return bool(page.images)
    except Exception:  # noqa: BLE001 - a broken image table is just "unknown"
        return False


def rejoin_lines(text: str) -> str:
    """Undo PDF line wrapping: a line continues the previous one when that one was
    wrapped (long, no closing punctuation) or when it starts in lower case; otherwise a
    new paragraph starts (blank line), which lets headings stand alone. A line that opens
    with a list mark (•, -, 1.) always starts a new paragraph: each item stays one."""
    lines = [ln.strip() for ln in text.splitlines()]
    width = max((len(ln) for ln in lines), default=0)
    out: list[str] = []
    for line in lines:
        if not line:
            continue
        prev = out[-1] if out else ""
        wrapped = len(prev) >= 0.7 * width and not prev.endswith((".", ":", "!", "?"))
        if out and not LIST_MARK.match(line) and (wrapped or line[0].islower()):
            out[-1] = f"{prev} {line}"
        else:
            out.append(line)
    return "\n\n".join(out)


def to_document(
    src: SourceFile,
    blocks: list[Block],
    meta: dict[str, Any],
    warnings: list[str],
    groups: list[str],
    defaulted: bool,
) -> ParsedDocument:
    """Assemble the parsed document; title from front matter, first heading, or file name."""
    heading = next((b.text for b in blocks if b.kind == "heading"), None)
    title = str(meta.get("title") or heading or Path(src.rel).stem.replace("-", " ").title())
    return ParsedDocument(
        source=src.rel,
        title=title,
        blocks=blocks,
        groups=groups,
        access_defaulted=defaulted,
        pages=meta.get("pages"),
        warnings=warnings,
    )
