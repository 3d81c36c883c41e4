"""What an answerer produces before grounding: sentences, each pointing at a hit."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class DraftSentence:
    """An answer sentence and the 0-based index of the hit it cites (None: uncited)."""

    text: str
    hit: int | None
    start: int | None = None  # offset of the sentence inside the cited chunk, when quoted
    more: int = 0  # list items (or table cells) of the quoted unit left out
    label: str = ""  # the source document's title, shown before the quote
    also: list[tuple[int, int]] = field(default_factory=list)  # (hit, start): same text elsewhere


@dataclass
class Draft:
    """An answerer's output: sentences, or a refusal it decided on itself."""

    sentences: list[DraftSentence] = field(default_factory=list)
    refused: bool = False
    reason: str | None = None
    evidence: float = 0.0  # how well the best passage answers (0..1), for the confidence
    features: dict[str, float] | None = None  # the answerability model's inputs (extractive)
    uncovered: list[str] = field(default_factory=list)  # question parts no passage covers
    # Written by a model, not quoted: checked strictly (names too, min_support_generated),
    # and a sentence its own citation does not support may be attributed to the passage
    # that does (ground.attribute). Quoted drafts cite exactly.
    generated: bool = False
