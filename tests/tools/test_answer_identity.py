"""The identity check counts real differences and tells score jitter apart."""

from __future__ import annotations

import json
from pathlib import Path

from tools.answer_identity import compare

ROW = {
    "set": "s",
    "id": "1",
    "answer": "A [1]",
    "refused": False,
    "confidence": 0.5,
    "question": "q",
    "citations": [[1, "a.md", "c1", [0, 5], None, 0.621750]],
}


def test_jitter_is_reported_and_any_other_change_counts(tmp_path: Path) -> None:
    old = tmp_path / "old.jsonl"
    old.write_text(json.dumps(ROW) + "\n")
    jitter = {**ROW, "citations": [[1, "a.md", "c1", [0, 5], None, 0.621751]]}
    assert compare([jitter], old) == 0
    assert compare([{**ROW, "answer": "B [1]"}], old) == 1
    moved = {**ROW, "citations": [[1, "a.md", "c1", [0, 6], None, 0.621750]]}
    assert compare([moved], old) == 1
    assert compare([ROW, ROW], old) == 1
