"""Slides and spreadsheets: .pptx (python-pptx), .xlsx (openpyxl, streamed) and .csv.

- A slide is a page: its title is a heading (the section of its chunks), then its text,
  its tables (row by row, cells labelled by their header) and its speaker notes.
- A sheet is a section, its number the page. Each row becomes "Header: cell; Header:
  cell", so a row read alone still says what its numbers mean. A sheet longer than
  ``max_sheet_rows`` is truncated: a summary block says how long it was, which columns it
  has, and the report flags it. Rows past the limit are never read.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from core.errors import IngestError
from core.schema import Block
from core.settings import IngestSettings
from ingest.guards import check_office_zip
from ingest.parsed import Parsed
from ingest.sources import SourceFile, decode
from ingest.structure import BULLET, labelled_row

GENERIC_TITLES = {"", "PowerPoint Presentation"}  # python-pptx's default core title


def read_pptx(src: SourceFile, data: bytes, cfg: IngestSettings) -> Parsed:
    """Every slide: title (heading), text, tables and notes, with the slide number as page."""
    check_office_zip(data, cfg)
    from pptx import Presentation

    try:
        deck = Presentation(io.BytesIO(data))
    except Exception as exc:
        raise IngestError(f"unreadable presentation: {type(exc).__name__}: {exc}") from exc
    blocks: list[Block] = []
    first_title = ""
    for number, slide in enumerate(deck.slides, start=1):
        title_shape = slide.shapes.title
        title = _clean(title_shape.text_frame.text) if title_shape is not None else ""
        first_title = first_title or title
        blocks.append(
            Block(text=title or f"Slide {number}", kind="heading", heading_level=0, page=number)
        )
        for shape in _shapes(slide.shapes):
            if title_shape is not None and shape.shape_id == title_shape.shape_id:
                continue
            blocks += _shape_blocks(shape, number)
        if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
            notes = _clean(slide.notes_slide.notes_text_frame.text)
            if notes:
                blocks.append(Block(text=f"Speaker notes: {notes}", page=number))
    core_title = _clean(deck.core_properties.title or "")
    title = core_title if core_title not in GENERIC_TITLES else first_title
    return Parsed(blocks=blocks, meta={"pages": len(deck.slides), "title": title or None})


def _shapes(shapes: Iterable[Any]) -> Iterator[Any]:
    """Shapes in slide order, group shapes opened."""
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    for shape in shapes:
        if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
            yield from _shapes(shape.shapes)
        else:
            yield shape


def _shape_blocks(shape: Any, page: int) -> list[Block]:
    if getattr(shape, "has_table", False) and shape.has_table:
        rows = [[_clean(cell.text) for cell in row.cells] for row in shape.table.rows]
        return _rows_to_blocks(rows, page)
    if not getattr(shape, "has_text_frame", False) or not shape.has_text_frame:
        return []
    paragraphs = [_clean(p.text) for p in shape.text_frame.paragraphs]
    paragraphs = [p for p in paragraphs if p]
    if len(paragraphs) > 1:  # a body of several paragraphs on a slide is a bullet list
        return [Block(text=BULLET + p, kind="listitem", page=page) for p in paragraphs]
    return [Block(text=p, page=page) for p in paragraphs]


def _rows_to_blocks(rows: list[list[str]], page: int | None) -> list[Block]:
    rows = [r for r in rows if any(r)]
    if not rows:
        return []
    header, body = (rows[0], rows[1:]) if len(rows) > 1 else ([], rows)
    lines = (labelled_row(header, _align(row, len(header))) for row in body)
    return [Block(text=line, kind="tablerow", page=page) for line in lines if line]


def read_xlsx(src: SourceFile, data: bytes, cfg: IngestSettings) -> Parsed:
    """Every sheet a section (sheet number = page), rows labelled by the header row."""
    check_office_zip(data, cfg)
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise IngestError(f"unreadable spreadsheet: {type(exc).__name__}: {exc}") from exc
    parsed = Parsed(blocks=[], meta={"pages": len(book.worksheets)})
    try:
        for number, sheet in enumerate(book.worksheets, start=1):
            rows = (_cells(row) for row in sheet.iter_rows(values_only=True))
            parsed.blocks.append(
                Block(text=sheet.title, kind="heading", heading_level=0, page=number)
            )
            known = sheet.max_row - 1 if sheet.max_row else None  # from the sheet's header
            _sheet(parsed, f"sheet {sheet.title!r}", rows, known, number, cfg)
    finally:
        book.close()
    parsed.meta["title"] = _clean(book.properties.title or "") or Path(src.rel).stem
    return parsed


def read_csv(src: SourceFile, data: bytes, cfg: IngestSettings) -> Parsed:
    """A CSV file is one sheet: rows labelled by the header row."""
    text, warnings = decode(data, src.rel)
    sample = text[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    parsed = Parsed(blocks=[], warnings=warnings, meta={"title": Path(src.rel).stem})
    rows = ([_clean(c) for c in row] for row in csv.reader(io.StringIO(text), dialect))
    try:
        lines = text.count("\n") + (not text.endswith("\n"))
        _sheet(parsed, "file", rows, lines - 1, None, cfg)
    except csv.Error as exc:
        raise IngestError(f"unreadable CSV: {exc}") from exc
    return parsed


def _sheet(
    parsed: Parsed,
    what: str,
    rows: Iterator[list[str]],
    known_rows: int | None,
    page: int | None,
    cfg: IngestSettings,
) -> None:
    """Append a sheet's rows (up to the limit), and a summary when it is truncated."""
    header: list[str] = []
    body: list[Block] = []
    for row in rows:
        if not any(row):
            continue
        if not header:
            header = row
            continue
        if len(body) >= cfg.max_sheet_rows:
            _truncated(parsed, what, header, known_rows, page, cfg)
            break
        line = labelled_row(header, _align(row, len(header)))
        if line:
            body.append(Block(text=line, kind="tablerow", page=page))
    if header and not body:  # a one-row sheet: the row is data, not a header
        body = [Block(text=labelled_row([], header), kind="tablerow", page=page)]
    parsed.blocks += body


def _truncated(
    parsed: Parsed,
    what: str,
    header: list[str],
    known_rows: int | None,
    page: int | None,
    cfg: IngestSettings,
) -> None:
    exact = known_rows is not None and known_rows > cfg.max_sheet_rows  # the sheet's own count
    size = f"{known_rows:,} rows" if exact else f"more than {cfg.max_sheet_rows:,} rows"
    columns = ", ".join(h for h in header if h)[:500]
    parsed.blocks.append(
        Block(
            text=f"This {what.split()[0]} has {size} in columns {columns}; only the first "
            f"{cfg.max_sheet_rows:,} rows are indexed.",
            page=page,
        )
    )
    parsed.warnings.append(
        f"{what}: {size}, truncated to the first {cfg.max_sheet_rows:,} "
        "(CAIRN_INGEST__MAX_SHEET_ROWS)"
    )


def _align(row: list[str], width: int) -> list[str]:
    """Pad a row to the header's width, dropping empty cells past it (a row still wider
    than its header is kept whole, its cells unlabelled)."""
    while len(row) > width and not row[-1]:
        row = row[:-1]
    return row + [""] * (width - len(row)) if len(row) < width else row


def _cells(values: tuple[Any, ...]) -> list[str]:
    return [_cell(v) for v in values]


def _cell(value: Any) -> str:
    """A cell as text: integers without ".0", dates without a midnight time."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.10g}"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return _clean(str(value))


def _clean(text: str) -> str:
    return " ".join(text.split())
