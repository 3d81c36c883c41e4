"""Quality monitoring from the audit log: daily aggregates, drift, knowledge gaps, retention.

Daily aggregates (questions, refusal rate, grounded rate, thumbs-down rate, mean top
retrieval score, knowledge-gap share, latency p50) are stored in ``daily_aggregates`` so
they survive the retention purge of the questions themselves. Drift compares a recent
window with a baseline window: population stability index (PSI) of the top retrieval
scores, and the change in refusal rate.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select

from core.records import Records
from core.records.rows import AnswerRecord, DailyAggregate, Feedback, utcnow

GAP_SCORE = 0.55  # a top fused score under this means no good source was found
PSI_ALERT = 0.2
REFUSAL_ALERT = 0.10


def _rows(records: Records, since: datetime, until: datetime) -> list[AnswerRecord]:
    with records.session() as s:
        query = select(AnswerRecord).where(AnswerRecord.at >= since, AnswerRecord.at < until)
        return list(s.scalars(query))


def _thumbs_down(records: Records, ids: set[str]) -> int:
    with records.session() as s:
        rows = s.scalars(select(Feedback).where(Feedback.helpful.is_(False)))
        return sum(1 for f in rows if f.answer_id in ids)


def summarise(records: Records, rows: list[AnswerRecord]) -> dict[str, float]:
    """Aggregate metrics of a set of answers."""
    n = len(rows)
    if n == 0:
        return {"questions": 0}
    latencies = sorted(r.latency_ms for r in rows)
    return {
        "questions": n,
        "refusal_rate": round(sum(r.refused for r in rows) / n, 4),
        "grounded_rate": round(sum(r.grounded and not r.refused for r in rows) / n, 4),
        "thumbs_down_rate": round(_thumbs_down(records, {r.id for r in rows}) / n, 4),
        "mean_top_score": round(sum(r.top_score for r in rows) / n, 4),
        "knowledge_gap_rate": round(sum(r.refused or r.top_score < GAP_SCORE for r in rows) / n, 4),
        "latency_p50_ms": latencies[n // 2],
    }


def store_daily(
    records: Records, until: datetime | None = None, days: int = 60
) -> list[dict[str, Any]]:
    """(Re)compute and store the aggregates of each of the last ``days`` days."""
    until = until or utcnow()
    out = []
    for back in range(days, -1, -1):
        day = (until - timedelta(days=back)).date()
        start = datetime(day.year, day.month, day.day, tzinfo=until.tzinfo)
        rows = _rows(records, start, start + timedelta(days=1))
        if not rows:
            continue
        metrics = summarise(records, rows)
        with records.session() as s:
            existing = s.get(DailyAggregate, day.isoformat())
            if existing is None:
                s.add(DailyAggregate(day=day.isoformat(), metrics=metrics))
            else:
                existing.metrics = metrics
        out.append({"day": day.isoformat(), **metrics})
    return out


def psi(expected: list[float], actual: list[float], bins: int = 10) -> float:
    """Population stability index; bins are the baseline's deciles, counts are smoothed."""
    if not expected or not actual:
        return 0.0
    ordered = sorted(expected)
    edges = [ordered[min(len(ordered) - 1, int(len(ordered) * i / bins))] for i in range(1, bins)]

    def shares(values: list[float]) -> list[float]:
        counts = Counter(bisect.bisect_right(edges, v) for v in values)
        return [(counts.get(i, 0) + 0.5) / (len(values) + 0.5 * bins) for i in range(bins)]

    e, a = shares(expected), shares(actual)
    return round(sum((ai - ei) * math.log(ai / ei) for ei, ai in zip(e, a, strict=True)), 4)


def drift(
    records: Records, window_days: int = 7, baseline_days: int = 28, now: datetime | None = None
) -> dict[str, Any]:
    """Compare the last window with the baseline window before it."""
    now = now or utcnow()
    recent = _rows(records, now - timedelta(days=window_days), now)
    base = _rows(
        records,
        now - timedelta(days=window_days + baseline_days),
        now - timedelta(days=window_days),
    )
    recent_summary, base_summary = summarise(records, recent), summarise(records, base)
    score_psi = psi([r.top_score for r in base], [r.top_score for r in recent])
    refusal_change = round(
        recent_summary.get("refusal_rate", 0.0) - base_summary.get("refusal_rate", 0.0), 4
    )
    alerts = []
    if score_psi > PSI_ALERT:
        alerts.append(f"retrieval score distribution shifted (PSI {score_psi} > {PSI_ALERT})")
    if abs(refusal_change) > REFUSAL_ALERT:
        alerts.append(f"refusal rate changed by {refusal_change:+.0%}")
    return {
        "window": recent_summary,
        "baseline": base_summary,
        "top_score_psi": score_psi,
        "refusal_rate_change": refusal_change,
        "drift": bool(alerts),
        "alerts": alerts,
    }


def _normal(question: str) -> str:
    return re.sub(r"\s+", " ", question.casefold()).strip(" ?!.")


def top_unanswered(records: Records, days: int = 30, limit: int = 10) -> list[dict[str, Any]]:
    """Most frequent refused questions: the documents to write next."""
    rows = _rows(records, utcnow() - timedelta(days=days), utcnow() + timedelta(seconds=1))
    counts: Counter[str] = Counter()
    example: dict[str, str] = {}
    groups: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        if r.refused:
            key = _normal(r.question)
            counts[key] += 1
            example.setdefault(key, r.question)
            groups[key] = list(r.groups)
    return [
        {"question": example[k], "count": c, "groups": groups[k]}
        for k, c in counts.most_common(limit)
    ]


def purge(records: Records, older_than_days: int) -> int:
    """Store aggregates, then delete audit records (and their feedback) older than N days."""
    cutoff = utcnow() - timedelta(days=older_than_days)
    store_daily(records, days=max(older_than_days + 400, 400))
    with records.session() as s:
        old = [r.id for r in s.scalars(select(AnswerRecord).where(AnswerRecord.at < cutoff))]
        if old:
            s.execute(delete(Feedback).where(Feedback.answer_id.in_(old)))
            s.execute(delete(AnswerRecord).where(AnswerRecord.id.in_(old)))
    return len(old)
