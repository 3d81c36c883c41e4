"""`cairn sources list|status` and `cairn sync` through the real CLI."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.cli.helpers import cairn, cairn_env
from tests.conftest import ROOT
from tools.testserver import free_port, wait_ready

pytestmark = pytest.mark.integration


def test_bad_sources_yaml_is_one_line_and_changes_nothing(tmp_path: Path) -> None:
    config = tmp_path / "sources.yaml"
    config.write_text("sources:\n  - name: wiki\n    type: confluence\n    url: http://x\n")
    home = tmp_path / "home"
    result = cairn(home, "sync", "--config", str(config))
    assert result.returncode == 1
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "entry 'wiki': field 'type': unknown type 'confluence'" in lines[0]
    assert "Traceback" not in result.stderr and not home.exists()


def test_sync_list_and_status(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("# Alpha\n\nThe alpha launch is on Tuesday morning.\n")
    (docs / "b.bin").write_bytes(b"\0\1\2")
    config = tmp_path / "sources.yaml"
    config.write_text(
        f"sources:\n  - {{name: notes, type: folder, path: {docs}, schedule: 30m}}\n"
        "  - {name: site, type: web, url: 'http://127.0.0.1:9/'}\n"
    )
    home = tmp_path / "home"
    env = {"CAIRN_SOURCES": str(config)}
    listed = cairn(home, "sources", "list", **env)
    assert listed.returncode == 0 and "notes" in listed.stdout and "site" in listed.stdout
    done = cairn(home, "sync", "notes", **env)
    assert done.returncode == 0, done.stderr
    assert "added 1" in done.stderr and "b.bin" in done.stderr and "Data quality" in done.stderr
    down = cairn(home, "sync", **env)  # the web site is down: exit 1, notes still synced
    assert down.returncode == 1 and "source 'site' not synced" in down.stderr
    status = json.loads(cairn(home, "sources", "status", "--json", **env).stdout)
    assert [(s["name"], s["status"], s["items"], s["failed"]) for s in status] == [
        ("notes", "ok", 2, 1),
        ("site", "failed", 0, 0),
    ]
    assert status[0]["next_run"] and status[1]["next_run"] is None
    unknown = cairn(home, "sync", "nope", **env)
    assert unknown.returncode == 1 and "unknown source(s): nope" in unknown.stderr


def test_cairn_serve_syncs_a_source_on_request(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("# Alpha\n\nThe alpha launch is on Tuesday morning.\n")
    config = tmp_path / "sources.yaml"
    config.write_text(f"sources:\n  - {{name: notes, type: folder, path: {docs}}}\n")
    home = tmp_path / "home"
    env = {"CAIRN_SOURCES": str(config), "CAIRN_AUTH__ADMIN_KEY": "admin-key-for-this-test"}
    assert cairn(home, "sync", **env).returncode == 0  # a live index to serve
    (docs / "b.md").write_text("# Beta\n\nThe beta launch is on Friday.\n")
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "cairn", "serve", "--port", str(port)],
        cwd=ROOT,
        env=cairn_env(home, **env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    headers = {"Authorization": "Bearer admin-key-for-this-test"}
    try:
        assert wait_ready(url, 60)
        started = httpx.post(f"{url}/admin/sources/notes/sync", headers=headers, timeout=30)
        assert started.status_code == 202, started.text
        deadline = time.monotonic() + 60
        source: dict[str, object] = {"status": "running"}
        while source["status"] == "running" and time.monotonic() < deadline:
            body = httpx.get(f"{url}/admin/sources", headers=headers, timeout=30).json()
            source = body["sources"][0]
            time.sleep(0.2)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert (source["status"], source["trigger"], source["added"]) == ("ok", "api", 1)
