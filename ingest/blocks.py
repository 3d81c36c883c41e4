"""Shared by every reader: unstructured elements → Cairn blocks, and page text → blocks.

``elements_to_blocks`` is the one place unstructured's element types are converted to
Cairn's ``Block``; ``page_blocks`` turns the text of one page (a PDF text layer, an OCR
result) into blocks that keep their page number.
"""

from __future__ import annotations

import re
from typing import Any

from core.schema import Block
from core.text import SUB_BULLET
from ingest.structure import BULLET, table_rows

LIST_MARK = re.compile(r"^(?:[•◦▪▸●○■\-*\u2013]|\d{1,2}[.)])\s")
HYPHEN_BREAK = re.compile(r"(\w)- (?=\w)")
SKIP_CATEGORIES = {"PageBreak", "Header", "Footer", "PageNumber", "Image"}


def elements_to_blocks(elements: list[Any], page: int | None = None) -> list[Block]:
    """Blocks of unstructured elements; ``page`` overrides the elements' own page."""
    out = []
    top: int | None = None  # the depth of the current list's top items: deeper are nested
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
            top = (depth or 0) if top is None else min(top, depth or 0)
            text = (SUB_BULLET if (depth or 0) > top else BULLET) + text
        else:
            top = None
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


def text_blocks(text: str, languages: list[str], page: int | None = None) -> list[Block]:
    """Plain text (paragraphs separated by blank lines) → blocks, via unstructured."""
    if not text.strip():
        return []
    from unstructured.partition.text import partition_text

    return elements_to_blocks(partition_text(text=text, languages=languages), page=page)


def page_blocks(
    raw: str,
    languages: list[str],
    page: int,
    ocr_confidence: float | None = None,
    unwrap: bool = True,
) -> list[Block]:
    """The text of one page as blocks on that page: unwrapped (see ``rejoin_lines``), or
    one block per line (a picture of a table: each line is a row)."""
    text = HYPHEN_BREAK.sub(r"\1-", raw)
    text = rejoin_lines(text) if unwrap else re.sub(r"\n+", "\n\n", text)
    found = text_blocks(text, languages, page)
    for block in found:
        block.ocr_confidence = ocr_confidence
    return found


def rejoin_lines(text: str) -> str:
    """Undo PDF line wrapping: a line continues the previous one when that one was
    wrapped (long, no closing punctuation) or when it starts in lower case; otherwise a
    new paragraph starts (blank line), which lets headings stand alone. A line that opens
    with a list mark (•, -, 1.) always starts a new paragraph: each item stays one. A line
    broken after a hyphen joins the next without a space ("1-800-555-1212",
    "non-emergency"), a dash after a space keeps it ("Benefits - Dental"). Whether a
    line was wrapped is judged on that line as printed, not on the paragraph it joined,
    and a short title right above a labelled line ("Senior Manager of Operations" above
    "Job Title: ...") starts a paragraph of its own."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    width = max((len(ln) for ln in lines), default=0)
    out: list[str] = []
    last = ""  # the previous line as printed: whether it was wrapped is judged on it alone
    for i, line in enumerate(lines):
        wrapped = len(last) >= 0.7 * width and not last.endswith((".", ":", "!", "?"))
        titled = i + 1 < len(lines) and _names_record(line, lines[i + 1])
        if out and not LIST_MARK.match(line) and not titled and (wrapped or line[0].islower()):
            prev = out[-1]
            joint = "" if prev[-1:] == "-" and prev[-2:-1].isalnum() else " "
            out[-1] = f"{prev}{joint}{line}"
        else:
            out.append(line)
        last = line
    return "\n\n".join(out)


LABEL_LINE = re.compile(r"^[A-Z][\w &/()-]{0,40}:")  # "Job Title: ...", "RESPONSIBILITIES:"
TITLE_WORDS = 8


def _names_record(line: str, after: str) -> bool:
    """A short capitalised line with no closing punctuation right before a labelled line
    ("Senior Manager of Sales" above "Job Title: ..."): the title of what follows, not
    the end of a wrapped line."""
    return (
        line[0].isupper()
        and len(line.split()) <= TITLE_WORDS
        and not line.endswith((".", ":", "!", "?", ","))
        and ":" not in line
        and bool(LABEL_LINE.match(after))
    )
