"""Fault: the records database (Postgres) goes away while the API serves, then comes back.

The API reaches Postgres through a TCP proxy this test controls. Taking the proxy down
does to the API what a Postgres restart does: every open connection is cut and new ones
are refused until it is back. Requests during the outage fail cleanly (503 problem JSON
with Retry-After, never a 500), the first requests after it succeed again (dead pooled
connections are replaced), and the audit log holds exactly one row per answer the API
returned: none lost, none duplicated.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
import sqlalchemy

from core.records import Base
from tests.api.conftest import prepare, running_api
from tools.testserver import free_port

pytestmark = pytest.mark.integration


class Proxy:
    """Forwards 127.0.0.1:port to ``target``; ``down()`` cuts and refuses connections."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    def up(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def down(self) -> None:
        if self._listener is not None:
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
            self._listener.close()
            self._listener = None
        with self._lock:
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # closed by down()
            upstream = socket.create_connection(self.target)
            with self._lock:
                self._sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (src, dst):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


@pytest.fixture
def proxied_postgres(postgres_url: str) -> Iterator[tuple[str, Proxy]]:
    """(records URL through the proxy, the proxy), on a clean schema."""
    direct = sqlalchemy.create_engine(postgres_url)
    Base.metadata.drop_all(direct)
    parts = urlsplit(postgres_url)
    proxy = Proxy((parts.hostname or "127.0.0.1", parts.port or 5432))
    proxy.up()
    netloc = f"{parts.username}@127.0.0.1:{proxy.port}"
    yield urlunsplit(parts._replace(netloc=netloc)), proxy
    proxy.down()
    Base.metadata.drop_all(direct)
    direct.dispose()


class Askers:
    """Asks over one client, from the test thread and from background threads, and
    keeps the statuses and the ids of the answers returned."""

    def __init__(self, http: httpx.Client, question: str) -> None:
        self.http, self.question = http, question
        self.answered: list[str] = []
        self.statuses: Counter[int] = Counter()

    def ask(self, i: int) -> httpx.Response:
        r = self.http.post("/ask", json={"question": f"{self.question} ({i})"})
        self.statuses[r.status_code] += 1
        if r.status_code == 200:
            self.answered.append(r.json()["answer_id"])
        return r

    @contextmanager
    def hammering(self, clients: int = 3) -> Iterator[None]:
        """``clients`` threads ask distinct questions until the block ends."""
        stop = threading.Event()

        def hammer(i: int) -> None:
            while not stop.is_set():
                self.ask(i)
                i += 1

        workers = [threading.Thread(target=hammer, args=(1000 * (k + 1),)) for k in range(clients)]
        for w in workers:
            w.start()
        try:
            yield
        finally:
            stop.set()
            for w in workers:
                w.join()

    def check_audit(self, postgres_url: str) -> None:
        """Only 200s and clean 503s; exactly one audit row per answer returned."""
        assert set(self.statuses) <= {200, 503}, self.statuses
        engine = sqlalchemy.create_engine(postgres_url, pool_pre_ping=True)
        with engine.connect() as conn:
            ids = [row[0] for row in conn.exec_driver_sql("SELECT id FROM answers")]
        engine.dispose()
        assert len(ids) == len(set(ids))  # nothing duplicated
        assert set(self.answered) <= set(ids)  # every answer the API returned was audited
        assert len(ids) - len(self.answered) <= self.statuses[503]  # a 503'd request's row


def test_postgres_restart_while_serving(
    tmp_path: Path, corpus: Path, postgres_url: str, proxied_postgres: tuple[str, Proxy]
) -> None:
    url, proxy = proxied_postgres
    settings = prepare(tmp_path, corpus, url, api={"rate_limit_per_minute": 0})
    with running_api(settings) as api, api.client(api.user_key) as http:
        askers = Askers(http, "How do I request VPN access?")
        assert all(askers.ask(i).status_code == 200 for i in range(3))
        proxy.down()
        during = askers.ask(100)
        assert during.status_code == 503, during.text
        assert during.headers["content-type"] == "application/problem+json"
        assert during.json()["title"] == "Records Unavailable" and during.headers["Retry-After"]
        assert http.get("/readyz").status_code == 503
        proxy.up()
        after = askers.ask(200)
        assert after.status_code == 200, after.text  # the first request after the restart
        with askers.hammering():  # restarts while clients keep asking
            for _ in range(4):
                time.sleep(1.0)
                proxy.down()
                time.sleep(0.5)
                proxy.up()
            time.sleep(1.0)
        assert askers.ask(9999).status_code == 200
    assert askers.statuses[503] >= 2 and askers.statuses[200] >= 10, askers.statuses
    askers.check_audit(postgres_url)


def _restart_command(postgres_url: str) -> list[str] | None:
    """`pg_ctlcluster VER NAME restart` for the local cluster serving the test database,
    where this user may run it (root on a Debian-style install); None elsewhere."""
    port = urlsplit(postgres_url).port or 5432
    if os.geteuid() != 0 or shutil.which("pg_lsclusters") is None:
        return None
    listing = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True)
    for line in listing.stdout.splitlines():
        version, name, cluster_port, status, *_ = line.split()
        if int(cluster_port) == port and status == "online":
            return ["pg_ctlcluster", version, name, "restart"]
    return None


def test_real_postgres_restart_while_serving(
    tmp_path: Path, corpus: Path, postgres_url: str
) -> None:
    """The same, with the real server restarted (pg_ctlcluster) under three clients."""
    command = _restart_command(postgres_url)
    if command is None:
        pytest.skip("restarting the local Postgres needs root and pg_ctlcluster")
    direct = sqlalchemy.create_engine(postgres_url, pool_pre_ping=True)
    Base.metadata.drop_all(direct)
    settings = prepare(tmp_path, corpus, postgres_url, api={"rate_limit_per_minute": 0})
    try:
        with running_api(settings) as api, api.client(api.user_key) as http:
            askers = Askers(http, "Who approves VPN access?")
            assert askers.ask(0).status_code == 200
            with askers.hammering():
                time.sleep(0.5)
                subprocess.run(command, check=True, capture_output=True, timeout=120)
                time.sleep(0.5)
            assert askers.ask(9999).status_code == 200  # the first request after the restart
        askers.check_audit(postgres_url)
    finally:
        Base.metadata.drop_all(direct)
        direct.dispose()
