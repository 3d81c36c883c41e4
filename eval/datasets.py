"""Adapters from public benchmark formats to a corpus folder + golden cases.

- SQuAD v2.0 JSON: every context paragraph becomes one .txt file of the corpus;
  answerable questions expect their own paragraph and its gold answers; unanswerable
  ones (``is_impossible``) test refusal.
- Contoso HR (``ground_truth.jsonl``): the PDFs are the corpus; each ``truth`` ends in
  citations like ``[file.pdf#page=N]``, which become the expected sources; the truth
  text (without citations) is the gold answer for token F1.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from core.errors import CairnError
from eval.golden import GoldenCase

CITATION = re.compile(r"\[([^\]#]+?\.pdf)(?:#page=\d+)?\]")


def squad(path: Path, work: Path, limit: int, seed: int) -> tuple[Path, list[GoldenCase]]:
    """Corpus folder and ``limit`` answerable + ``limit // 2`` unanswerable cases."""
    if not path.exists():
        raise CairnError(f"{path} not found")
    data = json.loads(path.read_text())
    corpus = work / "squad-corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    answerable: list[GoldenCase] = []
    unanswerable: list[GoldenCase] = []
    n = 0
    for article in data["data"]:
        for para in article["paragraphs"]:
            name = f"p{n:06d}.txt"
            target = corpus / name
            if not target.exists():
                target.write_text(para["context"])
            for qa in para["qas"]:
                if qa.get("is_impossible"):
                    unanswerable.append(
                        GoldenCase(
                            id=qa["id"],
                            question=qa["question"],
                            answerable=False,
                            tags=["squad", "unanswerable"],
                        )
                    )
                else:
                    golds = sorted({a["text"] for a in qa["answers"]})
                    answerable.append(
                        GoldenCase(
                            id=qa["id"],
                            question=qa["question"],
                            expected_sources=[name],
                            expected_facts=[golds],
                            answers=golds,
                            tags=["squad"],
                        )
                    )
            n += 1
    rng = random.Random(seed)
    cases = rng.sample(answerable, min(limit, len(answerable))) + rng.sample(
        unanswerable, min(limit // 2, len(unanswerable))
    )
    return corpus, cases


def contoso(root: Path, limit: int, seed: int) -> tuple[Path, list[GoldenCase]]:
    """The PDFs folder and cases from ground_truth.jsonl."""
    truth_file, docs = root / "ground_truth.jsonl", root / "docs"
    if not truth_file.exists() or not docs.is_dir():
        raise CairnError(f"{root} must hold ground_truth.jsonl and docs/")
    cases = []
    for i, line in enumerate(truth_file.read_text().splitlines()):
        if not line.strip():
            continue
        row = json.loads(line)
        sources = sorted(set(CITATION.findall(row["truth"])))
        answer = CITATION.sub("", row["truth"]).strip()
        cases.append(
            GoldenCase(
                id=f"contoso-{i + 1}",
                question=row["question"],
                expected_sources=sources,
                answers=[answer],
                tags=["contoso"],
            )
        )
    rng = random.Random(seed)
    return docs, rng.sample(cases, min(limit, len(cases)))
