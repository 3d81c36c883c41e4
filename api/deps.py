"""Request dependencies as Annotated aliases (``PrincipalDep``, ``EngineDep``, …)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from answer import Engine
from api.limits import RateLimiter
from api.metrics import Metrics
from api.syncs import SourceSyncs
from core.access import Authenticator, Principal
from core.errors import AccessDenied


def get_engine(request: Request) -> Engine:
    """The answer engine the lifespan built."""
    engine: Engine = request.app.state.engine
    return engine


def get_metrics(request: Request) -> Metrics:
    """The app's Prometheus registry."""
    metrics: Metrics = request.app.state.metrics
    return metrics


def get_limiter(request: Request) -> RateLimiter:
    """The per-caller rate limiter."""
    limiter: RateLimiter = request.app.state.limiter
    return limiter


def get_authenticator(request: Request) -> Authenticator:
    """Who a bearer token stands for (API keys, the admin key, OIDC tokens)."""
    auth: Authenticator = request.app.state.auth
    return auth


def get_syncs(request: Request) -> SourceSyncs | None:
    """The runner of source syncs the app was built with (None: this app cannot sync)."""
    syncs: SourceSyncs | None = request.app.state.syncs
    return syncs


EngineDep = Annotated[Engine, Depends(get_engine)]
SyncsDep = Annotated[SourceSyncs | None, Depends(get_syncs)]
AuthDep = Annotated[Authenticator, Depends(get_authenticator)]
MetricsDep = Annotated[Metrics, Depends(get_metrics)]
LimiterDep = Annotated[RateLimiter, Depends(get_limiter)]


def get_principal(request: Request, auth: AuthDep, limiter: LimiterDep) -> Principal:
    """Bearer token → principal (401 problem when missing or invalid)."""
    header = request.headers.get("authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else None
    principal = auth.authenticate(token or None)
    request.state.principal = principal.name
    caller = principal.name
    if caller == "anonymous" and request.client is not None:
        caller = f"anonymous@{request.client.host}"
    limiter.check(caller)
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def require_admin(principal: PrincipalDep) -> Principal:
    """Admin-only endpoints."""
    if not principal.is_admin:
        raise AccessDenied("this endpoint needs the admin key")
    return principal


AdminDep = Annotated[Principal, Depends(require_admin)]
