"""Rich rendering of ingest progress and reports for the terminal."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from ingest import Finding, IngestReport
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


SHOWN = 5  # paths per finding in the terminal; --json and the admin UI list every one


def print_report(console: Console, report: IngestReport) -> None:
    """Summary counts, then the problems with their reasons, then data-quality findings:
    a count per finding and its first few paths ("… and N more"); ``--json`` has all."""
    summary = report.to_dict()["summary"]
    console.print(
        f"[bold]index v{report.version}[/] ({report.collection}, revision {report.revision}): "
        + ", ".join(f"{k} {v}" for k, v in summary.items())
        + f"; {report.chunks_total} chunks in index; {report.seconds:.1f} s"
    )
    if report.promoted:
        console.print(f"v{report.version} is now live (alias)")
    problems = report.problems
    if problems:
        table = Table(title=f"Not indexed ({len(problems)})", title_justify="left")
        for column in ("file", "status", "reason"):
            table.add_column(column, overflow="fold")
        for f in problems[:SHOWN]:
            table.add_row(escape(f.path), f.status, escape(f.reason or ""))
        if len(problems) > SHOWN:
            table.add_row(f"… and {len(problems) - SHOWN} more (--json lists all)", "", "")
        console.print(table)
    findings = Table(title="Data quality", title_justify="left", show_header=True)
    findings.add_column("finding")
    findings.add_column("count", justify="right")
    findings.add_column("files", overflow="fold")
    for finding in report.findings():
        findings.add_row(finding.name, str(len(finding.items)), _first_few(finding))
    console.print(findings)


def _first_few(finding: Finding) -> str:
    if finding.note:
        return escape(finding.note)
    if not finding.items:
        return "[dim]none[/]"
    shown = escape("; ".join(finding.items[:SHOWN]))
    more = len(finding.items) - SHOWN
    return shown + (f" … and {more} more" if more > 0 else "")
