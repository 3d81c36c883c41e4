"""Rich rendering of ingest progress and reports for the terminal."""

from __future__ import annotations

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from ingest import IngestReport
from ingest import Progress as ProgressSink


class RichProgress(ProgressSink):
    """Files bar plus a chunks counter with chunks/s."""

    def __init__(self, console: Console, label: str = "ingest") -> None:
        self._bar = Progress(
            TextColumn(f"[bold]{label}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("files · {task.fields[chunks]} chunks · {task.fields[rate]} chunks/s"),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        self._task = self._bar.add_task("ingest", total=None, chunks=0, rate="-")
        self._chunks = 0

    def __enter__(self) -> RichProgress:
        self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._bar.stop()

    def start(self, files: int) -> None:
        """Set the total."""
        self._bar.update(self._task, total=files)

    def advance(self, files: int = 0, chunks: int = 0) -> None:
        """Move the bar and update chunks/s."""
        self._chunks += chunks
        elapsed = self._bar.tasks[0].elapsed or 0.0
        rate = f"{self._chunks / elapsed:.1f}" if elapsed > 0 else "-"
        self._bar.update(self._task, advance=files, chunks=self._chunks, rate=rate)


def print_report(console: Console, report: IngestReport) -> None:
    """Summary counts, then every problem with its reason, then data-quality findings."""
    summary = report.to_dict()["summary"]
    console.print(
        f"[bold]index v{report.version}[/] ({report.collection}, revision {report.revision}): "
        + ", ".join(f"{k} {v}" for k, v in summary.items())
        + f"; {report.chunks_total} chunks in index; {report.seconds:.1f} s"
    )
    if report.promoted:
        console.print(f"v{report.version} is now live (alias)")
    if report.problems:
        table = Table(title="Not indexed", title_justify="left")
        for column in ("file", "status", "reason"):
            table.add_column(column, overflow="fold")
        for f in report.problems:
            table.add_row(f.path, f.status, f.reason or "")
        console.print(table)
    findings = Table(title="Data quality", title_justify="left", show_header=True)
    findings.add_column("finding")
    findings.add_column("files", overflow="fold")
    rows = [
        ("exact duplicates", "; ".join(" = ".join(d) for d in report.duplicates)),
        ("empty or near-empty", ", ".join(report.near_empty)),
        ("no access rule (defaulted to everyone)", ", ".join(report.no_access_rule)),
        ("warnings", "; ".join(f"{f.path}: {w}" for f in report.files for w in f.warnings)),
        ("removed since last sync", ", ".join(report.removed)),
    ]
    for name, files in rows:
        findings.add_row(name, files or "[dim]none[/]")
    console.print(findings)
