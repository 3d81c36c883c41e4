"""Retrieval and abstention quality on SQuAD2-dev (used by bench/query.py).

Two disjoint samples: *tune* (seed 1) picks the abstention threshold at <= 10 % false
abstention; *eval* (seed 0: 1,000 answerable + 500 unanswerable) is what we report.
Gold for an answerable question = its own paragraph (one .txt file per paragraph).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from api.deps import Services
from bench.common import sample
from core.access import Principal
from core.store import fuse

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


def retrieval(services: Services, collection: str, answerable: list[Any]) -> dict[str, Any]:
    """hit@k/MRR for dense, BM25, fused hybrid and hybrid + lexical rerank."""
    retriever, store = services.retriever, services.store
    weights = (services.settings.answer.dense_weight, services.settings.answer.sparse_weight)
    runs: dict[str, list[list[int]]] = {"dense": [], "bm25": [], "hybrid": [], "hybrid+rerank": []}
    for question, _ in answerable:
        vector = retriever.embedder.embed([question])[0].tolist()
        dense = store.nearest(collection, vector, ["everyone"], 40)
        sparse = store.nearest(
            collection, retriever.sparse.encode_query(question), ["everyone"], 40
        )
        fused = fuse(dense, sparse, weights)
        runs["dense"].append([_doc(h.chunk.source) for h in dense])
        runs["bm25"].append([_doc(h.chunk.source) for h in sparse])
        runs["hybrid"].append([_doc(h.chunk.source) for h in fused])
        runs["hybrid+rerank"].append(
            [_doc(h.chunk.source) for h in retriever.rerank(question, fused)]
        )
    gold = [g for _, g in answerable]
    return {name: _metrics(r, gold) for name, r in runs.items()}


def confidences(services: Services, questions: list[str]) -> list[float]:
    """The confidence /ask computes before its refusal threshold (0 = answerer refused)."""
    ask = services.ask
    version = ask.live()
    out = []
    for q in questions:
        r = services.retriever.search(
            q, PRINCIPAL, version.collection, services.settings.answer.top_k
        )
        draft = ask.answerer.answer(q, r.hits, r.query_vector)
        out.append(0.0 if draft.refused or not r.hits else draft.evidence)
    return out


def abstention(services: Services, data: dict[str, tuple[list[Any], list[str]]]) -> dict[str, Any]:
    """Abstention on unanswerables vs false abstention on answerables, two thresholds."""
    conf = {
        name: (confidences(services, [q for q, _ in a]), confidences(services, u))
        for name, (a, u) in data.items()
    }
    tuned = float(np.quantile(conf["tune"][0], 0.10))
    default = services.settings.answer.min_confidence
    ev_a, ev_u = (np.array(x) for x in conf["eval"])
    result: dict[str, Any] = {}
    for label, threshold in (("default_threshold", default), ("tuned_threshold_10pct", tuned)):
        result[label] = {
            "threshold": round(threshold, 4),
            "abstain_on_unanswerable": round(float((ev_u < threshold).mean()), 4),
            "false_abstention_on_answerable": round(float((ev_a < threshold).mean()), 4),
        }
    from sklearn.metrics import roc_auc_score

    labels = np.r_[np.ones(len(ev_a)), np.zeros(len(ev_u))]
    result["auroc"] = round(float(roc_auc_score(labels, np.r_[ev_a, ev_u])), 4)
    return result
