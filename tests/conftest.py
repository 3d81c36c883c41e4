"""Shared fixtures: settings on a temp home, both records backends, every vector engine.

Unit tests use the deterministic FakeEmbedder; tests marked ``integration`` talk to real
Postgres, real subprocesses, a real uvicorn server, or the real MiniLM model.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy

from core.embed import FakeEmbedder
from core.records import Records
from core.settings import Settings
from core.store import VectorStore

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples" / "handbook"
SHARED_DATA = ROOT.parent / "shared" / "data"
PG_BASE = os.environ.get("CAIRN_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
MARIADB_BASE = os.environ.get("CAIRN_TEST_MARIADB", "mysql+pymysql://root@127.0.0.1:3306")

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def make_settings(home: Path, **env: str) -> Settings:
    """Settings rooted at ``home`` with the fake embedder unless overridden."""
    values: dict[str, object] = {"home": home, "embedding": {"backend": "fake"}}
    values.update(env)
    return Settings.model_validate(values)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Fake-embedder settings on a fresh home."""
    return make_settings(tmp_path / "home")


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    """Deterministic, model-free embedder."""
    return FakeEmbedder()


def _reachable(url: str) -> bool:
    try:
        engine = sqlalchemy.create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect():
            return True
    except Exception:  # noqa: BLE001
        return False


def _postgres_available() -> bool:
    return _reachable(PG_BASE)


@pytest.fixture(scope="session")
def mariadb_url() -> Iterator[str]:
    """URL of a throw-away database in the local MariaDB (skips where none runs)."""
    if not _reachable(MARIADB_BASE):
        pytest.skip(f"no MariaDB at {MARIADB_BASE} (set CAIRN_TEST_MARIADB)")
    database = f"cairn_test_{uuid.uuid4().hex[:10]}"
    engine = sqlalchemy.create_engine(MARIADB_BASE)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {database}")
    yield f"{MARIADB_BASE}/{database}"
    with engine.begin() as conn:
        conn.exec_driver_sql(f"DROP DATABASE {database}")


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """URL of a throw-away schema in the local Postgres (skips where none runs)."""
    if not _postgres_available():
        pytest.skip(f"no Postgres at {PG_BASE} (set CAIRN_TEST_POSTGRES)")
    schema = f"cairn_test_{uuid.uuid4().hex[:10]}"
    engine = sqlalchemy.create_engine(PG_BASE, pool_pre_ping=True)  # survives a restart test
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text(f"CREATE SCHEMA {schema}"))
    yield f"{PG_BASE}?options=-csearch_path%3D{schema}"
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text(f"DROP SCHEMA {schema} CASCADE"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.integration)])
def records_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each records backend; Postgres gets a clean schema per test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'records.db'}"
        return
    base: str = request.getfixturevalue("postgres_url")
    engine = sqlalchemy.create_engine(base)
    from core.records import Base

    Base.metadata.drop_all(engine)
    yield base
    Base.metadata.drop_all(engine)
    engine.dispose()


@pytest.fixture
def records(records_url: str) -> Records:
    """A Records instance on each backend."""
    return Records(records_url)


def _server_url() -> str | None:
    return os.environ.get("CAIRN_TEST_QDRANT_URL")


@pytest.fixture(params=["edge", "qdrant-local", "qdrant-server"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[VectorStore]:
    """Every vector engine behind the same protocol."""
    engine: VectorStore
    if request.param == "edge":
        from core.store.edge import EdgeStore

        engine = EdgeStore(tmp_path / "vectors")
    elif request.param == "qdrant-local":
        from qdrant_client import QdrantClient

        from core.store.qdrant import QdrantServerStore

        engine = QdrantServerStore(QdrantClient(location=":memory:"))
    else:
        url = _server_url()
        if not url:
            pytest.skip("no Qdrant server: set CAIRN_TEST_QDRANT_URL (docker compose up qdrant)")
        from core.settings import QdrantSettings
        from core.store.qdrant import QdrantServerStore

        engine = QdrantServerStore.connect(QdrantSettings(url=url))
        for name in ("t_a", "t_b"):
            engine.drop_collection(name)
    yield engine
    engine.close()


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A writable copy of the bundled sample corpus."""
    target = tmp_path / "corpus"
    shutil.copytree(SAMPLES, target)
    return target
