"""Retrieval and abstention quality on SQuAD2-dev (used by bench/query.py).

*eval* (seed 0: 1,000 answerable + 500 unanswerable) is what we report. *tune* (seed 1,
disjoint from eval) chose the fusion and rerank weights. The answerability model and its
threshold (``min_confidence``'s default) were fitted by tools/fit_answerability.py on
every SQuAD2-dev question outside eval, so eval stays unseen.
Gold for an answerable question = its own paragraph (one .txt file per paragraph).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from answer import Engine, Query
from bench.common import sample
from core.access import Principal

PRINCIPAL = Principal(name="bench", groups=["everyone"])


def splits(
    answerable: list[Any], unanswerable: list[str]
) -> dict[str, tuple[list[Any], list[str]]]:
    """eval = seed 0; tune = seed 1 drawn from what eval did not take."""
    ev_a, ev_u = sample(answerable, 1000, 0), sample(unanswerable, 500, 0)
    taken_a, taken_u = {tuple(a) for a in ev_a}, set(ev_u)
    tune_a = sample([a for a in answerable if tuple(a) not in taken_a], 1000, 1)
    tune_u = sample([u for u in unanswerable if u not in taken_u], 500, 1)
    return {"eval": (ev_a, ev_u), "tune": (tune_a, tune_u)}


def _doc(source: str) -> int:
    return int(Path(source).stem[1:])


def _metrics(ranked: list[list[int]], gold: list[int]) -> dict[str, float]:
    def first_docs(r: list[int]) -> list[int]:
        return list(dict.fromkeys(r))

    docs = [first_docs(r) for r in ranked]
    n = len(gold)
    out = {
        f"hit@{k}": sum(g in d[:k] for d, g in zip(docs, gold, strict=True)) / n for k in (1, 5, 10)
    }
    out["mrr@10"] = (
        sum(1 / (d.index(g) + 1) if g in d[:10] else 0.0 for d, g in zip(docs, gold, strict=True))
        / n
    )
    return {k: round(v, 4) for k, v in out.items()}


def retrieval(engine: Engine, collection: str, answerable: list[Any]) -> dict[str, Any]:
    """hit@k/MRR for dense, BM25, fused hybrid and hybrid + lexical rerank."""
    runs: dict[str, list[list[int]]] = {"dense": [], "bm25": [], "hybrid": [], "hybrid+rerank": []}
    for question, _ in answerable:
        rankings = engine.retriever.rankings(Query(question, PRINCIPAL), collection)
        for mode, hits in rankings.items():
            runs[mode].append([_doc(h.chunk.source) for h in hits])
    gold = [g for _, g in answerable]
    return {name: _metrics(r, gold) for name, r in runs.items()}


def asked(engine: Engine, questions: list[str]) -> list[tuple[bool, float]]:
    """(refused, confidence) from the real /ask path (build the engine with audit off)."""
    out = []
    for q in questions:
        answer = engine.ask.ask(q, PRINCIPAL)
        out.append((answer.refused, answer.confidence))
    return out


def abstention(engine: Engine, data: dict[str, tuple[list[Any], list[str]]]) -> dict[str, Any]:
    """How often /ask refuses unanswerables vs answerables, at the shipped threshold
    (``min_confidence``'s default, fitted without the eval sample)."""
    ev_a, ev_u = (
        np.array(asked(engine, qs)) for qs in ([q for q, _ in data["eval"][0]], data["eval"][1])
    )
    from sklearn.metrics import roc_auc_score

    labels = np.r_[np.ones(len(ev_a)), np.zeros(len(ev_u))]
    return {
        "threshold": round(engine.settings.answer.min_confidence, 4),
        "abstain_on_unanswerable": round(float(ev_u[:, 0].mean()), 4),
        "false_abstention_on_answerable": round(float(ev_a[:, 0].mean()), 4),
        "auroc": round(float(roc_auc_score(labels, np.r_[ev_a[:, 1], ev_u[:, 1]])), 4),
    }
