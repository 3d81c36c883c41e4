"""Sync benchmark: the Sourcegraph handbook served over HTTP, synced with the web connector.

The Markdown pages are rendered to HTML with a sitemap (``tools.site``) and served by
``python -m http.server`` in a child process. Every timed sync runs in a fresh
interpreter (``run_child``), so no step inherits another's imports or loaded model.

- the int8 model is quantized once, on passages of the pages, into a models folder that
  every step and worker shares (its time is reported apart, as for a first ingest);
- embedding backend A/B on the first ``--ab-pages`` pages: torch fp32 against OpenVINO
  int8, each a first sync into a fresh home, with the seconds spent embedding;
- in-process first sync of ``--pages`` pages, then a no-change re-sync (conditional GETs:
  ratio re-sync / first, and the HTTP statuses the server answered);
- queued first sync with 1 `cairn worker`, then with 2 (ratio: 1-worker time / 2-worker
  time), each into a fresh home; the workers start before the clock does, and their
  first batch loads the model in both cases.

Needs RabbitMQ (CAIRN_BENCH_BROKER, default amqp://guest:guest@127.0.0.1:5672//; a
redis:// URL works too) and ../shared/data/sourcegraph-handbook; skips with a reason
otherwise. Writes bench/results/sync.json.

    .venv/bin/python -m bench.sync [--pages 883] [--ab-pages 100]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.common import ROOT, run_child, save
from core.embed import Embedder, Vectors, build_embedder
from core.records import Records
from core.settings import Settings
from core.sources import SourceSpec
from core.store import open_store
from ingest.syncrun import run_source
from tools.site import render_site, site_process

PAGES = ROOT.parent / "shared" / "data" / "sourcegraph-handbook"
BROKER = os.environ.get("CAIRN_BENCH_BROKER", "amqp://guest:guest@127.0.0.1:5672//")
STATUS = re.compile(r'"GET (\S+) HTTP/[\d.]+" (\d{3})')


class TimedEmbedder:
    """An embedder that adds up the seconds spent in ``embed``."""

    def __init__(self, inner: Embedder) -> None:
        self.inner, self.seconds = inner, 0.0
        self.model_id, self.backend, self.dim = inner.model_id, inner.backend, inner.dim

    def embed(self, texts: Sequence[str]) -> Vectors:
        started = time.perf_counter()
        try:
            return self.inner.embed(texts)
        finally:
            self.seconds += time.perf_counter() - started


def sync_step(home: Path, spec: SourceSpec, queue: dict[str, str] | None) -> dict[str, Any]:
    """One sync into ``home`` (a child's work): seconds, counts, seconds embedding."""
    settings = Settings(home=home)  # backend, models folder: from the environment
    if queue:
        settings = settings.model_copy(update={"queue": settings.queue.model_copy(update=queue)})
    timed: list[TimedEmbedder] = []

    def embedder_for(texts: Sequence[str]) -> Embedder:
        timed.append(TimedEmbedder(build_embedder(settings, calibration=lambda: texts)))
        return timed[-1]

    records, store = Records(settings.records_url), open_store(settings)
    try:
        started = time.perf_counter()
        outcome = run_source(settings, records, store, embedder_for, spec)
        seconds = time.perf_counter() - started
    finally:
        store.close()
        records.engine.dispose()
    report = outcome.report
    if report is None:
        raise RuntimeError(f"sync failed: {outcome.error}")
    return {
        "seconds": round(seconds, 2),
        "chunks": report.chunks_total,
        "chunks_per_s": round(report.chunks_total / seconds, 1) if report.count("added") else None,
        "embed_seconds": round(sum(t.seconds for t in timed), 2) if timed else None,
        "backend": timed[0].backend if timed else None,
        "added": report.count("added"),
        "unchanged": report.count("unchanged"),
        "failed": report.count("failed"),
    }


def timed_sync(
    home: Path, spec: SourceSpec, env: dict[str, str], queue: dict[str, str] | None = None
) -> dict[str, Any]:
    """``sync_step`` in a fresh interpreter."""
    args = ["bench.sync", "--step", str(home), spec.model_dump_json()]
    if queue:
        args.append(json.dumps(queue))
    result = run_child(args, env)
    print(f"  {home.name}: {result}", flush=True)
    return result


def with_workers(
    count: int, home: Path, spec: SourceSpec, env: dict[str, str], broker: str
) -> dict[str, Any]:
    """A first sync into ``home`` through ``count`` fresh worker processes."""
    queue = {"broker_url": broker, "queue_name": f"cairn.bench.{uuid.uuid4().hex[:8]}"}
    worker_env = {**os.environ, **env, "CAIRN_HOME": str(home / "worker")}
    worker_env.update({f"CAIRN_QUEUE__{k.upper()}": v for k, v in queue.items()})
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "cairn", "worker", "--name", f"bench{i}-{uuid.uuid4().hex[:4]}"],
            cwd=ROOT,
            env=worker_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for i in range(count)
    ]
    try:
        return timed_sync(home, spec, env, queue)
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=60)


