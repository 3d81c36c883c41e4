"""Source sync runs in the records DB: start, finish, and the latest run per source."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from core.errors import NotFound
from core.records.repository import Records
from core.records.rows import SourceRun, utcnow
from core.sources import SourceSpec, next_run

__all__ = [
    "aware",
    "due_times",
    "finish_run",
    "get_run",
    "last_runs",
    "last_tokens",
    "start_run",
]


def start_run(records: Records, source: str, trigger: str = "manual") -> SourceRun:
    """Record that a sync of ``source`` started (status ``running``)."""
    with records.writing() as s:
        row = SourceRun(source=source, trigger=trigger, status="running", started_at=utcnow())
        s.add(row)
        s.flush()
        return row


def finish_run(records: Records, run_id: int, status: str, **counts: Any) -> None:
    """Close a run with its outcome (``ok`` or ``failed``), counts and error line."""
    with records.writing() as s:
        row = s.get(SourceRun, run_id)
        if row is None:
            return
        row.status = status
        row.finished_at = utcnow()
        for key, value in counts.items():
            setattr(row, key, value)


def last_runs(records: Records) -> dict[str, SourceRun]:
    """The most recent run of every source that ever ran."""
    latest = select(func.max(SourceRun.id)).group_by(SourceRun.source)
    with records.session() as s:
        rows = s.scalars(select(SourceRun).where(SourceRun.id.in_(latest)))
        return {row.source: row for row in rows}


def last_tokens(records: Records, source: str) -> dict[str, str]:
    """Item id → version token as seen by the source's last successful run."""
    query = (
        select(SourceRun.tokens)
        .where(SourceRun.source == source, SourceRun.status == "ok")
        .order_by(SourceRun.id.desc())
        .limit(1)
    )
    with records.session() as s:
        return dict(s.scalar(query) or {})


def aware(moment: datetime) -> datetime:
    """A stored time as UTC-aware (SQLite hands back naive UTC)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def due_times(
    records: Records, specs: Sequence[SourceSpec], now: datetime
) -> dict[str, datetime | None]:
    """Each source's next due time from its last run (None: no schedule, synced by hand)."""
    last = last_runs(records)
    out: dict[str, datetime | None] = {}
    for spec in specs:
        run = last.get(spec.name)
        started = aware(run.started_at) if run else None
        out[spec.name] = next_run(spec.schedule, started, now) if spec.schedule else None
    return out


def get_run(records: Records, run_id: int) -> SourceRun:
    """One run by id (NotFound when there is none)."""
    return records.fetch(SourceRun, run_id, NotFound(f"no sync run {run_id}"))
