"""HTTP API (FastAPI): the ``create_app()`` factory, thin routers, typed responses."""

from __future__ import annotations

from api.app import create_app

__all__ = ["create_app"]
