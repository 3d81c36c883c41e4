"""``cairn eval``: run a golden set (or a public benchmark) and gate releases on it."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from core.errors import CairnError
from core.settings import get_settings

eval_app = typer.Typer(help="Evaluate answers: retrieval, grounding, refusal, consistency.")
console = Console(stderr=True)
SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


@eval_app.callback(invoke_without_command=True)
def run(
    ctx: typer.Context,
    golden: Annotated[Path | None, typer.Option(help="Golden set JSONL")] = None,
    dataset: Annotated[
        str | None, typer.Option(help="squad or contoso (from ../shared/data)")
    ] = None,
    data: Annotated[
        Path | None, typer.Option(help="Path of the dataset (default: ../shared/data/...)")
    ] = None,
    corpus: Annotated[
        Path | None, typer.Option(help="Index this folder first (own eval home)")
    ] = None,
    version: Annotated[
        int | None, typer.Option(help="Evaluate this (staged) version of the main index")
    ] = None,
    limit: Annotated[int, typer.Option(help="Answerable questions sampled from a dataset")] = 200,
    seed: Annotated[int, typer.Option(help="Sampling seed")] = 0,
    repeats: Annotated[int, typer.Option(help="Repeats per question for consistency")] = 20,
    gate: Annotated[Path | None, typer.Option(help="Baseline JSON; exit 1 on regression")] = None,
    save_baseline: Annotated[
        Path | None, typer.Option(help="Write this run's metrics as a baseline")
    ] = None,
    out: Annotated[Path, typer.Option(help="Reports folder")] = Path("eval/reports"),
    suite: Annotated[
        Path | None, typer.Option(help="Suite YAML: several corpora, one table per corpus")
    ] = None,
    split: Annotated[str, typer.Option(help="With --suite: tune, report or all")] = "report",
) -> None:
    """Evaluate and write eval/reports/<timestamp>/report.{json,html}."""
    if ctx.invoked_subcommand is not None:
        return
    if suite is not None:
        _run_suite(suite, split, out)
        return
    from core.records import EvalRun
    from eval import datasets, report
    from eval import gate as gating
    from eval import golden as golden_io
    from eval.runner import evaluation_engine
    from eval.runner import run as run_eval
    from eval.suite import index_corpus

    settings = get_settings()
    if dataset:
        import tempfile

        work = Path(tempfile.mkdtemp(prefix="cairn-eval-"))
        if dataset == "squad":
            corpus, cases = datasets.squad(
                data or SHARED / "squad2-dev" / "dev-v2.0.json", work, limit, seed
            )
        elif dataset == "contoso":
            corpus, cases = datasets.contoso(data or SHARED / "contoso-hr", limit, seed)
        else:
            raise CairnError(f"unknown dataset {dataset!r} (squad or contoso)")
        label = f"{dataset}(limit={limit},seed={seed})"
    elif golden:
        cases, label = golden_io.load(golden), golden.name
    else:
        raise CairnError("give --golden PATH or --dataset squad|contoso")
    target = index_corpus(settings, corpus, dataset or corpus.name) if corpus else settings
    engine = evaluation_engine(target, pinned=version)
    try:
        result = run_eval(engine, cases, repeats=repeats)
        verdict = gating.compare(result["metrics"], gating.load(gate)) if gate else None
        folder = report.write(result, out, label, verdict)
        if target is settings:
            engine.records.add_eval(
                EvalRun(
                    version=result["index"]["version"],
                    dataset=label,
                    passed=None if verdict is None else verdict["passed"],
                    metrics=result["metrics"],
                    report=str(folder),
                )
            )
    finally:
        engine.close()
    if save_baseline:
        save_baseline.parent.mkdir(parents=True, exist_ok=True)
        save_baseline.write_text(json.dumps(gating.baseline_from(result["metrics"]), indent=2))
    _print(result["metrics"], verdict, folder)
    if verdict is not None and not verdict["passed"]:
        sys.exit(1)


def _run_suite(path: Path, split: str, out: Path) -> None:
    """Index each corpus of the suite in its own eval home, run its cases, one table."""
    from eval import report
    from eval import suite as suites

    if split not in ("tune", "report", "all"):
        raise CairnError(f"--split must be tune, report or all, not {split!r}")
    payload = suites.run_suite(get_settings(), suites.Suite.load(path), split)  # type: ignore[arg-type]
    for line in payload["skipped"]:
        console.print(f"skipped {line}")
    tables: dict[str, dict[str, float]] = payload["corpora"]
    if not tables:
        raise CairnError(f"no corpus of {path} was found: nothing evaluated")
    payload = {"suite": str(path), **payload}
    folder = report.write_suite(payload, out)
    table = Table(
        "corpus", *(label for _, label in report.SUITE_COLUMNS), title=f"Evaluation ({split})"
    )
    for name, row in tables.items():
        table.add_row(
            name, *(("n/a" if row[k] < 0 else f"{row[k]:g}") for k, _ in report.SUITE_COLUMNS)
        )
    Console(width=160).print(table)  # ten columns: never squeezed into 80
    for line in payload["missed"]:
        console.print(f"[yellow]target missed:[/] {line}")
    console.print(f"report: {folder / 'report.html'}")


def _print(metrics: dict[str, float], verdict: dict[str, object] | None, folder: Path) -> None:
    table = Table("metric", "value", title="Evaluation")
    for name, value in metrics.items():
        if not name.startswith("retrieval.") or name.startswith("retrieval.hybrid+rerank"):
            table.add_row(name, f"{value:g}")
    Console().print(table)
    if verdict is not None:
        if verdict["passed"]:
            console.print(f"[green]gate passed[/] ({verdict['checked']} metrics checked)")
        else:
            console.print("[red]gate FAILED:[/]")
            for line in verdict["failures"]:  # type: ignore[attr-defined]
                console.print(f"  - {line}")
    console.print(f"report: {folder / 'report.html'}")


@eval_app.command("export-feedback")
def export_feedback(
    out: Annotated[Path, typer.Option(help="Golden-set JSONL to write")] = Path(
        "eval/golden/feedback.jsonl"
    ),
) -> None:
    """Turn thumbs-down answers into regression cases (fill in expected facts, then gate on them)."""
    from core.records import Records, audit
    from eval.golden import GoldenCase, save

    records = Records(get_settings().records_url)
    rows = sorted(
        audit.list_feedback(records, helpful=False, limit=1_000_000), key=lambda r: r[0].id
    )
    cases = [
        GoldenCase(
            id=f"feedback-{fb.id}",
            question=ans.question,
            groups=list(ans.groups),
            expected_sources=sorted({c["source"] for c in ans.citations}),
            tags=["feedback"],
            notes=f"thumbs down: {fb.comment or '(no comment)'} | answer was: {ans.answer[:300]}",
        )
        for fb, ans in rows
    ]
    save(out, cases)
    console.print(
        f"wrote {len(cases)} regression case(s) to {out}; add expected_facts before gating on them"
    )
