"""Helpers to run an ingest in-process with the fake embedder."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from core.embed import Embedder, FakeEmbedder
from core.records import Records
from core.settings import Settings
from core.store import VectorStore, open_store
from ingest import Ingestor, IngestReport


class CountingEmbedder(FakeEmbedder):
    """FakeEmbedder that counts how many texts it embedded."""

    def __init__(self) -> None:
        super().__init__()
        self.embedded = 0

    def embed(self, texts: Sequence[str]):  # type: ignore[no-untyped-def]
        self.embedded += len(texts)
        return super().embed(texts)


def run_ingest(
    settings: Settings,
    root: Path,
    records_url: str | None = None,
    embedder: Embedder | None = None,
    rebuild: bool = False,
) -> tuple[IngestReport, Records, VectorStore]:
    """One ingest run; returns the report and open handles for assertions."""
    records = Records(records_url or settings.records_url)
    store = open_store(settings)
    chosen = embedder or CountingEmbedder()
    report = Ingestor(settings, records, store, lambda _texts: chosen).run(root, rebuild=rebuild)
    return report, records, store
