"""Records DB (SQLAlchemy 2): index versions, the per-version source manifest, events.

SQLite file by default, Postgres when ``CAIRN_DATABASE_URL`` is set; the same code and
the same contract tests run on both. The tables are declared in ``core.records.rows``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import create_engine, event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, defer, sessionmaker

from core.errors import CairnError, RecordsUnavailable, VersionNotFound
from core.records.rows import Base, EvalRun, IndexEvent, IndexVersion, ManifestRow, utcnow

R = TypeVar("R", bound=Base)

__all__ = [
    "Base",
    "IndexEvent",
    "IndexVersion",
    "ManifestRow",
    "ManifestSummary",
    "Records",
    "utcnow",
]


DRIVERS = {
    "postgresql://": "postgresql+psycopg://",
    "postgres://": "postgresql+psycopg://",
    "mysql://": "mysql+pymysql://",
    "mariadb://": "mariadb+pymysql://",
}


def driver_url(url: str) -> str:
    """``postgresql://`` / ``mysql://`` / ``mariadb://`` with the driver Cairn installs."""
    for prefix, driver in DRIVERS.items():
        if url.startswith(prefix):
            return driver + url[len(prefix) :]
    return url


class ManifestSummary(NamedTuple):
    """One manifest row without its text (see Records.manifest_summary)."""

    path: str
    fingerprint: str
    status: str
    doc_hash: str
    access_defaulted: bool
    chunk_ids: list[str]


