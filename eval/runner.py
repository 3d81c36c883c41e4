"""Run a golden set against an index in-process (through the answer engine) and score it."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any

from rapidfuzz import fuzz

from answer import MARKER, MODES, Engine, Query, build_engine
from core.access import Principal
from core.embed import Embedder
from core.schema import Answer
from core.settings import Settings
from eval import metrics as m
from eval.golden import GoldenCase

INDEPENDENT_MIN = 90  # rapidfuzz partial_ratio for the independent grounding check


class NoCache:
    """Eval measures the pipeline, not the cache: nothing is stored or served."""

    def get(self, key: str) -> str | None:
        """Never a hit."""
        return None

    def put(self, key: str, value: str) -> None:
        """Drop."""


def evaluation_engine(
    settings: Settings, embedder: Embedder | None = None, pinned: int | None = None
) -> Engine:
    """The engine eval runs on: no audit records, no answer cache, optionally a staged
    (``pinned``) version instead of the live one."""
    return build_engine(settings, embedder, audit=False, pinned=pinned, cache=NoCache())


@dataclass
class CaseResult:
    """Everything measured for one case."""

    id: str
    question: str
    answerable: bool
    tags: list[str]
    refused: bool
    answer: str
    confidence: float
    grounded: bool
    latency_ms: float
    cited_sources: list[str]
    fact_recall: float
    token_f1: float | None
    citation_precision: float
    citation_recall: float
    support_api: float
    support_independent: float
    leaked: list[str]
    n_expected: int = 0
    ranks: dict[str, list[int]] = field(default_factory=dict)
    expected_pages: list[int] = field(default_factory=list)
    source_hit: bool = False  # an expected source among the citations (or closest sources)
    page_hit: bool = False  # ... on an expected page
    words: int = 0

    @property
    def correct(self) -> bool:
        """Answered, with every expected fact and an expected source cited."""
        return (not self.refused) and self.fact_recall == 1.0 and self.citation_recall > 0


def _principal(case: GoldenCase) -> Principal:
    return Principal(name=f"eval:{case.id}", groups=sorted({*case.groups, "everyone"}))


def _ranks(
    engine: Engine, collection: str, case: GoldenCase, principal: Principal
) -> dict[str, list[int]]:
    expected = set(case.expected_sources)
    lists = engine.retriever.rankings(Query(case.question, principal), collection)
    return {mode: m.ranks([h.chunk.source for h in hits], expected) for mode, hits in lists.items()}


def _grounding(answer: Answer) -> tuple[float, float]:
    """Mean API support, and the share of sentences an independent fuzzy check supports."""
    if answer.refused or not answer.sentences:
        return 1.0, 1.0
    quotes = {c.n: c.quote for c in answer.citations}
    api = m.mean([s.support for s in answer.sentences])
    independent = m.mean(
        [
            1.0
            if s.citation in quotes
            and fuzz.partial_ratio(MARKER.sub("", s.text).strip(), quotes[s.citation])
            >= INDEPENDENT_MIN
            else 0.0
            for s in answer.sentences
        ]
    )
    return api, independent


def run_case(
    engine: Engine, case: GoldenCase, doc_groups: dict[str, list[str]], collection: str
) -> CaseResult:
    """Ask one case and score it."""
    principal = _principal(case)
    started = time.perf_counter()
    answer = engine.ask.ask(case.question, principal)
    latency = (time.perf_counter() - started) * 1000
    cited = [c.source for c in answer.citations] if not answer.refused else []
    shown = [c.source for c in answer.citations]
    expected = set(case.expected_sources)
    pages = set(case.expected_pages)
    on_page = any(c.source in expected and c.page in pages for c in answer.citations)
    precision, recall = m.citation_pr(cited, expected) if case.answerable else (1.0, 1.0)
    api, independent = _grounding(answer)
    # Table answers cite tables (access-checked by the semantic layer), not indexed documents.
    leaked = sorted({s for s in shown if s in doc_groups and not principal.can_see(doc_groups[s])})
    return CaseResult(
        id=case.id,
        question=case.question,
        answerable=case.answerable,
        tags=case.tags,
        refused=answer.refused,
        answer=answer.answer,
        confidence=answer.confidence,
        grounded=answer.grounded,
        latency_ms=round(latency, 2),
        cited_sources=cited,
        fact_recall=m.fact_recall(answer.answer, case.expected_facts)
        if not answer.refused
        else 0.0,
        token_f1=max((m.token_f1(answer.answer, g) for g in case.answers), default=None)
        if case.answers
        else None,
        citation_precision=precision,
        citation_recall=recall,
        support_api=api,
        support_independent=independent,
        leaked=leaked,
        n_expected=len(expected),
        ranks=_ranks(engine, collection, case, principal) if case.expected_sources else {},
        expected_pages=case.expected_pages,
        source_hit=bool(expected & set(shown)),
        page_hit=on_page,
        words=len(MARKER.sub("", answer.answer).split()) if not answer.refused else 0,
    )


def consistency(
    engine: Engine, cases: list[GoldenCase], questions: int = 5, repeats: int = 20
) -> float:
    """Share of (question, repeat) answers byte-identical to the first (cache bypassed)."""
    picked = [c for c in cases if c.answerable][:questions]
    same = total = 0
    for case in picked:
        principal = _principal(case)
        first = engine.ask.ask(case.question, principal)
        key = (first.answer, [c.model_dump() for c in first.citations], first.confidence)
        for _ in range(repeats - 1):
            again = engine.ask.ask(case.question, principal)
            same += (
                again.answer,
                [c.model_dump() for c in again.citations],
                again.confidence,
            ) == key
            total += 1
    return same / total if total else 1.0


def results(engine: Engine, cases: list[GoldenCase]) -> list[CaseResult]:
    """Ask and score every case on an ``evaluation_engine``."""
    version = engine.ask.live()
    manifest = engine.records.manifest(version.version, with_text=False)
    doc_groups = {path: list(row.groups) for path, row in manifest.items()}
    return [run_case(engine, c, doc_groups, version.collection) for c in cases]


def as_rows(found: list[CaseResult]) -> list[dict[str, Any]]:
    """Per-case results as report rows."""
    return [{**asdict(r), "correct": r.correct} for r in found]


def run(engine: Engine, cases: list[GoldenCase], repeats: int = 20) -> dict[str, Any]:
    """Evaluate every case on an ``evaluation_engine``; per-case results and the metrics."""
    version = engine.ask.live()
    found = results(engine, cases)
    summary = aggregate(found)
    summary["consistency.identical_share"] = round(consistency(engine, cases, repeats=repeats), 4)
    return {
        "index": {
            "version": version.version,
            "revision": version.revision,
            "model": version.model_id,
        },
        "metrics": summary,
        "intervals": intervals(found),
        "cases": as_rows(found),
    }


def aggregate(results: list[CaseResult]) -> dict[str, float]:
    """The flat metric dict the report shows and the gate compares."""
    answerable = [r for r in results if r.answerable]
    unanswerable = [r for r in results if not r.answerable]
    answered = [r for r in answerable if not r.refused]
    refused = [r for r in results if r.refused]
    out: dict[str, float] = {}
    with_ranks = [r for r in answerable if r.ranks]
    for mode in MODES:
        found = [r.ranks[mode] for r in with_ranks]
        for k in (1, 5, 10):
            out[f"retrieval.{mode}.hit@{k}"] = m.mean([m.hit_at(f, k) for f in found])
        out[f"retrieval.{mode}.mrr@10"] = m.mean([m.mrr_at(f) for f in found])
        out[f"retrieval.{mode}.ndcg@10"] = m.mean(
            [m.ndcg_at(r.ranks[mode], r.n_expected) for r in with_ranks]
        )
    out["answer.fact_recall"] = m.mean([r.fact_recall for r in answerable])
    f1 = [r.token_f1 for r in answerable if r.token_f1 is not None]
    if f1:
        out["answer.token_f1"] = m.mean(f1)
    out["answer.correct"] = m.mean([1.0 if r.correct else 0.0 for r in answerable])
    out["citation.precision"] = m.mean([r.citation_precision for r in answered])
    out["citation.recall"] = m.mean([r.citation_recall for r in answered])
    out["groundedness.api"] = m.mean([r.support_api for r in answered])
    out["groundedness.independent"] = m.mean([r.support_independent for r in answered])
    out["refusal.recall"] = (
        m.mean([1.0 if r.refused else 0.0 for r in unanswerable]) if unanswerable else 1.0
    )
    out["refusal.precision"] = (
        m.mean([0.0 if r.answerable else 1.0 for r in refused]) if refused else 1.0
    )
    out["refusal.false_rate"] = m.mean([1.0 if r.refused else 0.0 for r in answerable])
    out["access.leaks"] = float(sum(len(r.leaked) for r in results))
    out["latency.p50_ms"] = m.percentile([r.latency_ms for r in results], 50)
    out["latency.p95_ms"] = m.percentile([r.latency_ms for r in results], 95)
    out["cases"] = float(len(results))
    return {k: round(v, 4) for k, v in out.items()}


def intervals(results: list[CaseResult]) -> dict[str, tuple[float, float]]:
    """Bootstrap 95 % intervals for the headline metrics (small sets are noisy)."""
    answerable = [r for r in results if r.answerable]
    unanswerable = [r for r in results if not r.answerable]
    return {
        "answer.fact_recall": m.bootstrap_ci([r.fact_recall for r in answerable]),
        "answer.correct": m.bootstrap_ci([1.0 if r.correct else 0.0 for r in answerable]),
        "refusal.recall": m.bootstrap_ci([1.0 if r.refused else 0.0 for r in unanswerable]),
        "refusal.false_rate": m.bootstrap_ci([1.0 if r.refused else 0.0 for r in answerable]),
        "retrieval.hybrid+rerank.hit@5": m.bootstrap_ci(
            [m.hit_at(r.ranks["hybrid+rerank"], 5) for r in answerable if r.ranks]
        ),
    }
