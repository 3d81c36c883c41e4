"""The API as `cairn serve` runs it: the app of ``api.create_app`` with the parts only
this top layer may wire in (the background source syncs of ``ingest``)."""

from __future__ import annotations

from fastapi import FastAPI

from api.app import create_app
from core.embed import Embedder
from core.settings import Settings
from ingest.background import BackgroundSyncs


def build_app(settings: Settings | None = None, embedder: Embedder | None = None) -> FastAPI:
    """The served app: the API plus `POST /admin/sources/{name}/sync`."""
    return create_app(settings, embedder, syncs=BackgroundSyncs.for_engine)
