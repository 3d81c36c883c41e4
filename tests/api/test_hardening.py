"""Hostile input: body size, rate limit, CORS, path traversal, schema fuzzing (0 server errors)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import Api, prepare, running_api
from tests.conftest import SAMPLES

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def hardened(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    tmp = tmp_path_factory.mktemp("hardened")
    shutil.copytree(SAMPLES, tmp / "corpus")
    settings_ = prepare(
        tmp,
        tmp / "corpus",
        auth={"anonymous": True, "admin_key": Api.admin_key},
        api={
            "rate_limit_per_minute": 1000,
            "cors_origins": ["http://intranet.example"],
            "max_body_bytes": 4096,
        },
    )
    with running_api(settings_) as api:
        yield api


def test_oversized_body_is_413(hardened: Api) -> None:
    with hardened.client() as http:
        response = http.post("/ask", json={"question": "x" * 10_000})
        chunked = http.post(
            "/ask",
            content=iter([b'{"question": "', b"y" * 8000, b'"}']),
            headers={"content-type": "application/json"},
        )
    for r in (response, chunked):
        assert r.status_code == 413 and r.headers["content-type"] == "application/problem+json"


def test_rate_limit_per_caller(tmp_path: Path, corpus: Path) -> None:
    settings_ = prepare(
        tmp_path, corpus, auth={"admin_key": Api.admin_key}, api={"rate_limit_per_minute": 5}
    )
    with (
        running_api(settings_) as api,
        api.client(api.user_key) as alice,
        api.client(api.hr_key) as hana,
    ):
        codes = [alice.get("/me").status_code for _ in range(7)]
        assert codes.count(200) <= 5 and codes[-1] == 429
        limited = alice.get("/me")
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
        assert hana.get("/me").status_code == 200, "another caller has its own allowance"


def test_cors_allows_only_configured_origins(hardened: Api) -> None:
    preflight = {
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
    }
    with hardened.client() as http:
        ok = http.options("/ask", headers={"origin": "http://intranet.example", **preflight})
        other = http.options("/ask", headers={"origin": "http://evil.example", **preflight})
    assert ok.headers.get("access-control-allow-origin") == "http://intranet.example"
    assert "access-control-allow-origin" not in other.headers


@pytest.mark.parametrize("doc_id", ["../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "%00", "a" * 500])
def test_path_traversal_in_source_ids_is_404(hardened: Api, doc_id: str) -> None:
    with hardened.client() as http:
        response = http.get(f"/sources/{doc_id}")
    assert response.status_code in (404, 422) and "root:" not in response.text


def test_schemathesis_finds_no_server_errors(hardened: Api) -> None:
    """Property-based fuzzing of every operation in the OpenAPI schema (bounded)."""
    run = subprocess.run(
        [
            str(Path(sys.executable).parent / "schemathesis"),
            "run",
            hardened.url + "/openapi.json",
            "--checks",
            "not_a_server_error",
            "--max-examples",
            "15",
            "--workers",
            "1",
            "--header",
            f"Authorization: Bearer {hardened.admin_key}",
            "--seed",
            "20261126",  # reproducible in CI; vary it locally to fuzz further
            "--suppress-health-check",
            "all",
            "--request-timeout",
            "30",
        ],
        capture_output=True,
        text=True,
        timeout=500,
    )
    assert run.returncode == 0, run.stdout[-4000:]
    generated = re.search(r"(\d+) generated", run.stdout)
    assert generated and int(generated.group(1)) > 100, run.stdout[-2000:]


def test_unknown_route_and_method_are_problems(hardened: Api) -> None:
    with httpx.Client(base_url=hardened.url) as http:
        assert http.get("/nope").status_code == 404
        assert http.delete("/ask").status_code == 405


def test_handler_threads_follow_the_setting(tmp_path: Path) -> None:
    """The thread pool that runs request handlers is sized by ``api.threads`` (auto: 4 per
    CPU for the CPU-bound extractive path, 40 when requests wait on an LLM)."""
    import os

    from anyio import to_thread
    from fastapi.testclient import TestClient

    from api.app import create_app, handler_threads
    from tests.conftest import make_settings

    settings = make_settings(tmp_path / "a", api={"threads": 3})
    with TestClient(create_app(settings)) as client:
        size = client.portal.call(lambda: to_thread.current_default_thread_limiter().total_tokens)
    assert size == 3
    assert handler_threads(make_settings(tmp_path / "b")) == 4 * (os.cpu_count() or 1)
    llm = make_settings(tmp_path / "c", answer={"answerer": "llm"})
    assert handler_threads(llm) == 40
