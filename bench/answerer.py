"""The extractive answerer alone: milliseconds per answer on a workplace corpus.

Every question of one corpus of the development suite is retrieved once on that
corpus's eval index (``cairn eval --suite`` builds it), then all are answered ``--runs``
times with warm caches (the sentence vectors of the first pass are reused, as on a
warm server). The figure isolates the answer step from retrieval, HTTP and the embedder,
so two checkouts can be compared side by side by running this from each in turn. The
read step (retrieval with its re-searches and the window) is timed the same way,
``--runs`` passes over every question, as ``median_ms_per_read``.

    .venv/bin/python -m bench.answerer --corpus sourcegraph --name answerer_now
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from bench.common import ROOT, save

SUITE = ROOT / "eval" / "golden" / "dev.yaml"


def main() -> None:
    """Retrieve once, answer ``--runs`` times, write the per-answer times."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--suite", type=Path, default=SUITE)
    parser.add_argument("--corpus", default="sourcegraph")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--name", default="answerer")
    args = parser.parse_args()

    from core.access import Principal
    from core.settings import get_settings
    from eval import golden as golden_io
    from eval import suite as suites
    from eval.runner import evaluation_engine

    suite = suites.Suite.load(args.suite)
    corpus = next((c for c in suite.corpora if c.name == args.corpus), None)
    if corpus is None or not corpus.path.is_dir():
        print(f"skipped: corpus {args.corpus!r} not found (the benchmark needs ../shared/data)")
        sys.exit(0)
    home = suites.index_corpus(get_settings(), corpus.path, corpus.name, corpus.access)
    engine = evaluation_engine(home)
    queries = [
        engine.ask.query(case.question, Principal(name="bench", groups=["everyone"]))
        for case in golden_io.load(corpus.golden)
    ]
    prepared = []
    for query in queries:
        reading, _ = engine.ask.read(query)  # what the ask path reads
        if reading is not None:
            prepared.append((reading.text, reading.wide.hits, reading.vector))
    per_read = []  # the read step too: retrieval, re-searches, the window
    for _ in range(args.runs):
        start = time.perf_counter()
        for query in queries:
            engine.ask.read(query)
        per_read.append((time.perf_counter() - start) * 1000 / len(queries))
    answerer = engine.ask.answerer
    for question, hits, vector in prepared:  # warm the sentence-vector cache
        answerer.answer(question, hits, vector)
    per_answer = []
    for _ in range(args.runs):
        start = time.perf_counter()
        for question, hits, vector in prepared:
            answerer.answer(question, hits, vector)
        per_answer.append((time.perf_counter() - start) * 1000 / len(prepared))
    engine.close()
    result = {
        "corpus": corpus.name,
        "questions": len(prepared),
        "runs_ms_per_answer": [round(x, 3) for x in per_answer],
        "median_ms_per_answer": round(statistics.median(per_answer), 3),
        "best_ms_per_answer": round(min(per_answer), 3),
        "runs_ms_per_read": [round(x, 3) for x in per_read],
        "median_ms_per_read": round(statistics.median(per_read), 3),
    }
    print(result)
    print(f"wrote {save(args.name, result)}")


if __name__ == "__main__":
    main()
