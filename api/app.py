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
from starlette.routing import Route

from answer import build_engine
from api import errors
from api.limits import BodyLimit, RateLimiter
from api.mcp import McpEndpoint
from api.metrics import Metrics
from api.routes import (
    admin,
    answers,
    ask,
    auth,
    chat,
    health,
    openai,
    reviews,
    source_sync,
    sources,
)
from api.syncs import SyncsFactory
from core.access import Authenticator
from core.embed import Embedder
from core.settings import Settings, get_settings

log = logging.getLogger("cairn.access")


def handler_threads(settings: Settings) -> int:
    """How many requests run at once in the thread pool (``api.threads``; 0 = auto)."""
    if settings.api.threads:
        return settings.api.threads
    if settings.answer.answerer == "llm":
        return 40
    return 4 * (os.cpu_count() or 1)


def create_app(
    settings: Settings | None = None,
    embedder: Embedder | None = None,
    syncs: SyncsFactory | None = None,
) -> FastAPI:
    """Build the app; ``settings`` defaults to the environment's. ``syncs`` makes the
    runner of ``POST /admin/sources/{name}/sync`` from the engine (none: that endpoint
    answers 503)."""
    settings = settings or get_settings()
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = build_engine(settings, embedder, listeners=[metrics.observe])
        to_thread.current_default_thread_limiter().total_tokens = handler_threads(settings)
        app.state.engine = engine
        app.state.auth = Authenticator(engine.records, settings)
        app.state.syncs = syncs(engine) if syncs else None
        try:
            async with mcp.manager.run():
                yield
        finally:
            if app.state.syncs is not None:
                await to_thread.run_sync(app.state.syncs.close)
            engine.close()

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
    for module in (health, auth, ask, chat, openai, sources, answers, admin, source_sync, reviews):
        app.include_router(module.router)
    mcp = McpEndpoint(app)
    app.router.routes.append(
        Route("/mcp", mcp, methods=["GET", "POST", "DELETE"], include_in_schema=False)
    )

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
