"""Retrieval on the real in-process Qdrant engine: the dense nearest chunk stays among the
passages even when score fusion ranks it lower."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from answer import Query
from answer.retrieval import Retriever, pinned
from core.access import Principal
from core.schema import Hit
from core.settings import AnswerSettings
from core.sparse import Bm25Encoder
from core.store import EdgeStore
from core.store.base import StoredPoint
from tests.factories import make_chunk

QUESTION = "Will I be told when someone looks at the usage data on my work laptop?"
# The passage that answers, in other words than the question's (no BM25 match) ...
ANSWER = "Device telemetry is only inspected after the owner has been notified in writing."
# ... and passages sharing the question's common words, nearer to it lexically.
DISTRACTORS = [
    f"Work laptop tip {i}: keep the usage data of your laptop tidy, someone said." for i in range(6)
]


class FixedEmbedder:
    """The question's vector is fixed: the test decides which chunk is densely nearest."""

    model_id = "fixed"
    dim = 4

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return np.array([[1.0, 0.0, 0.0, 0.0]] * len(texts), dtype=np.float32)


def _store(tmp_path: Path) -> EdgeStore:
    store = EdgeStore(tmp_path / "qdrant")
    store.create_collection("c", 4)
    bm25 = Bm25Encoder()
    points = []
    for i, text in enumerate([ANSWER, *DISTRACTORS]):
        chunk = make_chunk(text, f"doc{i}.md")
        dense = [1.0, 0.0, 0.0, 0.0] if i == 0 else [0.6, 0.8, 0.0, 0.0]
        sparse = bm25.encode_documents([text])[0]
        points.append(StoredPoint(chunk.id, dense, sparse, chunk.payload()))
    store.upsert("c", points)
    return store


def _search(store: EdgeStore, pin: int) -> list[str]:
    cfg = AnswerSettings(dense_pin=pin)
    retriever = Retriever(store, FixedEmbedder(), Bm25Encoder(), cfg)  # type: ignore[arg-type]
    query = Query(QUESTION, Principal(name="t", groups=["everyone"]))
    return [h.chunk.text for h in retriever.search(query, "c", 5)]


def test_the_dense_nearest_chunk_stays_among_the_passages(tmp_path: Path) -> None:
    store = _store(tmp_path)
    try:
        assert ANSWER not in _search(store, pin=0), "fusion alone pushes it out"
        found = _search(store, pin=1)
        assert len(found) == 5 and found[-1] == ANSWER
        assert found[:4] == _search(store, pin=0)[:4]
    finally:
        store.close()


def test_pinned_keeps_order_and_adds_only_what_is_missing() -> None:
    a, b, c, d = (make_chunk(t, f"{t}.md") for t in "abcd")
    hits = [Hit(chunk=a, score=0.9), Hit(chunk=b, score=0.8), Hit(chunk=c, score=0.7)]
    assert pinned(hits, [Hit(chunk=b, score=0.5)]) == hits
    out = pinned(hits, [Hit(chunk=d, score=0.99)])
    assert [h.chunk.id for h in out] == [a.id, b.id, d.id]
    assert out[-1].score == 0.8
