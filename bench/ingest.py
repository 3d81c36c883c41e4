"""Ingest benchmark: Cairn vs the naive llama-index pipeline, side by side, same machine.

Corpora: SQuAD2-dev's 1,204 context paragraphs (one .txt file each) and a synthetic
corpus of >= 20k passages (SQuAD contexts with shuffled sentences, so no text repeats).
Each step runs in a fresh interpreter (bench/ingest_steps.py) so peak RSS is per step.
Writes bench/results/ingest.json.

    .venv/bin/python -m bench.ingest [--synthetic 20000] [--questions 1000]
    .venv/bin/python -m bench.ingest --corpus ../shared/data/sourcegraph-handbook
    .venv/bin/python -m bench.ingest --corpus DIR --models /tmp/models  # again: later run only
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from bench.common import require_squad, run_child, sample, save, squad, write_corpus
from core.embed.openvino import CACHE_NAME

STEPS = "bench.ingest_steps"


def variants(contexts: list[str], n: int) -> list[str]:
    """n distinct passages: SQuAD contexts with sentences shuffled per copy."""
    out: list[str] = []
    copy = 0
    while len(out) < n:
        rng = random.Random(copy)
        for text in contexts:
            sentences = re.split(r"(?<=[.!?])\s+", text)
            rng.shuffle(sentences)
            out.append(f"Variant {copy}. " + " ".join(sentences))
            if len(out) == n:
                break
        copy += 1
    return out


def rate(step: dict[str, Any], exclude_model: bool = False) -> float:
    """Passages per second (optionally excluding the one-time model quantization)."""
    seconds = step["seconds"] - (
        step.get("model_load_or_quantize_seconds", 0.0) if exclude_model else 0.0
    )
    return float(step["docs"] / seconds)


def rss_only(contexts: list[str], n: int) -> None:
    """Peak RSS of Cairn's ingest at scale (written to bench/results/ingest_rss_N.json)."""
    work = Path(tempfile.mkdtemp(prefix="cairn-rss-"))
    try:
        passages = variants(contexts, n)
        write_corpus(work / "corpus", passages)
        write_corpus(work / "calibrate", passages[:400])
        home = work / "home"
        run_child([STEPS, "cairn", str(work / "calibrate"), str(home), "auto"])  # quantize once
        shutil.rmtree(home / "vectors")
        (home / "records.db").unlink()
        step = run_child([STEPS, "cairn", str(work / "corpus"), str(home), "auto"])
        path = save(f"ingest_rss_{n}", {"passages": n, "cairn": step})
        print(json.dumps(step, indent=2))
        print(f"wrote {path}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def real_corpus(folder: Path, models: Path | None = None) -> None:
    """Peak RSS of Cairn's ingest of a real folder (written to
    bench/results/ingest_rss_<folder name>.json): the first run in a fresh home (the
    one-time int8 quantization included, in its child process), a later full run (model
    cached, fresh index), and a re-sync of the unchanged folder.

    ``models``: a folder for the quantized model. When it already holds one (from an
    earlier run on the same corpus), only the later run is measured and printed, in a fresh
    home with a copy of it (nothing is written to bench/results); otherwise the full run
    stores its model there."""
    work = Path(tempfile.mkdtemp(prefix="cairn-rss-"))
    try:
        home = work / "home"
        if models is not None and (models / CACHE_NAME / "model.xml").exists():
            shutil.copytree(models, home / "models")
            print(f"{folder.name}: later full run (model from {models}) ...", flush=True)
            print(json.dumps(run_child([STEPS, "cairn", str(folder), str(home), "auto"]), indent=2))
            return
        print(f"{folder.name}: first run (quantizes the model) ...", flush=True)
        first = run_child([STEPS, "cairn", str(folder), str(home), "auto"])
        print(f"{folder.name}: re-sync of the unchanged folder ...", flush=True)
        resync = run_child([STEPS, "cairn", str(folder), str(home), "auto"])
        shutil.rmtree(home / "vectors")
        (home / "records.db").unlink()
        print(f"{folder.name}: later full run (model cached) ...", flush=True)
        later = run_child([STEPS, "cairn", str(folder), str(home), "auto"])
        if models is not None:
            shutil.copytree(home / "models", models, dirs_exist_ok=True)
        name = re.sub(r"[^a-z0-9]+", "_", folder.name.lower())
        payload = {"corpus": str(folder), "first_run": first, "later_run": later, "resync": resync}
        path = save(f"ingest_rss_{name}", payload)
        print(json.dumps(payload, indent=2))
        print(f"wrote {path}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    """Run every step and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--synthetic", type=int, default=20000, help="synthetic passages (0 = skip)"
    )
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument(
        "--rss-only", type=int, default=0, help="only Cairn on N synthetic passages: peak RSS"
    )
    parser.add_argument(
        "--corpus", type=Path, default=None, help="only Cairn on this folder: peak RSS"
    )
    parser.add_argument(
        "--models",
        type=Path,
        default=None,
        help="with --corpus: keep the quantized model here; if it is there, only the later run",
    )
    args = parser.parse_args()
    if args.corpus:
        real_corpus(args.corpus.resolve(), args.models.resolve() if args.models else None)
        return
    require_squad()
    contexts, answerable, _ = squad()
    if args.rss_only:
        rss_only(contexts, args.rss_only)
        return
    work = Path(tempfile.mkdtemp(prefix="cairn-bench-"))
    try:
        squad_dir = work / "squad"
        write_corpus(squad_dir, contexts)
        qfile = work / "questions.json"
        qfile.write_text(json.dumps(sample(answerable, args.questions, seed=0)))
        result: dict[str, Any] = {"squad2_dev": {}, "synthetic": {}}
        sq = result["squad2_dev"]
        print("squad: naive llama-index ...", flush=True)
        sq["naive"] = run_child([STEPS, "naive", str(squad_dir), str(qfile)])
        print("squad: cairn (auto backend, cold model cache) ...", flush=True)
        home = work / "home-auto"
        sq["cairn"] = run_child([STEPS, "cairn", str(squad_dir), str(home), "auto"])
        print("squad: cairn re-sync of the unchanged corpus ...", flush=True)
        sq["cairn_resync"] = run_child([STEPS, "cairn", str(squad_dir), str(home), "auto"])
        print("squad: cairn with torch fp32 backend ...", flush=True)
        sq["cairn_torch"] = run_child(
            [STEPS, "cairn", str(squad_dir), str(work / "home-torch"), "torch"]
        )
        print("squad: retrieval quality ...", flush=True)
        sq["retrieval_cairn"] = run_child([STEPS, "retrieval", str(home), "auto", str(qfile)])
        sq["retrieval_cairn_torch"] = run_child(
            [STEPS, "retrieval", str(work / "home-torch"), "torch", str(qfile)]
        )
        sq["ratios"] = {
            "cairn_vs_naive_throughput": rate(sq["cairn"]) / rate(sq["naive"]),
            "cairn_vs_naive_throughput_excluding_one_time_quantization": rate(sq["cairn"], True)
            / rate(sq["naive"]),
            "cairn_torch_vs_naive_throughput": rate(sq["cairn_torch"]) / rate(sq["naive"]),
            "resync_unchanged_share_of_full_ingest": sq["cairn_resync"]["seconds"]
            / sq["cairn"]["seconds"],
            "dense_hit@5_cairn_minus_naive_fp32": sq["retrieval_cairn"]["dense"]["hit@5"]
            - sq["naive"]["retrieval"]["dense"]["hit@5"],
        }
        if args.synthetic:
            synth_dir = work / "synthetic"
            write_corpus(synth_dir, variants(contexts, args.synthetic))
            syn = result["synthetic"]
            warm = work / "home-synth"
            shutil.copytree(home / "models", warm / "models")  # quantized once, reused
            print(f"synthetic {args.synthetic}: cairn ...", flush=True)
            syn["cairn"] = run_child([STEPS, "cairn", str(synth_dir), str(warm), "auto"])
            print(f"synthetic {args.synthetic}: naive llama-index (slow) ...", flush=True)
            syn["naive"] = run_child([STEPS, "naive", str(synth_dir)])
            syn["ratios"] = {"cairn_vs_naive_throughput": rate(syn["cairn"]) / rate(syn["naive"])}
        path = save("ingest", result)
        print(json.dumps({k: v.get("ratios") for k, v in result.items()}, indent=2))
        print(f"wrote {path}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
