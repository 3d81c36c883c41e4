"""Backup → restore into a fresh home (and across records backends) → identical search."""

from __future__ import annotations

from pathlib import Path

import pytest

from answer import hybrid_search
from core.embed import FakeEmbedder
from core.errors import CairnError
from core.records import Records
from core.records.backup import backup, restore
from core.sparse import Bm25Encoder
from core.store import open_store
from tests.cli.helpers import cairn
from tests.conftest import make_settings
from tests.ingest.helpers import run_ingest

QUERIES = ["vacation days", "VPN access request", "salary bands engineer", "lost laptop"]


def _results(store, collection: str) -> list[list[tuple[str, float]]]:  # type: ignore[no-untyped-def]
    emb, bm25 = FakeEmbedder(), Bm25Encoder()
    return [
        [
            (h.chunk.id, h.score)
            for h in hybrid_search(
                store, collection, emb.embed([q])[0], bm25.encode_query(q), None, 10
            )
        ]
        for q in QUERIES
    ]


def test_backup_restore_gives_identical_search(
    tmp_path: Path, corpus: Path, records_url: str
) -> None:
    source = make_settings(tmp_path / "a")
    _, records, store = run_ingest(source, corpus)
    (corpus / "welcome.md").unlink()
    run_ingest(source, corpus, rebuild=True)[2].close()  # a second (staged) version too
    store = open_store(source)
    before = _results(store, "cairn_v1")
    manifest = backup(records, store, "cairn", tmp_path / "bk")
    store.close()
    assert manifest["collections"] == ["cairn_v2", "cairn_v1"] and manifest["live"] == "cairn_v1"

    target = make_settings(tmp_path / "b", database_url=records_url)
    fresh, fresh_store = Records(target.records_url), open_store(target)
    restore(fresh, fresh_store, tmp_path / "bk")
    assert fresh_store.resolve_alias("cairn") == "cairn_v1"
    assert _results(fresh_store, "cairn_v1") == before
    assert fresh.manifest(1).keys() == records.manifest(1).keys()
    assert [v.version for v in fresh.versions()] == [2, 1]
    with pytest.raises(CairnError, match="empty home"):
        restore(fresh, fresh_store, tmp_path / "bk")
    fresh_store.close()


@pytest.mark.integration
def test_cli_backup_and_restore(tmp_path: Path, corpus: Path) -> None:
    assert cairn(tmp_path / "a", "ingest", str(corpus)).returncode == 0
    done = cairn(tmp_path / "a", "backup", str(tmp_path / "bk"))
    assert done.returncode == 0 and "1 collection(s)" in done.stderr
    again = cairn(tmp_path / "a", "backup", str(tmp_path / "bk"))
    assert again.returncode == 1 and "not empty" in again.stderr
    restored = cairn(tmp_path / "b", "restore", str(tmp_path / "bk"))
    assert restored.returncode == 0 and "live: cairn_v1" in restored.stderr
    listing = cairn(tmp_path / "b", "index", "list")
    assert "●" in listing.stdout
