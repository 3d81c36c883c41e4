"""The UI signs in through the identity provider (authorization code + PKCE): a real
OpenID provider (oidc-provider-mock), a real API trusting it, and the Streamlit page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from streamlit.testing.v1 import AppTest

from api.app import create_app
from core.embed import FakeEmbedder
from tests.api.test_oidc import oidc, provider
from tests.conftest import ROOT, make_settings
from tools.testserver import background

pytestmark = pytest.mark.integration
APP = str(ROOT / "ui" / "app.py")
BACK = "http://localhost:8501/"


@pytest.fixture(scope="module")
def sso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An API (no index needed to sign in) trusting the provider; yields the API URL."""
    home = tmp_path_factory.mktemp("ui-sso") / "home"
    with provider() as issuer:
        settings = make_settings(Path(home), auth={"oidc": oidc(issuer)})
        with background(create_app(settings, FakeEmbedder())) as url:
            yield url


def page(monkeypatch: pytest.MonkeyPatch, api_url: str, **query: str) -> AppTest:
    monkeypatch.setenv("CAIRN_API_URL", api_url)
    monkeypatch.setenv("CAIRN_UI_API_KEY", "")
    monkeypatch.setenv("CAIRN_UI_URL", BACK)
    monkeypatch.setenv("CAIRN_UI_OIDC_CLIENT_SECRET", "ui-secret")
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(query)
    return at.run()


def test_sign_in_with_the_provider(monkeypatch: pytest.MonkeyPatch, sso: str) -> None:
    at = page(monkeypatch, sso)
    assert not at.exception
    login = at.sidebar.link_button[0].proto.url
    query = parse_qs(urlsplit(login).query)
    assert query["code_challenge_method"] == ["S256"] and query["redirect_uri"] == [BACK]
    assert query["client_id"] == ["cairn"] and "code_verifier" not in login
    browser = httpx.post(login, data={"sub": "hana"})  # the provider's login form
    back = parse_qs(urlsplit(browser.headers["location"]).query)
    code, state = back["code"][0], back["state"][0]

    signed_in = page(monkeypatch, sso, code=code, state=state)
    assert not signed_in.exception and not signed_in.sidebar.error
    captions = " ".join(c.value for c in signed_in.sidebar.caption)
    assert "Signed in as **oidc:hana@example.com**" in captions and "people-ops" in captions

    replayed = page(monkeypatch, sso, code=code, state=state)
    assert any("already used" in e.value for e in replayed.sidebar.error)
    assert "Signed in as" not in " ".join(c.value for c in replayed.sidebar.caption)


def test_without_single_sign_on_there_is_no_sso_button(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings = make_settings(tmp_path / "home", auth={"anonymous": True})
    with background(create_app(settings, FakeEmbedder())) as url:
        at = page(monkeypatch, url)
    assert not at.exception and not at.sidebar.link_button
