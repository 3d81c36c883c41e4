"""Principals, API keys and the groups filter.

Keys are random tokens shown once; only an HMAC-SHA256 of each (keyed with the server
secret) is stored, so a leaked records DB does not leak usable keys. OIDC tokens from the
configured provider (``core.oidc``) are accepted beside them. Every principal is in
``everyone``; an admin sees every group.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.errors import AuthError, CairnError
from core.oidc import OidcVerifier
from core.records import ApiKey, Records, utcnow
from core.schema import DEFAULT_GROUP
from core.settings import Settings

KEY_PREFIX = "cairn_"
ADMIN_GROUP = "admin"


class Principal(BaseModel):
    """Who is asking, and which document groups they may see."""

    name: str
    groups: list[str]
    is_admin: bool = False

    def can_see(self, doc_groups: list[str]) -> bool:
        """Whether a document with these groups is visible to this principal."""
        return self.is_admin or bool(set(doc_groups) & set(self.groups))


def server_secret(settings: Settings) -> bytes:
    """The configured secret, or one generated once into ``<home>/secret.key`` (0600)."""
    if settings.auth.secret:
        return settings.auth.secret.encode()
    path = Path(settings.home) / "secret.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip().encode()


def _digest(secret: bytes, key: str) -> str:
    return hmac.new(secret, key.encode(), hashlib.sha256).hexdigest()


def _with_everyone(groups: list[str]) -> list[str]:
    return sorted({*groups, DEFAULT_GROUP})


def create_key(
    records: Records, secret: bytes, name: str, groups: list[str], admin: bool = False
) -> str:
    """Create a key; returns the plaintext (shown once, never stored)."""
    if not name.strip():
        raise CairnError("a key needs a name")
    key = KEY_PREFIX + secrets.token_urlsafe(24)
    row = ApiKey(
        name=name,
        key_hash=_digest(secret, key),
        prefix=key[:10],
        groups=_with_everyone(groups),
        is_admin=admin,
    )
    try:
        with records.session() as s:
            s.add(row)
    except IntegrityError as exc:
        raise CairnError(f"a key named {name!r} already exists") from exc
    return key


def revoke_key(records: Records, name: str) -> None:
    """Revoke a key by name."""
    with records.session() as s:
        row = s.scalar(select(ApiKey).where(ApiKey.name == name))
        if row is None:
            raise CairnError(f"no key named {name!r}")
        row.revoked_at = utcnow()


def list_keys(records: Records) -> list[ApiKey]:
    """All keys (hashes only)."""
    with records.session() as s:
        return list(s.scalars(select(ApiKey).order_by(ApiKey.id)))


class Authenticator:
    """Bearer token → principal: the admin key, an API key, an OIDC token (single sign-on,
    when an issuer is configured), or anonymous access when on.

    One per process (the API's lifespan, ``cairn mcp``): it is where credentials are
    checked, whatever the transport, and it caches the provider's signing keys."""

    def __init__(
        self, records: Records, settings: Settings, oidc: OidcVerifier | None = None
    ) -> None:
        self.records = records
        self.settings = settings
        cfg = settings.auth.oidc
        self.oidc = oidc or (OidcVerifier(cfg) if cfg.issuer else None)

    def authenticate(self, token: str | None) -> Principal:
        """The principal ``token`` stands for, or AuthError."""
        auth = self.settings.auth
        if not token:
            if auth.anonymous:
                return Principal(name="anonymous", groups=_with_everyone(auth.anonymous_groups))
            raise AuthError("an API key is required (Authorization: Bearer <key>)")
        if auth.admin_key and hmac.compare_digest(token.encode(), auth.admin_key.encode()):
            return Principal(name="admin", groups=[DEFAULT_GROUP, ADMIN_GROUP], is_admin=True)
        if self.oidc is not None and _looks_like_jwt(token):
            return self._oidc(self.oidc, token)
        return self._api_key(token)

    def _oidc(self, verifier: OidcVerifier, token: str) -> Principal:
        """The provider's groups (mapped) become Cairn groups; ``admin_group`` grants admin."""
        cfg = self.settings.auth.oidc
        claims = verifier.claims(token)
        theirs = _names(_claim(claims, cfg.groups_claim))
        groups = {cfg.group_map.get(g, g) for g in theirs}
        admin = cfg.admin_group is not None and cfg.admin_group in theirs
        if admin:
            groups.add(ADMIN_GROUP)
        name = claims.get(cfg.name_claim) or claims["sub"]
        return Principal(name=f"oidc:{name}", groups=_with_everyone(sorted(groups)), is_admin=admin)

    def _api_key(self, token: str) -> Principal:
        digest = _digest(server_secret(self.settings), token)
        with self.records.session() as s:
            row = s.scalar(select(ApiKey).where(ApiKey.key_hash == digest))
        if row is None or row.revoked_at is not None:
            raise AuthError("invalid or revoked API key")
        return Principal(name=row.name, groups=list(row.groups), is_admin=row.is_admin)


def _looks_like_jwt(token: str) -> bool:
    return not token.startswith(KEY_PREFIX) and token.count(".") == 2


def _claim(claims: dict[str, Any], path: str) -> object:
    """``claims[path]``, where dots reach into nested objects (``realm_access.roles``)."""
    value: object = claims
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _names(value: object) -> set[str]:
    """Group names from a claim: a list of strings, or one space-separated string."""
    if isinstance(value, str):
        return set(value.split())
    if isinstance(value, list):
        return {item for item in value if isinstance(item, str) and item}
    return set()
