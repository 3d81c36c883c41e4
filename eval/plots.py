"""Matplotlib figures for the HTML report, returned as base64 PNG (self-contained HTML)."""

from __future__ import annotations

import base64
import io
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

HEADLINE = [
    "answer.correct",
    "answer.fact_recall",
    "citation.precision",
    "citation.recall",
    "groundedness.api",
    "groundedness.independent",
    "refusal.recall",
    "refusal.false_rate",
    "consistency.identical_share",
]


def _png(fig: Any) -> str:
    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="png", dpi=110)
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode()


def metric_bars(metrics: dict[str, float], intervals: dict[str, Any]) -> str:
    """Headline metrics with bootstrap intervals where known."""
    names = [n for n in HEADLINE if n in metrics]
    values = [metrics[n] for n in names]
    errors_raw = [
        [v - intervals.get(n, (v, v))[0] for n, v in zip(names, values, strict=True)],
        [intervals.get(n, (v, v))[1] - v for n, v in zip(names, values, strict=True)],
    ]
    # An interval can miss the point estimate (e.g. an empty subset); never plot a negative bar.
    errors = [[max(0.0, e) for e in row] for row in errors_raw]
    fig, ax = plt.subplots(figsize=(8, 4))
    ax.barh(names, values, xerr=errors, color="#4c78a8", capsize=3)
    ax.set_xlim(0, 1.05)
    for i, v in enumerate(values):
        ax.text(min(v + 0.02, 0.98), i, f"{v:.2f}", va="center", fontsize=8)
    ax.invert_yaxis()
    ax.set_title("Answer quality (95 % bootstrap intervals where shown)")
    return _png(fig)


def retrieval_curves(metrics: dict[str, float]) -> str:
    """hit@k for k = 1, 5, 10 per retriever."""
    fig, ax = plt.subplots(figsize=(6, 4))
    for mode in ("dense", "bm25", "hybrid", "hybrid+rerank"):
        ys = [metrics.get(f"retrieval.{mode}.hit@{k}", 0.0) for k in (1, 5, 10)]
        ax.plot([1, 5, 10], ys, marker="o", label=mode)
    ax.set_xticks([1, 5, 10])
    ax.set_xlabel("k")
    ax.set_ylabel("hit@k")
    ax.set_ylim(0, 1.02)
    ax.legend()
    ax.set_title("Retrieval: expected source in the top k")
    return _png(fig)


def confidence_histograms(cases: list[dict[str, Any]]) -> str:
    """Confidence split by correct / incorrect / unanswerable."""
    groups = {
        "correct": [c["confidence"] for c in cases if c["answerable"] and c["correct"]],
        "incorrect": [c["confidence"] for c in cases if c["answerable"] and not c["correct"]],
        "unanswerable": [c["confidence"] for c in cases if not c["answerable"]],
    }
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.hist(list(groups.values()), bins=10, range=(0, 1), label=list(groups), stacked=False)
    ax.set_xlabel("confidence")
    ax.set_ylabel("questions")
    ax.legend()
    ax.set_title("Confidence by outcome")
    return _png(fig)


def calibration(cases: list[dict[str, Any]]) -> str:
    """Share correct per confidence bin (answerable questions)."""
    bins: list[list[bool]] = [[] for _ in range(5)]
    for c in cases:
        if c["answerable"]:
            bins[min(4, int(c["confidence"] * 5))].append(c["correct"])
    centers = [0.1 + 0.2 * i for i in range(5)]
    shares = [sum(b) / len(b) if b else float("nan") for b in bins]
    fig, ax = plt.subplots(figsize=(5, 4))
    ax.plot([0, 1], [0, 1], "--", color="grey", label="perfect")
    ax.plot(centers, shares, marker="o", label="Cairn")
    ax.set_xlabel("confidence")
    ax.set_ylabel("share correct")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.legend()
    ax.set_title("Calibration")
    return _png(fig)


def latency(cases: list[dict[str, Any]]) -> str:
    """Distribution of /ask latency."""
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.hist([c["latency_ms"] for c in cases], bins=20, color="#72b7b2")
    ax.set_xlabel("ms per answer (in-process, cache bypassed)")
    ax.set_ylabel("questions")
    ax.set_title("Latency")
    return _png(fig)


def trend(history: list[dict[str, Any]]) -> str:
    """Headline metrics across runs."""
    fig, ax = plt.subplots(figsize=(7, 3.5))
    for name in (
        "answer.correct",
        "refusal.recall",
        "groundedness.independent",
        "retrieval.hybrid+rerank.hit@5",
    ):
        ax.plot(
            range(1, len(history) + 1),
            [h["metrics"].get(name, float("nan")) for h in history],
            marker="o",
            label=name,
        )
    ax.set_xlabel("run")
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize=7)
    ax.set_title("Trend across runs")
    return _png(fig)
