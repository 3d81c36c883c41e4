"""Run syncs of named sources: one at a time per source, each recorded in the records DB.

``run_source`` takes the source's lock (a lock file under ``<home>/locks``: released by
the OS if the process dies, so a crash never leaves a source locked), records the run,
syncs, and records the outcome. A source that cannot be listed ends as a failed run with
its reason; the index keeps what it had.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from core.embed import Embedder
from core.errors import CairnError, SourceBusy
from core.records import Records
from core.records.runs import finish_run, last_tokens, start_run
from core.settings import Settings
from core.sources import SourceSpec
from core.store import VectorStore
from ingest.connectors import build_connector
from ingest.live import SourceIngestor
from ingest.pipeline import Progress
from ingest.report import IngestReport

EmbedderFactory = Callable[[Sequence[str]], Embedder]


@dataclass
class SourceOutcome:
    """One source's sync: its report, or the error that stopped it before any change."""

    name: str
    report: IngestReport | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        """True when the source was listed and synced."""
        return self.error is None


def _ingestor(
    settings: Settings,
    records: Records,
    store: VectorStore,
    embedder_factory: EmbedderFactory,
    progress: Progress | None,
) -> SourceIngestor:
    """In-process, or on the queue's workers when a broker is configured."""
    if not settings.queue.broker_url:
        return SourceIngestor(settings, records, store, embedder_factory, progress)
    from ingest.queue import make_app
    from ingest.queued import QueuedSourceIngestor

    app = make_app(settings)
    return QueuedSourceIngestor(settings, records, store, embedder_factory, progress, app)


@contextmanager
def source_lock(settings: Settings, name: str) -> Iterator[None]:
    """Exclusive per-source lock; SourceBusy when another sync holds it."""
    folder = settings.home / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / f"source-{name}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SourceBusy(
                f"source '{name}' is already syncing; try again when it ends"
            ) from None
        yield
    finally:
        os.close(fd)


def run_source(
    settings: Settings,
    records: Records,
    store: VectorStore,
    embedder_factory: EmbedderFactory,
    spec: SourceSpec,
    progress: Progress | None = None,
    trigger: str = "manual",
) -> SourceOutcome:
    """Sync one source under its lock and record the run."""
    with source_lock(settings, spec.name):
        run = start_run(records, spec.name, trigger)
        try:
            connector = build_connector(spec, settings)
            ingestor = _ingestor(settings, records, store, embedder_factory, progress)
            report, tokens = ingestor.sync(spec, connector, last_tokens(records, spec.name))
        except CairnError as exc:
            finish_run(records, run.id, "failed", error=str(exc))
            return SourceOutcome(spec.name, None, str(exc))
        except Exception as exc:
            finish_run(records, run.id, "failed", error=f"{type(exc).__name__}: {exc}")
            raise
        finish_run(
            records,
            run.id,
            "ok",
            items=len(report.files),
            added=report.count("added"),
            updated=report.count("updated"),
            removed=len(report.removed),
            failed=report.count("failed"),
            tokens=tokens,
        )
        return SourceOutcome(spec.name, report)
