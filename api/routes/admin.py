"""Admin endpoints: sources and ingest status, index promote/rollback, feedback, monitoring."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi import Path as PathParam

from api.deps import AdminDep, EngineDep
from api.responses import (
    EvalSummary,
    FeedbackEntry,
    ItemFailure,
    LiveSourcePublic,
    LiveVersion,
    MonitorReport,
    SourceFile,
    SourceFindings,
    SourcesPublic,
)
from core.errors import NotFound
from core.records import audit, monitor, runs, utcnow, versions
from core.records.quality import manifest_findings
from core.records.repository import Records
from core.records.rows import ManifestRow, SourceRun
from core.settings import Settings
from core.sources import SOURCE_MARK, SourceSpec, load_sources

router = APIRouter(prefix="/admin", tags=["admin"])


@router.get("/sources", response_model=SourcesPublic)
def sources(_: AdminDep, engine: EngineDep) -> SourcesPublic:
    """Every file of the live index version with its status, chunks and failure reason,
    and the data-quality findings of the manifest (every path)."""
    version = engine.ask.live()
    rows = engine.records.manifest(version.version, with_text=False)
    found = manifest_findings(engine.records.manifest_summary(version.version))
    near_empty = engine.records.near_empty(version.version, engine.settings.ingest.min_chars)
    return SourcesPublic(
        version=version.version,
        revision=version.revision,
        corpus_root=version.corpus_root,
        last_sync=version.updated_at,
        files=[SourceFile.model_validate(r) for r in sorted(rows.values(), key=lambda r: r.path)],
        findings=SourceFindings(near_empty=near_empty, **asdict(found)),
        sources=live_sources(engine.settings, engine.records, rows.values()),
    )


def live_sources(
    settings: Settings, records: Records, rows: Iterable[ManifestRow]
) -> list[LiveSourcePublic]:
    """The sources of sources.yaml with their last run, next due time, and the items of
    each that are not indexed (from the live version's manifest ``rows``)."""
    if settings.sources is None:
        return []
    specs = load_sources(settings.sources)
    last = runs.last_runs(records)
    due = runs.due_times(records, specs, utcnow())
    failures: dict[str, list[ItemFailure]] = {}
    for row in rows:
        if row.path.startswith(SOURCE_MARK) and row.status == "failed":
            name, _, item = row.path[len(SOURCE_MARK) :].partition("/")
            failures.setdefault(name, []).append(ItemFailure(item=item, reason=row.error or ""))
    return [_live_source(spec, last.get(spec.name), due[spec.name], failures) for spec in specs]


def _live_source(
    spec: SourceSpec,
    run: SourceRun | None,
    next_run: datetime | None,
    failures: dict[str, list[ItemFailure]],
) -> LiveSourcePublic:
    return LiveSourcePublic(
        name=spec.name,
        type=spec.type,
        location=spec.location,
        schedule=spec.schedule,
        last_run=runs.aware(run.started_at) if run else None,
        finished_at=runs.aware(run.finished_at) if run and run.finished_at else None,
        trigger=run.trigger if run else None,
        status=run.status if run else "never",
        items=run.items if run else 0,
        added=run.added if run else 0,
        updated=run.updated if run else 0,
        removed=run.removed if run else 0,
        failed=run.failed if run else 0,
        error=run.error if run else "",
        failures=sorted(failures.get(spec.name, []), key=lambda f: f.item),
        next_run=next_run,
    )


@router.post("/index/{version}/promote", response_model=LiveVersion)
def promote(
    version: Annotated[int, PathParam(ge=1, le=2**31 - 1)], _: AdminDep, engine: EngineDep
) -> LiveVersion:
    """Make a ready version live."""
    row = versions.promote(engine.records, engine.store, engine.settings.qdrant.alias, version)
    return LiveVersion(live=row.version)


@router.post("/index/rollback", response_model=LiveVersion)
def rollback(_: AdminDep, engine: EngineDep) -> LiveVersion:
    """Switch back to the previously live version."""
    row = versions.rollback(engine.records, engine.store, engine.settings.qdrant.alias)
    return LiveVersion(live=row.version)


@router.get("/feedback", response_model=list[FeedbackEntry])
def feedback(
    _: AdminDep,
    engine: EngineDep,
    helpful: bool | None = None,
    limit: int = Query(100, ge=1, le=1000),
) -> list[FeedbackEntry]:
    """Feedback with the answer it is about, newest first (``helpful=false``: the review queue)."""
    return [
        FeedbackEntry(
            id=fb.id,
            at=fb.at,
            helpful=fb.helpful,
            comment=fb.comment,
            principal=fb.principal,
            answer_id=ans.id,
            question=ans.question,
            answer=ans.answer,
            refused=ans.refused,
            citations=ans.citations,
        )
        for fb, ans in audit.list_feedback(engine.records, helpful, limit)
    ]


@router.get("/monitor", response_model=MonitorReport)
def monitoring(
    _: AdminDep, engine: EngineDep, window: int = Query(7, ge=1, le=90)
) -> MonitorReport:
    """Daily aggregates (stored), drift of the last window, top unanswered questions."""
    return MonitorReport.model_validate(
        {
            "daily": monitor.store_daily(engine.records),
            "drift": monitor.drift(engine.records, window_days=window),
            "top_unanswered": monitor.top_unanswered(engine.records),
        }
    )


@router.get("/eval/latest", response_model=EvalSummary)
def latest_eval(_: AdminDep, engine: EngineDep) -> EvalSummary:
    """The newest `cairn eval` report in CAIRN_EVAL_REPORTS (metrics and the HTML page)."""
    root = engine.settings.eval_reports
    runs = sorted(p for p in root.glob("*/report.json")) if root.is_dir() else []
    if not runs:
        raise NotFound(f"no evaluation report in {root} yet: run `cairn eval`")
    report = json.loads(runs[-1].read_text())
    html_path = runs[-1].with_name("report.html")
    return EvalSummary(
        at=report.get("at"),
        dataset=report.get("dataset"),
        metrics=report.get("metrics", {}),
        gate=report.get("gate"),
        html=html_path.read_text() if html_path.exists() else "",
    )
