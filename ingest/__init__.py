"""Ingestion: sources → parse (unstructured) → chunk (llama-index) → embed → upsert.

``Ingestor(settings, records, store, embedder).run(folder)`` syncs a folder into an index
version by its manifest: new files are added, changed ones replaced, removed ones deleted,
unchanged ones skipped. ``IngestReport`` is the run's summary and data-quality report.
"""

from __future__ import annotations

from ingest.chunk import index_text
from ingest.offline import configure_unstructured
from ingest.pipeline import Ingestor, Progress
from ingest.report import FileResult, Finding, IngestReport
from ingest.sync import sync_folder

__all__ = [
    "FileResult",
    "Finding",
    "IngestReport",
    "Ingestor",
    "Progress",
    "configure_unstructured",
    "index_text",
    "sync_folder",
]