def calibration_passages(pages: Path, limit: int) -> list[str]:
    """Paragraphs (20+ words) of the first ``limit`` pages: int8 calibrates on the
    corpus it will embed."""
    out = []
    for page in sorted(pages.rglob("*.md"))[:limit]:
        out += [p for p in page.read_text("utf-8").split("\n\n") if len(p.split()) >= 20]
    return out


def quantize(models: Path, pages: int) -> float:
    """Quantize the int8 model into ``models`` (unless cached); its seconds."""
    settings = Settings(home=models.parent / "quantize", models_dir=models)
    started = time.perf_counter()
    build_embedder(settings, calibration=lambda: calibration_passages(PAGES, pages))
    return round(time.perf_counter() - started, 1)


def statuses(log: Path, since: int) -> dict[str, int]:
    """HTTP statuses of page requests in the server log from byte ``since`` on."""
    text = log.read_text(errors="replace")[since:]
    return dict(Counter(code for path, code in STATUS.findall(text) if path.endswith(".html")))


def broker_up(url: str) -> bool:
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname, parts.port or 5672), timeout=1).close()
    except OSError:
        return False
    return True


def run(args: argparse.Namespace, root: Path) -> dict[str, Any]:
    """Every step; the result file's content."""
    site, models = root / "site", args.models or root / "models"
    site.mkdir()
    env = {"CAIRN_MODELS_DIR": str(models), "CAIRN_EMBEDDING__BACKEND": "auto"}
    log = root / "http.log"
    with site_process(site, log=log) as url:
        urls = render_site(PAGES, site, url, limit=args.pages)
        print(f"site: {len(urls)} pages at {url}; quantizing", flush=True)
        quantization = quantize(models, args.pages)
        out: dict[str, Any] = {
            "pages": len(urls),
            "site": "rendered Markdown + sitemap.xml, python -m http.server (child process)",
            "embedding_backend": "auto (OpenVINO int8; the A/B also runs torch fp32)",
            "batch_items": Settings().queue.batch_items,
            "quantization_seconds": quantization,
        }
        if args.ab_pages:
            ab = SourceSpec(name="sg", type="web", url=url + "/", max_pages=args.ab_pages)
            torch = timed_sync(root / "ab-torch", ab, {**env, "CAIRN_EMBEDDING__BACKEND": "torch"})
            int8 = timed_sync(root / "ab-int8", ab, env)
            out["backend_ab"] = {
                "pages": args.ab_pages,
                "torch_fp32": torch,
                "openvino_int8": int8,
                "speedup_int8_over_torch": round(torch["seconds"] / int8["seconds"], 3),
            }
        spec = SourceSpec(name="sg", type="web", url=url + "/", max_pages=args.pages)
        out["in_process_first"] = timed_sync(root / "local", spec, env)
        mark = log.stat().st_size
        resync = timed_sync(root / "local", spec, env)
        resync["http_statuses"] = statuses(log, mark)
        out["in_process_resync"] = resync
        out["resync_over_first"] = round(resync["seconds"] / out["in_process_first"]["seconds"], 4)
        one = with_workers(1, root / "one", spec, env, args.broker)
        two = with_workers(2, root / "two", spec, env, args.broker)
    out.update(
        {
            "queued_1_worker": one,
            "queued_2_workers": two,
            "speedup_2_over_1_workers": round(one["seconds"] / two["seconds"], 3),
            "queued_1_worker_over_in_process": round(
                one["seconds"] / out["in_process_first"]["seconds"], 3
            ),
        }
    )
    return out


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--step":  # a child: one timed sync
        queue = json.loads(sys.argv[4]) if len(sys.argv) > 4 else None
        spec = SourceSpec.model_validate_json(sys.argv[3])
        print(json.dumps(sync_step(Path(sys.argv[2]), spec, queue)))
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=883, help="pages of the handbook to sync")
    parser.add_argument("--ab-pages", type=int, default=100, help="pages of the backend A/B")
    parser.add_argument("--broker", default=BROKER, help="Celery broker of the worker runs")
    parser.add_argument("--models", type=Path, help="models folder to reuse (default: fresh)")
    parser.add_argument("--name", default="sync", help="result file name")
    args = parser.parse_args()
    if not PAGES.exists():
        print(f"skipped: {PAGES} not found (the benchmark needs ../shared/data)")
        return
    if not broker_up(args.broker):
        print(f"skipped: no broker at {args.broker}")
        return
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="cairn-bench-sync-") as tmp:
        result = run(args, Path(tmp))
    result["bench_seconds"] = round(time.perf_counter() - started, 1)
    result["broker"] = urlsplit(args.broker).scheme
    print(f"wrote {save(args.name, result)}")


if __name__ == "__main__":
    main()
