"""API (uvicorn thread) + Streamlit UI (subprocess) on loopback, for UI tests."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from cairn.serving import build_app
from tests.api.conftest import Api, prepare, torch_embedder
from tests.conftest import ROOT, SAMPLES
from tools.testserver import background, free_port

ARTIFACTS = ROOT / "tests" / "artifacts"


@dataclass
class Stack:
    """Running API and UI."""

    api_url: str
    ui_url: str
    admin_key: str


@pytest.fixture(scope="module")
def api_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import shutil

    tmp = tmp_path_factory.mktemp("ui")
    shutil.copytree(SAMPLES, tmp / "corpus")
    notes = tmp / "notes"
    notes.mkdir()
    (notes / "roof.md").write_text("# Roof\n\nThe roof of the annex is painted green.\n")
    (notes / "broken.pdf").write_bytes(b"%PDF-1.4 not really a PDF")
    config = tmp / "sources.yaml"
    config.write_text(f"sources:\n  - {{name: notes, type: folder, path: {notes}, schedule: 1h}}\n")
    settings = prepare(
        tmp,
        tmp / "corpus",
        auth={"anonymous": True, "admin_key": Api.admin_key},
        sources=str(config),
    )
    with background(build_app(settings, torch_embedder())) as url:
        yield url


@pytest.fixture(scope="module")
def stack(api_url: str) -> Iterator[Stack]:
    port = free_port()
    env = {**os.environ, "CAIRN_API_URL": api_url, "PYTHONPATH": str(ROOT)}
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "ui" / "app.py"),
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        "--client.toolbarMode",
        "viewer",
    ]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/_stcore/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        time.sleep(0.2)
    yield Stack(api_url, url, Api.admin_key)
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="module")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
