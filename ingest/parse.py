"""Parse a source file into Cairn blocks, offline: one reader per file type.

``READERS`` maps a file extension to its reader; a type not in it is skipped as
unsupported. Markdown, text and HTML are decoded by us (so Latin-1 and binary files are
handled explicitly) and handed to unstructured's partitioners; DOCX goes through
unstructured too. PDFs (``ingest.pdf``), images (``ingest.ocr``), slides and spreadsheets
(``ingest.office``), e-mail (``ingest.mail``) and legacy Office files (``ingest.legacy``)
have their own modules.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from core.schema import Block, ParsedDocument
from core.settings import IngestSettings
from ingest.blocks import elements_to_blocks, rejoin_lines, text_blocks
from ingest.guards import check_office_zip
from ingest.legacy import converted
from ingest.mail import read_eml
from ingest.ocr import IMAGE_SUFFIXES, read_image
from ingest.office import read_csv, read_pptx, read_xlsx
from ingest.offline import configure_unstructured
from ingest.parsed import Parsed, Reader
from ingest.pdf import read_pdf
from ingest.sources import SourceFile, decode, split_front_matter
from ingest.structure import (
    alert_labels,
    blocks_apart,
    literal_hashes,
    mark_field_runs,
    nest_lists,
)

__all__ = ["READERS", "Parsed", "parse", "rejoin_lines", "to_document"]


def parse(src: SourceFile, data: bytes, cfg: IngestSettings | None = None) -> Parsed:
    """Blocks, metadata, warnings (and attachments, OCR'd pages) of one file's bytes.

    ``cfg.languages`` (ISO 639-3, or ``["auto"]``) feeds unstructured's text heuristics;
    naming it skips per-document language detection."""
    configure_unstructured()
    return READERS[src.suffix](src, data, cfg or IngestSettings())


def _read_markdown(src: SourceFile, data: bytes, cfg: IngestSettings) -> Parsed:
    from unstructured.partition.md import partition_md

    text, warnings = decode(data, src.rel)
    meta, text = split_front_matter(text, src.rel)
    text = literal_hashes(nest_lists(blocks_apart(mark_field_runs(alert_labels(text)))))
    elements = partition_md(text=text, languages=cfg.languages) if text.strip() else []
    return Parsed(elements_to_blocks(elements), meta, warnings)


def _read_html(src: SourceFile, data: bytes, cfg: IngestSettings) -> Parsed:
    from unstructured.partition.html import partition_html

    text, warnings = decode(data, src.rel)
    elements = partition_html(text=text, languages=cfg.languages) if text.strip() else []
    return Parsed(elements_to_blocks(elements), {}, warnings)


def _read_text(src: SourceFile, data: bytes, cfg: IngestSettings) -> Parsed:
    text, warnings = decode(data, src.rel)
    return Parsed(text_blocks(text, cfg.languages), {}, warnings)


def _read_docx(src: SourceFile, data: bytes, cfg: IngestSettings) -> Parsed:
    check_office_zip(data, cfg)
    from unstructured.partition.docx import partition_docx

    return Parsed(
        elements_to_blocks(partition_docx(file=io.BytesIO(data), languages=cfg.languages))
    )


READERS: dict[str, Reader] = {
    ".md": _read_markdown,
    ".markdown": _read_markdown,
    ".txt": _read_text,
    ".text": _read_text,
    ".html": _read_html,
    ".htm": _read_html,
    ".pdf": read_pdf,
    ".docx": _read_docx,
    ".pptx": read_pptx,
    ".xlsx": read_xlsx,
    ".csv": read_csv,
    ".eml": read_eml,
    ".doc": converted(_read_docx),
    ".ppt": converted(read_pptx),
    ".xls": converted(read_xlsx),
    **dict.fromkeys(IMAGE_SUFFIXES, read_image),
}


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
