"""Answer assembly: the one place where citations are numbered and answer text is built.

Citations are numbered in the order the draft first cites each passage, keeping only the
passages a supported sentence leans on; every kept sentence then ends with its
citation's number. A refusal lists the closest passages the caller may see.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from answer.ground import MARKER, Checked
from answer.units import shown
from core.records import IndexVersion
from core.schema import Answer, Citation, Hit, SentenceSupport

__all__ = ["REFUSAL", "answered", "citation_of", "display", "refusal"]

REFUSAL = "The documents don't cover this."
MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
EMPHASIS = re.compile(r"(\*\*|__|\*|`)(?=\S)(.+?)(?<=\S)\1")
HEADING_MARK = re.compile(r"(^|\s)#{1,6}\s+")
SPACE_BEFORE_PUNCT = re.compile(r"\s+([.,;:!?])(?=\s|$)")


def display(quote: str, more: int = 0) -> str:
    """A quoted unit as plain answer text: no Markdown links, emphasis or heading marks,
    HTML entities decoded, a list's items on one line (a headed list's heads only), "…and
    N more" for what was cut."""
    text = html.unescape(MARKER.sub("", shown(quote)))
    text = MARKDOWN_LINK.sub(r"\1", text)
    text = EMPHASIS.sub(r"\2", text)
    text = HEADING_MARK.sub(r"\1", text)
    text = SPACE_BEFORE_PUNCT.sub(r"\1", " ".join(text.split()))
    return f"{text} …and {more} more" if more else text


def citation_of(n: int, hit: Hit, highlight: tuple[int, int] | None = None) -> Citation:
    """Citation number ``n`` for a hit (``highlight``: the quoted span, default the chunk)."""
    c = hit.chunk
    return Citation(
        n=n,
        chunk_id=c.id,
        doc_id=c.doc_id,
        source=c.source,
        title=c.title,
        section=c.section,
        page=c.page_at(highlight[0] - c.span[0]) if highlight else c.page,
        span=c.span,
        quote=c.text,
        highlight=highlight or c.span,
        content_hash=c.content_hash,
        url=c.url,
        score=round(hit.score, 6),
    )


def _labelled(label: str) -> str:
    return f"{label}: " if label else ""


def _cited(c: Checked) -> list[int]:
    """The hits a sentence cites: its own, then those holding the same text."""
    own = [] if c.sentence.hit is None else [c.sentence.hit]
    return own + [hit for hit, _ in c.sentence.also]


def _numbering(checked: list[Checked]) -> dict[int, int]:
    """Hit index → citation number: first-cited order, passages of kept sentences only."""
    used = {hit for c in checked if c.supported for hit in _cited(c)}
    order: list[int] = []
    for c in checked:
        for hit in _cited(c):
            if hit in used and hit not in order:
                order.append(hit)
    return {hit: n for n, hit in enumerate(order, start=1)}


def _highlights(kept: list[Checked], hits: list[Hit]) -> dict[int, tuple[int, int]]:
    """Document span of the sentences quoted from each chunk (extractive answers)."""
    spans: dict[int, tuple[int, int]] = {}
    for c in kept:
        s = c.sentence
        if s.hit is None or s.start is None:
            continue
        for hit, offset in [(s.hit, s.start), *s.also]:
            base = hits[hit].chunk.span[0]
            start, end = base + offset, base + offset + len(s.text)
            old = spans.get(hit, (start, end))
            spans[hit] = (min(old[0], start), max(old[1], end))
    return spans


def answered(
    question: str,
    checked: list[Checked],
    hits: list[Hit],
    version: IndexVersion,
    answerer: str,
    confidence: float,
    uncovered: Sequence[str] = (),
) -> Answer:
    """The answer made of the supported sentences, each with its citation number, and a
    closing line naming the question's parts no passage covers."""
    kept = [c for c in checked if c.supported]
    number = _numbering(checked)
    quoted = _highlights(kept, hits)
    sentences = [
        SentenceSupport(
            text=c.sentence.text,
            citation=number[c.sentence.hit or 0],
            support=c.support,
            supported=True,
            also_cited=[number[hit] for hit, _ in c.sentence.also],
        )
        for c in kept
    ]
    text = " ".join(
        f"{_labelled(c.sentence.label)}{display(c.sentence.text, c.sentence.more)} "
        + "".join(f"[{n}]" for n in [s.citation, *s.also_cited])
        for c, s in zip(kept, sentences, strict=True)
    )
    if uncovered:
        text += " The documents don't say: " + "; ".join(uncovered) + "."
    return Answer(
        question=question,
        answer=text,
        refused=False,
        citations=[citation_of(n, hits[hit], quoted.get(hit)) for hit, n in number.items()],
        sentences=sentences,
        grounded=len(kept) == len(checked),
        confidence=confidence,
        answerer=answerer,
        index_version=version.version,
        index_revision=version.revision,
        uncovered=list(uncovered),
    )


def refusal(
    question: str,
    hits: list[Hit],
    version: IndexVersion,
    answerer: str,
    reason: str | None,
    confidence: float = 0.0,
) -> Answer:
    """The honest default: no answer, and the closest passages the caller may see."""
    return Answer(
        question=question,
        answer=REFUSAL,
        refused=True,
        refusal_reason=reason,
        citations=[citation_of(i + 1, h) for i, h in enumerate(hits[:3])],
        sentences=[],
        grounded=True,
        confidence=confidence,
        answerer=answerer,
        index_version=version.version,
        index_revision=version.revision,
    )
