"""Evaluation metrics, written by hand (each is a few lines; see README for why no ragas).

All functions are pure; the runner feeds them per-case records.
"""

from __future__ import annotations

import math
import random
import re
import string
from collections import Counter
from collections.abc import Callable, Sequence

_PUNCT = re.compile(f"[{re.escape(string.punctuation)}]")


def normalise(text: str) -> str:
    """Lower case, no punctuation except inside numbers, single spaces."""
    text = text.lower().replace("\u2019", "'")
    text = re.sub(r"(?<=\d)[,.](?=\d)", "", text)
    return " ".join(_PUNCT.sub(" ", text).split())


def fact_recall(answer: str, facts: list[list[str]]) -> float:
    """Share of facts with at least one alternative present in the answer."""
    if not facts:
        return 1.0
    norm = normalise(answer)
    return sum(any(normalise(alt) in norm for alt in fact) for fact in facts) / len(facts)


def token_f1(prediction: str, gold: str) -> float:
    """SQuAD-style token F1."""
    pred, ref = normalise(prediction).split(), normalise(gold).split()
    common = sum((Counter(pred) & Counter(ref)).values())
    if not pred or not ref or common == 0:
        return 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def ranks(ranked_sources: Sequence[str], expected: set[str]) -> list[int]:
    """1-based ranks of expected sources among the distinct retrieved sources."""
    distinct = list(dict.fromkeys(ranked_sources))
    return [i + 1 for i, s in enumerate(distinct) if s in expected]


def hit_at(found: list[int], k: int) -> float:
    """1 if any expected source is in the top k."""
    return 1.0 if any(r <= k for r in found) else 0.0


def mrr_at(found: list[int], k: int = 10) -> float:
    """Reciprocal rank of the first expected source within k."""
    first = min((r for r in found if r <= k), default=None)
    return 1.0 / first if first else 0.0


def ndcg_at(found: list[int], n_expected: int, k: int = 10) -> float:
    """Binary-relevance nDCG@k over distinct sources."""
    dcg = sum(1 / math.log2(r + 1) for r in found if r <= k)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(n_expected, k)))
    return dcg / ideal if ideal else 0.0


def citation_pr(cited: Sequence[str], expected: set[str]) -> tuple[float, float]:
    """Precision and recall of cited sources against the expected ones."""
    cited_set = set(cited)
    if not cited_set or not expected:
        return (0.0 if cited_set else 1.0), (0.0 if expected else 1.0)
    hit = len(cited_set & expected)
    return hit / len(cited_set), hit / len(expected)


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


def bootstrap_ci(
    values: Sequence[float],
    stat: Callable[[Sequence[float]], float] | None = None,
    rounds: int = 1000,
    seed: int = 0,
) -> tuple[float, float]:
    """95 % bootstrap confidence interval of the mean (or ``stat``)."""
    if not values:
        return (0.0, 0.0)
    stat = stat or (lambda xs: sum(xs) / len(xs))
    rng = random.Random(seed)
    draws = sorted(stat([rng.choice(values) for _ in values]) for _ in range(rounds))
    return round(draws[int(0.025 * rounds)], 4), round(draws[int(0.975 * rounds) - 1], 4)


def mean(values: Sequence[float]) -> float:
    """Mean (0 for an empty list)."""
    return sum(values) / len(values) if values else 0.0
