"""FastAPI application factory. Clients are built in the lifespan, never at import.

On start-up the live index is opened and checked against the configured embedder: a
model or dimension mismatch stops the server with ``IndexMismatch`` (refuse to serve
wrong vectors), rather than answering badly.
"""

from __future__ import annotations

import json
import logging
import os
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware

from api import errors
from api.deps import Services
from api.limits import BodyLimit, RateLimiter
from api.metrics import Metrics
from api.routes import admin, answers, ask, chat, health, reviews, sources
from api.services.answer import ExtractiveAnswerer
from api.services.ask import Answerer, AskService
from api.services.cache import AnswerCache, RecordsCache, RedisCache
from api.services.llm import LlmAnswerer
from api.services.overlap import Overlap
from api.services.retrieve import Retriever
from core.embedding import Embedder, build_embedder
from core.records import Records
from core.settings import Settings, get_settings
from core.sparse import Bm25Encoder
from core.store import open_store
from core.versions import check_compatible, live_version

log = logging.getLogger("cairn.access")


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


def build_services(settings: Settings, embedder: Embedder | None = None) -> Services:
    """Open records, store and model; check the live index matches the embedder."""
    records = Records(settings.records_url)
    store = open_store(settings)
    embedder = embedder or build_embedder(settings)
    live = live_version(records, store, settings.qdrant.alias)
    if live is not None:
        check_compatible(live, embedder.model_id, embedder.dim)
        store.count(live.collection)  # open the live index now, not on the first request
    sparse = Bm25Encoder()
    overlap = Overlap(sparse)
    answerer: Answerer = (
        LlmAnswerer(settings.llm)
        if settings.answer.answerer == "llm"
        else ExtractiveAnswerer(embedder, overlap, settings.answer)
    )
    cache: AnswerCache = (
        RedisCache(settings.redis_url) if settings.redis_url else RecordsCache(records)
    )
    retriever = Retriever(store, embedder, sparse, settings.answer, overlap)
    ask_service = AskService(settings, records, store, retriever, answerer, cache, sparse)
    if settings.tables.model is not None:
        from api.services.table_sql import SqlWriter
        from api.services.tables import TableService

        writer = SqlWriter(settings.llm) if settings.tables.sql == "planner+llm" else None
        ask_service.tables = TableService(settings.tables.model, writer)
    return Services(settings, records, store, retriever, ask_service)


def handler_threads(settings: Settings) -> int:
    """How many requests run at once in the thread pool (``api.threads``; 0 = auto)."""
    if settings.api.threads:
        return settings.api.threads
    if settings.answer.answerer == "llm":
        return 40
    return 4 * (os.cpu_count() or 1)


def create_app(settings: Settings | None = None, embedder: Embedder | None = None) -> FastAPI:
    """Build the app; ``settings`` defaults to the environment's."""
    settings = settings or get_settings()
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = build_services(settings, embedder)
        to_thread.current_default_thread_limiter().total_tokens = handler_threads(settings)
        services.ask.observe = metrics.observe
        app.state.services = services
        try:
            yield
        finally:
            services.store.close()

    app = FastAPI(
        title="Cairn",
        version="0.1.0",
        description="Grounded answers with citations from your documents, or an honest refusal.",
        lifespan=lifespan,
    )
    app.state.metrics = metrics
    app.state.limiter = RateLimiter(settings.api.rate_limit_per_minute)
    errors.install(app)
    app.add_middleware(BodyLimit, max_bytes=settings.api.max_body_bytes)
    if settings.api.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.api.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
        )
    for module in (health, ask, chat, sources, answers, admin, reviews):
        app.include_router(module.router)

    @app.middleware("http")
    async def observe(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        request_id = request.headers.get("x-request-id") or uuid.uuid4().hex
        started = time.perf_counter()
        response = await call_next(request)
        seconds = time.perf_counter() - started
        route = getattr(request.scope.get("route"), "path", "unmatched")
        metrics.latency.labels(route, request.method, str(response.status_code)).observe(seconds)
        response.headers["x-request-id"] = request_id
        log.info(
            json.dumps(
                {
                    "request_id": request_id,
                    "method": request.method,
                    "path": request.url.path,
                    "status": response.status_code,
                    "ms": round(seconds * 1000, 2),
                    "principal": getattr(request.state, "principal", None),
                }
            )
        )
        return response

    return app
