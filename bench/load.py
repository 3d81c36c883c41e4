"""Bounded load test on loopback: N concurrent clients on POST /ask for D seconds.

Starts `cairn serve` (one uvicorn worker: the embedded engine is single-process) on the
sample corpus, then runs phases with asyncio + httpx, each stopping by itself:
``unique_sentence_cache_off`` (every question distinct and every candidate sentence
embedded again: worst case, on a server started with CAIRN_ANSWER__SENTENCE_CACHE=0),
``unique`` (every question distinct, so every answer is computed; sentence vectors are
reused across questions, the default) and ``repeated`` (the golden questions again and
again: the answer cache serves repeats).
Writes bench/results/load.json.

    .venv/bin/python -m bench.load [--clients 50] [--seconds 60]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench.common import ROOT, save
from eval.golden import load
from tools.testserver import serve_process


async def _client(
    http: httpx.AsyncClient,
    questions: list[str],
    offset: int,
    stop: float,
    unique: bool,
    out: dict[str, Any],
    tag: str,
) -> None:
    i = offset
    while time.monotonic() < stop:
        q = questions[i % len(questions)]
        if unique:
            q = f"{q} (case {tag}{i})"
        t0 = time.perf_counter()
        try:
            r = await http.post("/ask", json={"question": q})
            ok = r.status_code == 200
            if not ok:
                out["statuses"][r.status_code] = out["statuses"].get(r.status_code, 0) + 1
                out.setdefault("sample", r.text[:300])
        except httpx.HTTPError as exc:
            ok = False
            out["statuses"][type(exc).__name__] = out["statuses"].get(type(exc).__name__, 0) + 1
        out["latencies"].append(time.perf_counter() - t0)
        out["errors"] += 0 if ok else 1
        i += 97


def _summary(out: dict[str, Any], seconds: float) -> dict[str, Any]:
    lat = sorted(out["latencies"])

    def pct(p: float) -> float:
        return round(lat[min(len(lat) - 1, int(p * len(lat)))] * 1000, 1) if lat else 0.0

    return {
        "requests": len(lat),
        "errors": out["errors"],
        "error_statuses": out["statuses"],
        "error_sample": out.get("sample"),
        "throughput_rps": round(len(lat) / seconds, 1),
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
    }


async def _phase(
    url: str, clients: int, seconds: float, unique: bool, questions: list[str], tag: str = ""
) -> dict[str, Any]:
    """``clients`` concurrent askers for ``seconds``; ``tag`` keeps phases' questions apart."""
    out: dict[str, Any] = {"latencies": [], "errors": 0, "statuses": {}}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as http:
        stop = time.monotonic() + seconds
        await asyncio.gather(
            *(_client(http, questions, n, stop, unique, out, tag) for n in range(clients))
        )
    return _summary(out, seconds)


def main() -> None:
    """Ingest the samples, serve, load, report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    questions = [c.question for c in load(ROOT / "eval" / "golden" / "samples.jsonl")]
    home = Path(tempfile.mkdtemp(prefix="cairn-load-"))
    env = {
        **os.environ,
        "CAIRN_HOME": str(home),
        "CAIRN_AUTH__ANONYMOUS": "true",
        "CAIRN_API__RATE_LIMIT_PER_MINUTE": "0",
    }
    subprocess.run(
        [sys.executable, "-m", "cairn", "ingest", str(ROOT / "samples" / "handbook")],
        env=env,
        check=True,
        capture_output=True,
    )
    result: dict[str, Any] = {"clients": args.clients, "seconds_per_phase": args.seconds}
    result["workers"] = 1
    # Side by side in one run: every question distinct with the sentence-vector cache off
    # (each answer embeds its candidate sentences), then with it on (the default).
    with serve_process(env | {"CAIRN_ANSWER__SENTENCE_CACHE": "0"}) as off:
        result["unique_sentence_cache_off"] = asyncio.run(
            _phase(off, args.clients, args.seconds, True, questions, "off")
        )
    with serve_process(env) as url:
        result["unique"] = asyncio.run(_phase(url, args.clients, args.seconds, True, questions))
        result["repeated"] = asyncio.run(
            _phase(url, args.clients, args.seconds / 3, False, questions)
        )
    path = save("load", result)
    print({k: result[k] for k in ("unique_sentence_cache_off", "unique", "repeated")})
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
