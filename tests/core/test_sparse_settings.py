"""BM25 encoder and settings."""

from __future__ import annotations

import pytest

from core.settings import Settings
from core.sparse import Bm25Encoder


def test_bm25_is_deterministic_and_stems() -> None:
    enc = Bm25Encoder()
    a = enc.encode_documents(["Employees request vacations"])[0]
    assert a == enc.encode_documents(["Employees request vacations"])[0]
    q = enc.encode_query("vacation")
    assert set(q.indices) <= set(a.indices), "stemmed query term matches the document"
    assert enc.encode_query("the and of").indices == []


def test_nested_env_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAIRN_QDRANT__URL", "http://qdrant:6333")
    monkeypatch.setenv("CAIRN_EMBEDDING__BACKEND", "torch")
    monkeypatch.setenv("CAIRN_DATABASE_URL", "postgresql://u@h/db")
    s = Settings()
    assert s.qdrant.url == "http://qdrant:6333"
    assert s.embedding.backend == "torch"
    assert s.records_url == "postgresql://u@h/db"


def test_default_records_url_is_sqlite_in_home(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert Settings(home=tmp_path).records_url.endswith("records.db")
