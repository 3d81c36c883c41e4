"""The MCP server at ``/mcp`` of a real uvicorn server, through the SDK's own client."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from functools import partial

import anyio
import httpx
import pytest
from mcp import Client

from core.records import Records, audit
from tests.api import mcp_probes as probes
from tests.api.conftest import Api, prepare, running_api
from tests.conftest import SAMPLES

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    tmp = tmp_path_factory.mktemp("mcp-http")
    shutil.copytree(SAMPLES, tmp / "corpus")
    with running_api(prepare(tmp, tmp / "corpus")) as running:
        yield running


def connect(api: Api, key: str | None, mode: str = "auto") -> Client:
    return probes.over_http(api.url, key, mode)


def test_tools_search_ask_and_get_source(api: Api) -> None:
    link = partial(connect, api)
    anyio.run(probes.run, link, api.user_key, probes.tools_and_arguments)
    doc_id = anyio.run(probes.run, link, api.user_key, probes.search_cites)
    anyio.run(probes.run, link, api.user_key, probes.get_source_returns_the_span, doc_id)


def test_ask_is_audited_as_the_caller(api: Api) -> None:
    answer = anyio.run(
        probes.run, partial(connect, api), api.user_key, probes.ask_answers_with_citations
    )
    records = Records(api.settings.records_url)
    try:
        row = audit.get_answer(records, answer["answer_id"])
    finally:
        records.engine.dispose()
    assert row.principal == "alice" and row.answer == answer["answer"]
    with api.client(api.user_key) as http:
        replay = http.get(f"/answers/{answer['answer_id']}").json()
    assert replay["answer"] == answer["answer"]


def test_restricted_folder_and_injection(api: Api) -> None:
    link = partial(connect, api)
    salary_id = anyio.run(probes.run, link, api.hr_key, probes.group_member_sees_the_folder)
    anyio.run(probes.run, link, api.user_key, probes.restricted_folder_is_invisible, salary_id)
    anyio.run(probes.run, link, api.user_key, probes.injection_is_data)


def test_legacy_handshake_clients_work_too(api: Api) -> None:
    legacy = partial(connect, api, mode="legacy")
    anyio.run(probes.run, legacy, api.user_key, probes.search_cites)


def test_http_errors_are_problems_not_traces(api: Api) -> None:
    with httpx.Client(base_url=api.url, timeout=30) as http:
        anonymous = http.post("/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
        wrong = http.post("/mcp", headers={"Authorization": "Bearer cairn_nope"}, json={})
        auth = {
            "Authorization": f"Bearer {api.user_key}",
            "Accept": "application/json, text/event-stream",
        }
        garbage = http.post(
            "/mcp", headers={**auth, "Content-Type": "application/json"}, content=b"{not json"
        )
        big = http.post("/mcp", headers=auth, content=b"x" * 70_000)
    for response in (anonymous, wrong):
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["www-authenticate"] == "Bearer"
    assert garbage.status_code == 400 and garbage.json()["error"]["code"] == -32700
    assert big.status_code == 413 and big.json()["title"] == "Content Too Large"
    for response in (anonymous, wrong, garbage, big):
        assert "Traceback" not in response.text
