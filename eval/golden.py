"""Golden set format (JSONL, one case per line) — documented in the README.

    {"id": "vac-days", "question": "...", "expected_sources": ["benefits/time-off.md"],
     "expected_facts": [["27 days"], ["public holidays", "bank holidays"]],
     "answerable": true, "groups": ["everyone"], "tags": ["benefits"]}

``expected_facts`` is a list of facts; each fact is a list of acceptable alternatives.
``expected_pages`` (PDFs) and ``split`` (tune | report, assigned by document) are optional.
``groups`` are the asking caller's groups; ``answerable`` is from that caller's view (a
question about a restricted document is unanswerable for someone outside its group).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from core.errors import CairnError


class GoldenCase(BaseModel):
    """One evaluation question."""

    id: str
    question: str = Field(min_length=1)
    expected_sources: list[str] = Field(default_factory=list)
    expected_facts: list[list[str]] = Field(default_factory=list)
    answerable: bool = True
    groups: list[str] = Field(default_factory=lambda: ["everyone"])
    tags: list[str] = Field(default_factory=list)
    answers: list[str] = Field(default_factory=list, description="gold answer texts, for token F1")
    expected_pages: list[int] = Field(
        default_factory=list, description="1-based pages (PDFs) where the facts are"
    )
    split: Literal["tune", "report"] | None = Field(
        None, description="tune: choose thresholds on it; report: report on it (by document)"
    )
    notes: str = ""


def load(path: Path) -> list[GoldenCase]:
    """Read a JSONL golden set; a bad line is a clear error naming the line."""
    if not path.exists():
        raise CairnError(f"golden set {path} does not exist")
    cases = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            cases.append(GoldenCase.model_validate_json(line))
        except ValidationError as exc:
            raise CairnError(
                f"{path}:{number}: invalid golden case: {exc.errors()[0]['msg']}"
            ) from exc
    if not cases:
        raise CairnError(f"golden set {path} has no cases")
    return cases


def save(path: Path, cases: list[GoldenCase]) -> None:
    """Write a JSONL golden set."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(c.model_dump(exclude_defaults=True)) + "\n" for c in cases))
