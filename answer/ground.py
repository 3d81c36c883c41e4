"""Grounding check: is every answer sentence supported by the chunk it cites?

Support is lexical entailment, independent of how the sentence was produced: the share
of the sentence's (stemmed) terms found in the cited chunk, and every number in the
sentence must appear in that chunk — an invented figure is never "supported". Extractive
answers pass by construction; LLM answers are checked for real.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from answer.drafts import DraftSentence
from core.schema import Hit
from core.sparse import Bm25Encoder

__all__ = ["MARKER", "Checked", "attribute", "check", "support"]

NUMBER = re.compile(r"\d[\d,.]*\d|\d")
WORD = re.compile(r"[^\W\d_][\w-]*")
MARKER = re.compile(r"\s*\[(\d+)\]")


def _numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in NUMBER.findall(MARKER.sub("", text))}


def _names(text: str) -> set[str]:
    """Capitalised words after the first (names of places, people, products), lowercased."""
    words = WORD.findall(MARKER.sub("", text))
    return {w.lower() for w in words[1:] if w[0].isupper() and w != "I"}


def support(sentence: str, chunk_text: str, sparse: Bm25Encoder, strict: bool = False) -> float:
    """0..1: term containment, capped at 0.2 when a number is not in the source, or
    (``strict``, for generated sentences) a name: "the Berlin office is at 14 Quai
    Perrache" shares most terms with the Lyon office's passage, but not "Berlin"."""
    terms = sparse.terms(MARKER.sub("", sentence))
    if not terms:
        return 1.0
    score = len(terms & sparse.terms(chunk_text)) / len(terms)
    if not _numbers(sentence) <= _numbers(chunk_text):
        score = min(score, 0.2)
    if strict and not _names(sentence) <= {w.lower() for w in WORD.findall(chunk_text)}:
        score = min(score, 0.2)
    return round(score, 4)


@dataclass(frozen=True)
class Checked:
    """A draft sentence with its support by the chunk it cites."""

    sentence: DraftSentence
    support: float
    supported: bool


def check(
    sentences: list[DraftSentence],
    hits: list[Hit],
    sparse: Bm25Encoder,
    min_support: float,
    strict: bool = False,
) -> list[Checked]:
    """Per-sentence support; uncited sentences are unsupported (citations are required)."""
    out = []
    for sentence in sentences:
        hit = sentence.hit
        if hit is None or hit >= len(hits):
            out.append(Checked(sentence, 0.0, False))
            continue
        score = support(sentence.text, hits[hit].chunk.text, sparse, strict)
        out.append(Checked(sentence, score, score >= min_support))
    return out


def attribute(
    checked: list[Checked], hits: list[Hit], sparse: Bm25Encoder, min_support: float
) -> list[Checked]:
    """Give each unsupported generated sentence the passage that supports it best (by the
    strict rule), when one does.

    Real models leave citations out or cite the wrong number; the sentence is still
    checked against the passage it ends up citing, by the same rule, so what is kept is
    supported by its citation however the citation was found. Ties go to the earlier
    (better-ranked) passage."""
    out = []
    for item in checked:
        if item.supported or not hits:
            out.append(item)
            continue
        scores = [support(item.sentence.text, hit.chunk.text, sparse, True) for hit in hits]
        best = max(range(len(hits)), key=lambda i: (scores[i], -i))
        if scores[best] >= min_support:
            item = Checked(replace(item.sentence, hit=best), scores[best], True)
        out.append(item)
    return out
