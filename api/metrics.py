"""Prometheus metrics, one registry per app (no import-time singletons)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

from core.records.monitor import GAP_SCORE
from core.schema import Answer


class Metrics:
    """Request latency, answers by outcome, grounded answers, retrieval top score."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.latency = Histogram(
            "cairn_request_seconds",
            "HTTP request latency",
            ["route", "method", "status"],
            registry=self.registry,
            buckets=(0.005, 0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12),
        )
        self.answers = Counter(
            "cairn_answers_total", "Answers by outcome", ["outcome"], registry=self.registry
        )
        self.grounded = Counter(
            "cairn_grounded_answers_total",
            "Answers whose every sentence was supported",
            registry=self.registry,
        )
        self.gaps = Counter(
            "cairn_knowledge_gaps_total",
            "Questions with no good source (refused, or weak best match)",
            registry=self.registry,
        )
        self.feedback = Counter(
            "cairn_feedback_total", "Feedback by rating", ["rating"], registry=self.registry
        )
        self.top_score = Histogram(
            "cairn_retrieval_top_score",
            "Fused score of the best retrieved chunk",
            registry=self.registry,
            buckets=(0.005, 0.01, 0.015, 0.02, 0.025, 0.03, 0.035, 0.04),
        )

    def observe(self, answer: Answer, top_score: float) -> None:
        """Count an answer given: computed, cached, from a table, or reviewed."""
        self.answers.labels("refused" if answer.refused else "answered").inc()
        if answer.refused or top_score < GAP_SCORE:
            self.gaps.inc()
        if answer.grounded and not answer.refused:
            self.grounded.inc()
        self.top_score.observe(top_score)
