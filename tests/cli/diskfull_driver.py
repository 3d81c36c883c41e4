"""Driver for test_disk_full (not a test module): runs inside a private mount namespace
in which ``<work>/home/vectors`` is a size-limited tmpfs, so the index folder's disk
really fills up. Writes what it saw to ``<work>/results.json``.

Usage: python -m tests.cli.diskfull_driver WORK
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

from tests.cli.helpers import cairn, cairn_env
from tests.conftest import ROOT, SAMPLES
from tools.testserver import free_port, wait_ready

QUESTION = "How do I request VPN access?"
WORDS = [
    "policy",
    "laptop",
    "vacation",
    "badge",
    "office",
    "remote",
    "expense",
    "travel",
    "payroll",
    "onboarding",
    "security",
    "wifi",
    "printer",
    "holiday",
    "leave",
    "benefit",
    "insurance",
    "pension",
    "training",
    "review",
]


def _big_docs(folder: Path, count: int) -> None:
    rng = random.Random(1)
    folder.mkdir(parents=True)
    for i in range(count):
        paragraphs = [" ".join(rng.choice(WORDS) for _ in range(80)) + "." for _ in range(8)]
        (folder / f"doc{i:03d}.md").write_text(f"# Document {i}\n\n" + "\n\n".join(paragraphs))


def _chunks(home: Path, env: dict[str, str]) -> int:
    listed = cairn(home, "index", "list", "--json", **env)
    return int(json.loads(listed.stdout)[0]["chunks"]) if listed.returncode == 0 else -1


def main(work: Path) -> None:
    home, corpus, vectors = work / "home", work / "corpus", work / "home" / "vectors"
    env = {"CAIRN_INGEST__MIN_FREE_MB": "160", "CAIRN_INGEST__BATCH_CHUNKS": "64"}
    out: dict[str, Any] = {}
    shutil.copytree(SAMPLES, corpus)
    out["ingest_small"] = cairn(home, "ingest", str(corpus), **env).returncode
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "cairn", "serve", "--port", str(port)],
        cwd=ROOT,
        env=cairn_env(home, CAIRN_AUTH__ANONYMOUS="true", **env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"

    def ask() -> str:
        r = httpx.post(url + "/ask", json={"question": QUESTION}, timeout=30)
        return f"{r.status_code} {r.json().get('answer', r.text)}"

    try:
        assert wait_ready(url, 60), "cairn serve did not become ready"
        out["answer_before"] = ask()
        _big_docs(corpus / "big", 400)
        filling = cairn(home, "ingest", str(corpus), **env)
        out["ingest_filling"] = [filling.returncode, filling.stdout + filling.stderr]
        out["answer_after_stop"] = ask()
        out["chunks_after_stop"] = httpx.get(url + "/readyz").json()["checks"]["chunks"]
        with (vectors / "filler").open("wb") as fh:  # something else fills the disk
            try:
                while True:
                    fh.write(b"\0" * (1 << 20))
                    fh.flush()
            except OSError:
                pass
        out["free_when_full"] = shutil.disk_usage(vectors).free
        out["answer_disk_full"] = ask()
        full = cairn(home, "ingest", str(corpus), **env)
        out["ingest_disk_full"] = [full.returncode, full.stdout + full.stderr]
    finally:
        server.terminate()
        server.wait(30)
    (vectors / "filler").unlink()
    subprocess.run(["mount", "-o", "remount,size=1g", str(vectors)], check=True)
    resumed = cairn(home, "ingest", str(corpus), **env)
    out["ingest_resumed"] = [resumed.returncode, resumed.stdout + resumed.stderr]
    out["chunks_resumed"] = _chunks(home, env)
    (work / "results.json").write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
