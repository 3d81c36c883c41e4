"""Sync benchmark: a folder source of Sourcegraph handbook pages, measured in one run.

- in-process first sync, then a no-change re-sync (ratio: re-sync / first);
- queued first sync with 1 `cairn worker`, then with 2 (ratio: 1-worker time / 2-worker
  time), each into a fresh home, the workers started before the clock starts (their
  first batch loads the embedder, in both cases).
Needs RabbitMQ (CAIRN_BENCH_BROKER, default amqp://guest:guest@127.0.0.1:5672//) and
../shared/data/sourcegraph-handbook; skips with a reason otherwise. The embedder is the
configured one (CAIRN_EMBEDDING__BACKEND; torch keeps vectors identical across workers).
Writes bench/results/sync.json.

    .venv/bin/python -m bench.sync [--pages 150]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.common import ROOT, save
from core.embed import Embedder, build_embedder
from core.records import Records
from core.settings import Settings
from core.sources import SourceSpec
from core.store import open_store
from ingest.syncrun import run_source

PAGES = ROOT.parent / "shared" / "data" / "sourcegraph-handbook"
BROKER = os.environ.get("CAIRN_BENCH_BROKER", "amqp://guest:guest@127.0.0.1:5672//")


def timed_sync(settings: Settings, spec: SourceSpec) -> dict[str, Any]:
    """One sync; its seconds and counts."""

    def embedder_for(texts: Sequence[str]) -> Embedder:
        return build_embedder(settings, calibration=lambda: texts)

    records, store = Records(settings.records_url), open_store(settings)
    try:
        started = time.perf_counter()
        outcome = run_source(settings, records, store, embedder_for, spec)
        seconds = time.perf_counter() - started
    finally:
        store.close()
        records.engine.dispose()
    report = outcome.report
    assert report is not None, outcome.error
    return {
        "seconds": round(seconds, 2),
        "chunks": report.chunks_total,
        "added": report.count("added"),
        "unchanged": report.count("unchanged"),
        "failed": report.count("failed"),
    }


def with_workers(count: int, home: Path, spec: SourceSpec, base: Settings) -> dict[str, Any]:
    """A first sync into ``home`` through ``count`` fresh worker processes."""
    queue = {"broker_url": BROKER, "queue_name": f"cairn.bench.{uuid.uuid4().hex[:8]}"}
    settings = base.model_copy(update={"home": home, "queue": base.queue.model_copy(update=queue)})
    env = {**os.environ, "CAIRN_HOME": str(home / "worker")}
    env.update({f"CAIRN_QUEUE__{k.upper()}": v for k, v in queue.items()})
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "cairn", "worker", "--name", f"bench{i}-{uuid.uuid4().hex[:4]}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for i in range(count)
    ]
    try:
        return timed_sync(settings, spec)
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=150, help="pages of the handbook to sync")
    args = parser.parse_args()
    if not PAGES.exists():
        print(f"skipped: {PAGES} not found (the benchmark needs ../shared/data)")
        return
    try:
        socket.create_connection(("127.0.0.1", 5672), timeout=1).close()
    except OSError:
        print("skipped: no RabbitMQ on 127.0.0.1:5672")
        return
    with tempfile.TemporaryDirectory(prefix="cairn-bench-sync-") as tmp:
        root = Path(tmp)
        corpus = root / "pages"
        for page in sorted(PAGES.rglob("*.md"))[: args.pages]:
            target = corpus / page.relative_to(PAGES)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(page, target)
        spec = SourceSpec(name="sg", type="folder", path=str(corpus))
        base = Settings(home=root / "local")
        first = timed_sync(base, spec)
        resync = timed_sync(base, spec)
        one = with_workers(1, root / "one", spec, base)
        two = with_workers(2, root / "two", spec, base)
    path = save(
        "sync",
        {
            "pages": args.pages,
            "embedding_backend": base.embedding.backend,
            "batch_items": base.queue.batch_items,
            "in_process_first": first,
            "in_process_resync": resync,
            "resync_over_first": round(resync["seconds"] / first["seconds"], 4),
            "queued_1_worker": one,
            "queued_2_workers": two,
            "speedup_2_over_1_workers": round(one["seconds"] / two["seconds"], 3),
            "queued_1_worker_over_in_process": round(one["seconds"] / first["seconds"], 3),
        },
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
