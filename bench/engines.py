"""Embedded vector engine choice: qdrant-edge vs qdrant-client local mode, side by side.

N random 384-d vectors with a keyword payload (``groups``, 10 % of points in the probe
group) plus BM25-free dense search; measures upsert time and search latency with and
without the ACL filter. Writes bench/results/engines.json.

    .venv/bin/python -m bench.engines [--n 20000] [--queries 50]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import save
from core.schema import Chunk, SparseVector
from core.store import StoredPoint, VectorStore

DIM = 384


def _points(n: int, rng: np.random.Generator) -> list[StoredPoint]:
    vecs = rng.standard_normal((n, DIM)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    empty = SparseVector(indices=[], values=[])
    now = datetime(2026, 1, 1, tzinfo=UTC)
    points = []
    for i in range(n):
        text = f"passage {i}"
        chunk = Chunk(
            id=str(uuid.UUID(int=i + 1)),
            doc_id=str(i),
            ordinal=0,
            source=f"{i}.txt",
            title="t",
            section="",
            text=text,
            span=(0, len(text)),
            page=None,
            content_hash=str(i),
            doc_hash="h",
            groups=["probe"] if i % 10 == 0 else ["everyone"],
            modified_at=now,
            ingested_at=now,
        )
        points.append(StoredPoint(chunk.id, vecs[i].tolist(), empty, chunk.payload()))
    return points


def _latency_ms(fn: Callable[[], object], queries: int) -> dict[str, float]:
    times = []
    for _ in range(queries):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 3),
        "p95_ms": round(times[int(0.95 * (len(times) - 1))], 3),
    }


def measure(
    store: VectorStore, points: list[StoredPoint], queries: int, rng: np.random.Generator
) -> dict[str, Any]:
    """Upsert in batches of 1,000, then dense search top-10 unfiltered and filtered."""
    store.create_collection("bench", DIM)
    t0 = time.perf_counter()
    for i in range(0, len(points), 1000):
        store.upsert("bench", points[i : i + 1000])
    upsert = time.perf_counter() - t0
    q = rng.standard_normal(DIM).astype(np.float32)
    q /= np.linalg.norm(q)
    query = q.tolist()
    both = ["everyone", "probe"]
    return {
        "upsert_s": round(upsert, 2),
        "search": _latency_ms(lambda: store.nearest("bench", query, both, 10), queries),
        "filtered_10pct": _latency_ms(
            lambda: store.nearest("bench", query, ["probe"], 10), queries
        ),
        "count": store.count("bench"),
    }


def main() -> None:
    """Both engines on the same points."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--queries", type=int, default=50)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    points = _points(args.n, rng)
    from qdrant_client import QdrantClient

    from core.store import EdgeStore, QdrantServerStore

    results: dict[str, Any] = {"n": args.n, "dim": DIM, "queries": args.queries}
    with tempfile.TemporaryDirectory() as tmp:
        edge = EdgeStore(Path(tmp) / "edge")
        results["qdrant_edge"] = measure(edge, points, args.queries, rng)
        edge.close()
    local = QdrantServerStore(QdrantClient(location=":memory:"))
    results["qdrant_client_local"] = measure(local, points, max(5, args.queries // 5), rng)
    local.close()
    e, c = results["qdrant_edge"], results["qdrant_client_local"]
    results["ratios"] = {
        "filtered_p50_local_over_edge": c["filtered_10pct"]["p50_ms"]
        / e["filtered_10pct"]["p50_ms"],
        "search_p50_local_over_edge": c["search"]["p50_ms"] / e["search"]["p50_ms"],
        "upsert_local_over_edge": c["upsert_s"] / e["upsert_s"],
    }
    path = save("engines", results)
    print(results["ratios"])
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
