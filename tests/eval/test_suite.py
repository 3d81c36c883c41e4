"""Per-corpus suites: the file format, splits, the per-corpus table and a real CLI run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.errors import CairnError
from eval import suite as suites
from eval.golden import GoldenCase
from eval.runner import CaseResult
from tests.cli.helpers import cairn
from tests.conftest import ROOT


def _result(**kw: object) -> CaseResult:
    base: dict[str, object] = dict(
        id="x",
        question="q",
        answerable=True,
        tags=[],
        refused=False,
        answer="a b c",
        confidence=0.9,
        grounded=True,
        latency_ms=1.0,
        cited_sources=["a.md"],
        fact_recall=1.0,
        token_f1=None,
        citation_precision=1.0,
        citation_recall=1.0,
        support_api=1.0,
        support_independent=1.0,
        leaked=[],
        source_hit=True,
        words=3,
    )
    base.update(kw)
    return CaseResult(**base)  # type: ignore[arg-type]


def test_suite_file_resolves_paths_and_rejects_bad_files(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text(
        "data_root: data\ncorpora:\n  - {name: a, path: docs, golden: a.jsonl, access: {hr/: [hr]}}\n"
    )
    loaded = suites.Suite.load(tmp_path / "s.yaml")
    assert loaded.corpora[0].path == (tmp_path / "data" / "docs").resolve()
    assert loaded.corpora[0].golden == tmp_path.resolve() / "a.jsonl"
    assert loaded.corpora[0].access == {"hr/": ["hr"]}
    (tmp_path / "bad.yaml").write_text("corpora: 3\n")
    with pytest.raises(CairnError, match="invalid suite"):
        suites.Suite.load(tmp_path / "bad.yaml")


def test_split_picks_by_document_half() -> None:
    cases = [
        GoldenCase(id="t", question="q", split="tune"),
        GoldenCase(id="r", question="q", split="report"),
    ]
    assert [c.id for c in suites.pick(cases, "report")] == ["r"]
    assert [c.id for c in suites.pick(cases, "all")] == ["t", "r"]


def test_corpus_table_counts_refusals_pages_and_length() -> None:
    rows = [
        _result(),
        _result(refused=True, fact_recall=0.0, source_hit=False, words=0),
        _result(expected_pages=[3], page_hit=True, words=130),
        _result(answerable=False, refused=True, words=0),
        _result(answerable=False, refused=False, leaked=["hr/x.md"]),
    ]
    table = suites.corpus_metrics(rows)
    assert table["fact_recall"] == round(2 / 3, 4) and table["false_refusals"] == round(1 / 3, 4)
    assert table["page_hit"] == 1.0 and table["unanswerables_refused"] == 0.5
    assert table["leaks"] == 1.0 and table["answer_words_max"] == 130.0
    missed = suites.misses("basecamp", table)
    assert any("fact_recall" in m and ">= 0.9" in m for m in missed)
    assert any("answer_words_max" in m for m in missed)


@pytest.mark.integration
def test_cairn_eval_suite_prints_one_row_per_corpus(tmp_path: Path) -> None:
    suite = tmp_path / "suite.yaml"
    suite.write_text(
        f"data_root: {ROOT / 'samples'}\ncorpora:\n"
        f"  - {{name: samples, path: handbook, golden: {ROOT / 'eval/golden/samples.jsonl'}}}\n"
        f"  - {{name: absent, path: nowhere, golden: {ROOT / 'eval/golden/samples.jsonl'}}}\n"
    )
    run = cairn(
        tmp_path / "home",
        "eval",
        "--suite",
        str(suite),
        "--split",
        "all",
        "--out",
        str(tmp_path / "r"),
    )
    assert run.returncode == 0, run.stderr
    assert "samples" in run.stdout and "skipped absent" in run.stderr
    report = json.loads(next((tmp_path / "r").glob("*/report.json")).read_text())
    assert set(report["corpora"]) == {"samples"} and report["metrics"]["samples.leaks"] == 0
    assert "Cairn evaluation by corpus" in next((tmp_path / "r").glob("*/report.html")).read_text()
