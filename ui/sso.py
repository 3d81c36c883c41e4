"""Single sign-on for the UI: the OpenID Connect authorization code flow with PKCE.

The API says whether single sign-on is on, and with which provider and client id
(``GET /auth/oidc``). "Sign in with SSO" sends the browser to the provider; it comes back
to the UI with ``?code=…&state=…``, and the Streamlit server exchanges the code, with the
PKCE verifier it kept under that state, for tokens. The ID token is then the session's
bearer token, checked by the API like any other.

The verifier waits for the browser in this process's memory (the redirect starts a new
Streamlit session), at most ``PENDING_S``; a state is used once.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import threading
import time
from typing import Any
from urllib.parse import urlencode

import httpx
import streamlit as st

PENDING_S = 600


class SsoError(Exception):
    """The sign-in could not be completed (the message says why, for the page)."""


class _Pending:
    """state → (PKCE verifier, nonce, created), shared by the sessions of this process."""

    def __init__(self) -> None:
        self.items: dict[str, tuple[str, str, float]] = {}
        self.lock = threading.Lock()

    def put(self, state: str, verifier: str, nonce: str) -> None:
        with self.lock:
            now = time.time()
            self.items = {k: v for k, v in self.items.items() if now - v[2] < PENDING_S}
            self.items[state] = (verifier, nonce, now)

    def take(self, state: str) -> tuple[str, str] | None:
        with self.lock:
            found = self.items.pop(state, None)
        if found is None or time.time() - found[2] >= PENDING_S:
            return None
        return found[0], found[1]


@st.cache_resource
def _pending() -> _Pending:
    return _Pending()


def redirect_uri() -> str:
    """Where the provider sends the browser back: this UI's public URL."""
    return os.environ.get("CAIRN_UI_URL", "http://localhost:8501/")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@st.cache_data(ttl=3600, show_spinner=False)
def _discovery(issuer: str) -> dict[str, Any]:
    try:
        response = httpx.get(issuer.rstrip("/") + "/.well-known/openid-configuration", timeout=10)
        response.raise_for_status()
        body: dict[str, Any] = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise SsoError(f"the identity provider is not reachable ({issuer})") from exc
    return body


def login_url(config: dict[str, Any]) -> str:
    """The provider's authorization URL for a fresh state, nonce and PKCE challenge."""
    verifier, state, nonce = (secrets.token_urlsafe(48) for _ in range(3))
    _pending().put(state, verifier, nonce)
    query = {
        "response_type": "code",
        "client_id": config["client_id"],
        "redirect_uri": redirect_uri(),
        "scope": "openid email profile",
        "state": state,
        "nonce": nonce,
        "code_challenge": _b64(hashlib.sha256(verifier.encode()).digest()),
        "code_challenge_method": "S256",
    }
    return f"{_discovery(config['issuer'])['authorization_endpoint']}?{urlencode(query)}"


def finish(config: dict[str, Any], code: str, state: str) -> str:
    """Exchange the code the provider sent back for the ID token (SsoError otherwise)."""
    pending = _pending().take(state)
    if pending is None:
        raise SsoError("this sign-in link expired or was already used: sign in again")
    verifier, nonce = pending
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri(),
        "client_id": config["client_id"],
        "code_verifier": verifier,
    }
    secret = os.environ.get("CAIRN_UI_OIDC_CLIENT_SECRET")
    if secret:
        form["client_secret"] = secret
    try:
        response = httpx.post(_discovery(config["issuer"])["token_endpoint"], data=form, timeout=15)
        body = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise SsoError("the identity provider did not answer the sign-in") from exc
    token = body.get("id_token") if isinstance(body, dict) else None
    if response.status_code != 200 or not isinstance(token, str):
        reason = (
            body.get("error_description") or body.get("error") if isinstance(body, dict) else ""
        )
        raise SsoError(
            f"the identity provider refused the sign-in: {reason or response.status_code}"
        )
    if _claims(token).get("nonce") != nonce:
        raise SsoError("the sign-in answer does not belong to this sign-in: sign in again")
    return token


def _claims(token: str) -> dict[str, Any]:
    """The token's claims, unverified: the nonce check only (the API checks the rest)."""
    try:
        payload = token.split(".")[1]
        data: dict[str, Any] = json.loads(
            base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        )
    except (IndexError, ValueError):
        return {}
    return data
