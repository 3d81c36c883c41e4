"""Monitoring: drift flagged on a shifted window and not on a stable one; gaps; retention."""

from __future__ import annotations

import random
import uuid
from datetime import timedelta

from core.records import AnswerRecord, DailyAggregate, Records, monitor, utcnow


def _answers(
    records: Records,
    days_ago: range,
    score: float,
    refused_share: float,
    seed: int,
    question: str = "q",
) -> None:
    rng = random.Random(seed)
    now = utcnow()
    with records.session() as s:
        for day in days_ago:
            for _ in range(20):
                refused = rng.random() < refused_share
                s.add(
                    AnswerRecord(
                        id=str(uuid.uuid4()),
                        at=now - timedelta(days=day, hours=rng.random() * 12),
                        principal="u",
                        groups=["everyone"],
                        question=question if refused else "fine",
                        answer="a",
                        citations=[],
                        index_version=1,
                        index_revision=1,
                        answerer="extractive",
                        confidence=0.8,
                        grounded=not refused,
                        refused=refused,
                        cached=False,
                        latency_ms=30.0,
                        top_score=min(1.0, max(0.0, rng.gauss(score, 0.05))),
                        response="{}",
                    )
                )


def test_stable_window_is_not_drift(records: Records) -> None:
    _answers(records, range(8, 36), score=0.8, refused_share=0.1, seed=1)
    _answers(records, range(0, 7), score=0.8, refused_share=0.1, seed=2)
    result = monitor.drift(records)
    assert not result["drift"] and result["top_score_psi"] < monitor.PSI_ALERT


def test_shifted_window_is_drift(records: Records) -> None:
    _answers(records, range(8, 36), score=0.8, refused_share=0.1, seed=1)
    _answers(
        records,
        range(0, 7),
        score=0.55,
        refused_share=0.4,
        seed=3,
        question="What is the dental plan?",
    )
    result = monitor.drift(records)
    assert result["drift"] and result["top_score_psi"] > monitor.PSI_ALERT
    assert any("refusal rate" in a for a in result["alerts"])
    gaps = monitor.top_unanswered(records)
    assert gaps[0]["question"] == "What is the dental plan?" and gaps[0]["count"] >= 3


def test_purge_keeps_aggregates(records: Records) -> None:
    _answers(records, range(100, 103), score=0.8, refused_share=0.0, seed=4)
    _answers(records, range(0, 2), score=0.8, refused_share=0.0, seed=5)
    removed = monitor.purge(records, older_than_days=90)
    assert removed == 60
    with records.session() as s:
        days = {d.day for d in s.query(DailyAggregate).all()}
        left = s.query(AnswerRecord).count()
    assert left == 40 and len(days) >= 5
