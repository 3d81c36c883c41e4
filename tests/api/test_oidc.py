"""Single sign-on against a real OpenID provider server (PyPI ``oidc-provider-mock``, in a
thread) and a real uvicorn API: tokens it issues become principals with its groups; bad
tokens are 401 problems; key rotation and an unreachable provider behave."""

from __future__ import annotations

import base64
import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import anyio
import httpx
import jwt
import oidc_provider_mock
import openai
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from api.app import create_app
from core.embed import FakeEmbedder
from tests.api import mcp_probes as probes
from tests.api.conftest import Api, prepare, running_api, serve
from tests.conftest import SAMPLES, make_settings
from tools.testserver import free_port

pytestmark = pytest.mark.integration

USERS = {
    "hana": {"email": "hana@example.com", "groups": ["hr-staff"]},
    "alice": {"email": "alice@example.com", "groups": ["engineering"]},
    "olga": {"email": "olga@example.com", "groups": ["cairn-admins"]},
}


@contextmanager
def provider(port: int = 0, max_age: timedelta = timedelta(hours=1)) -> Iterator[str]:
    """A real OpenID provider on localhost; yields its issuer URL."""
    with oidc_provider_mock.run_server_in_thread(port, access_token_max_age=max_age) as server:
        issuer = f"http://localhost:{server.server_port}"
        for sub, claims in USERS.items():
            assert httpx.put(f"{issuer}/users/{sub}", json=claims).status_code == 204
        yield issuer


def token(issuer: str, sub: str, client_id: str = "cairn", host: str | None = None) -> str:
    """The ID token of the authorization-code flow, run as a browser would (``host``
    overrides the Host header, and so the issuer the provider writes into the token)."""
    headers = {"Host": host} if host else {}
    redirect = "http://localhost/callback"
    with httpx.Client(base_url=issuer, headers=headers, timeout=30) as http:
        params = {"client_id": client_id, "redirect_uri": redirect, "response_type": "code"}
        login = http.post(
            "/oauth2/authorize", params={**params, "scope": "openid email"}, data={"sub": sub}
        )
        code = parse_qs(urlsplit(login.headers["location"]).query)["code"][0]
        grant = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect}
        tokens = http.post(
            "/oauth2/token", data={**grant, "client_id": client_id, "client_secret": "s"}
        )
    return str(tokens.json()["id_token"])


def oidc(issuer: str, **extra: Any) -> dict[str, Any]:
    return {
        "issuer": issuer,
        "audience": "cairn",
        "group_map": {"hr-staff": "people-ops"},
        "admin_group": "cairn-admins",
        **extra,
    }


@pytest.fixture(scope="module")
def sso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Api, str]]:
    """The API over the samples, trusting the provider; API keys still work beside it."""
    tmp = tmp_path_factory.mktemp("oidc")
    shutil.copytree(SAMPLES, tmp / "corpus")
    with pytest.MonkeyPatch.context() as env, provider() as issuer:
        env.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")  # tokens for a foreign Host header
        settings = prepare(
            tmp, tmp / "corpus", auth={"admin_key": Api.admin_key, "oidc": oidc(issuer)}
        )
        with running_api(settings) as api:
            yield api, issuer


def me(api_url: str, bearer: str) -> httpx.Response:
    return httpx.get(api_url + "/me", headers={"Authorization": f"Bearer {bearer}"}, timeout=30)


def test_a_token_is_its_users_groups(sso: tuple[Api, str]) -> None:
    api, issuer = sso
    hana = me(api.url, token(issuer, "hana")).json()
    assert hana == {
        "name": "oidc:hana@example.com",
        "groups": ["everyone", "people-ops"],
        "is_admin": False,
    }
    alice = me(api.url, token(issuer, "alice")).json()
    assert alice["groups"] == ["engineering", "everyone"] and not alice["is_admin"]
    olga = token(issuer, "olga")
    assert me(api.url, olga).json()["is_admin"]
    assert (
        httpx.get(api.url + "/answers", headers={"Authorization": f"Bearer {olga}"}).status_code
        == 200
    )
    assert me(api.url, api.user_key).json()["name"] == "alice"  # API keys work beside tokens


