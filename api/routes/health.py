"""Liveness, readiness and index status."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from core.versions import live_version

router = APIRouter(tags=["operations"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    """Ready when the records DB answers and a live index exists."""
    state = request.app.state
    checks: dict[str, Any] = {}
    try:
        row = live_version(state.records, state.store, state.settings.qdrant.alias)
        checks["index"] = f"v{row.version}" if row else "no live index (run `cairn ingest`)"
        ready = row is not None
    except Exception as exc:  # noqa: BLE001 - readiness reports, never raises
        checks["index"] = f"error: {exc}"
        ready = False
    return JSONResponse({"ready": ready, "checks": checks}, status_code=200 if ready else 503)


@router.get("/index/versions")
def index_versions(request: Request) -> list[dict[str, Any]]:
    """Every index version with its build settings and whether it is live."""
    state = request.app.state
    live = state.store.resolve_alias(state.settings.qdrant.alias)
    return [
        {
            "version": row.version,
            "live": row.collection == live,
            "status": row.status,
            "model_id": row.model_id,
            "backend": row.backend,
            "dim": row.dim,
            "chunking": row.chunking,
            "revision": row.revision,
            "created_at": row.created_at.isoformat(),
        }
        for row in state.records.versions()
    ]
