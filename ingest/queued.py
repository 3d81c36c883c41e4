"""The writer side of a queued sync: hand changed items to ``cairn worker`` processes in
batches, then apply their results, in order, from this one process.

Everything that decides *what* to do stays here (listing, the manifest, unchanged and
deleted items); workers only fetch, parse, chunk and embed. Results are applied batch by
batch in the order the batches were sent, each exactly as an in-process batch is stored
(points first, then manifest rows), so the embedded engine keeps its single writer and a
sync killed at any point is finished by the next one.
"""

from __future__ import annotations

from typing import Any, Protocol

from core.records import IndexVersion, ManifestRow, Records
from core.schema import SparseVector
from core.settings import Settings
from core.sources import SourceSpec
from core.store import StoredPoint, VectorStore
from ingest.connectors import Connector, Item
from ingest.live import ItemJob, SourceIngestor, source_key
from ingest.pipeline import EmbedderFactory, Progress
from ingest.prepare import Pending
from ingest.queue import BATCH_TASK, item_payload
from ingest.report import IngestReport


class BatchHandle(Protocol):
    """A sent batch (a Celery ``AsyncResult``)."""

    def get(self, timeout: float | None = None) -> Any:
        """The batch's result; raises what the task raised after its last retry."""
        ...


class QueuedSourceIngestor(SourceIngestor):
    """A ``SourceIngestor`` whose fetch + parse + embed runs on Celery workers."""

    def __init__(
        self,
        settings: Settings,
        records: Records,
        store: VectorStore,
        embedder_factory: EmbedderFactory,
        progress: Progress | None = None,
        app: Any = None,
    ) -> None:
        super().__init__(settings, records, store, embedder_factory, progress)
        self.app = app

    def _ingest(
        self,
        spec: SourceSpec,
        connector: Connector,
        items: list[Item],
        row: IndexVersion,
        manifest: dict[str, ManifestRow],
        report: IngestReport,
    ) -> set[str]:
        seen: set[str] = set()
        jobs: list[ItemJob] = []
        listed_failures: list[Pending] = []
        for item in items:
            key = source_key(spec.name, item.id)
            seen.add(key)
            planned = self._plan(spec, item, key, manifest.get(key), report)
            if isinstance(planned, ItemJob):
                jobs.append(planned)
            elif planned is None:
                self.progress.advance(files=1)
            else:
                listed_failures.append(planned)
        self._store(row, listed_failures, report)
        size = self.settings.queue.batch_items
        batches = [jobs[i : i + size] for i in range(0, len(jobs), size)]
        sent = [(batch, self._send(spec, batch)) for batch in batches]  # all out, then wait
        for batch, handle in sent:
            self._apply(row, batch, handle, report)
        return seen

    def _send(self, spec: SourceSpec, batch: list[ItemJob]) -> BatchHandle:
        payload = {
            "spec": spec.model_dump(mode="json"),
            "chunking": self.settings.chunking.model_dump(mode="json"),
            "ingest": self.settings.ingest.model_dump(mode="json"),
            "jobs": [
                {
                    "item": item_payload(j.item),
                    "key": j.key,
                    "fingerprint": j.fingerprint,
                    "groups": j.groups,
                }
                for j in batch
            ],
        }
        handle: BatchHandle = self.app.send_task(
            BATCH_TASK, args=[payload], queue=self.settings.queue.queue_name
        )
        return handle

    def _apply(
        self, row: IndexVersion, batch: list[ItemJob], handle: BatchHandle, report: IngestReport
    ) -> None:
        """Store one batch's result: its points and rows, or every item failed with the
        reason the batch gave up with."""
        try:
            result = handle.get(timeout=self.settings.queue.result_timeout_s)
        except Exception as exc:  # noqa: BLE001 - a lost batch fails its items, not the run
            reason = f"worker batch failed: {type(exc).__name__}: {exc}"
            pendings = [self._failed_item(j.item, j.key, j.old, j.result, reason) for j in batch]
            self._store(row, pendings, report)
            return
        by_key = {r["key"]: r for r in result["items"]}
        pendings, points = [], []
        for job in batch:
            done = by_key[job.key]
            if "error" in done:
                pendings.append(
                    self._failed_item(job.item, job.key, job.old, job.result, done["error"])
                )
                continue
            pendings.append(self._parsed(job, ManifestRow(**done["row"]), [], done["warnings"]))
            points += [
                StoredPoint(p["id"], p["dense"], SparseVector(**p["sparse"]), p["payload"])
                for p in done["points"]
            ]
        if points:
            model = result["model"]
            self._adopt_model(row, model["model_id"], model["backend"], model["dim"])
            self._check_space(len(points), row.collection)
        self._write(row, pendings, points, report)
