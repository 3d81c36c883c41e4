"""Shared benchmark helpers: the SQuAD2-dev corpus, child processes, result files."""

from __future__ import annotations

import json
import os
import platform
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SQUAD = ROOT.parent / "shared" / "data" / "squad2-dev" / "dev-v2.0.json"
RESULTS = ROOT / "bench" / "results"


def require_squad() -> None:
    """Exit 0 with a reason where the shared data is absent (a user's clone)."""
    if not SQUAD.exists():
        print(f"skipped: {SQUAD} not found (the benchmark needs ../shared/data)")
        sys.exit(0)


def squad() -> tuple[list[str], list[tuple[str, int]], list[str]]:
    """Contexts, answerable (question, gold context index), unanswerable questions."""
    data = json.loads(SQUAD.read_text())
    contexts: list[str] = []
    answerable: list[tuple[str, int]] = []
    unanswerable: list[str] = []
    for article in data["data"]:
        for para in article["paragraphs"]:
            contexts.append(para["context"])
            for qa in para["qas"]:
                if qa.get("is_impossible"):
                    unanswerable.append(qa["question"])
                else:
                    answerable.append((qa["question"], len(contexts) - 1))
    return contexts, answerable, unanswerable


def sample(items: list[Any], n: int, seed: int = 0) -> list[Any]:
    """Deterministic sample."""
    rng = random.Random(seed)
    return rng.sample(items, min(n, len(items)))


def write_corpus(folder: Path, texts: list[str]) -> None:
    """One .txt file per passage (the way a user's folder of documents looks)."""
    folder.mkdir(parents=True, exist_ok=True)
    for i, text in enumerate(texts):
        (folder / f"p{i:06d}.txt").write_text(text)


def run_child(args: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run a benchmark step in a fresh interpreter; it prints one JSON line last."""
    full_env = {**os.environ, "HF_HUB_OFFLINE": "1", **(env or {})}
    proc = subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, env=full_env, capture_output=True, text=True
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{args} failed:\n{proc.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def peak_rss_mib() -> float:
    """Peak resident memory of this process in MiB."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def children_peak_rss_mib() -> float:
    """Peak resident memory of the largest finished child process in MiB (0: none)."""
    import resource

    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


class RssSampler:
    """Samples /proc/self/status every 0.5 s: peak anonymous memory (heap, model weights)
    and peak file-backed resident pages (the vector engine's memory-mapped files, which
    the kernel can drop and re-read under pressure). Linux only; zeros elsewhere."""

    def __init__(self) -> None:
        import threading

        self.peak = {"anon": 0.0, "file": 0.0}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        try:
            status = Path("/proc/self/status").read_text()
        except OSError:
            return
        for line in status.splitlines():
            for key, name in (("RssAnon:", "anon"), ("RssFile:", "file")):
                if line.startswith(key):
                    mib = int(line.split()[1]) / 1024
                    self.peak[name] = max(self.peak[name], mib)

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            self._sample()

    def stop(self) -> dict[str, float]:
        """Stop sampling; the peaks in MiB."""
        self._stop.set()
        self._thread.join()
        self._sample()
        return {f"peak_rss_{k}_mib": round(v, 1) for k, v in self.peak.items()}


def machine() -> dict[str, Any]:
    """Where the numbers were measured: the CPU matters (int8 inference is several times
    faster where it has VNNI/AMX units than on plain AVX2)."""
    cpu, flags = platform.processor() or platform.machine(), set[str]()
    info = Path("/proc/cpuinfo")
    if info.exists():
        for line in info.read_text().splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "model name":
                cpu = value.strip()
            elif key.strip() == "flags":
                flags = set(value.split())
                break
    simd = sorted(f for f in flags if f.startswith(("avx", "amx")) or "vnni" in f)
    return {
        "cpu_count": os.cpu_count(),
        "cpu": cpu,
        "cpu_simd": simd,
        "platform": platform.platform(),
        "python": sys.version,
    }


def save(name: str, payload: dict[str, Any]) -> Path:
    """Write bench/results/<name>.json."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps({"machine": machine(), **payload}, indent=2))
    return path
