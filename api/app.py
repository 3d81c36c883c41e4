"""FastAPI application factory. Clients are built in the lifespan, never at import."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.routes import health
from core.records import Records
from core.settings import Settings, get_settings
from core.store import open_store


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; ``settings`` defaults to the environment's."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.settings = settings
        app.state.records = Records(settings.records_url)
        app.state.store = open_store(settings)
        live = app.state.store.resolve_alias(settings.qdrant.alias)
        if live is not None:  # open the live index now, not on the first request
            app.state.store.count(live)
        try:
            yield
        finally:
            app.state.store.close()

    app = FastAPI(title="Cairn", version="0.1.0", lifespan=lifespan)
    app.include_router(health.router)
    return app
