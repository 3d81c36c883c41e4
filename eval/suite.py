"""Per-corpus evaluation suites: several corpora, each with its own golden set, indexed in
its own eval home and reported side by side.

A suite file (YAML) names the corpora by path under a data root, the golden set of each,
and access rules to impose on corpora whose folders cannot hold an ``_access.yaml``::

    data_root: ../../../shared/data          # relative to this file
    corpora:
      - name: sourcegraph
        path: sourcegraph-handbook
        golden: sourcegraph.jsonl             # relative to this file
        access: {departments/people-talent/: [people-talent]}

Cases carry ``split`` (tune | report): thresholds are chosen on tune, results are
reported on report. A corpus whose folder is missing is skipped with that reason.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field, ValidationError

from core.errors import CairnError
from core.settings import Settings
from eval import golden as golden_io
from eval import metrics as m
from eval.golden import GoldenCase
from eval.runner import CaseResult, as_rows, evaluation_engine, results
from ingest import sync_folder

Split = Literal["tune", "report", "all"]


class SuiteCorpus(BaseModel):
    """One corpus of a suite."""

    name: str
    path: Path
    golden: Path
    access: dict[str, list[str]] = Field(default_factory=dict)


class Suite(BaseModel):
    """A suite file, with paths resolved against its folder."""

    data_root: Path
    corpora: list[SuiteCorpus]

    @classmethod
    def load(cls, path: Path) -> Suite:
        """Read and resolve a suite file (one clear error for a bad one)."""
        if not path.exists():
            raise CairnError(f"suite {path} does not exist")
        try:
            suite = cls.model_validate(yaml.safe_load(path.read_text()) or {})
        except (yaml.YAMLError, ValidationError) as exc:
            raise CairnError(f"{path}: invalid suite: {exc}") from exc
        base = path.resolve().parent
        suite.data_root = (base / suite.data_root).resolve()
        for corpus in suite.corpora:
            corpus.path = suite.data_root / corpus.path
            corpus.golden = base / corpus.golden
        return suite


def index_corpus(
    settings: Settings, folder: Path, name: str, access: dict[str, list[str]] | None = None
) -> Settings:
    """Sync ``folder`` into its own eval home (``<home>/eval/<name>``, re-runs are
    incremental; the model cache is shared) and return that home's settings."""
    ingest = settings.ingest.model_copy(update={"access": access or {}})
    scoped = settings.model_copy(
        update={
            "home": settings.home / "eval" / name,
            "models_dir": settings.models_path,
            "database_url": None,
            "qdrant": settings.qdrant.model_copy(update={"url": None}),
            "ingest": ingest,
        }
    )
    sync_folder(scoped, folder)
    return scoped


def pick(cases: list[GoldenCase], split: Split) -> list[GoldenCase]:
    """The cases of one split (``all``: every case)."""
    return cases if split == "all" else [c for c in cases if c.split in (split, None)]


def corpus_metrics(results: list[CaseResult]) -> dict[str, float]:
    """The per-corpus table: facts, sources, pages, refusals, leaks, length."""
    answerable = [r for r in results if r.answerable]
    unanswerable = [r for r in results if not r.answerable]
    answered = [r for r in answerable if not r.refused]
    paged = [r for r in answerable if r.expected_pages]
    words = [r.words for r in results if not r.refused]
    out = {
        "answerable": float(len(answerable)),
        "unanswerable": float(len(unanswerable)),
        "fact_recall": m.mean([r.fact_recall for r in answerable]),
        "source_hit": m.mean([1.0 if r.source_hit else 0.0 for r in answerable]),
        "page_hit": m.mean([1.0 if r.page_hit else 0.0 for r in paged]) if paged else -1.0,
        "false_refusals": m.mean([1.0 if r.refused else 0.0 for r in answerable]),
        "unanswerables_refused": m.mean([1.0 if r.refused else 0.0 for r in unanswerable])
        if unanswerable
        else 1.0,
        "leaks": float(sum(len(r.leaked) for r in results)),
        "answer_words_mean": m.mean([float(w) for w in words]),
        "answer_words_max": float(max(words, default=0)),
        "answered_correct": m.mean([1.0 if r.correct else 0.0 for r in answered]),
    }
    return {k: round(v, 4) for k, v in out.items()}


TARGETS: dict[str, tuple[str, float]] = {
    "fact_recall": (">=", 0.85),
    "source_hit": (">=", 0.95),
    "page_hit": (">=", 0.85),
    "false_refusals": ("<=", 0.05),
    "unanswerables_refused": (">=", 0.90),
    "leaks": ("<=", 0.0),
    "answer_words_mean": ("<=", 80.0),
    "answer_words_max": ("<=", 120.0),
}


def misses(name: str, table: dict[str, float]) -> list[str]:
    """Targets this corpus misses (Basecamp's fact recall target is 0.90)."""
    out = []
    for key, (op, bound) in TARGETS.items():
        if key == "fact_recall" and name == "basecamp":
            bound = 0.90
        value = table.get(key, -1.0)
        if key == "page_hit" and value < 0:
            continue
        if (op == ">=" and value < bound) or (op == "<=" and value > bound):
            out.append(f"{name}: {key} {value:g} (target {op} {bound:g})")
    return out


def summary(tables: dict[str, dict[str, float]]) -> dict[str, Any]:
    """Every corpus's table and the targets missed."""
    return {
        "corpora": tables,
        "missed": [line for name, t in tables.items() for line in misses(name, t)],
    }


def run_suite(settings: Settings, suite: Suite, split: Split) -> dict[str, Any]:
    """Index and evaluate every corpus found; the per-corpus tables, targets missed, cases.
    A corpus whose folder is missing is left out and named in ``skipped``."""
    tables: dict[str, dict[str, float]] = {}
    cases: dict[str, list[dict[str, Any]]] = {}
    skipped: list[str] = []
    for corpus in suite.corpora:
        if not corpus.path.is_dir():
            skipped.append(f"{corpus.name}: {corpus.path} not found")
            continue
        picked = pick(golden_io.load(corpus.golden), split)
        engine = evaluation_engine(index_corpus(settings, corpus.path, corpus.name, corpus.access))
        try:
            found = results(engine, picked)
        finally:
            engine.close()
        tables[corpus.name] = corpus_metrics(found)
        cases[corpus.name] = as_rows(found)
    return {"split": split, "skipped": skipped, **summary(tables), "cases": cases}
