"""Faults: kill -9 the API while it answers; the restarted server loses and corrupts nothing."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from api.server import free_port
from tests.cli.helpers import cairn, cairn_env
from tests.conftest import ROOT

pytestmark = pytest.mark.integration


def _serve(home: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "cairn", "serve", "--port", str(port)],
        cwd=ROOT,
        env=cairn_env(home, CAIRN_AUTH__ANONYMOUS="true", CAIRN_API__RATE_LIMIT_PER_MINUTE="0"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/readyz", timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("server did not become ready")


def test_kill_9_api_mid_request_then_restart(tmp_path: Path, corpus: Path) -> None:
    home = tmp_path / "home"
    assert cairn(home, "ingest", str(corpus)).returncode == 0
    proc, url = _serve(home)
    stop = threading.Event()
    answered: list[str] = []

    def hammer() -> None:
        i = 0
        while not stop.is_set():
            try:
                r = httpx.post(
                    url + "/ask", json={"question": f"How do I request VPN access? {i}"}, timeout=5
                )
                if r.status_code == 200:
                    answered.append(r.json()["answer_id"])
            except httpx.HTTPError:
                pass
            i += 1

    workers = [threading.Thread(target=hammer) for _ in range(4)]
    for w in workers:
        w.start()
    while len(answered) < 10:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    stop.set()
    for w in workers:
        w.join()

    with sqlite3.connect(home / "records.db") as db:
        rows = db.execute("select id, response from answers").fetchall()
    assert {a for a in answered} <= {r[0] for r in rows}, (
        "an answer a client received was not audited"
    )
    for _, response in rows:
        json.loads(response)  # no torn rows

    proc, url = _serve(home)  # the WAL-backed index and the records DB reopen cleanly
    try:
        assert httpx.get(url + "/readyz").json()["checks"]["chunks"] > 30
        again = httpx.post(url + "/ask", json={"question": "How do I request VPN access?"}).json()
        assert again["citations"][0]["source"] == "it/laptop-and-accounts.md"
        replay = httpx.get(url + f"/answers/{answered[0]}")
        assert replay.status_code == 200
    finally:
        proc.kill()
