"""The API as a real uvicorn server over HTTP (what `make up` starts)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.cli.helpers import cairn, cairn_env
from tests.conftest import ROOT

pytestmark = pytest.mark.integration


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path, corpus: Path) -> Iterator[str]:
    home = tmp_path / "home"
    assert cairn(home, "ingest", str(corpus)).returncode == 0
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "cairn", "serve", "--port", str(port)],
        cwd=ROOT,
        env=cairn_env(home),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(base + "/healthz", timeout=1)
            break
        except httpx.HTTPError:
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            time.sleep(0.2)
    yield base
    proc.terminate()
    proc.wait(timeout=20)


def test_health_ready_and_versions(server: str) -> None:
    assert httpx.get(server + "/healthz").json() == {"status": "ok"}
    ready = httpx.get(server + "/readyz")
    assert ready.status_code == 200 and ready.json()["checks"]["index"] == "v1"
    versions = httpx.get(server + "/index/versions").json()
    assert versions[0]["live"] and versions[0]["model_id"] == "fake-hash-embedder"


def test_ingest_while_serving_is_a_clear_error(server: str, tmp_path: Path, corpus: Path) -> None:
    (corpus / "welcome.md").write_text("# Changed\n\nNew text.\n")
    run = cairn(tmp_path / "home", "ingest", str(corpus))
    assert run.returncode == 1
    assert "another process" in run.stderr and "Traceback" not in run.stderr
