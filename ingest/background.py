"""Syncs started by the API (``POST /admin/sources/{name}/sync``), run in the background.

The server's own store, records and embedder do the work, so the embedded engine keeps
its single writer (a second process could not open it while the server runs) and
queries read the index while the sync writes to it. The request takes the source's lock
and records the run before it answers, so a second request for the same source (or a
`cairn sync` of it elsewhere on the host) gets SourceBusy at once; the sync thread
releases the lock when it ends.

The sync embeds in slices of the embedder's batch size: every slice is one call through
the model's coalescer, so concurrent queries get the model between slices instead of
waiting for a whole batch of chunks. On shutdown, running syncs stop at their next
stored batch (``SyncCancelled``): what they stored is consistent, and the next sync of
the source finishes the work.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

import numpy as np

from answer import Engine
from core.embed import Embedder, Vectors
from core.errors import SyncCancelled
from core.records import Records
from core.records.runs import start_run
from core.settings import Settings
from core.sources import SourceSpec, find_source
from core.store import VectorStore
from ingest.pipeline import Progress
from ingest.syncrun import SourceLock, sync_run

log = logging.getLogger("cairn.sync")


class SlicedEmbedder:
    """An embedder that embeds long lists in slices of ``size`` texts (same vectors)."""

    def __init__(self, inner: Embedder, size: int) -> None:
        self.inner, self.size = inner, max(1, size)
        self.model_id, self.backend, self.dim = inner.model_id, inner.backend, inner.dim

    def embed(self, texts: Sequence[str]) -> Vectors:
        """Rows for ``texts``, one inner call per slice."""
        if len(texts) <= self.size:
            return self.inner.embed(texts)
        parts = [
            self.inner.embed(texts[i : i + self.size]) for i in range(0, len(texts), self.size)
        ]
        return np.concatenate(parts).astype(np.float32, copy=False)


class _Stoppable(Progress):
    """Stops a sync at its next stored batch once ``stop`` is set."""

    def __init__(self, stop: threading.Event) -> None:
        self.stop = stop

    def advance(self, files: int = 0, chunks: int = 0) -> None:
        if self.stop.is_set():
            raise SyncCancelled("the server is shutting down; the next sync finishes the work")


class BackgroundSyncs:
    """Starts syncs of the sources of ``settings.sources``, one thread each."""

    def __init__(
        self, settings: Settings, records: Records, store: VectorStore, embedder: Embedder
    ) -> None:
        self.settings, self.records, self.store = settings, records, store
        self.embedder = SlicedEmbedder(embedder, settings.embedding.batch_size)
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    @classmethod
    def for_engine(cls, engine: Engine) -> BackgroundSyncs:
        """Syncs that share a running answer engine's store, records and embedder."""
        return cls(engine.settings, engine.records, engine.store, engine.embedder)

    def start(self, name: str) -> int:
        """Start syncing ``name`` and return its run id; NotFound for an undeclared
        source, SourceBusy when a sync of it is already running."""
        spec = find_source(self.settings.sources, name)
        lock = SourceLock(self.settings, name)
        lock.acquire()
        try:
            run = start_run(self.records, name, "api")
            thread = threading.Thread(
                target=self._run, args=(spec, run.id, lock), name=f"sync-{name}", daemon=True
            )
            thread.start()
        except BaseException:
            lock.release()
            raise
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        return run.id

    def close(self, timeout_s: float = 30.0) -> None:
        """Ask running syncs to stop and wait for them (at most ``timeout_s`` each)."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout_s)

    def _run(self, spec: SourceSpec, run_id: int, lock: SourceLock) -> None:
        try:
            outcome = sync_run(
                self.settings,
                self.records,
                self.store,
                lambda _texts: self.embedder,
                spec,
                run_id,
                _Stoppable(self._stop),
            )
            log.info("synced %s: %s", spec.name, "ok" if outcome.ok else outcome.error)
        except Exception:  # sync_run recorded it on the run; the server goes on
            log.exception("sync of %s failed", spec.name)
        finally:
            lock.release()
