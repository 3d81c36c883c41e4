"""Single sign-on: verify OpenID Connect bearer tokens (JWTs) from one provider.

The signing keys come from the issuer's discovery document (``jwks_uri``) and are cached.
A token signed with a key Cairn does not know makes it fetch the keys again (the
provider rotated them), at most every ``jwks_min_refresh_s``. When the provider cannot
be reached, keys already fetched keep verifying, and a token needing any other key fails
closed (``AuthUnavailable``, HTTP 503). Only asymmetric algorithms are accepted, so
``alg: none`` and HMAC tokens signed with a public key are refused before any key is
looked at.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import jwt

from core.errors import AuthError, AuthUnavailable
from core.settings import OidcSettings

__all__ = ["OidcVerifier"]

log = logging.getLogger("cairn.oidc")
DECODE_ERRORS: list[tuple[type[jwt.InvalidTokenError], str]] = [
    (jwt.ExpiredSignatureError, "the token has expired"),
    (jwt.ImmatureSignatureError, "the token is not valid yet"),
    (jwt.InvalidAudienceError, "the token is for another audience"),
    (jwt.InvalidIssuerError, "the token is from another issuer"),
    (jwt.MissingRequiredClaimError, "the token lacks a required claim"),
]


class OidcVerifier:
    """Checks a token's signature, issuer, audience and lifetime; returns its claims."""

    def __init__(
        self,
        cfg: OidcSettings,
        client: httpx.Client | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not cfg.issuer or not cfg.audience:
            raise ValueError("OIDC needs an issuer and an audience")
        self.cfg, self.issuer, self.audience = cfg, cfg.issuer, cfg.audience
        self.http = client or httpx.Client(timeout=cfg.timeout_s)
        self.clock = clock
        self._jwks_uri = cfg.jwks_url
        self._keys: list[jwt.PyJWK] = []
        self._fetched_at: float | None = None  # last successful fetch
        self._tried_at = float("-inf")  # last attempt, successful or not
        self._lock = threading.Lock()

    def claims(self, token: str) -> dict[str, Any]:
        """The verified claims of ``token``; AuthError (401) or AuthUnavailable (503)."""
        alg, kid = self._header(token)
        self._check_issuer(token)
        keys = self._matching(self._jwks(), kid)
        key = self._signer(token, keys, alg)
        if key is None and self._may_refresh():  # perhaps the provider rotated its keys
            keys = self._matching(self._jwks(force=True), kid)
            key = self._signer(token, keys, alg)
        if key is None:
            raise AuthError(
                "the token is not signed by the provider's key"
                if keys
                else "the token is signed with a key the provider does not publish"
            )
        return self._decode(token, key, alg)

    def _header(self, token: str) -> tuple[str, str | None]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as exc:
            raise AuthError("the bearer token is not a valid JWT") from exc
        alg = str(header.get("alg", "none"))
        if alg not in self.cfg.algorithms:
            raise AuthError(f"tokens signed with {alg!r} are not accepted")
        kid = header.get("kid")
        return alg, str(kid) if kid is not None else None

    def _check_issuer(self, token: str) -> None:
        """Refuse a foreign issuer before fetching anything for it."""
        try:
            issuer = jwt.decode(token, options={"verify_signature": False}).get("iss")
        except jwt.InvalidTokenError as exc:
            raise AuthError("the bearer token is not a valid JWT") from exc
        if issuer != self.issuer:
            raise AuthError("the token is from another issuer")

    def _decode(self, token: str, key: jwt.PyJWK, alg: str) -> dict[str, Any]:
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=[alg],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.cfg.leeway_s,
                options={"require": ["exp", "iss", "aud", "sub"]},
            )
        except jwt.InvalidTokenError as exc:
            message = next((m for cls, m in DECODE_ERRORS if isinstance(exc, cls)), None)
            raise AuthError(message or f"invalid token: {exc}") from exc
        return claims

    @staticmethod
    def _matching(keys: list[jwt.PyJWK], kid: str | None) -> list[jwt.PyJWK]:
        return [k for k in keys if kid is None or k.key_id == kid]

    @staticmethod
    def _signer(token: str, keys: list[jwt.PyJWK], alg: str) -> jwt.PyJWK | None:
        """The key whose signature ``token`` carries, if any."""
        for key in keys:
            try:
                jwt.PyJWS().decode_complete(token, key.key, algorithms=[alg])
            except jwt.InvalidTokenError:
                continue
            return key
        return None

    def _may_refresh(self) -> bool:
        return self.clock() - self._tried_at >= self.cfg.jwks_min_refresh_s

    def _jwks(self, force: bool = False) -> list[jwt.PyJWK]:
        """The provider's keys: cached for ``jwks_cache_s``; on a failed refresh the
        known keys stay in use unless ``force`` (a key is missing: fail closed)."""
        with self._lock:
            now = self.clock()
            fresh = self._fetched_at is not None and now - self._fetched_at < self.cfg.jwks_cache_s
            backing_off = bool(self._keys) and now - self._tried_at < self.cfg.jwks_min_refresh_s
            if not force and (fresh or backing_off):
                return self._keys
            self._tried_at = now
            try:
                self._keys, self._fetched_at = self._fetch(), now
            except AuthUnavailable:
                if force or not self._keys:
                    raise
                log.warning("the OIDC keys could not be refreshed; the known ones stay in use")
            return self._keys

    def _fetch(self) -> list[jwt.PyJWK]:
        if self._jwks_uri is None:
            discovery = self._get(self.issuer.rstrip("/") + "/.well-known/openid-configuration")
            if discovery.get("issuer") != self.issuer or not discovery.get("jwks_uri"):
                raise AuthUnavailable("the OIDC discovery document does not match the issuer")
            self._jwks_uri = str(discovery["jwks_uri"])
        try:
            keys = jwt.PyJWKSet.from_dict(self._get(self._jwks_uri)).keys
        except jwt.PyJWKSetError as exc:
            raise AuthUnavailable(f"the OIDC signing keys are unusable: {exc}") from exc
        return [k for k in keys if k.public_key_use in (None, "sig")]

    def _get(self, url: str) -> dict[str, Any]:
        try:
            response = self.http.get(url)
            response.raise_for_status()
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise AuthUnavailable(f"the identity provider cannot be reached ({url})") from exc
        if not isinstance(body, dict):
            raise AuthUnavailable(f"the identity provider sent no JSON object ({url})")
        return body
