"""GET /auth/oidc: whether single sign-on is on, and how a client signs in (public)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from api.deps import EngineDep

router = APIRouter(tags=["auth"])


class SsoConfig(BaseModel):
    """The provider and client id the UI's sign-in uses; nulls when single sign-on is off."""

    issuer: str | None
    client_id: str | None


@router.get("/auth/oidc", response_model=SsoConfig)
def oidc(engine: EngineDep) -> SsoConfig:
    """The OIDC issuer and the client id to sign in with (public: no secrets in it). The
    client id is the audience: the ID token the UI gets back must be one the API accepts."""
    cfg = engine.settings.auth.oidc
    return SsoConfig(issuer=cfg.issuer, client_id=cfg.audience if cfg.issuer else None)
