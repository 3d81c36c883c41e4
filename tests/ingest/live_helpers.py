"""Helpers for live-source tests: sync a source in-process, read back the live index."""

from __future__ import annotations

from typing import Any

from answer import build_engine
from core.access import Principal
from core.embed import FakeEmbedder
from core.records import Records
from core.schema import Chunk
from core.settings import Settings
from core.sources import SourceSpec
from core.store import open_store
from ingest.syncrun import SourceOutcome, run_source
from tests.ingest.helpers import CountingEmbedder


def sync(
    settings: Settings, embedder: CountingEmbedder | None = None, **spec: Any
) -> SourceOutcome:
    """One sync of the source described by ``spec`` (a sources.yaml entry)."""
    records, store = Records(settings.records_url), open_store(settings)
    chosen = embedder or CountingEmbedder()
    try:
        return run_source(settings, records, store, lambda _t: chosen, SourceSpec(**spec))
    finally:
        store.close()
        records.engine.dispose()


def live_chunks(settings: Settings) -> list[Chunk]:
    """Every chunk of the live index version."""
    store = open_store(settings)
    try:
        name = store.resolve_alias(settings.qdrant.alias)
        if name is None:
            return []
        return store.get(name, sorted(store.ids(name)))
    finally:
        store.close()


def by_source(settings: Settings) -> dict[str, list[str]]:
    """Document source (path or URL) → groups, over the live index."""
    return {c.source: c.groups for c in live_chunks(settings)}


def cited(settings: Settings, question: str, groups: list[str]) -> set[str]:
    """Sources an answer cites (or lists as closest when it refuses) for these groups."""
    engine = build_engine(settings, FakeEmbedder(), audit=False)
    try:
        answer = engine.ask.ask(question, Principal(name="t", groups=groups))
    finally:
        engine.close()
    return {c.source for c in answer.citations}
