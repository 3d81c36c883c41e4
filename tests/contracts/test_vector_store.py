"""The contract every vector engine must pass (embedded qdrant-edge, qdrant-client)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from answer import fuse, hybrid_search
from core.embed import FakeEmbedder
from core.errors import StoreError
from core.schema import Chunk
from core.sparse import Bm25Encoder
from core.store import StoredPoint, VectorStore
from tests.factories import make_chunk

TEXTS = {
    "hr/vacation.md": ("Employees get 27 days of paid vacation per year.", ["everyone"]),
    "hr/salary.md": ("Salary bands for senior engineers are confidential.", ["people-ops"]),
    "it/vpn.md": ("Request VPN access through the helpdesk portal.", ["everyone"]),
    "it/laptop.md": ("Laptops are replaced every four years.", ["everyone", "it"]),
}
EMB = FakeEmbedder()
BM25 = Bm25Encoder()


def _points() -> list[StoredPoint]:
    out = []
    for source, (text, groups) in TEXTS.items():
        chunk = make_chunk(text, source, groups=groups)
        out.append(
            StoredPoint(
                chunk.id, EMB.embed([text])[0], BM25.encode_documents([text])[0], chunk.payload()
            )
        )
    return out


@pytest.fixture
def filled(store: VectorStore) -> VectorStore:
    store.create_collection("t_a", EMB.dim)
    store.upsert("t_a", _points())
    return store


def test_create_and_count(filled: VectorStore) -> None:
    assert filled.has_collection("t_a")
    assert filled.count("t_a") == len(TEXTS)
    assert not filled.has_collection("t_b")


def test_create_twice_is_an_error(filled: VectorStore) -> None:
    with pytest.raises(StoreError):
        filled.create_collection("t_a", EMB.dim)


def test_upsert_is_idempotent(filled: VectorStore) -> None:
    filled.upsert("t_a", _points())
    assert filled.count("t_a") == len(TEXTS)
    assert filled.ids("t_a") == {p.id for p in _points()}


def test_hybrid_search_finds_the_right_chunk(filled: VectorStore) -> None:
    query = "how many vacation days per year"
    hits = hybrid_search(
        filled, "t_a", EMB.embed([query])[0], BM25.encode_query(query), ["everyone"], 3
    )
    assert hits[0].chunk.source == "hr/vacation.md"
    assert hits[0].chunk.span == (0, len(TEXTS["hr/vacation.md"][0]))


def test_hybrid_search_fetches_only_the_winners_payloads(
    filled: VectorStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    query = "vacation days laptops vpn"
    dense, sparse = EMB.embed([query])[0], BM25.encode_query(query)
    expected = fuse(
        filled.nearest("t_a", dense, ["everyone"], 40),
        filled.nearest("t_a", sparse, ["everyone"], 40),
        (0.7, 0.3),
    )[:2]
    fetched: list[list[str]] = []
    get = filled.get

    def recording_get(name: str, ids: Sequence[str]) -> list[Chunk]:
        fetched.append(list(ids))
        return get(name, ids)

    monkeypatch.setattr(filled, "get", recording_get)
    hits = hybrid_search(filled, "t_a", dense, sparse, ["everyone"], 2)
    assert [(h.chunk, h.score) for h in hits] == [(h.chunk, h.score) for h in expected]
    assert fetched == [[h.chunk.id for h in expected]], "only the 2 winners' payloads"


@pytest.mark.parametrize("mode", ["dense", "sparse", "hybrid"])
def test_acl_filter_applies_inside_the_query(filled: VectorStore, mode: str) -> None:
    query = "salary bands senior engineers confidential vacation"
    dense = EMB.embed([query])[0] if mode != "sparse" else None
    sparse = BM25.encode_query(query) if mode != "dense" else None
    hits = hybrid_search(filled, "t_a", dense, sparse, ["everyone"], 10)
    assert hits, "other documents are still visible"
    assert all("people-ops" not in h.chunk.groups or "everyone" in h.chunk.groups for h in hits)
    assert "hr/salary.md" not in {h.chunk.source for h in hits}
    allowed = hybrid_search(filled, "t_a", dense, sparse, ["people-ops"], 10)
    assert [h.chunk.source for h in allowed] == ["hr/salary.md"]


def test_delete_and_delete_doc_with_keep(filled: VectorStore) -> None:
    points = _points()
    filled.delete("t_a", [points[0].id])
    assert filled.count("t_a") == len(TEXTS) - 1
    doc = points[1].payload["doc_id"]
    filled.delete_doc("t_a", doc, keep=[points[1].id])
    assert points[1].id in filled.ids("t_a")
    filled.delete_doc("t_a", doc)
    assert points[1].id not in filled.ids("t_a")
    filled.delete("t_a", ["00000000-0000-0000-0000-000000000000"])  # missing id: no error


def test_alias_switches_atomically(filled: VectorStore) -> None:
    filled.create_collection("t_b", EMB.dim)
    assert filled.resolve_alias("cairn_test") is None
    filled.set_alias("cairn_test", "t_a")
    assert filled.resolve_alias("cairn_test") == "t_a"
    filled.set_alias("cairn_test", "t_b")
    assert filled.resolve_alias("cairn_test") == "t_b"
    with pytest.raises(StoreError):
        filled.set_alias("cairn_test", "missing_collection")


def test_drop_collection(filled: VectorStore) -> None:
    filled.drop_collection("t_a")
    assert not filled.has_collection("t_a")
    filled.drop_collection("t_a")  # idempotent


def test_empty_query_returns_nothing(filled: VectorStore) -> None:
    assert hybrid_search(filled, "t_a", None, None, ["everyone"], 5) == []


def test_chunks_at_positions_inside_the_acl(filled: VectorStore) -> None:
    by_source = {c.source: c for c in filled.get("t_a", [p.id for p in _points()])}
    vpn, salary, laptop = (
        by_source["it/vpn.md"],
        by_source["hr/salary.md"],
        by_source["it/laptop.md"],
    )
    asked = [(laptop.doc_id, 0), (salary.doc_id, 0), (vpn.doc_id, 1), (vpn.doc_id, 0)]
    everyone = filled.chunks_at("t_a", asked, ["everyone"])
    assert [c.source for c in everyone] == ["it/laptop.md", "it/vpn.md"]  # order asked
    admin = filled.chunks_at("t_a", asked, None)
    assert [c.source for c in admin] == ["it/laptop.md", "hr/salary.md", "it/vpn.md"]
    assert filled.chunks_at("t_a", [], ["everyone"]) == []


def test_get_by_ids(filled: VectorStore) -> None:
    points = _points()
    got = filled.get("t_a", [points[0].id, "00000000-0000-0000-0000-000000000009"])
    assert [c.id for c in got] == [points[0].id] and got[0].text == TEXTS["hr/vacation.md"][0]
    assert filled.get("t_a", []) == []


def test_edge_store_opens_a_shard_once_under_concurrent_first_queries(tmp_path: Path) -> None:
    """Eight threads query a freshly opened store at once (the first requests on a new
    server, in uvicorn's thread pool): the shard is loaded once, not raced into a lock
    error."""
    from core.store.edge import EdgeStore

    first = EdgeStore(tmp_path / "vectors")
    first.create_collection("t_a", EMB.dim)
    first.upsert("t_a", _points())
    first.close()
    query = "how many vacation days per year"
    vector, sparse = EMB.embed([query])[0], BM25.encode_query(query)
    for _ in range(10):  # the race needs two loads to overlap: give it many chances
        store = EdgeStore(tmp_path / "vectors")
        start = threading.Barrier(8)

        def ask(_: int, store: EdgeStore = store, start: threading.Barrier = start) -> str:
            start.wait()
            return hybrid_search(store, "t_a", vector, sparse, ["everyone"], 3)[0].chunk.source

        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(ask, range(8)))
        store.close()
        assert results == ["hr/vacation.md"] * 8
