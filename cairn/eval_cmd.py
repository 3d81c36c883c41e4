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
from core.settings import Settings, get_settings

eval_app = typer.Typer(help="Evaluate answers: retrieval, grounding, refusal, consistency.")
console = Console(stderr=True)
SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


def _index_corpus(settings: Settings, corpus: Path, name: str) -> Settings:
    """A separate home per evaluated corpus (re-runs sync incrementally); shared model cache."""
    from core.embedding import build_embedder
    from core.records import Records
    from core.store import open_store
    from ingest.pipeline import Ingestor

    home = settings.home / "eval" / name
    scoped = settings.model_copy(
        update={
            "home": home,
            "models_dir": settings.models_path,
            "database_url": None,
            "qdrant": settings.qdrant.model_copy(update={"url": None}),
        }
    )
    store = open_store(scoped)
    try:
        Ingestor(
            scoped,
            Records(scoped.records_url),
            store,
            lambda t: build_embedder(scoped, calibration=lambda: t),
        ).run(corpus)
    finally:
        store.close()
    return scoped


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
) -> None:
    """Evaluate and write eval/reports/<timestamp>/report.{json,html}."""
    if ctx.invoked_subcommand is not None:
        return
    from api.app import build_services
    from core.tables import EvalRun
    from eval import datasets, report
    from eval import gate as gating
    from eval import golden as golden_io
    from eval.runner import run as run_eval

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
    target = _index_corpus(settings, corpus, dataset or corpus.name) if corpus else settings
    services = build_services(target)
    try:
        services.ask.pinned = version
        result = run_eval(services, cases, repeats=repeats)
        verdict = gating.compare(result["metrics"], gating.load(gate)) if gate else None
        folder = report.write(result, out, label, verdict)
        if target is settings:
            services.records.add_eval(
                EvalRun(
                    version=result["index"]["version"],
                    dataset=label,
                    passed=None if verdict is None else verdict["passed"],
                    metrics=result["metrics"],
                    report=str(folder),
                )
            )
    finally:
        services.store.close()
    if save_baseline:
        save_baseline.parent.mkdir(parents=True, exist_ok=True)
        save_baseline.write_text(json.dumps(gating.baseline_from(result["metrics"]), indent=2))
    _print(result["metrics"], verdict, folder)
    if verdict is not None and not verdict["passed"]:
        sys.exit(1)


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
    from sqlalchemy import select

    from core.records import Records
    from core.tables import AnswerRecord, Feedback
    from eval.golden import GoldenCase, save

    records = Records(get_settings().records_url)
    query = (
        select(Feedback, AnswerRecord)
        .join(AnswerRecord, AnswerRecord.id == Feedback.answer_id)
        .where(Feedback.helpful.is_(False))
    )
    with records.session() as s:
        rows = s.execute(query.order_by(Feedback.id)).all()
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
