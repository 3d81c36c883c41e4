"""Bad input gets a clear 4xx problem JSON, never a 500 with a trace."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.api.conftest import Api, running_api
from tests.conftest import make_settings

pytestmark = pytest.mark.integration


def _problem(response, status: int) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["detail"] and "Traceback" not in response.text
    return dict(body)


def test_bad_requests(api: Api) -> None:
    with api.client(api.user_key) as http:
        _problem(http.post("/ask", json={"question": ""}), 422)
        _problem(http.post("/ask", json={"question": "   "}), 422)
        _problem(http.post("/ask", json={"question": "x" * 5000}), 422)
        unknown = _problem(http.post("/ask", json={"question": "hi", "top": 3}), 422)
        assert unknown["errors"][0]["loc"][-1] == "top"
        _problem(
            http.post("/ask", content=b"{not json", headers={"content-type": "application/json"}),
            422,
        )
        _problem(http.get("/answers/does-not-exist"), 404)
        _problem(http.get("/sources/does-not-exist"), 404)
        _problem(
            http.post("/chat", json={"messages": [{"role": "assistant", "content": "hi"}]}), 422
        )
    with api.client("cairn_wrong") as http:
        _problem(http.post("/ask", json={"question": "hi"}), 401)
    with api.client() as http:
        assert _problem(http.post("/ask", json={"question": "hi"}), 401)["detail"].startswith(
            "an API key"
        )


def test_missing_index_is_503(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "empty", auth={"admin_key": Api.admin_key})
    with running_api(settings) as api, api.client(api.user_key) as http:
        _problem(http.post("/ask", json={"question": "anything"}), 503)
        assert http.get("/readyz").status_code == 503
