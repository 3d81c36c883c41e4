"""The composition root: ``build_engine(settings)`` wires records, store, embedder,
retrieval, the answerer, answer sources and the cache into one ``Engine``.

The API, eval, the CLI and the benchmarks all build the engine here, so they answer
exactly alike. Nothing is built at import time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from answer.ask import Answerer, AskService, Listener
from answer.cache import AnswerCache, RecordsCache, RedisCache
from answer.documents import Documents
from answer.extractive import ExtractiveAnswerer
from answer.llm import LlmAnswerer
from answer.overlap import Overlap
from answer.retrieval import Retriever
from answer.sources import AnswerSource, ReviewedAnswers, TableAnswers
from core.embed import Embedder, build_embedder
from core.records import Records
from core.records.versions import check_compatible, live_version
from core.settings import Settings
from core.sparse import Bm25Encoder
from core.store import VectorStore, open_store
from tables import SqlWriter, TableService

__all__ = ["Engine", "build_engine", "preflight"]


@dataclass
class Engine:
    """Everything needed to answer questions over one Cairn home."""

    settings: Settings
    records: Records
    store: VectorStore
    embedder: Embedder
    sparse: Bm25Encoder
    retriever: Retriever
    ask: AskService
    documents: Documents

    def close(self) -> None:
        """Release the vector store's files/connections and the records pool."""
        self.store.close()
        self.records.engine.dispose()


def preflight(settings: Settings) -> Embedder:
    """Load the embedder and check it against the live index before serving, so a
    mismatch is one clear error instead of a failed start-up deep in the server log."""
    embedder = build_embedder(settings)
    records, store = Records(settings.records_url), open_store(settings)
    try:
        live = live_version(records, store, settings.qdrant.alias)
        if live is not None:
            check_compatible(live, embedder.model_id, embedder.dim)
    finally:
        store.close()
        records.engine.dispose()
    return embedder


def _answerers(settings: Settings, embedder: Embedder, overlap: Overlap) -> dict[str, Answerer]:
    """Every answerer a caller may pick, the configured one first: the extractive one
    always, the LLM one when an endpoint is configured (or it is the default)."""
    answerers: dict[str, Answerer] = {}
    if settings.answer.answerer == "llm" or settings.llm.base_url:
        answerers["llm"] = LlmAnswerer(settings.llm)
    answerers["extractive"] = ExtractiveAnswerer(embedder, overlap, settings.answer)
    default = settings.answer.answerer
    return {default: answerers[default], **answerers}


def _sources(
    settings: Settings, records: Records, store: VectorStore, embedder: Embedder
) -> list[AnswerSource]:
    """Table answers (when a semantic model is configured), then approved answers."""
    sources: list[AnswerSource] = []
    if settings.tables.model is not None:
        writer = SqlWriter(settings.llm) if settings.tables.sql == "planner+llm" else None
        sources.append(TableAnswers(TableService(settings.tables.model, writer)))
    sources.append(ReviewedAnswers(records, store, embedder, settings.answer))
    return sources


def build_engine(
    settings: Settings,
    embedder: Embedder | None = None,
    *,
    audit: bool = True,
    pinned: int | None = None,
    cache: AnswerCache | None = None,
    listeners: Sequence[Listener] = (),
) -> Engine:
    """Open records, store and model; check the live index matches the embedder.

    ``audit=False`` and a ``pinned`` version are for evaluation; ``cache`` replaces the
    configured answer cache (Redis when ``redis_url`` is set, else the records DB)."""
    records = Records(settings.records_url)
    store = open_store(settings)
    embedder = embedder or build_embedder(settings)
    live = live_version(records, store, settings.qdrant.alias)
    if live is not None:
        check_compatible(live, embedder.model_id, embedder.dim)
        store.count(live.collection)  # open the live index now, not on the first request
    sparse = Bm25Encoder()
    overlap = Overlap(sparse)
    if cache is None:
        cache = RedisCache(settings.redis_url) if settings.redis_url else RecordsCache(records)
    retriever = Retriever(store, embedder, sparse, settings.answer, overlap)
    answerers = _answerers(settings, embedder, overlap)
    ask = AskService(
        settings,
        records,
        store,
        retriever,
        answerers[settings.answer.answerer],
        cache,
        sparse,
        sources=_sources(settings, records, store, embedder),
        listeners=listeners,
        answerers=answerers,
        audit=audit,
        pinned=pinned,
    )
    documents = Documents(records, ask.live)
    return Engine(settings, records, store, embedder, sparse, retriever, ask, documents)
