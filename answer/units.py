"""Answer units: the pieces of a passage the extractive answerer may quote, following the
document's structure as ingest wrote it into the text.

- ``sentence``: a sentence of a paragraph; a two- or three-word sentence ("Between 3-5
  mins.") also read with the sentence after it.
- ``item``: one list item (its bullet left out), e.g. "Office: Berlin" of a form-like page.
- ``list``: a list with its lead-in ("Eligible expenses include:") and its first items;
  ``more`` counts the items left out (shown as "…and N more"). An item with sub-items
  ("◦ ") is also the lead-in of a list of its own: "Partial month: use the formula
  below" with the formula's steps. A list whose every item
  of three or more is a short head and its explanation ("Inspections - We conduct
  regular safety inspections ...") is *headed*: when it is too long to quote whole it is
  shown as its lead-in and heads ("Our program includes: Hazard Identification;
  Training; Inspections"), so it keeps up to ``MAX_HEADS`` items in the same words.
- ``field``: a label on a line of its own and its value on the next ("By fax:" then
  "123-456-7890"), read as one "Field: value" unit.
- ``row``: a table row, every cell labelled with its column header; a long row is cut
  at a cell boundary (``more`` counts the cells left out).
- ``cell``: one labelled cell of a row of three or more cells ("Lead QA Tester (L4):
  ..."), read under the row's first cell, for tables whose rows are too long to quote.

A *record* is a run of two or more "Field: value" lines ("JOB TITLE: Vice President of
Sales", "DEPARTMENT: Sales", "REPORTING TO: Chief Executive Officer"), with the short
line before it that names it. ``record`` gives the header a unit is read under: every
unit after a record's first line, up to the next record, belongs to that record.

Every unit is a verbatim span of the passage, so quotes and highlights stay exact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from core.text import BULLET, BULLETS, SUB_BULLET, split_sentences

__all__ = ["Unit", "heads", "record", "shown", "units"]

PARAGRAPH = re.compile(r"\n\s*\n")
ROW = re.compile(r"^[^:;\n]{1,80}: [^\n]*?; [^:;\n]{1,80}: ")
# The rest of a row a chunk cut inside a cell: "... with ease.; Lead SRE (L4): ..."
ROW_TAIL = re.compile(r"[.!?]; [^:;\n]{1,80}: ")
DASHES = "\u2013\u2014-"  # en dash, em dash, hyphen: "Head - what it means"
HEADED = re.compile(
    rf"^(?P<head>[^\n:{DASHES[:2]}]{{2,60}}?)(?:\s+[{DASHES}]\s+|:\s+)(?P<rest>\S.*)$", re.S
)
MAX_ITEMS = 6
MAX_HEADS = 12
MAX_UNIT_WORDS = 70
HEAD_WORDS = 6  # a head is at most this long ...
FIELD_LABEL_WORDS = 5  # a label on a line of its own ...
FIELD_VALUE_WORDS = 12  # ... and the value on the next line: at most this long
SHORT_SENTENCE = 4  # a sentence of fewer words is also read with the next one
EXPLAINED = 6  # ... and its explanation at least this long (a "Field: value" line is no head)


@dataclass(frozen=True)
class Unit:
    """A quotable span of a passage."""

    start: int
    end: int
    kind: str
    more: int = 0


def _head(item: str) -> str | None:
    """The head of a "Head - what it means" item, or None."""
    match = HEADED.match(item.strip())
    if match is None:
        return None
    head = match["head"].strip()
    if len(head.split()) > HEAD_WORDS or len(match["rest"].split()) < EXPLAINED:
        return None
    return head


def heads(items: list[str]) -> list[str] | None:
    """The heads of a headed list's items (three or more, every one with a head), or
    None."""
    found = [_head(item) for item in items]
    return [h for h in found if h] if len(items) >= 3 and all(found) else None


def shown(quote: str) -> str:
    """What a quoted unit shows: a headed list too long to quote whole as its lead-in
    and heads, anything else as it is."""
    if not any(b in quote for b in BULLETS) or len(quote.split()) <= MAX_UNIT_WORDS:
        return quote
    parts = [p.strip() for p in PARAGRAPH.split(quote) if p.strip()]
    lead = [p for p in parts if not p.startswith(BULLETS)]
    items = [p[len(BULLET) :] for p in parts if p.startswith(BULLETS)]
    if len(lead) > 1 or (lead and parts[0] != lead[0]):
        return quote
    found = heads(items)
    if found is None:
        return quote
    return " ".join([*lead, "; ".join(found)])


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in PARAGRAPH.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def _sentences(text: str, a: int, b: int, kind: str) -> list[Unit]:
    """Each sentence; a sentence too short to say anything alone ("Between 3-5 mins.",
    but not a number that counts items: "2.") is also read with the sentence after it,
    as one unit."""
    spans = split_sentences(text[a:b])
    out = [Unit(a + s, a + e, kind) for s, e in spans]
    for (s, e), (_, f) in pairwise(spans):
        short = text[a + s : a + e]
        if 1 < len(short.split()) < SHORT_SENTENCE and not short.endswith(":"):
            out.append(Unit(a + s, a + f, kind))
    return out


def _row_tail(text: str, a: int, b: int) -> list[Unit]:
    """The rest of a row whose start is in the chunk before: the sentences of the cut
    cell, then each labelled cell whole ("Lead SRE (L4): ... Capable of managing 2-3
    L1-L3 SREs."), as in a whole row."""
    cells, out, pos = text[a:b].split("; "), [], a
    for i, cell in enumerate(cells):
        if i and ": " in cell:
            out.append(Unit(pos, pos + len(cell), "cell"))
        else:
            out += _sentences(text, pos, pos + len(cell), "sentence")
        pos += len(cell) + 2
    return out


def _row(text: str, a: int, b: int) -> Unit:
    """The row, cut after the last whole cell within ``MAX_UNIT_WORDS`` words."""
    cells = text[a:b].split("; ")
    end, kept = a, 0
    for cell in cells:
        if kept and len(text[a : end + 2 + len(cell)].split()) > MAX_UNIT_WORDS:
            break
        end = end + (2 if kept else 0) + len(cell)
        kept += 1
    return Unit(a, end, "row", more=len(cells) - kept)


def _cells(text: str, a: int, b: int) -> list[Unit]:
    """Each labelled cell after the first of a row of three or more cells."""
    cells, out, pos = text[a:b].split("; "), [], a
    for i, cell in enumerate(cells):
        if i and len(cells) >= 3 and ": " in cell:
            out.append(Unit(pos, pos + len(cell), "cell"))
        pos += len(cell) + 2
    return out


def _list(text: str, run: list[tuple[int, int]], lead: tuple[int, int] | None) -> Unit:
    """Lead-in plus as many items as fit (at most ``MAX_ITEMS``, or ``MAX_HEADS`` for a
    headed list, about 70 words as shown)."""
    start = lead[0] if lead else run[0][0]
    found = heads([text[a + len(BULLET) : b] for a, b in run])
    if found is not None and len(text[start : run[-1][1]].split()) > MAX_UNIT_WORDS:
        return _headed(text, start, run, found)
    kept = 0
    for _, b in run[:MAX_ITEMS]:
        if kept and len(text[start:b].split()) > MAX_UNIT_WORDS:
            break
        kept += 1
    return Unit(start, run[kept - 1][1], "list", more=len(run) - kept)


def _headed(text: str, start: int, run: list[tuple[int, int]], found: list[str]) -> Unit:
    """A headed list, shown as its heads: as many items as their heads fit."""
    words = len(text[start : run[0][0]].split())
    kept = 0
    for head in found[:MAX_HEADS]:
        words += len(head.split())
        if kept >= 3 and words > MAX_UNIT_WORDS:
            break
        kept += 1
    return Unit(start, run[kept - 1][1], "list", more=len(run) - kept)


def _nested(text: str, run: list[tuple[int, int]]) -> list[Unit]:
    """Each item followed by sub-items, as the lead-in of a list of them."""
    out = []
    for k, (a, b) in enumerate(run):
        subs = []
        for x, y in run[k + 1 :]:
            if not text.startswith(SUB_BULLET, x):
                break
            subs.append((x, y))
        if subs and not text.startswith(SUB_BULLET, a):
            out.append(_list(text, subs, (a + len(BULLET), b)))
    return out


def _field(text: str, paragraphs: list[tuple[int, int]], i: int) -> Unit | None:
    """A label on a line of its own and its value on the next ("By fax:" then
    "123-456-7890", as PDFs and forms lay them out): one "Field: value" unit spanning
    both, so the value is read under its label. The label is a short line ending with a
    colon; the value a short line that is neither a list item nor another label."""
    if i + 1 >= len(paragraphs):
        return None
    (a, b), (c, d) = paragraphs[i], paragraphs[i + 1]
    label, value = text[a:b].strip(), text[c:d].strip()
    if (
        not label.endswith(":")
        or "\n" in label
        or len(label.split()) > FIELD_LABEL_WORDS
        or text.startswith(BULLETS, c)
        or value.endswith(":")
        or "\n" in value
        or len(value.split()) > FIELD_VALUE_WORDS
    ):
        return None
    return Unit(a, d, "field")


FIELD_LINE = re.compile(r"^[^\W\d_][^:\n]{0,60}:[ \t]+\S[^\n]*$")
RECORD_NAME_WORDS = 12  # the line before a record names it when at most this long


def _field_line(line: str) -> bool:
    """A "Field: value" line of a form: a short label, a colon, a short value."""
    label, _, value = line.partition(":")
    return (
        bool(FIELD_LINE.match(line))
        and len(label.split()) <= FIELD_LABEL_WORDS
        and len(value.split()) <= FIELD_VALUE_WORDS
    )


def record(text: str, position: int) -> str:
    """The header of the record ``position`` belongs to: the line naming the record
    ("Vice President of Sales") and the record's first "Field: value" line ("JOB TITLE:
    Vice President of Sales, Contoso Electronics"); "" when no record starts before it in
    ``text``. Roles, offices and plans laid out as forms repeat the same labels record
    after record, so a line such as "REPORTING TO: Chief Executive Officer" says whose it
    is only under its record's header."""
    found = ""
    for start, header in _records(text):
        if start > position:
            break
        found = header
    return found


@lru_cache(maxsize=4096)
def _records(text: str) -> tuple[tuple[int, str], ...]:
    """(where the record starts, its header) for each record in ``text``: a record starts
    at the line naming it, or at its first field line when no line names it."""
    paragraphs = _paragraphs(text)
    fields = [_field_line(text[a:b].strip()) for a, b in paragraphs]
    out = []
    for i, (a, b) in enumerate(paragraphs):
        if not fields[i] or (i > 0 and fields[i - 1]) or i + 1 >= len(fields) or not fields[i + 1]:
            continue
        start, header = a, text[a:b].strip()
        if i > 0:
            name = text[paragraphs[i - 1][0] : paragraphs[i - 1][1]].strip()
            if (
                "\n" not in name
                and len(name.split()) <= RECORD_NAME_WORDS
                and not name.endswith((":", "."))
                and not text.startswith(BULLETS, paragraphs[i - 1][0])
            ):
                start, header = paragraphs[i - 1][0], f"{name}\n{header}"
        out.append((start, header))
    return tuple(out)


def left_out(text: str, unit: Unit) -> list[Unit]:
    """The items a quoted list leaves out ("…and 3 more"): the units of the ``more``
    list paragraphs after it, in reading order."""
    if unit.kind != "list" or not unit.more:
        return []
    tail = [(a, b) for a, b in _paragraphs(text) if a >= unit.end][: unit.more]
    spans = [(a, b) for a, b in tail if text.startswith(BULLETS, a)]
    return [
        u
        for u in units(text)
        if u.kind == "item" and any(a <= u.start and u.end <= b for a, b in spans)
    ]


def units(text: str) -> list[Unit]:
    """Every unit of a passage, in reading order (a list unit after its items). Parsed
    once per passage text: the answerer reads a chunk's units for its candidates and
    again for the sentences around the best one."""
    return list(_parsed(text))


@lru_cache(maxsize=4096)
def _parsed(text: str) -> tuple[Unit, ...]:
    paragraphs = _paragraphs(text)
    out: list[Unit] = []
    i = 0
    while i < len(paragraphs):
        a, b = paragraphs[i]
        if not text.startswith(BULLETS, a):
            if ROW.match(text[a:b]):
                out.append(_row(text, a, b))
                out += _cells(text, a, b)
            elif ROW_TAIL.search(text[a:b]):
                out += _row_tail(text, a, b)
            else:
                out += _sentences(text, a, b, "sentence")
                field = _field(text, paragraphs, i)
                if field is not None:
                    out.append(field)
            i += 1
            continue
        j = i
        while j < len(paragraphs) and text.startswith(BULLETS, paragraphs[j][0]):
            j += 1
        run = paragraphs[i:j]
        for x, y in run:
            out += _sentences(text, x + len(BULLET), y, "item")
        lead = None
        if out and i > 0 and text[paragraphs[i - 1][1] - 1] == ":":
            before = [u for u in out if u.end == paragraphs[i - 1][1]]
            lead = (before[-1].start, before[-1].end) if before else None
        if len(run) >= 2 or lead:
            out.append(_list(text, run, lead))
        out += _nested(text, run)
        i = j
    return tuple(out)
