"""``cairn monitor``: quality aggregates, drift, knowledge gaps; ``purge`` for retention."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from core.records import Records, monitor, review
from core.settings import get_settings

monitor_app = typer.Typer(no_args_is_help=True, help="Answer quality over time; drift; gaps.")
console = Console(stderr=True)


@monitor_app.command("report")
def report(
    window: Annotated[int, typer.Option(help="Recent window, days")] = 7,
    baseline: Annotated[int, typer.Option(help="Baseline window before it, days")] = 28,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
    frequent: Annotated[int, typer.Option(help="Queue refused questions asked this often")] = 3,
) -> None:
    """Store daily aggregates, check drift, list top unanswered questions."""
    records = Records(get_settings().records_url)
    daily = monitor.store_daily(records)
    result = monitor.drift(records, window, baseline)
    gaps = monitor.top_unanswered(records)
    for gap in gaps:
        if gap["count"] >= frequent:
            review.enqueue(records, gap["question"], gap["groups"], "frequent_refusal")
    if as_json:
        typer.echo(json.dumps({"daily": daily, "drift": result, "top_unanswered": gaps}, indent=2))
        return
    table = Table(
        "day", "questions", "refused", "grounded", "thumbs down", "top score", "gaps", "p50 ms"
    )
    for d in daily[-14:]:
        table.add_row(
            d["day"],
            str(d["questions"]),
            f"{d['refusal_rate']:.0%}",
            f"{d['grounded_rate']:.0%}",
            f"{d['thumbs_down_rate']:.0%}",
            f"{d['mean_top_score']:.2f}",
            f"{d['knowledge_gap_rate']:.0%}",
            f"{d['latency_p50_ms']:.0f}",
        )
    Console().print(table)
    status = (
        "[red]DRIFT[/]: " + "; ".join(result["alerts"]) if result["drift"] else "[green]no drift[/]"
    )
    console.print(
        f"{status} (PSI {result['top_score_psi']}, refusal change {result['refusal_rate_change']:+.0%})"
    )
    if gaps:
        console.print("Top unanswered questions (write these documents next):")
        for gap in gaps:
            console.print(f"  {gap['count']:>3} x  {gap['question']}")


def purge(
    older_than_days: Annotated[
        int | None, typer.Option(help="Default: CAIRN_RETENTION_DAYS")
    ] = None,
) -> None:
    """Retention: keep daily aggregates, delete older audit records and their feedback."""
    settings = get_settings()
    older_than_days = older_than_days or settings.retention_days
    removed = monitor.purge(Records(settings.records_url), older_than_days)
    console.print(
        f"purged {removed} audit record(s) older than {older_than_days} days (aggregates kept)"
    )
