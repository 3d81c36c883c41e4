"""Scale-out on Celery: ``cairn worker`` runs batches of a source's changed items.

``make_app(settings)`` builds the Celery app (nothing at import time) with the settings
a redelivered batch relies on: late acknowledgement (a batch is acknowledged only after
it returned), reject-and-requeue when a worker process dies mid-batch, one message
prefetched per worker process, retries with exponential backoff, and a Redis visibility
timeout above the longest batch. On Redis, a message that stays unacknowledged longer
than the visibility timeout is handed to another worker, and a retry waits out its
countdown unacknowledged, so the retry backoff is capped at half the visibility timeout.

A batch task fetches, parses, chunks and embeds its items and *returns* the manifest
rows and points: it writes nothing. The one writer (``ingest.queued``, inside ``cairn
sync``) applies results in order, so the embedded engine keeps a single writer, and a
batch run twice (redelivery) yields the same deterministic chunk ids, never duplicates.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime
from typing import Any

from core.embed import Embedder, build_embedder
from core.settings import Settings
from core.sources import SourceSpec
from core.sparse import Bm25Encoder
from ingest.chunk import index_text
from ingest.connectors import Item, build_connector
from ingest.items import failure_reason, parse_item

BATCH_TASK = "cairn.ingest_batch"
RETRY_BACKOFF_MAX_S = 300
# Called with the batch payload as a worker starts each batch (fault drills and tests).
BatchHook = Callable[[dict[str, Any]], None]
log = logging.getLogger("cairn.worker")

ROW_FIELDS = (
    "path",
    "doc_id",
    "doc_hash",
    "fingerprint",
    "status",
    "error",
    "title",
    "groups",
    "access_defaulted",
    "chunk_ids",
    "size_bytes",
    "text",
)


def make_app(settings: Settings, on_batch: BatchHook | None = None) -> Any:
    """The Celery app of ``settings.queue`` with the batch task registered."""
    from celery import Celery

    q = settings.queue
    app = Celery("cairn", broker=q.broker_url, backend=q.result_backend)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_default_queue=q.queue_name,
        broker_transport_options={"visibility_timeout": q.visibility_timeout_s},
        result_expires=int(q.result_timeout_s) + 3600,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
    )
    worker = BatchWorker(settings, on_batch)
    app.task(
        name=BATCH_TASK,
        shared=False,  # each app its own task: a shared one would carry another app's settings
        acks_late=True,
        reject_on_worker_lost=True,
        autoretry_for=(Exception,),
        retry_backoff=True,
        retry_backoff_max=retry_backoff_max(settings),
        retry_jitter=True,
        max_retries=q.max_retries,
    )(worker.run)
    return app


def retry_backoff_max(settings: Settings) -> int:
    """The longest wait before a retry: at most half the visibility timeout (Redis
    redelivers a message left unacknowledged longer than that)."""
    return min(RETRY_BACKOFF_MAX_S, settings.queue.visibility_timeout_s // 2)


def item_payload(item: Item) -> dict[str, Any]:
    """An ``Item`` as JSON."""
    data = asdict(item)
    data["modified"] = item.modified.isoformat() if item.modified else None
    return data


def item_from(data: dict[str, Any]) -> Item:
    """The ``Item`` of ``item_payload``."""
    modified = datetime.fromisoformat(data["modified"]) if data.get("modified") else None
    return Item(**{**data, "modified": modified})


class BatchWorker:
    """Runs one batch in a worker process; keeps the embedder loaded between batches."""

    def __init__(self, settings: Settings, on_batch: BatchHook | None = None) -> None:
        self.settings, self.on_batch = settings, on_batch
        self.embedder: Embedder | None = None
        self.sparse = Bm25Encoder()

    def run(self, payload: dict[str, Any]) -> dict[str, Any]:
        """``payload``: spec, the writer's chunking and ingest settings, and the jobs."""
        if self.on_batch is not None:
            self.on_batch(payload)
        settings = self.settings.model_copy(
            update={
                "chunking": type(self.settings.chunking).model_validate(payload["chunking"]),
                "ingest": type(self.settings.ingest).model_validate(payload["ingest"]),
            }
        )
        connector = build_connector(SourceSpec.model_validate(payload["spec"]), settings)
        results, texts, owners = [], [], []
        for job in payload["jobs"]:
            item = item_from(job["item"])
            try:
                row, chunks, warnings = parse_item(
                    settings, connector, item, job["key"], job["fingerprint"], job["groups"]
                )
            except Exception as exc:  # noqa: BLE001 - the item fails alone, with its reason
                results.append({"key": job["key"], "error": failure_reason(exc), "points": []})
                continue
            row_data = {f: getattr(row, f) for f in ROW_FIELDS}
            results.append({"key": job["key"], "row": row_data, "warnings": warnings, "points": []})
            for chunk in chunks:
                texts.append(index_text(chunk))
                owners.append((len(results) - 1, chunk))
        return {"items": results, "model": self._embed(texts, owners, results)}

    def _embed(
        self, texts: list[str], owners: list[Any], results: list[dict[str, Any]]
    ) -> dict[str, Any] | None:
        if not texts:
            return None
        if self.embedder is None:
            self.embedder = build_embedder(self.settings, calibration=lambda: texts)
        unique = list(dict.fromkeys(texts))
        vectors = self.embedder.embed(unique)
        dense = {t: vectors[i].tolist() for i, t in enumerate(unique)}
        sparse = self.sparse.encode_documents(texts)
        for i, (owner, chunk) in enumerate(owners):
            results[owner]["points"].append(
                {
                    "id": chunk.id,
                    "dense": dense[texts[i]],
                    "sparse": sparse[i].model_dump(),
                    "payload": chunk.payload(),
                }
            )
        embedder = self.embedder
        return {"model_id": embedder.model_id, "backend": embedder.backend, "dim": embedder.dim}
