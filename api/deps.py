"""Request dependencies as Annotated aliases (``PrincipalDep``, ``ServicesDep``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from api.services.ask import AskService
from api.services.retrieve import Retriever
from core.access import Principal, authenticate
from core.errors import AccessDenied
from core.records import Records
from core.settings import Settings
from core.store import VectorStore


@dataclass
class Services:
    """Everything the lifespan built."""

    settings: Settings
    records: Records
    store: VectorStore
    retriever: Retriever
    ask: AskService


def get_services(request: Request) -> Services:
    """The app's services."""
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def get_principal(request: Request, services: ServicesDep) -> Principal:
    """Bearer token → principal (401 problem when missing or invalid)."""
    header = request.headers.get("authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else None
    principal = authenticate(services.records, services.settings, token or None)
    request.state.principal = principal.name
    caller = principal.name
    if caller == "anonymous" and request.client is not None:
        caller = f"anonymous@{request.client.host}"
    request.app.state.limiter.check(caller)
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def require_admin(principal: PrincipalDep) -> Principal:
    """Admin-only endpoints."""
    if not principal.is_admin:
        raise AccessDenied("this endpoint needs the admin key")
    return principal


AdminDep = Annotated[Principal, Depends(require_admin)]
