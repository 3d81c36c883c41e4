"""kill -9 in the middle of an ingest, rerun: exactly the unique chunks, none missing."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.settings import Settings
from core.store.edge import EdgeStore
from tests.cli.helpers import cairn, cairn_env
from tests.conftest import ROOT

pytestmark = pytest.mark.integration
FILES = 240


def _corpus(root: Path) -> Path:
    root.mkdir()
    for i in range(FILES):
        paragraphs = "\n\n".join(
            f"Paragraph {j} of document {i} explains rule {i * 7 + j} of the handbook in detail."
            for j in range(6)
        )
        (root / f"doc-{i:03d}.md").write_text(f"# Document {i}\n\n{paragraphs}\n")
    return root


def _manifest_rows(home: Path) -> int:
    db = home / "records.db"
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=0.1) as conn:
            return int(conn.execute("select count(*) from manifest").fetchone()[0])
    except sqlite3.Error:
        return 0


def _collection_ids(home: Path) -> tuple[set[str], int]:
    store = EdgeStore(Settings(home=home).vectors_path)
    name = store.resolve_alias("cairn")
    assert name is not None
    ids, count = store.ids(name), store.count(name)
    store.close()
    return ids, count


def test_kill_9_mid_ingest_then_resume(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "corpus")
    home = tmp_path / "home"
    env = cairn_env(home, CAIRN_INGEST__BATCH_CHUNKS="6")
    proc = subprocess.Popen(
        [sys.executable, "-m", "cairn", "ingest", str(corpus)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while _manifest_rows(home) < FILES // 4 and time.monotonic() < deadline:
        assert proc.poll() is None, "ingest finished before it could be killed"
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done_before = _manifest_rows(home)
    assert 0 < done_before < FILES, "the kill did not land mid-ingest"

    resumed = cairn(home, "ingest", str(corpus), "--json")
    assert resumed.returncode == 0, resumed.stderr
    reference = cairn(tmp_path / "ref", "ingest", str(corpus))
    assert reference.returncode == 0

    ids, count = _collection_ids(home)
    ref_ids, ref_count = _collection_ids(tmp_path / "ref")
    assert ids == ref_ids, "resumed index differs from a clean build"
    assert count == ref_count == len(ref_ids), "duplicates or missing chunks"
    assert _manifest_rows(home) == FILES
