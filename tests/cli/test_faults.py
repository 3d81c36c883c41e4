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

from tests.cli.helpers import cairn, cairn_env
from tests.conftest import ROOT
from tools.testserver import free_port, wait_ready

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
    if wait_ready(url, 60):
        return proc, url
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


def _namespace_prefix() -> list[str] | None:
    """How to get a private mount namespace here (root, or an unprivileged user namespace)."""
    import shutil

    if shutil.which("unshare") is None:
        return None
    for prefix in (["unshare", "--mount"], ["unshare", "--user", "--map-root-user", "--mount"]):
        probe = subprocess.run(
            [*prefix, "sh", "-c", "mount -t tmpfs -o size=1m tmpfs /mnt && umount /mnt"],
            capture_output=True,
        )
        if probe.returncode == 0:
            return prefix
    return None


def test_disk_full_for_the_index_folder(tmp_path: Path) -> None:
    """The index folder sits on a 256 MB tmpfs that fills up for real.

    Ingest stops before the engine could hit the full disk (its memory-mapped writes would
    kill the process with SIGBUS), with a clear message; the running API keeps answering,
    also once something else has filled the disk completely; after space is freed the same
    command resumes and the index ends with exactly the chunks of a clean build.
    """
    prefix = _namespace_prefix()
    if prefix is None:
        pytest.skip("needs a private mount namespace (unshare + tmpfs) for a real full disk")
    work = tmp_path / "work"
    (work / "home" / "vectors").mkdir(parents=True)
    inner = 'mount -t tmpfs -o size=256m tmpfs "$1" && exec "$2" -m tests.cli.diskfull_driver "$3"'
    done = subprocess.run(
        [
            *prefix,
            "sh",
            "-c",
            inner,
            "sh",
            str(work / "home" / "vectors"),
            sys.executable,
            str(work),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=540,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads((work / "results.json").read_text())
    assert out["ingest_small"] == 0
    assert out["answer_before"].startswith("200 ")
    code, text = out["ingest_filling"]
    text = " ".join(text.split())  # the console wraps long lines
    assert code == 1 and "MB free" in text and "Stopped before writing it" in text
    assert "Traceback" not in text and "Bus error" not in text
    assert out["answer_after_stop"] == out["answer_before"]  # still serving, same answer
    assert out["chunks_after_stop"] > 0
    assert out["free_when_full"] < 1 << 20  # the disk really was full
    assert out["answer_disk_full"] == out["answer_before"]
    code, text = out["ingest_disk_full"]
    text = " ".join(text.split())
    assert code == 1 and ("MB free" in text or "No space left" in text), text
    code, text = out["ingest_resumed"]
    assert code == 0, text
    # Nothing lost, nothing duplicated: the same chunk count as a clean build of the corpus.
    clean = tmp_path / "clean"
    assert cairn(clean, "ingest", str(work / "corpus")).returncode == 0
    listed = json.loads(cairn(clean, "index", "list", "--json").stdout)
    assert out["chunks_resumed"] == listed[0]["chunks"] > out["chunks_after_stop"]
