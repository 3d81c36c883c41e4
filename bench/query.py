"""Query benchmark: quality on SQuAD2-dev, and latency at 1.2k and 100k chunks.

- quality: hit@k / MRR@10 (dense, BM25, hybrid, hybrid+rerank), abstention
  (bench/query_quality.py);
- latency: Cairn's retrieval (query embedding + hybrid search with the ACL filter) and
  ``/ask`` over real HTTP (uvicorn), against llama-index's retriever
  (``VectorStoreIndex.as_retriever``, QdrantVectorStore on qdrant-client, MiniLM query
  embeddings), same machine, same run.
The 100k-chunk index reuses the 1,204 real SQuAD embeddings with small noise and real
BM25 vectors of shuffled-sentence variants (latency only, not quality); every chunk
carries one of 10 groups and the caller sees 2 of them (a 20 %-selective ACL filter).
Writes bench/results/query.json.

    .venv/bin/python -m bench.query [--big 100000] [--queries 300] [--name query]
    .venv/bin/python -m bench.query --quality-only --name query_quality   # no latency
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from bench.common import require_squad, sample, save, squad, write_corpus
from bench.query_quality import abstention, retrieval, splits

GROUPS = ["g0", "g1"]


def stats(times: list[float]) -> dict[str, float]:
    """p50/p95 in ms."""
    ordered = sorted(times)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 2),
        "n": len(ordered),
    }


def timed(fn: Callable[[str], object], questions: list[str]) -> dict[str, float]:
    """Time fn on each question (after 5 warm-up calls)."""
    for q in questions[:5]:
        fn(q)
    times = []
    for q in questions:
        t0 = time.perf_counter()
        fn(q)
        times.append(time.perf_counter() - t0)
    return stats(times)


def build_cairn(home: Path, corpus: Path) -> Any:
    """Ingest with Cairn (auto backend) and return settings."""
    from core.settings import Settings
    from ingest import sync_folder

    settings = Settings.model_validate(
        {
            "home": home,
            "auth": {"anonymous": True, "anonymous_groups": GROUPS},
            "api": {"rate_limit_per_minute": 0},
        }
    )
    sync_folder(settings, corpus)
    return settings


def enlarge(settings: Any, n: int, contexts: list[str]) -> Any:
    """A second home whose live index holds n chunks derived from the 1.2k real ones."""
    import random
    import uuid

    from core.embed import build_embedder
    from core.records import Records
    from core.schema import Chunk, content_hash
    from core.settings import Settings
    from core.sparse import Bm25Encoder
    from core.store import StoredPoint, open_store

    big = Settings.model_validate({**settings.model_dump(), "home": settings.home.parent / "big"})
    shutil.copytree(settings.home, big.home)
    store, records = open_store(big), Records(big.records_url)
    version = records.versions()[0]
    emb, bm25 = build_embedder(big), Bm25Encoder()
    base = emb.embed(contexts)
    rng = np.random.default_rng(0)
    now = records.versions()[0].created_at
    batch: list[StoredPoint] = []
    for i in range(n - store.count(version.collection)):
        k = i % len(contexts)
        sentences = contexts[k].split(". ")
        random.Random(i).shuffle(sentences)
        text = ". ".join(sentences)
        vec = base[k] + rng.normal(0, 0.02, base.shape[1])
        vec /= np.linalg.norm(vec)
        source = f"big/{i // len(contexts)}/p{k:06d}.txt"
        chunk = Chunk(
            id=str(uuid.uuid5(uuid.NAMESPACE_URL, source)),
            doc_id=source,
            ordinal=0,
            source=source,
            title=source,
            section="",
            text=text,
            span=(0, len(text)),
            page=None,
            content_hash=content_hash(text),
            doc_hash="-",
            groups=[f"g{i % 10}"],
            modified_at=now,
            ingested_at=now,
        )
        batch.append(
            StoredPoint(chunk.id, vec.tolist(), bm25.encode_documents([text])[0], chunk.payload())
        )
        if len(batch) == 2000:
            store.upsert(version.collection, batch)
            batch = []
    store.upsert(version.collection, batch)
    store.close()
    records.update_version(version.version, revision=version.revision + 1)  # new content
    return big


def cairn_latency(settings: Any, questions: list[str]) -> dict[str, Any]:
    """Retrieval in-process and /ask over HTTP (`cairn serve` in a child process), cache
    misses only."""
    from answer import Query, build_engine
    from core.access import Principal
    from tools.testserver import serve_process

    engine = build_engine(settings)
    principal = Principal(name="bench", groups=["everyone", *GROUPS])
    collection = engine.ask.live().collection
    result: dict[str, Any] = {
        "retrieval": timed(
            lambda q: engine.retriever.search(Query(q, principal), collection, 10), questions
        )
    }
    result["chunks"] = engine.store.count(collection)
    result["search_payloads_ab"] = payload_ab(engine, collection, questions)
    engine.close()
    env = {
        **os.environ,
        "CAIRN_HOME": str(settings.home),
        "CAIRN_AUTH__ANONYMOUS": "true",
        "CAIRN_AUTH__ANONYMOUS_GROUPS": json.dumps(list(settings.auth.anonymous_groups)),
        "CAIRN_API__RATE_LIMIT_PER_MINUTE": "0",
    }
    with serve_process(env) as url, httpx.Client(base_url=url, timeout=60) as http:
        result["ask_http"] = timed(
            lambda q: http.post("/ask", json={"question": q}).raise_for_status(), questions
        )
        result["ask_http_cached"] = timed(
            lambda q: http.post("/ask", json={"question": q}).raise_for_status(), questions[:100]
        )
    return result


def payload_ab(engine: Any, collection: str, questions: list[str]) -> dict[str, Any]:
    """Hybrid search as shipped (payloads of the fused winners only) against the earlier
    way (payloads of all ~80 candidates), interleaved per question, same results checked."""
    from answer import fuse

    store, retriever = engine.store, engine.retriever
    groups = ["everyone", *GROUPS]
    vectors = {q: retriever.embedder.embed([q])[0].tolist() for q in questions}
    sparse = {q: retriever.sparse.encode_query(q) for q in questions}

    def every_payload(q: str) -> list[Any]:
        dense_hits = store.nearest(collection, vectors[q], groups, 40)
        sparse_hits = store.nearest(collection, sparse[q], groups, 40)
        return fuse(dense_hits, sparse_hits, (0.7, 0.3))[:10]

    def winners_only(q: str) -> list[Any]:
        hits: list[Any] = retriever.hybrid(collection, vectors[q], sparse[q], groups, 10)
        return hits

    before: list[float] = []
    after: list[float] = []
    for q in questions[:5]:
        every_payload(q), winners_only(q)
    for q in questions:
        t0 = time.perf_counter()
        old = every_payload(q)
        t1 = time.perf_counter()
        new = winners_only(q)
        after.append(time.perf_counter() - t1)
        before.append(t1 - t0)
        if [(h.chunk, h.score) for h in old] != [(h.chunk, h.score) for h in new]:
            raise RuntimeError(f"payload-free search ranks differently for {q!r}")
    old_p50, new_p50 = stats(before), stats(after)
    speedup = round(old_p50["p50_ms"] / new_p50["p50_ms"], 2)
    return {"all_payloads": old_p50, "winners_only": new_p50, "speedup_p50": speedup}


def naive_latency(settings: Any, questions: list[str]) -> dict[str, Any]:
    """llama-index retriever over the same chunks and vectors (qdrant-client local mode)."""
    from llama_index.core import StorageContext, VectorStoreIndex
    from llama_index.core.schema import TextNode
    from llama_index.core.vector_stores import FilterOperator, MetadataFilter, MetadataFilters
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding
    from llama_index.vector_stores.qdrant import QdrantVectorStore
    from qdrant_client import QdrantClient

    from core.embed import minilm_path
    from core.store import open_store

    store = open_store(settings)
    collection = store.resolve_alias("cairn") or ""
    shard = store._shard(collection)  # type: ignore[attr-defined]  # bench reads raw points
    import qdrant_edge as qe

    nodes, offset = [], None
    while True:
        records, offset = shard.scroll(
            qe.ScrollRequest(offset=offset, limit=2000, with_payload=True, with_vector=["dense"])
        )
        for r in records:
            group = r.payload["groups"][0]
            nodes.append(
                TextNode(
                    id_=str(r.id),
                    text=r.payload["text"],
                    embedding=list(r.vector["dense"]),
                    metadata={"group": group},
                )
            )
        if offset is None:
            break
    store.close()
    client = QdrantClient(location=":memory:")
    vstore = QdrantVectorStore(client=client, collection_name="naive")
    embed = HuggingFaceEmbedding(model_name=str(minilm_path()), device="cpu")
    index = VectorStoreIndex(
        nodes, storage_context=StorageContext.from_defaults(vector_store=vstore), embed_model=embed
    )
    groups = ["everyone", *GROUPS]
    flt = MetadataFilters(
        filters=[MetadataFilter(key="group", value=groups, operator=FilterOperator.IN)]
    )
    retriever = index.as_retriever(similarity_top_k=10, filters=flt)
    return {"retrieval": timed(lambda q: retriever.retrieve(q), questions), "chunks": len(nodes)}


def main() -> None:
    """Run everything and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--big", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--name", default="query", help="writes bench/results/NAME.json")
    parser.add_argument(
        "--quality-only", action="store_true", help="quality on SQuAD2-dev only, no latency"
    )
    args = parser.parse_args()
    require_squad()
    contexts, answerable, unanswerable = squad()
    work = Path(tempfile.mkdtemp(prefix="cairn-qbench-"))
    try:
        write_corpus(work / "corpus", contexts)
        settings = build_cairn(work / "home", work / "corpus")
        from answer import build_engine

        data = splits(answerable, unanswerable)
        engine = build_engine(settings, audit=False)
        collection = engine.ask.live().collection
        result: dict[str, Any] = {
            "quality": {"retrieval": retrieval(engine, collection, data["eval"][0])}
        }
        result["quality"]["abstention"] = abstention(engine, data)
        engine.close()
        if args.quality_only:
            print(json.dumps(result["quality"], indent=1))
            print(f"wrote {save(args.name, result)}")
            return
        questions = [q for q, _ in sample(answerable, args.queries, seed=2)]
        print("latency at 1.2k ...", flush=True)
        result["small"] = {
            "cairn": cairn_latency(settings, questions),
            "naive": naive_latency(settings, questions),
        }
        if args.big:
            print(f"latency at {args.big} ...", flush=True)
            big = enlarge(settings, args.big, contexts)
            result["big"] = {
                "cairn": cairn_latency(big, questions),
                # llama-index filters in Python in qdrant-client local mode (~1 s per query
                # at 100k), so it gets the first 50 questions.
                "naive": naive_latency(big, questions[:50]),
            }
        for size in ("small", "big"):
            if size in result:
                c, nv = result[size]["cairn"]["retrieval"], result[size]["naive"]["retrieval"]
                result[size]["retrieval_speedup_p50"] = round(nv["p50_ms"] / c["p50_ms"], 2)
        path = save(args.name, result)
        print(f"wrote {path}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
