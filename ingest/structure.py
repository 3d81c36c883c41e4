"""Keep a document's structure in its text, so answers can quote whole units.

- A table becomes one block per row, each cell with its column header ("Plan: Standard;
  Deductible: $2,000"), so a row read alone still says what its numbers mean.
- A list item starts with a bullet ("• "), so the answerer can quote a list's lead-in
  with its items; an item nested under another starts with "◦ ", so an item that leads
  into its sub-items ("Partial month: use the formula below") is quoted with them.
- Markdown list nesting is made explicit (four spaces a level) before parsing: Markdown
  handbooks nest with two or three spaces, which the Markdown parser reads as one flat
  list.
- A "#" that opens a line's text with no space after it ("#cloud-internal - internal
  channel for the team", "- #ask-it-tech-ops - IT questions") is text, as CommonMark
  reads it, not a heading as Python-Markdown would: Slack channels listed one per line
  stay list items under their section.
- A GitHub alert's marker ("> [!NOTE] This is optional.") is read as its label ("Note:
  This is optional."), not as bracketed text.
- A list or a table that starts on the line after a paragraph, with no blank line
  between ("Eligible items include:" then "- Monitor"), is a list or a table, as
  CommonMark reads it, not more of the paragraph as Python-Markdown would.
- Runs of "Field: value" lines in Markdown (a form-like page: "Office: Berlin",
  "Reports to: Head of Finance") are read as list items, one field per line, instead of
  being run together into one paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser

from core.text import BULLET

__all__ = [
    "BULLET",
    "alert_labels",
    "blocks_apart",
    "labelled_row",
    "literal_hashes",
    "mark_field_runs",
    "nest_lists",
    "table_rows",
]

LIST_LINE = re.compile(r"^( *)(?:[-*+]|\d{1,3}[.)])(?:\s|$)")
FENCE = re.compile(r"^\s*(?:```|~~~)")
TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")  # |---|:--:|
ALERT = re.compile(r"^(\s*>\s*)\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]", re.I)
ORDERED_NOT_FIRST = re.compile(r"^\s*(?!1[.)])\d{1,3}[.)]")
FIELD_LINE = re.compile(r"^[ \t]*(?![-*+>#|]|\d+\.)[A-Za-z][\w /&()'.-]{0,40}:[ \t]+\S")
MAX_ROW_CHARS = 1500
# A "#" opening a line's text (after at most three spaces, or after a list marker) and
# followed by neither a space nor another "#".
HASH_TEXT = re.compile(r"^( {0,3}|[ \t]*(?:[-*+]|\d{1,3}[.)])[ \t]+)#(?=[^\s#])")


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


def nest_lists(markdown: str) -> str:
    """Markdown with each list item indented four spaces per nesting level, the level
    read from the indentation of the items above it (CommonMark nests a sub-item under
    any deeper indentation; Python-Markdown, which unstructured uses, only under four
    spaces). An item's continuation lines move with it; fenced code and everything
    outside lists are left as written. An indented list after a paragraph is a top-level
    list, not a code block."""
    out: list[str] = []
    open_items: list[int] = []  # the indentation of each open item, outermost first
    fenced, after_blank = False, True
    for line in markdown.split("\n"):
        fence = bool(FENCE.match(line))
        fenced ^= fence
        if fence or fenced or not line.strip():
            after_blank = not line.strip() or (after_blank and fenced)
            out.append(line)
            continue
        indent = len(line) - len(line.lstrip(" \t"))
        line = line[:indent].expandtabs(4) + line[indent:]  # a tab inside a line stays
        indent = len(line) - len(line.lstrip(" "))
        if LIST_LINE.match(line):
            while open_items and open_items[-1] >= indent:
                open_items.pop()
            level = len(open_items)
            open_items.append(indent)
            line = " " * (4 * level) + line.lstrip(" ")
        elif indent == 0:
            if after_blank:  # a paragraph after a blank line closes every list
                open_items = []
        elif open_items:  # a continuation line: under the item it is indented past
            level = sum(1 for item in open_items if item < indent)
            line = " " * (4 * level) + line.lstrip(" ")
        after_blank = False
        out.append(line)
    return "\n".join(out)


def literal_hashes(markdown: str) -> str:
    """Markdown with each "#" that opens a line's text without a space after it escaped
    ("\\#cloud-internal"), outside fenced code: CommonMark reads "#cloud-internal - the
    team's channel" as text, Python-Markdown (which unstructured uses) as a heading."""
    return _outside_code(markdown, lambda line: HASH_TEXT.sub(r"\1\\#", line))


def blocks_apart(markdown: str) -> str:
    """Markdown with a blank line put between a paragraph line and a list or a table that
    follows it directly ("Eligible items include:" then "- Monitor"; "Rates by perk:"
    then "| Perk | Amount |" and its delimiter row), outside fenced code: CommonMark
    (GitHub's tables too) starts the list or table there, Python-Markdown would run it
    into the paragraph. A line of a list item (indented, or an item itself), a heading, a
    table row, a quote or raw HTML before it, and an HTML comment, are left as they are."""
    lines = markdown.split("\n")
    out: list[str] = []
    fenced = commented = False
    previous = ""
    for i, line in enumerate(lines):
        fence = bool(FENCE.match(line))
        fenced ^= fence and not commented
        start = 0 if commented else line.rfind("<!--")
        inside = start >= 0  # this line is (partly) in an HTML comment
        commented = inside and "-->" not in line[start:]
        listed = (
            bool(LIST_LINE.match(line))
            and line.strip() not in ("-", "*", "+")
            and not ORDERED_NOT_FIRST.match(line)  # CommonMark: only "1." interrupts
        )
        rule = lines[i + 1] if i + 1 < len(lines) else ""
        table = "|" in line and "|" in rule and bool(TABLE_RULE.match(rule))
        if (
            not fence
            and not fenced
            and not inside
            and (listed or table)
            and previous.strip()
            and not previous.startswith((" ", "\t"))
            and not LIST_LINE.match(previous)
            and not previous.lstrip().startswith(("#", "|", ">", "<", "```", "~~~"))
        ):
            out.append("")
        out.append(line)
        previous = "" if fenced else line
    return "\n".join(out)


def alert_labels(markdown: str) -> str:
    """Markdown with each GitHub alert marker ("> [!WARNING]") written as its label
    ("> Warning:"), outside fenced code."""
    return _outside_code(
        markdown, lambda line: ALERT.sub(lambda m: f"{m[1]}{m[2].capitalize()}:", line)
    )


def _outside_code(markdown: str, edit: Callable[[str], str]) -> str:
    """Markdown with ``edit`` applied to each line outside fenced code (fence lines
    included in the code)."""
    out: list[str] = []
    fenced = False
    for line in markdown.split("\n"):
        fence = bool(FENCE.match(line))
        fenced ^= fence
        out.append(line if fence or fenced else edit(line))
    return "\n".join(out)