def test_a_user_outside_a_group_never_sees_its_documents(sso: tuple[Api, str]) -> None:
    api, issuer = sso
    question = {"question": "What are the salary bands for a Senior Engineer?"}
    hana, alice = token(issuer, "hana"), token(issuer, "alice")
    with httpx.Client(base_url=api.url, timeout=60) as http:
        allowed = http.post(
            "/ask", json=question, headers={"Authorization": f"Bearer {hana}"}
        ).json()
        denied = http.post(
            "/ask", json=question, headers={"Authorization": f"Bearer {alice}"}
        ).json()
        hits = http.post(
            "/search",
            json={"query": "salary bands", "limit": 20},
            headers={"Authorization": f"Bearer {alice}"},
        ).json()
    assert "61,000" in allowed["answer"] and allowed["citations"][0]["source"] == probes.SALARY_DOC
    assert "61,000" not in json.dumps(denied) and probes.SALARY_DOC not in json.dumps(denied)
    assert all(not h["source"].startswith("people-ops/") for h in hits)
    ai = openai.OpenAI(base_url=api.url + "/v1", api_key=alice, max_retries=0)
    chat = ai.chat.completions.create(
        model="cairn", messages=[{"role": "user", "content": question["question"]}]
    )
    assert "61,000" not in chat.model_dump_json()
    salary_id = anyio.run(
        probes.run, partial(probes.over_http, api.url), hana, probes.group_member_sees_the_folder
    )
    anyio.run(
        probes.run,
        partial(probes.over_http, api.url),
        alice,
        probes.restricted_folder_is_invisible,
        salary_id,
    )


def _segment(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_bad_tokens_are_401_problems(sso: tuple[Api, str]) -> None:
    api, issuer = sso
    good = token(issuer, "hana")
    claims = jwt.decode(good, options={"verify_signature": False})
    kid = httpx.get(f"{issuer}/jwks").json()["keys"][0]["kid"]
    rogue = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cases = {
        "another audience": token(issuer, "hana", client_id="another-app"),
        "another issuer": token(issuer, "hana", host="idp.evil.example"),
        "does not publish": jwt.encode(claims, rogue, "RS256", headers={"kid": "unknown-key"}),
        "not signed by the provider's key": jwt.encode(
            claims, rogue, "RS256", headers={"kid": kid}
        ),
        "'none' are not accepted": f"{_segment({'alg': 'none', 'typ': 'JWT'})}.{good.split('.')[1]}.",
        "'HS256' are not accepted": jwt.encode(claims, "s" * 32, "HS256"),
        "not a valid JWT": "eyJhbGciOiJSUzI1NiJ9.garbage.garbage",
    }
    for message, bad in cases.items():
        response = me(api.url, bad)
        assert response.status_code == 401, (message, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["www-authenticate"] == "Bearer"
        assert message in response.json()["detail"] and "Traceback" not in response.text


def test_rotation_expiry_and_an_unreachable_provider(tmp_path: Path) -> None:
    """An API on an empty home (``/me`` needs no index) trusting a provider that goes
    down, comes back with a new key, and then issues tokens that are born expired."""
    port = free_port()
    issuer = f"http://localhost:{port}"
    settings = make_settings(tmp_path / "home", auth={"oidc": oidc(issuer, jwks_min_refresh_s=0)})
    with serve(create_app(settings, embedder=FakeEmbedder())) as url:
        with provider(port) as first:
            old = token(first, "hana")
            assert me(url, old).status_code == 200
        assert me(url, old).status_code == 200  # provider down: the cached key verifies
        claims = jwt.decode(old, options={"verify_signature": False})
        rogue = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        unknown = me(url, jwt.encode(claims, rogue, "RS256", headers={"kid": "new"}))
        assert unknown.status_code == 503 and unknown.headers["retry-after"] == "5"
        assert unknown.json()["title"] == "Identity Provider Unavailable"
        with provider(port) as rotated:  # same issuer, a new signing key
            assert me(url, token(rotated, "alice")).json()["name"] == "oidc:alice@example.com"
            assert me(url, old).status_code == 401  # its key was withdrawn
        with provider(port, max_age=timedelta(minutes=-10)) as expiring:
            expired = me(url, token(expiring, "hana"))
    assert expired.status_code == 401 and "expired" in expired.json()["detail"]
