"""The eval suite end to end on the sample corpus, and the release gate it drives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.errors import GateFailed
from core.records import EvalRun, Records, versions
from core.store import open_store
from eval import gate, golden, report
from eval.runner import evaluation_engine, run
from tests.api.conftest import torch_embedder
from tests.conftest import ROOT, make_settings
from tests.ingest.helpers import run_ingest

pytestmark = pytest.mark.integration
GOLDEN = ROOT / "eval" / "golden" / "samples.jsonl"
BASELINE = ROOT / "eval" / "baselines" / "samples.json"


def _evaluate(tmp_path: Path, corpus: Path, **overrides: object) -> dict:  # type: ignore[type-arg]
    settings = make_settings(tmp_path / "home", embedding={"backend": "torch"}, **overrides)  # type: ignore[arg-type]
    if not (settings.home / "records.db").exists():
        run_ingest(settings, corpus, embedder=torch_embedder())[2].close()
    engine = evaluation_engine(settings, torch_embedder())
    try:
        return run(engine, golden.load(GOLDEN), repeats=3)
    finally:
        engine.close()


def test_default_configuration_passes_the_committed_gate(tmp_path: Path, corpus: Path) -> None:
    result = _evaluate(tmp_path, corpus)
    metrics = result["metrics"]
    verdict = gate.compare(metrics, gate.load(BASELINE))
    assert verdict["passed"], verdict["failures"]
    assert metrics["access.leaks"] == 0 and metrics["consistency.identical_share"] == 1.0
    folder = report.write(result, tmp_path / "reports", "samples", verdict)
    page = (folder / "report.html").read_text()
    assert page.count("data:image/png;base64,") >= 5 and "Gate passed" in page
    assert json.loads((folder / "report.json").read_text())["metrics"] == metrics


def test_a_worse_configuration_fails_the_gate(tmp_path: Path, corpus: Path) -> None:
    worse = _evaluate(
        tmp_path,
        corpus,
        answer={
            "top_k": 1,
            "rerank_weight": 0,
            "dense_weight": 1,
            "sparse_weight": 0,
            "min_confidence": 0.75,
        },
    )
    verdict = gate.compare(worse["metrics"], gate.load(BASELINE))
    assert not verdict["passed"]
    assert any(
        line.startswith(("answer.correct", "refusal.false_rate")) for line in verdict["failures"]
    )


def test_promote_refuses_a_version_that_failed_its_gate(tmp_path: Path, corpus: Path) -> None:
    settings = make_settings(tmp_path / "home")
    run_ingest(settings, corpus)[2].close()
    run_ingest(settings, corpus, rebuild=True)[2].close()
    records, store = Records(settings.records_url), open_store(settings)
    records.add_eval(EvalRun(version=2, dataset="samples", passed=False, metrics={}))
    with pytest.raises(GateFailed, match="version 2 failed its eval gate"):
        versions.promote(records, store, "cairn", 2)
    versions.promote(records, store, "cairn", 2, force=True)
    assert store.resolve_alias("cairn") == "cairn_v2"
    assert [e.action for e in records.events()][:2] == ["promote", "promote-forced"]
    store.close()


def test_cli_eval_gate_and_feedback_export(tmp_path: Path) -> None:
    from tests.cli.helpers import cairn

    home, out = tmp_path / "home", tmp_path / "reports"
    args = [
        "eval",
        "--golden",
        str(GOLDEN),
        "--corpus",
        str(ROOT / "samples" / "handbook"),
        "--repeats",
        "2",
        "--out",
        str(out),
    ]
    first = cairn(home, *args, "--save-baseline", str(tmp_path / "base.json"))
    assert first.returncode == 0, first.stderr
    assert "answer.fact_recall" in first.stdout and "report:" in first.stderr
    again = cairn(home, *args, "--gate", str(tmp_path / "base.json"))
    assert again.returncode == 0 and "gate passed" in again.stderr
    strict = json.loads((tmp_path / "base.json").read_text())
    strict["metrics"]["answer.correct"] = 1.5  # an impossible baseline must fail, readably
    (tmp_path / "strict.json").write_text(json.dumps(strict))
    failed = cairn(home, *args, "--gate", str(tmp_path / "strict.json"))
    assert (
        failed.returncode == 1
        and "gate FAILED" in failed.stderr
        and "answer.correct" in failed.stderr
    )
    assert len(json.loads((out / "history.jsonl").read_text().splitlines()[-1])["metrics"]) > 10
    export = cairn(home, "eval", "export-feedback", "--out", str(tmp_path / "fb.jsonl"))
    assert export.returncode == 0 and "wrote 0 regression case" in export.stderr
