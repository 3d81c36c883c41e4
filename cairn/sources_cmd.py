"""``cairn sources list|status``, ``cairn sync [NAME…]`` and ``cairn scheduler``."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from core.embed import Embedder, build_embedder
from core.errors import ConfigError
from core.records import Records
from core.settings import Settings, get_settings
from core.sources import SourceSpec, load_sources
from core.store import open_store

sources_app = typer.Typer(no_args_is_help=True, help="List live sources and their sync status.")
console = Console(stderr=True)
ConfigOpt = Annotated[
    Path | None, typer.Option("--config", help="sources.yaml (default: CAIRN_SOURCES)")
]


def read_specs(settings: Settings, config: Path | None) -> list[SourceSpec]:
    """The sources of ``--config`` or ``CAIRN_SOURCES``."""
    path = config or settings.sources
    if path is None:
        raise ConfigError("no sources.yaml: pass --config FILE or set CAIRN_SOURCES")
    return load_sources(path)


@sources_app.command("list")
def sources_list(config: ConfigOpt = None) -> None:
    """The sources declared in sources.yaml."""
    table = Table("name", "type", "location", "groups", "schedule")
    for spec in read_specs(get_settings(), config):
        table.add_row(
            spec.name, spec.type, spec.location, ", ".join(spec.groups), spec.schedule or ""
        )
    Console().print(table)


@sources_app.command("status")
def sources_status(
    config: ConfigOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON")] = False,
) -> None:
    """Last run, items, failures and next run of every source."""
    from core.records.runs import aware, due_times, last_runs

    settings = get_settings()
    specs = read_specs(settings, config)
    records = Records(settings.records_url)
    runs = last_runs(records)
    due = due_times(records, specs, datetime.now(UTC))
    rows = []
    for spec in specs:
        run = runs.get(spec.name)
        nxt = due[spec.name]
        rows.append(
            {
                "name": spec.name,
                "last_run": aware(run.started_at).isoformat(timespec="seconds") if run else None,
                "status": run.status if run else "never",
                "items": run.items if run else 0,
                "failed": run.failed if run else 0,
                "error": run.error if run else "",
                "next_run": nxt.isoformat(timespec="seconds") if nxt else None,
            }
        )
    if as_json:
        typer.echo(json.dumps(rows, indent=1))
        return
    table = Table("name", "last run", "status", "items", "failed", "next run", "error")
    for r in rows:
        table.add_row(*(str(r[k] if r[k] is not None else "") for k in r))
    Console().print(table)


def sync(
    names: Annotated[
        list[str] | None, typer.Argument(help="Sources to sync (default: all)")
    ] = None,
    config: ConfigOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the reports as JSON")] = False,
) -> None:
    """One sync pass of the named sources (all by default); exit 1 if a source failed."""
    from cairn.render import RichProgress, print_report
    from ingest.syncrun import run_source

    settings = get_settings()
    specs = _chosen(read_specs(settings, config), names or [])
    failed = []
    records, store = Records(settings.records_url), open_store(settings)
    try:
        for spec in specs:
            started = time.perf_counter()
            with RichProgress(console, label=spec.name) as bar:
                outcome = run_source(settings, records, store, _embedder(settings), spec, bar)
            if outcome.report is None:
                failed.append(spec.name)
                console.print(f"[red]error:[/] source '{spec.name}' not synced: {outcome.error}")
                continue
            outcome.report.seconds = time.perf_counter() - started
            if as_json:
                typer.echo(json.dumps(outcome.report.to_dict(), indent=2, default=str))
            else:
                console.print(f"[bold]source {spec.name}[/]")
                print_report(console, outcome.report)
    finally:
        store.close()
    if failed:
        raise typer.Exit(1)


def scheduler(
    config: ConfigOpt = None,
    poll: Annotated[float, typer.Option(help="Seconds between schedule checks")] = 30.0,
    once: Annotated[bool, typer.Option(help="Run what is due now, then exit")] = False,
) -> None:
    """Run each source's sync on its schedule (interval or cron) until interrupted."""
    from ingest.scheduler import Scheduler
    from ingest.syncrun import run_source

    settings = get_settings()
    specs = read_specs(settings, config)
    records, store = Records(settings.records_url), open_store(settings)

    def run(spec: SourceSpec):  # type: ignore[no-untyped-def]
        outcome = run_source(settings, records, store, _embedder(settings), spec, None, "schedule")
        console.print(f"{spec.name}: " + ("synced" if outcome.ok else f"failed: {outcome.error}"))
        return outcome

    sched = Scheduler(records, specs, run)
    try:
        if once:
            sched.tick()
        else:
            console.print(f"scheduler: {len(specs)} source(s), checking every {poll:g} s")
            sched.run_forever(poll, threading.Event())
    finally:
        store.close()


def _chosen(specs: list[SourceSpec], names: Sequence[str]) -> list[SourceSpec]:
    known = {s.name: s for s in specs}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ConfigError(f"unknown source(s): {', '.join(unknown)} (known: {', '.join(known)})")
    return [known[n] for n in names] if names else specs


def _embedder(settings: Settings):  # type: ignore[no-untyped-def]
    def embedder_for(texts: Sequence[str]) -> Embedder:
        return build_embedder(settings, calibration=lambda: texts)

    return embedder_for
