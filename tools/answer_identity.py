"""Record the answers of fixed question sets and compare two recordings byte for byte.

A refactor that moves code must not change a single answer. This tool indexes the
bundled samples and a fixed SQuAD2-dev sample (200 answerable + 100 unanswerable,
seed 0) in a scratch home, asks every question as its golden caller, and writes one
JSON line per answer (text, citations, confidence, refused). Run it before a change
with ``--out before.jsonl`` and after it with ``--out after.jsonl --compare
before.jsonl``: any differing answer is listed and the exit code is 1.

Citation scores are rounded to 6 decimals, and the int8 embedding kernels' multi-threaded
sums jitter in the 7th from one process to the next (two runs of the same code differ
by 1e-6 in about one score in 355). A score that differs by at most ``JITTER`` is
counted and reported as jitter; every other byte must match.

    python -m tools.answer_identity --out /tmp/before.jsonl
    python -m tools.answer_identity --out /tmp/after.jsonl --compare /tmp/before.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from answer import build_engine
from core.access import Principal
from core.schema import Answer
from core.settings import Settings
from eval import datasets
from eval import golden as golden_io
from eval.golden import GoldenCase
from ingest import sync_folder

JITTER = 2e-6
ROOT = Path(__file__).resolve().parent.parent
SQUAD = ROOT.parent / "shared" / "data" / "squad2-dev" / "dev-v2.0.json"


def _record(answer: Answer) -> dict[str, Any]:
    return {
        "question": answer.question,
        "answer": answer.answer,
        "refused": answer.refused,
        "confidence": answer.confidence,
        "citations": [
            [c.n, c.source, c.chunk_id, list(c.highlight), c.page, c.score]
            for c in answer.citations
        ],
    }


def _ask_all(settings: Settings, cases: list[GoldenCase], label: str) -> list[dict[str, Any]]:
    engine = build_engine(settings, audit=False)
    try:
        rows = []
        for case in cases:
            principal = Principal(name="identity", groups=sorted({*case.groups, "everyone"}))
            rows.append(
                {"set": label, "id": case.id, **_record(engine.ask.ask(case.question, principal))}
            )
        return rows
    finally:
        engine.close()


def record(work: Path, models: Path) -> list[dict[str, Any]]:
    """Answers of the samples golden set and the SQuAD2-dev sample."""
    rows: list[dict[str, Any]] = []
    sets: list[tuple[str, Path, list[GoldenCase]]] = [
        (
            "samples",
            ROOT / "samples" / "handbook",
            golden_io.load(ROOT / "eval/golden/samples.jsonl"),
        )
    ]
    if SQUAD.exists():
        corpus, cases = datasets.squad(SQUAD, work, limit=200, seed=0)
        sets.append(("squad", corpus, cases))
    else:
        print(f"{SQUAD} not found: the SQuAD2-dev sample is left out", file=sys.stderr)
    for label, corpus, cases in sets:
        settings = Settings(home=work / label, models_dir=models)
        sync_folder(settings, corpus)
        rows += _ask_all(settings, cases, label)
    return rows


def _without_scores(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "citations": [c[:-1] for c in row["citations"]]}


def _jitter_only(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Equal but for citation scores within ``JITTER`` of each other."""
    if _without_scores(old) != _without_scores(new):
        return False
    pairs = zip(old["citations"], new["citations"], strict=True)
    return all(abs(a[-1] - b[-1]) <= JITTER for a, b in pairs)


def compare(new: list[dict[str, Any]], old_path: Path) -> int:
    """Number of answers that differ from the recording at ``old_path`` (score jitter
    within ``JITTER`` is reported, not counted)."""
    old = [json.loads(line) for line in old_path.read_text().splitlines() if line]
    if len(old) != len(new):
        print(f"{len(new)} answers now, {len(old)} recorded")
        return max(1, abs(len(old) - len(new)))
    changed = [(a, b) for a, b in zip(old, new, strict=True) if a != b]
    jitter = [(a, b) for a, b in changed if _jitter_only(a, b)]
    differ = [(a, b) for a, b in changed if not _jitter_only(a, b)]
    for a, b in differ[:20]:
        print(f"{a['set']}:{a['id']}\n  was: {a}\n  now: {b}")
    identical = len(new) - len(changed)
    print(
        f"{identical} of {len(new)} answers byte-identical, {len(jitter)} differ only by "
        f"score jitter (<= {JITTER:g}), {len(differ)} differ"
    )
    return len(differ)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="write the answers here (JSONL)")
    parser.add_argument("--compare", type=Path, help="an earlier recording to compare with")
    parser.add_argument("--models", type=Path, default=ROOT / ".cairn" / "models")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cairn-identity-") as tmp:
        rows = record(Path(tmp), args.models)
    args.out.write_text("".join(json.dumps(r, sort_keys=True) + "\n" for r in rows))
    print(f"{len(rows)} answers written to {args.out}")
    if args.compare is not None:
        sys.exit(1 if compare(rows, args.compare) else 0)


if __name__ == "__main__":
    main()
