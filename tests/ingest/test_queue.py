"""Scale-out: `cairn sync` on Celery workers (real RabbitMQ, real worker processes).

Each test uses its own queue, so parallel runs and other users of the broker never take
each other's batches.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from core.records import Records
from core.settings import Settings
from core.sources import SourceSpec
from core.store import open_store
from ingest.syncrun import SourceOutcome, run_source
from tests.cli.helpers import cairn, cairn_env
from tests.conftest import ROOT, make_settings
from tests.ingest.helpers import CountingEmbedder
from tests.ingest.live_helpers import live_chunks, sync

pytestmark = pytest.mark.integration
BROKERS = {
    "rabbitmq": os.environ.get("CAIRN_TEST_BROKER", "amqp://guest:guest@127.0.0.1:5672//"),
    "redis": os.environ.get("CAIRN_TEST_REDIS_BROKER", "redis://127.0.0.1:6379/5"),
}


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _broker_env(kind: str) -> dict[str, str]:
    """Broker settings of one test on broker ``kind``: its own queue name."""
    pytest.importorskip("celery", reason="the queue extra is not installed")
    url = urlsplit(BROKERS[kind])
    if not _port_open(url.hostname or "127.0.0.1", url.port or 0):
        pytest.skip(f"{kind} is not listening on {url.hostname}:{url.port}")
    return {
        "CAIRN_QUEUE__BROKER_URL": BROKERS[kind],
        "CAIRN_QUEUE__QUEUE_NAME": f"cairn.test.{uuid.uuid4().hex[:10]}",
        "CAIRN_QUEUE__BATCH_ITEMS": "3",
        "CAIRN_QUEUE__RESULT_TIMEOUT_S": "120",
    }


@pytest.fixture(params=["rabbitmq", "redis"])
def queue_env(request: pytest.FixtureRequest) -> dict[str, str]:
    """Broker settings on RabbitMQ, then on Redis (each skipped when it is not running)."""
    return _broker_env(request.param)


@pytest.fixture
def workers(tmp_path: Path, queue_env: dict[str, str]) -> Iterator[Callable[..., list]]:
    """Start worker processes (`cairn worker` by default); all stopped at the end."""
    started: list[subprocess.Popen[bytes]] = []

    def start(count: int, command: list[str] | None = None, **extra: str) -> list:
        for i in range(count):
            name = f"w{i}-{uuid.uuid4().hex[:6]}@localhost"
            args = [*command, name] if command else ["-m", "cairn", "worker", "--name", name]
            log = open(tmp_path / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
            env = cairn_env(tmp_path / f"worker-{i}", **queue_env, **extra)
            started.append(
                subprocess.Popen([sys.executable, *args], cwd=ROOT, env=env, stdout=log, stderr=log)
            )
        return started

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in started:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def _queued_sync(settings: Settings, spec: SourceSpec) -> SourceOutcome:
    records, store = Records(settings.records_url), open_store(settings)
    try:
        return run_source(settings, records, store, lambda _t: CountingEmbedder(), spec)
    finally:
        store.close()
        records.engine.dispose()


def _queued_settings(home: Path, queue_env: dict[str, str]) -> Settings:
    q = {k.removeprefix("CAIRN_QUEUE__").lower(): v for k, v in queue_env.items()}
    return make_settings(home, queue=q)  # type: ignore[arg-type]


def _index(settings: Settings) -> tuple[list[str], int]:
    """Chunk ids of the live index, and how many points it holds."""
    chunks = live_chunks(settings)
    store = open_store(settings)
    try:
        name = store.resolve_alias(settings.qdrant.alias)
        count = store.count(name) if name else 0
    finally:
        store.close()
    return sorted(c.id for c in chunks), count


def test_two_workers_build_the_same_index_as_in_process(
    tmp_path: Path, corpus: Path, queue_env: dict[str, str], workers: Callable[..., list]
) -> None:
    spec = {"name": "hb", "type": "folder", "path": str(corpus)}
    local = make_settings(tmp_path / "local")
    assert sync(local, **spec).ok
    workers(2)
    queued = _queued_settings(tmp_path / "queued", queue_env)
    outcome = _queued_sync(queued, SourceSpec(**spec))
    assert outcome.report is not None and outcome.report.count("failed") == 0
    ids, count = _index(queued)
    local_ids, local_count = _index(local)
    assert ids == local_ids and count == local_count == len(set(ids)) > 0
    again = _queued_sync(queued, SourceSpec(**spec))  # nothing changed: nothing sent
    assert again.report is not None
    assert again.report.count("unchanged") == len(again.report.files) > 0


def test_killed_worker_batch_is_redelivered_without_duplicates(
    tmp_path: Path, corpus: Path, queue_env: dict[str, str], workers: Callable[..., list]
) -> None:
    spec = {"name": "hb", "type": "folder", "path": str(corpus)}
    local = make_settings(tmp_path / "local")
    assert sync(local, **spec).ok
    marks = tmp_path / "marks"
    marks.mkdir()
    slow = "_hb/welcome.md"
    driver = [str(ROOT / "tests" / "ingest" / "queue_worker_driver.py")]
    workers(
        2,
        command=driver,
        CAIRN_TEST_MARKS=str(marks),
        CAIRN_TEST_SLOW_KEY=slow,
        PYTHONPATH=str(ROOT),
    )
    queued = _queued_settings(tmp_path / "queued", queue_env)
    box: list[SourceOutcome] = []
    writer = threading.Thread(target=lambda: box.append(_queued_sync(queued, SourceSpec(**spec))))
    writer.start()
    victim = _wait_for_batch(marks, slow)
    (marks / "released").touch()  # the redelivered batch runs at full speed
    os.kill(victim, signal.SIGKILL)
    writer.join(timeout=180)
    assert box and box[0].report is not None
    assert box[0].report.count("failed") == 0
    starts = [p for p in marks.glob("*.json") if slow in json.loads(p.read_text())]
    assert len(starts) == 2  # started, killed, redelivered once
    ids, count = _index(queued)
    local_ids, local_count = _index(local)
    assert ids == local_ids and count == local_count == len(set(ids))


def _wait_for_batch(marks: Path, key: str, timeout_s: float = 90.0) -> int:
    """The pid of the worker process that started the batch holding ``key``."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for mark in marks.glob("*.json"):
            if key in json.loads(mark.read_text() or "[]"):
                return int(mark.name.split("-")[0])
        time.sleep(0.05)
    raise AssertionError(f"no worker started the batch holding {key}")


def test_poison_item_fails_alone_through_cairn_sync(
    tmp_path: Path, corpus: Path, queue_env: dict[str, str], workers: Callable[..., list]
) -> None:
    (corpus / "corrupt.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ngarbage\n")
    config = tmp_path / "sources.yaml"
    config.write_text(f"sources:\n  - name: hb\n    type: folder\n    path: {corpus}\n")
    workers(2)
    home = tmp_path / "home"
    run = cairn(home, "sync", "--config", str(config), "--json", **queue_env)
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    files = {f["path"]: f for f in report["files"]}
    assert files["corrupt.pdf"]["action"] == "failed" and files["corrupt.pdf"]["reason"]
    others = [f for p, f in files.items() if p != "corrupt.pdf"]
    assert others and all(f["action"] == "added" for f in others)
