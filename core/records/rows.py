"""Every records table (SQLAlchemy 2 declarative models), in one place.

Query helpers live beside their users: ``core.records`` (versions, manifest),
``core.access`` (API keys), ``core.records.audit`` (answers, feedback, answer cache).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    """Timezone-aware now (stored as UTC)."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base of every records table."""

    type_annotation_map = {dict[str, Any]: JSON, list[str]: JSON}


class IndexVersion(Base):
    """One built (or building) index version and what it was built with."""

    __tablename__ = "index_versions"
    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    collection: Mapped[str] = mapped_column(String(128))
    model_id: Mapped[str] = mapped_column(String(256))
    backend: Mapped[str] = mapped_column(String(64))
    dim: Mapped[int] = mapped_column(Integer)
    chunking: Mapped[dict[str, Any]]
    corpus_root: Mapped[str] = mapped_column(Text)
    corpus_hash: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[str] = mapped_column(String(16), default="building")
    revision: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ManifestRow(Base):
    """One source file in one index version: its hash, chunks and outcome."""

    __tablename__ = "manifest"
    __table_args__ = (UniqueConstraint("version", "path"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    version: Mapped[int] = mapped_column(ForeignKey("index_versions.version", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(String(1024))
    doc_id: Mapped[str] = mapped_column(String(64))
    doc_hash: Mapped[str] = mapped_column(String(64))
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(Text, default=None)
    title: Mapped[str] = mapped_column(Text, default="")
    groups: Mapped[list[str]]
    access_defaulted: Mapped[bool] = mapped_column(default=True)
    chunk_ids: Mapped[list[str]]
    size_bytes: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    @property
    def chunk_count(self) -> int:
        """How many chunks the file has in this version."""
        return len(self.chunk_ids)


class IndexEvent(Base):
    """Promote/rollback/build history, for the operator's audit trail."""

    __tablename__ = "index_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    action: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer)
    detail: Mapped[str] = mapped_column(Text, default="")


class ApiKey(Base):
    """An API key (stored as an HMAC of the key, never in clear) and its principal."""

    __tablename__ = "api_keys"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    groups: Mapped[list[str]]
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class AnswerRecord(Base):
    """The audit record of one answer; ``response`` replays it byte for byte."""

    __tablename__ = "answers"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    principal: Mapped[str] = mapped_column(String(128), index=True)
    groups: Mapped[list[str]]
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    citations: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    index_version: Mapped[int] = mapped_column(Integer)
    index_revision: Mapped[int] = mapped_column(Integer)
    answerer: Mapped[str] = mapped_column(String(64))
    confidence: Mapped[float] = mapped_column(Float)
    grounded: Mapped[bool] = mapped_column(Boolean)
    refused: Mapped[bool] = mapped_column(Boolean, index=True)
    cached: Mapped[bool] = mapped_column(Boolean, default=False)
    latency_ms: Mapped[float] = mapped_column(Float)
    top_score: Mapped[float] = mapped_column(Float, default=0.0)
    response: Mapped[str] = mapped_column(Text)


class Feedback(Base):
    """A thumbs up/down (with optional comment) on an answer."""

    __tablename__ = "feedback"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    answer_id: Mapped[str] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    principal: Mapped[str] = mapped_column(String(128))
    helpful: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str] = mapped_column(Text, default="")


class EvalRun(Base):
    """One `cairn eval` of an index version, and whether it passed its gate."""

    __tablename__ = "eval_runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, index=True)
    dataset: Mapped[str] = mapped_column(String(256))
    passed: Mapped[bool | None] = mapped_column(Boolean, default=None)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON)
    report: Mapped[str] = mapped_column(Text, default="")


class ReviewItem(Base):
    """An answer waiting for a person: thumbs-down, low confidence, frequent refusal, expiry."""

    __tablename__ = "review_items"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    answer_id: Mapped[str | None] = mapped_column(String(36), default=None)
    question: Mapped[str] = mapped_column(Text)
    groups: Mapped[list[str]]
    reason: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    reviewer: Mapped[str | None] = mapped_column(String(128), default=None)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    note: Mapped[str] = mapped_column(Text, default="")


class ApprovedAnswer(Base):
    """A person-approved answer, served for the same or a near-duplicate question until a
    cited chunk changes or disappears."""

    __tablename__ = "approved_answers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    question: Mapped[str] = mapped_column(Text)
    vector: Mapped[list[float]] = mapped_column(JSON)
    groups: Mapped[list[str]]
    answer: Mapped[str] = mapped_column(Text)
    citations: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    reviewer: Mapped[str] = mapped_column(String(128))
    approved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="active", index=True)
    expired_reason: Mapped[str] = mapped_column(Text, default="")
    review_id: Mapped[int | None] = mapped_column(Integer, default=None)


class DailyAggregate(Base):
    """Per-day quality aggregates; kept when old questions are purged."""

    __tablename__ = "daily_aggregates"
    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON)


class CacheEntry(Base):
    """Answer cache: same key (question, groups, index version+revision, answerer) → same bytes."""

    __tablename__ = "answer_cache"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    response: Mapped[str] = mapped_column(Text)


class SourceRun(Base):
    """One sync of a named source (``sources.yaml``): when, outcome and counts, and the
    version token of every item it saw (ETags for the next run's conditional requests)."""

    __tablename__ = "source_runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(128), index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    status: Mapped[str] = mapped_column(String(16), default="running")
    trigger: Mapped[str] = mapped_column(String(16), default="manual")
    items: Mapped[int] = mapped_column(Integer, default=0)
    added: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    removed: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    tokens: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
