"""Sentence boundaries with offsets — shared by the answerer, the grounding check and eval."""

from __future__ import annotations

import re

# A sentence ends at . ! ? (optionally followed by a closing quote/bracket) before
# whitespace and an upper-case letter, digit or opening quote; or at a blank line.
_BOUNDARY = re.compile(r"[.!?][\"')\]]?(\s+)(?=[\"'(\[]?[A-Z0-9])|\n\s*\n")
_ABBREVIATIONS = ("Mr.", "Mrs.", "Ms.", "Dr.", "St.", "No.", "e.g.", "i.e.", "vs.", "etc.")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text`` (stripped, non-empty)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.start(1) if match.group(1) is not None else match.start()
        if text[:end].endswith(_ABBREVIATIONS):
            continue
        spans.append((start, end))
        start = match.end()
    spans.append((start, len(text)))
    out = []
    for a, b in spans:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            out.append((a, b))
    return out


BULLET = "• "  # how ingest marks a list item's text, and how the answerer finds list items
SUB_BULLET = "◦ "  # ... an item nested under another item (its sub-items follow it)
BULLETS = (BULLET, SUB_BULLET)
