"""One call to sync a folder into a Cairn home: open the records DB and the vector store,
embed with the configured backend (int8 calibrated on the corpus itself), close."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from core.embed import Embedder, build_embedder
from core.records import Records
from core.settings import Settings
from core.store import open_store
from ingest.pipeline import Ingestor
from ingest.report import IngestReport


def sync_folder(settings: Settings, folder: Path, rebuild: bool = False) -> IngestReport:
    """Sync ``folder`` into the index of ``settings.home`` (or its configured servers)."""

    def embedder_for(texts: Sequence[str]) -> Embedder:
        return build_embedder(settings, calibration=lambda: texts)

    records, store = Records(settings.records_url), open_store(settings)
    try:
        return Ingestor(settings, records, store, embedder_for).run(folder, rebuild=rebuild)
    finally:
        store.close()
        records.engine.dispose()
