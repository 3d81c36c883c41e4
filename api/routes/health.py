"""Liveness, readiness, index status and Prometheus metrics."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from api.deps import PrincipalDep, ServicesDep
from core.versions import live_version

router = APIRouter(tags=["operations"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(services: ServicesDep) -> JSONResponse:
    """Ready when the records DB answers, a live index exists and the model is loaded."""
    checks: dict[str, Any] = {}
    ready = True
    try:
        row = live_version(services.records, services.store, services.settings.qdrant.alias)
        checks["index"] = f"v{row.version}" if row else "no live index (run `cairn ingest`)"
        checks["chunks"] = services.store.count(row.collection) if row else 0
        ready = row is not None
    except Exception as exc:  # noqa: BLE001 - readiness reports, never raises
        checks["index"] = f"error: {exc}"
        ready = False
    embedder = services.retriever.embedder
    checks["model"] = f"{embedder.model_id} ({embedder.backend})"
    return JSONResponse({"ready": ready, "checks": checks}, status_code=200 if ready else 503)


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> PlainTextResponse:
    """Prometheus exposition format."""
    registry = request.app.state.metrics.registry
    return PlainTextResponse(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


@router.get("/index/versions")
def index_versions(services: ServicesDep) -> list[dict[str, Any]]:
    """Every index version with its build settings and whether it is live."""
    live = services.store.resolve_alias(services.settings.qdrant.alias)
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
        for row in services.records.versions()
    ]


@router.get("/me")
def me(principal: PrincipalDep) -> dict[str, Any]:
    """Who the API thinks you are (the UI uses it to show admin pages)."""
    return {"name": principal.name, "groups": principal.groups, "is_admin": principal.is_admin}
