"""OIDC token checks and the key cache, model-free: the provider is an in-memory
``httpx.MockTransport`` serving discovery and JWKS, and the clock is the test's.
(tests/api/test_oidc.py runs the same against a real provider server.)"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from pydantic import ValidationError

from core.access import Authenticator
from core.errors import AuthError, AuthUnavailable
from core.oidc import OidcVerifier
from core.records import Records
from core.settings import OidcSettings, Settings
from tests.conftest import make_settings

ISSUER = "https://sso.example.com/realms/acme"
JWKS = "https://sso.example.com/keys"


class Provider:
    """Discovery + JWKS over a mock transport; counts requests; can go down."""

    def __init__(self) -> None:
        self.keys: dict[str, Any] = {}
        self.up = True
        self.requests: list[str] = []
        self.now = time.time()  # the verifier's cache clock; PyJWT checks exp on its own

    def add_key(self, kid: str) -> Any:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.keys[kid] = key
        return key

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request.url.path)
        if not self.up:
            raise httpx.ConnectError("connection refused", request=request)
        if request.url.path.endswith("/.well-known/openid-configuration"):
            return httpx.Response(200, json={"issuer": ISSUER, "jwks_uri": JWKS})
        keys = []
        for kid, key in self.keys.items():
            jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
            keys.append({**jwk, "kid": kid, "use": "sig"})
        return httpx.Response(200, json={"keys": keys})

    def token(self, kid: str | None = "k1", key: Any = None, **claims: Any) -> str:
        body = {
            "iss": ISSUER,
            "aud": "cairn",
            "sub": "u-1",
            "email": "hana@example.com",
            "iat": int(time.time()),
            "exp": int(time.time()) + 300,
            **claims,
        }
        body = {k: v for k, v in body.items() if v is not None}  # None: leave the claim out
        headers = {"kid": kid} if kid else {}
        return jwt.encode(body, key or self.keys[kid or "k1"], "RS256", headers=headers)


@pytest.fixture
def idp() -> Provider:
    provider = Provider()
    provider.add_key("k1")
    return provider


def verifier(idp: Provider, **cfg: Any) -> OidcVerifier:
    settings = OidcSettings(issuer=ISSUER, audience="cairn", **cfg)
    client = httpx.Client(transport=httpx.MockTransport(idp.handle))
    return OidcVerifier(settings, client, clock=lambda: idp.now)


def _segment(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_a_valid_token_gives_its_claims_and_keys_are_cached(idp: Provider) -> None:
    check = verifier(idp)
    assert check.claims(idp.token())["email"] == "hana@example.com"
    assert check.claims(idp.token(kid=None))["sub"] == "u-1"  # no kid: try the known keys
    assert idp.requests == ["/realms/acme/.well-known/openid-configuration", "/keys"]
    idp.now += 3601  # past jwks_cache_s: fetched again
    check.claims(idp.token())
    assert idp.requests[-1] == "/keys" and len(idp.requests) == 3


@pytest.mark.parametrize(
    ("claims", "message"),
    [
        ({"exp": -120}, "expired"),  # exp and nbf: seconds from now, when the test runs
        ({"aud": "another-app"}, "another audience"),
        ({"iss": "https://evil.example"}, "another issuer"),
        ({"nbf": 600}, "not valid yet"),
        ({"sub": None}, "required claim"),
        ({"exp": None}, "required claim"),
    ],
)
def test_bad_claims_are_refused(idp: Provider, claims: dict[str, Any], message: str) -> None:
    now = int(time.time())
    timed = {k: now + v for k, v in claims.items() if k in ("exp", "nbf") and v is not None}
    with pytest.raises(AuthError, match=message):
        verifier(idp).claims(idp.token(**{**claims, **timed}))


def test_clock_skew_within_the_leeway_is_accepted(idp: Provider) -> None:
    assert verifier(idp).claims(idp.token(exp=int(time.time()) - 30))
    with pytest.raises(AuthError, match="expired"):
        verifier(idp, leeway_s=0).claims(idp.token(exp=int(time.time()) - 2))


def test_forged_tokens_are_refused(idp: Provider) -> None:
    good = idp.token()
    head, body, _ = good.split(".")
    none = f"{_segment({'alg': 'none', 'typ': 'JWT'})}.{body}."
    claims = jwt.decode(good, options={"verify_signature": False})
    hmac = jwt.encode(claims, "a-secret-an-attacker-knows-32-bytes", "HS256", {"kid": "k1"})
    rogue = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    check = verifier(idp)
    for token, message in [
        (none, "'none' are not accepted"),
        (hmac, "'HS256' are not accepted"),
        (idp.token(key=rogue), "not signed by the provider's key"),  # the real kid
        (idp.token(kid="k9", key=rogue), "does not publish"),
        ("not.a.jwt", "not a valid JWT"),
        (f"{head}.{body}.{'A' * 342}", "not signed by the provider's key"),
    ]:
        with pytest.raises(AuthError, match=message):
            check.claims(token)


def test_rotation_fetches_the_keys_again_at_most_so_often(idp: Provider) -> None:
    check = verifier(idp, jwks_min_refresh_s=30)
    check.claims(idp.token())
    idp.add_key("k2")
    with pytest.raises(AuthError, match="does not publish"):
        idp.now += 10  # too soon after the last fetch: no new request
        check.claims(idp.token(kid="k2"))
    assert idp.requests.count("/keys") == 1
    idp.now += 30
    assert check.claims(idp.token(kid="k2"))["sub"] == "u-1"
    assert idp.requests.count("/keys") == 2


def test_provider_down_known_keys_verify_unknown_fail_closed(idp: Provider) -> None:
    check = verifier(idp, jwks_min_refresh_s=0)
    check.claims(idp.token())
    idp.up = False
    idp.now += 7200  # the cache is stale, and the refresh fails: the known key still works
    assert check.claims(idp.token())["sub"] == "u-1"
    with pytest.raises(AuthUnavailable, match="cannot be reached"):
        check.claims(idp.token(kid="k2", key=idp.add_key("k2")))
    fresh = verifier(idp)  # never fetched: nothing to fall back on
    with pytest.raises(AuthUnavailable):
        fresh.claims(idp.token())


def test_discovery_must_name_the_issuer(idp: Provider) -> None:
    def wrong(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"issuer": "https://other.example", "jwks_uri": JWKS})

    settings = OidcSettings(issuer=ISSUER, audience="cairn")
    check = OidcVerifier(settings, httpx.Client(transport=httpx.MockTransport(wrong)))
    with pytest.raises(AuthUnavailable, match="does not match"):
        check.claims(idp.token())


def test_settings_refuse_unsafe_configurations() -> None:
    with pytest.raises(ValidationError, match="AUDIENCE is required"):
        OidcSettings(issuer=ISSUER)
    with pytest.raises(ValidationError, match="asymmetric"):
        OidcSettings(issuer=ISSUER, audience="cairn", algorithms=["RS256", "HS256"])
    with pytest.raises(ValidationError, match="asymmetric"):
        OidcSettings(algorithms=["none"])


@pytest.fixture
def oidc_settings(tmp_path: Path) -> Iterator[Settings]:
    yield make_settings(
        tmp_path / "home",
        auth={
            "oidc": {
                "issuer": ISSUER,
                "audience": "cairn",
                "groups_claim": "realm_access.roles",
                "group_map": {"hr-staff": "people-ops"},
                "admin_group": "cairn-admins",
            }
        },
    )


def test_claims_become_a_principal(idp: Provider, oidc_settings: Settings) -> None:
    records = Records(oidc_settings.records_url)
    auth = Authenticator(records, oidc_settings, verifier(idp))
    hana = auth.authenticate(idp.token(realm_access={"roles": ["hr-staff", "engineering"]}))
    assert hana.name == "oidc:hana@example.com" and not hana.is_admin
    assert hana.groups == ["engineering", "everyone", "people-ops"]
    boss = auth.authenticate(idp.token(email=None, realm_access={"roles": "cairn-admins"}))
    assert boss.is_admin and boss.name == "oidc:u-1" and "admin" in boss.groups
    nobody = auth.authenticate(idp.token(realm_access="not-a-list-of-roles"))
    assert nobody.groups == ["everyone"]  # the path leads nowhere: no groups
    with pytest.raises(AuthError, match="invalid or revoked API key"):
        auth.authenticate("cairn_some.looking.key")  # API keys never go to the provider
    assert all(path != "/keys" for path in idp.requests[2:])
    records.engine.dispose()


def test_elliptic_curve_keys_verify(idp: Provider) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(key.public_key()))

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("openid-configuration"):
            return httpx.Response(200, json={"issuer": ISSUER, "jwks_uri": JWKS})
        return httpx.Response(200, json={"keys": [{**jwk, "kid": "ec1"}]})

    settings = OidcSettings(issuer=ISSUER, audience="cairn")
    check = OidcVerifier(settings, httpx.Client(transport=httpx.MockTransport(handle)))
    payload = {"iss": ISSUER, "aud": "cairn", "sub": "s", "exp": 4_000_000_000}
    assert check.claims(jwt.encode(payload, key, "ES256", headers={"kid": "ec1"}))["sub"] == "s"
