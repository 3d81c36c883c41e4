"""The records DB: the ``Records`` repository, its rows, and one module per concern.

Modules: ``audit`` (answers, feedback), ``cache`` (answer cache), ``review`` (review
queue, approved answers), ``monitor`` (aggregates, drift, gaps, retention), ``versions``
(live index, promote, rollback), ``runs`` (source sync runs), ``backup`` (backup and restore).
"""

from __future__ import annotations

from core.records.repository import ManifestSummary, Records, driver_url
from core.records.rows import (
    AnswerRecord,
    ApiKey,
    ApprovedAnswer,
    Base,
    CacheEntry,
    DailyAggregate,
    EvalRun,
    Feedback,
    IndexEvent,
    IndexVersion,
    ManifestRow,
    ReviewItem,
    SourceRun,
    utcnow,
)

__all__ = [
    "AnswerRecord",
    "ApiKey",
    "ApprovedAnswer",
    "Base",
    "CacheEntry",
    "DailyAggregate",
    "EvalRun",
    "Feedback",
    "IndexEvent",
    "IndexVersion",
    "ManifestRow",
    "ManifestSummary",
    "Records",
    "ReviewItem",
    "SourceRun",
    "driver_url",
    "utcnow",
]
