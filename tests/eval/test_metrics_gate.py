"""Metric functions, the golden-set loader and the gate (model-free)."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import CairnError
from eval import gate, golden
from eval import metrics as m


def test_fact_recall_and_token_f1() -> None:
    answer = "Full-time employees have 27 days of paid vacation per year [1]."
    assert m.fact_recall(answer, [["27 days"], ["public holidays", "bank holidays"]]) == 0.5
    assert m.fact_recall("It costs 1,200 euros.", [["1200 euros"]]) == 1.0
    assert m.token_f1("the Normans", "Normans") == pytest.approx(2 * 0.5 * 1 / 1.5)
    assert m.token_f1("", "x") == 0.0


def test_rank_metrics() -> None:
    found = m.ranks(["a.md", "a.md", "b.md", "c.md"], {"b.md"})
    assert found == [2]
    assert m.hit_at(found, 1) == 0.0 and m.hit_at(found, 5) == 1.0
    assert m.mrr_at(found) == 0.5
    assert m.ndcg_at([1], 1) == 1.0 and m.ndcg_at([2], 1) == pytest.approx(1 / 1.5849625)
    assert m.citation_pr(["a", "b"], {"a"}) == (0.5, 1.0)


def test_bootstrap_interval_contains_the_mean() -> None:
    values = [1.0] * 30 + [0.0] * 10
    low, high = m.bootstrap_ci(values)
    assert low < 0.75 < high and low > 0.5 and high <= 1.0


def test_gate_flags_regressions_in_the_right_direction() -> None:
    base = gate.baseline_from(
        {
            "answer.correct": 0.9,
            "refusal.false_rate": 0.05,
            "access.leaks": 0.0,
            "latency.p50_ms": 30.0,
        }
    )
    assert "latency.p50_ms" not in base["metrics"], "timings are benchmarked, not gated"
    ok = gate.compare(
        {"answer.correct": 0.87, "refusal.false_rate": 0.08, "access.leaks": 0.0}, base
    )
    assert ok["passed"]
    bad = gate.compare(
        {"answer.correct": 0.80, "refusal.false_rate": 0.2, "access.leaks": 1.0}, base
    )
    assert not bad["passed"]
    text = " ".join(bad["failures"])
    assert (
        "answer.correct: 0.8 < baseline 0.9" in text
        and "refusal.false_rate" in text
        and "access.leaks" in text
    )


def test_golden_loader_reports_the_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "g.jsonl"
    path.write_text('{"id": "a", "question": "Q?"}\n{"id": "b"}\n')
    with pytest.raises(CairnError, match=r"g\.jsonl:2"):
        golden.load(path)
    cases = golden.load(Path(__file__).resolve().parents[2] / "eval" / "golden" / "samples.jsonl")
    assert len(cases) >= 40
    assert sum(not c.answerable for c in cases) >= 8
    assert sum("access" in c.tags for c in cases) >= 4


def test_plots_survive_intervals_that_miss_the_value() -> None:
    from eval import plots

    png = plots.metric_bars(
        {"refusal.recall": 1.0, "answer.correct": 0.5}, {"refusal.recall": (0.0, 0.0)}
    )
    assert len(png) > 1000  # a base64 PNG, no ValueError for a negative error bar
