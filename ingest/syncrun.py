"""Run syncs of named sources: one at a time per source, each recorded in the records DB.

``run_source`` takes the source's lock (a lock file under ``<home>/locks``: released by
the OS if the process dies, so a crash never leaves a source locked), records the run,
syncs (``sync_run``), and records the outcome. A source that cannot be listed ends as a
failed run with its reason; the index keeps what it had.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Sequence
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


class SourceLock:
    """Exclusive per-source lock (a lock file under ``<home>/locks``); ``acquire`` raises
    SourceBusy when another sync holds it. A lock taken in one thread may be released in
    another (the API takes it while answering the request, its sync thread releases it)."""

    def __init__(self, settings: Settings, name: str) -> None:
        self.path = settings.home / "locks" / f"source-{name}.lock"
        self.name = name
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock now, or raise SourceBusy."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise SourceBusy(
                f"source '{self.name}' is already syncing; try again when it ends"
            ) from None
        self._fd = fd

    def release(self) -> None:
        """Give the lock up (closing the file releases it)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> SourceLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


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
    with SourceLock(settings, spec.name):
        run = start_run(records, spec.name, trigger)
        return sync_run(settings, records, store, embedder_factory, spec, run.id, progress)


def sync_run(
    settings: Settings,
    records: Records,
    store: VectorStore,
    embedder_factory: EmbedderFactory,
    spec: SourceSpec,
    run_id: int,
    progress: Progress | None = None,
) -> SourceOutcome:
    """Sync one source for the recorded run ``run_id``; the caller holds its lock."""
    try:
        connector = build_connector(spec, settings)
        ingestor = _ingestor(settings, records, store, embedder_factory, progress)
        report, tokens = ingestor.sync(spec, connector, last_tokens(records, spec.name))
    except CairnError as exc:
        finish_run(records, run_id, "failed", error=str(exc))
        return SourceOutcome(spec.name, None, str(exc))
    except Exception as exc:
        finish_run(records, run_id, "failed", error=f"{type(exc).__name__}: {exc}")
        raise
    finish_run(
        records,
        run_id,
        "ok",
        items=len(report.files),
        added=report.count("added"),
        updated=report.count("updated"),
        removed=len(report.removed),
        failed=report.count("failed"),
        tokens=tokens,
    )
    return SourceOutcome(spec.name, report)