def _sqlite_wal(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets readers proceed while the API writes audit rows."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


class Records:
    """Session factory + the queries the rest of Cairn needs."""

    def __init__(self, url: str, connect_args: dict[str, Any] | None = None) -> None:
        url = driver_url(url)
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        args = dict(connect_args or {})
        if url.startswith("sqlite"):
            args.setdefault("timeout", 30)  # wait for a concurrent writer instead of failing
        # pre-ping: after a database restart, dead pooled connections are replaced instead
        # of failing the next request.
        self.engine: Engine = create_engine(
            url, connect_args=args, pool_pre_ping=not url.startswith("sqlite")
        )
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_wal)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # SQLite has one writer at a time, and a writer that finds the lock taken sleeps in
        # SQLite's busy handler (1 ms ... 100 ms steps) instead of queueing: under 50
        # concurrent requests that polling, not the writes, made the slowest answers. The
        # hot-path writes (audit, answer cache, review queue) queue on this lock instead.
        self._write_lock: AbstractContextManager[Any] = (
            threading.RLock() if url.startswith("sqlite") else nullcontext()
        )
        try:
            Base.metadata.create_all(self.engine)
        except SQLAlchemyError as exc:
            raise CairnError(f"records DB unreachable ({self.engine.url!r}): {exc}") from exc

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A transaction that writes: like ``session``, queued behind other writers on
        SQLite (one writer at a time there anyway), unrestricted on Postgres."""
        with self._write_lock, self.session() as session:
            yield session

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed on success, rolled back on error.

        A lost or refused database connection becomes RecordsUnavailable (HTTP 503 with
        Retry-After), never a half-written row: the transaction is rolled back.
        """
        try:
            with self._sessions.begin() as session:
                yield session
        except (OperationalError, InterfaceError) as exc:
            raise RecordsUnavailable(f"the records database is unavailable: {exc.orig}") from exc
        except DBAPIError as exc:
            if exc.connection_invalidated:
                raise RecordsUnavailable(
                    f"the records database connection was lost: {exc.orig}"
                ) from exc
            raise

    def write(self, row: Base, attempts: int = 3) -> None:
        """Store ``row`` (idempotent by primary key), retrying a lost connection.

        A retry after a commit whose acknowledgement was lost merges the same row again,
        so an outage can cost a write but never duplicate one.
        """
        for attempt in range(attempts):
            try:
                with self.writing() as s:
                    s.merge(row)
                return
            except RecordsUnavailable:
                if attempt == attempts - 1:
                    raise
                time.sleep(0.2 * 2**attempt)

    def fetch(self, model: type[R], key: Any, missing: Exception) -> R:
        """The ``model`` row with primary key ``key``; ``missing`` is raised without one."""
        with self.session() as s:
            row = s.get(model, key)
        if row is None:
            raise missing
        return row

    # -- index versions --------------------------------------------------------------
    def versions(self) -> list[IndexVersion]:
        """All versions, newest first."""
        with self.session() as s:
            return list(s.scalars(select(IndexVersion).order_by(IndexVersion.version.desc())))

    def version_of(self, collection: str) -> IndexVersion | None:
        """The version stored in ``collection`` (one row: this runs on every request)."""
        with self.session() as s:
            query = select(IndexVersion).where(IndexVersion.collection == collection).limit(1)
            return s.scalars(query).first()

    def version(self, number: int) -> IndexVersion:
        """One version, or VersionNotFound."""
        return self.fetch(
            IndexVersion, number, VersionNotFound(f"index version {number} does not exist")
        )

    def new_version(self, **fields: Any) -> IndexVersion:
        """Register the next version number."""
        with self.session() as s:
            number = (s.scalar(select(func.max(IndexVersion.version))) or 0) + 1
            row = IndexVersion(version=number, collection=f"cairn_v{number}", **fields)
            s.add(row)
            return row

    def update_version(self, number: int, **fields: Any) -> None:
        """Set fields on a version and touch ``updated_at``."""
        with self.session() as s:
            row = s.get(IndexVersion, number)
            if row is None:
                raise VersionNotFound(f"index version {number} does not exist")
            for key, value in {**fields, "updated_at": utcnow()}.items():
                setattr(row, key, value)

    def log_event(self, action: str, version: int, detail: str = "") -> None:
        """Append to the index event history."""
        with self.session() as s:
            s.add(IndexEvent(action=action, version=version, detail=detail))

    def events(self, limit: int = 50) -> list[IndexEvent]:
        """Most recent events first."""
        with self.session() as s:
            return list(s.scalars(select(IndexEvent).order_by(IndexEvent.id.desc()).limit(limit)))

    # -- manifest ----------------------------------------------------------------------
    def manifest(self, version: int, with_text: bool = True) -> dict[str, ManifestRow]:
        """Manifest rows of a version by path.

        ``with_text=False`` leaves out each document's parsed text (reading it raises):
        what ingest and listings need, at a fraction of the memory on large corpora.
        """
        query = select(ManifestRow).where(ManifestRow.version == version)
        if not with_text:
            query = query.options(defer(ManifestRow.text, raiseload=True))
        with self.session() as s:
            return {r.path: r for r in s.scalars(query)}

    def manifest_summary(self, version: int) -> list[ManifestSummary]:
        """The columns ingest's final pass needs, as plain tuples: no ORM objects and no
        texts, so 100k files cost tens of MB here instead of hundreds."""
        query = select(
            ManifestRow.path,
            ManifestRow.fingerprint,
            ManifestRow.status,
            ManifestRow.doc_hash,
            ManifestRow.access_defaulted,
            ManifestRow.chunk_ids,
        ).where(ManifestRow.version == version)
        with self.session() as s:
            return [ManifestSummary(*row) for row in s.execute(query)]

    def titles(self, version: int) -> list[tuple[str, str]]:
        """(path, title) of every document a version holds chunks of, by path."""
        query = (
            select(ManifestRow.path, ManifestRow.title)
            .where(ManifestRow.version == version, ManifestRow.status == "ok")
            .order_by(ManifestRow.path)
        )
        with self.session() as s:
            return [(path, title) for path, title in s.execute(query)]

    def near_empty(self, version: int, min_chars: int) -> list[str]:
        """Paths of parsed documents with fewer than ``min_chars`` characters of text,
        streamed so that no more than a batch of texts is in memory at once."""
        query = (
            select(ManifestRow.path, ManifestRow.text)
            .where(ManifestRow.version == version, ManifestRow.status.in_(("ok", "empty")))
            .execution_options(yield_per=500)
        )
        with self.session() as s:
            return sorted(path for path, text in s.execute(query) if len(text.strip()) < min_chars)

    def save_rows(self, version: int, rows: list[ManifestRow], removed: list[str]) -> None:
        """Replace the rows for these paths (one transaction) and drop removed paths."""
        paths = [r.path for r in rows] + removed
        with self.session() as s:
            for old in s.scalars(
                select(ManifestRow).where(
                    ManifestRow.version == version, ManifestRow.path.in_(paths)
                )
            ):
                s.delete(old)
            s.flush()
            for row in rows:
                row.version = version
                s.add(row)

    def document(self, version: int, doc_id: str) -> ManifestRow | None:
        """The manifest row (with parsed text) of a document."""
        with self.session() as s:
            return s.scalar(
                select(ManifestRow).where(
                    ManifestRow.version == version, ManifestRow.doc_id == doc_id
                )
            )

    # -- evaluation runs -------------------------------------------------------------------
    def add_eval(self, row: EvalRun) -> None:
        """Record an evaluation of an index version."""
        with self.session() as s:
            s.add(row)

    def latest_eval(self, version: int) -> EvalRun | None:
        """The most recent evaluation of a version."""
        with self.session() as s:
            query = select(EvalRun).where(EvalRun.version == version).order_by(EvalRun.id.desc())
            return s.scalar(query.limit(1))
