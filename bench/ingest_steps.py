"""Child-process steps of bench/ingest.py (each prints one JSON line).

naive CORPUS_DIR [QUESTIONS]      llama-index VectorStoreIndex.from_documents (+ retriever)
cairn CORPUS_DIR HOME [BACKEND]   Cairn's Ingestor
retrieval HOME BACKEND QUESTIONS  hit@k / MRR of Cairn's index (dense, bm25, hybrid)
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import RssSampler, children_peak_rss_mib, peak_rss_mib

K = 10


def _docs(folder: Path) -> list[tuple[str, str]]:
    return [(p.name, p.read_text()) for p in sorted(folder.glob("*.txt"))]


def naive(folder: Path, questions_file: Path | None) -> dict[str, Any]:
    """The naive pipeline a llama-index tutorial would write, on the same MiniLM; then its
    retriever (top-10) over the benchmark questions, for the quality baseline."""
    from llama_index.core import Document, Settings, StorageContext, VectorStoreIndex
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding
    from llama_index.vector_stores.qdrant import QdrantVectorStore
    from qdrant_client import QdrantClient

    from core.embed import minilm_path

    docs = [Document(text=t, metadata={"source": n}) for n, t in _docs(folder)]
    started = time.perf_counter()
    Settings.embed_model = HuggingFaceEmbedding(model_name=str(minilm_path()), device="cpu")
    client = QdrantClient(location=":memory:")
    store = QdrantVectorStore(client=client, collection_name="naive")
    ctx = StorageContext.from_defaults(vector_store=store)
    index = VectorStoreIndex.from_documents(docs, storage_context=ctx)
    seconds = time.perf_counter() - started
    result: dict[str, Any] = {
        "seconds": seconds,
        "docs": len(docs),
        "chunks": client.count("naive").count,
        "peak_rss_mib": peak_rss_mib(),
    }
    if questions_file is not None:
        questions = json.loads(questions_file.read_text())
        retriever = index.as_retriever(similarity_top_k=K)
        ranked = []
        for q, _ in questions:
            sources = [n.node.metadata["source"] for n in retriever.retrieve(q)]
            ranked.append(_doc_rank(sources))
        result["retrieval"] = {"dense": _metrics(ranked, [g for _, g in questions])}
    return result


def _settings(home: Path, backend: str) -> Any:
    from core.settings import Settings

    return Settings.model_validate({"home": home, "embedding": {"backend": backend}})


def cairn(folder: Path, home: Path, backend: str) -> dict[str, Any]:
    """Cairn's ingest of the same folder (a second call on the same home = re-sync)."""
    # Library imports happen outside the timer, as on the naive side; model loads are timed.
    # configure_unstructured first, as `cairn ingest` does: imported before it, spaCy's
    # thinc pulls in torch (~350 MB of RSS) that Cairn's pipeline never loads.
    import llama_index.core.node_parser  # noqa: F401

    from ingest import configure_unstructured

    configure_unstructured()
    import unstructured.partition.text  # noqa: F401

    import ingest.parse  # noqa: F401
    from core.embed import build_embedder
    from core.records import Records
    from core.store import open_store
    from ingest import Ingestor

    settings = _settings(home, backend)
    embedders: list[Any] = []

    def factory(texts: Any) -> Any:
        t0 = time.perf_counter()
        emb = build_embedder(settings, calibration=lambda: texts)
        embedders.append((emb, time.perf_counter() - t0))
        return emb

    sampler = RssSampler()
    started = time.perf_counter()
    records, store = Records(settings.records_url), open_store(settings)
    report = Ingestor(settings, records, store, factory).run(folder)
    store.close()
    split = sampler.stop()
    seconds = time.perf_counter() - started
    load = embedders[0][1] if embedders else 0.0
    return {
        "seconds": seconds,
        "model_load_or_quantize_seconds": load,
        "backend": embedders[0][0].backend if embedders else None,
        "docs": len(report.files),
        "chunks": report.chunks_total,
        "chunks_written": report.chunks_written,
        "unchanged": report.count("unchanged"),
        "peak_rss_mib": peak_rss_mib(),
        # the largest child: the int8 quantization's interpreter on a first run (Linux
        # counts the parent's RSS at fork in a child's peak, so it is never below that)
        "children_peak_rss_mib": children_peak_rss_mib(),
        **split,
    }


def _metrics(ranked: list[list[int]], gold: list[int]) -> dict[str, float]:
    n = len(gold)
    out = {
        f"hit@{k}": sum(g in r[:k] for r, g in zip(ranked, gold, strict=True)) / n
        for k in (1, 5, 10)
    }
    out["mrr@10"] = (
        sum(1 / (r.index(g) + 1) if g in r[:K] else 0.0 for r, g in zip(ranked, gold, strict=True))
        / n
    )
    return {k: round(v, 4) for k, v in out.items()}


def _doc_rank(sources: list[str]) -> list[int]:
    seen: list[int] = []
    for s in sources:
        idx = int(Path(s).stem[1:])
        if idx not in seen:
            seen.append(idx)
    return seen


def retrieval(home: Path, backend: str, questions_file: Path) -> dict[str, Any]:
    """Doc-level hit@k of Cairn's stored index: dense alone, BM25 alone, hybrid RRF."""
    from answer import Retriever
    from core.embed import build_embedder
    from core.sparse import Bm25Encoder
    from core.store import open_store

    settings = _settings(home, backend)
    questions = json.loads(questions_file.read_text())
    store = open_store(settings)
    name = store.resolve_alias("cairn")
    assert name
    emb, bm25 = build_embedder(settings), Bm25Encoder()
    retriever = Retriever(store, emb, bm25, settings.answer)
    dense = emb.embed([q for q, _ in questions])
    gold = [g for _, g in questions]
    runs: dict[str, list[list[int]]] = {"dense": [], "bm25": [], "hybrid": []}
    for i, (q, _) in enumerate(questions):
        sparse = bm25.encode_query(q)
        for mode, d, s in (
            ("dense", dense[i], None),
            ("bm25", None, sparse),
            ("hybrid", dense[i], sparse),
        ):
            hits = retriever.hybrid(name, d, s, ["everyone"], 3 * K)
            runs[mode].append(_doc_rank([h.chunk.source for h in hits]))
    store.close()
    return {"backend": emb.backend, **{m: _metrics(r, gold) for m, r in runs.items()}}


def main() -> None:
    """Dispatch one step and print its JSON."""
    step, *args = sys.argv[1:]
    if step == "naive":
        result = naive(Path(args[0]), Path(args[1]) if len(args) > 1 else None)
    elif step == "cairn":
        result = cairn(Path(args[0]), Path(args[1]), args[2] if len(args) > 2 else "auto")
    elif step == "retrieval":
        result = retrieval(Path(args[0]), args[1], Path(args[2]))
    else:
        raise SystemExit(f"unknown step {step}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
