"""Keep a document's structure in its text, so answers can quote whole units.

- A table becomes one block per row, each cell with its column header ("Plan: Standard;
  Deductible: $2,000"), so a row read alone still says what its numbers mean.
- A list item starts with a bullet ("• "), so the answerer can quote a list's lead-in
  with its items.
- Runs of "Field: value" lines in Markdown (a form-like page: "Office: Berlin",
  "Reports to: Head of Finance") are read as list items, one field per line, instead of
  being run together into one paragraph.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from core.text import BULLET

__all__ = ["BULLET", "labelled_row", "mark_field_runs", "table_rows"]

FIELD_LINE = re.compile(r"^[ \t]*(?![-*+>#|]|\d+\.)[A-Za-z][\w /&()'.-]{0,40}:[ \t]+\S")
MAX_ROW_CHARS = 1500


class _Cells(HTMLParser):
    """Rows of cell texts from an HTML table (header rows first, as written)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.header_rows = 0
        self._cell: list[str] | None = None
        self._in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
            if tag == "th" and len(self.rows) == self.header_rows + 1:
                self._in_head = True

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self.rows:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._in_head:
            self.header_rows += 1
            self._in_head = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def table_rows(html_table: str) -> list[str]:
    """One text line per body row, each cell labelled by its column header."""
    parser = _Cells()
    parser.feed(html_table)
    rows = [r for r in parser.rows if any(r)]
    if not rows:
        return []
    header, body = (rows[0], rows[1:]) if len(rows) > 1 else ([], rows)
    return [line for line in (labelled_row(header, row) for row in body) if line]


def labelled_row(header: list[str], row: list[str]) -> str:
    """ "Header: cell; Header: cell" — every non-empty cell with its column header (bare
    cells when the row does not line up with the header), capped at MAX_ROW_CHARS."""
    if header and len(header) == len(row):
        cells = [f"{h}: {c}" if h else c for h, c in zip(header, row, strict=True) if c]
    else:
        cells = [c for c in row if c]
    return "; ".join(cells)[:MAX_ROW_CHARS]


def mark_field_runs(markdown: str) -> str:
    """Turn runs of two or more "Field: value" lines into Markdown list items."""
    lines = markdown.split("\n")
    fenced, is_field = False, []
    for line in lines:
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        is_field.append(not fenced and bool(FIELD_LINE.match(line)))
    out = []
    for i, line in enumerate(lines):
        in_run = is_field[i] and (
            (i > 0 and is_field[i - 1]) or (i + 1 < len(lines) and is_field[i + 1])
        )
        out.append(f"- {line.strip()}" if in_run else line)
    return "\n".join(out)
