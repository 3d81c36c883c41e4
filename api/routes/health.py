"""Liveness, readiness, index status and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse, PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from api.deps import EngineDep, MetricsDep, PrincipalDep
from api.responses import IndexVersionPublic, Readiness, Status
from core.access import Principal
from core.records.versions import live_version

router = APIRouter(tags=["operations"])


@router.get("/healthz", response_model=Status)
def healthz() -> Status:
    """The process is up."""
    return Status(status="ok")


@router.get("/readyz", response_model=Readiness, responses={503: {"model": Readiness}})
def readyz(engine: EngineDep) -> JSONResponse:
    """Ready when the records DB answers, a live index exists and the model is loaded."""
    checks: dict[str, str | int] = {}
    ready = True
    try:
        row = live_version(engine.records, engine.store, engine.settings.qdrant.alias)
        checks["index"] = f"v{row.version}" if row else "no live index (run `cairn ingest`)"
        checks["chunks"] = engine.store.count(row.collection) if row else 0
        ready = row is not None
    except Exception as exc:  # noqa: BLE001 - readiness reports, never raises
        checks["index"] = f"error: {exc}"
        ready = False
    checks["model"] = f"{engine.embedder.model_id} ({engine.embedder.backend})"
    body = Readiness(ready=ready, checks=checks).model_dump()
    return JSONResponse(body, status_code=200 if ready else 503)


@router.get("/metrics", include_in_schema=False)
def metrics(registry: MetricsDep) -> PlainTextResponse:
    """Prometheus exposition format."""
    return PlainTextResponse(generate_latest(registry.registry), media_type=CONTENT_TYPE_LATEST)


@router.get("/index/versions", response_model=list[IndexVersionPublic])
def index_versions(engine: EngineDep) -> list[IndexVersionPublic]:
    """Every index version with its build settings and whether it is live."""
    live = engine.store.resolve_alias(engine.settings.qdrant.alias)
    return [
        IndexVersionPublic.model_validate(row).model_copy(update={"live": row.collection == live})
        for row in engine.records.versions()
    ]


@router.get("/me", response_model=Principal)
def me(principal: PrincipalDep) -> Principal:
    """Who the API thinks you are (the UI uses it to show admin pages)."""
    return principal
