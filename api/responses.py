"""Response bodies of the HTTP API. Rows of the records DB map to them ``from_attributes``;
routes return these models, never hand-built dicts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from core.schema import Citation


class Public(BaseModel):
    """Base for responses built from records rows."""

    model_config = ConfigDict(from_attributes=True)


class Status(BaseModel):
    """A one-word outcome."""

    status: str


class Readiness(BaseModel):
    """GET /readyz: ready, and what each check found."""

    ready: bool
    checks: dict[str, str | int]


class IndexVersionPublic(Public):
    """One index version with its build settings."""

    version: int
    live: bool = False
    status: str
    model_id: str
    backend: str
    dim: int
    chunking: dict[str, Any]
    revision: int
    created_at: datetime


class LiveVersion(BaseModel):
    """The version that is live after a promote or rollback."""

    live: int


class SourceFile(Public):
    """One file of the live index version."""

    path: str
    title: str
    status: str
    chunks: int = Field(validation_alias="chunk_count")
    groups: list[str]
    access_defaulted: bool = Field(description="no access rule: visible to everyone by default")
    error: str | None
    size_bytes: int
    updated_at: datetime


class ItemFailure(BaseModel):
    """An item of a live source that is not indexed, and why."""

    item: str = Field(description="the item's id at its source (path, key or URL)")
    reason: str


class LiveSourcePublic(BaseModel):
    """One source of sources.yaml and its latest sync run."""

    name: str
    type: str
    location: str = Field(description="its path, URL, bucket or repository")
    schedule: str | None
    last_run: datetime | None
    finished_at: datetime | None = Field(description="when the last run ended (null: running)")
    trigger: str | None = Field(description="what started the last run: manual, schedule, api")
    status: str = Field(description="ok, failed, running, or never")
    items: int
    added: int
    updated: int
    removed: int
    failed: int
    error: str = Field(description="why the last run failed as a whole (nothing was changed)")
    failures: list[ItemFailure] = Field(
        description="items whose last attempt failed, with the reason"
    )
    next_run: datetime | None


class SyncStarted(Public):
    """POST /admin/sources/{name}/sync: the run that started in the background; follow it
    in GET /admin/sources."""

    id: int = Field(description="the run's id in the records DB (source_runs)")
    source: str
    trigger: str
    status: str
    started_at: datetime


class SourceFindings(BaseModel):
    """The data-quality findings the manifest holds, every path of each."""

    not_indexed: list[str] = Field(description="failed, skipped or empty files")
    near_empty: list[str]
    duplicates: list[list[str]] = Field(description="groups of files with identical bytes")
    no_access_rule: list[str]
    no_access_rule_anywhere: bool = Field(
        description="true when no file has an access rule (add an _access.yaml)"
    )


class SourcesPublic(BaseModel):
    """GET /admin/sources: the live version, its files and data-quality findings, and the
    live sources declared in sources.yaml (CAIRN_SOURCES) with their sync status."""

    version: int
    revision: int
    corpus_root: str
    last_sync: datetime
    files: list[SourceFile]
    findings: SourceFindings
    sources: list[LiveSourcePublic] = Field(default_factory=list)


class SourceDocument(BaseModel):
    """GET /sources/{doc_id}: a parsed document, and the cited passage when asked for."""

    doc_id: str
    source: str
    title: str
    groups: list[str]
    text: str
    length: int
    span: tuple[int, int] | None = None
    passage: str | None = None


class AuditEntry(Public):
    """One audited answer (GET /answers)."""

    id: str
    at: datetime
    principal: str
    question: str
    answer: str
    refused: bool
    grounded: bool
    confidence: float
    citations: list[dict[str, Any]]
    index_version: int
    answerer: str
    latency_ms: float


class FeedbackSaved(Public):
    """POST /answers/{id}/feedback."""

    id: int
    answer_id: str
    helpful: bool


class FeedbackEntry(BaseModel):
    """GET /admin/feedback: feedback with the answer it is about."""

    id: int
    at: datetime
    helpful: bool
    comment: str
    principal: str
    answer_id: str
    question: str
    answer: str
    refused: bool
    citations: list[dict[str, Any]]


class DayAggregate(BaseModel):
    """One day's rates (questions, refusal, grounded, thumbs-down, top score, latency)."""

    model_config = ConfigDict(extra="allow")

    day: str


class Drift(BaseModel):
    """The last window against the baseline before it."""

    window: dict[str, float]
    baseline: dict[str, float]
    top_score_psi: float
    refusal_rate_change: float
    drift: bool
    alerts: list[str]


class Unanswered(BaseModel):
    """A frequently refused question: a document to write."""

    question: str
    count: int
    groups: list[str]


class MonitorReport(BaseModel):
    """GET /admin/monitor."""

    daily: list[DayAggregate]
    drift: Drift
    top_unanswered: list[Unanswered]


class EvalSummary(BaseModel):
    """GET /admin/eval/latest: the newest evaluation report."""

    at: str | None
    dataset: str | None
    metrics: dict[str, float]
    gate: dict[str, Any] | None
    html: str


class ReviewItemPublic(Public):
    """One item of the review queue."""

    id: int
    created_at: datetime
    question: str
    groups: list[str]
    reason: str
    status: str
    answer_id: str | None
    reviewer: str | None
    note: str


class ReviewOutcome(BaseModel):
    """What a review action did."""

    status: str
    approved: int | None = None


class ChatMessage(BaseModel):
    """An OpenAI chat message."""

    role: str
    content: str


class Choice(BaseModel):
    """One OpenAI completion choice."""

    index: int
    message: ChatMessage
    finish_reason: str


class Usage(BaseModel):
    """OpenAI token usage (Cairn does not count tokens: zeros)."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0


class ChatCompletion(BaseModel):
    """POST /v1/chat/completions (non-streaming), with Cairn's citations alongside."""

    id: str
    object: str = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    usage: Usage = Usage()
    citations: list[Citation]
    cairn: dict[str, Any] = Field(description="the Cairn answer without its citations")


class ModelCard(BaseModel):
    """An OpenAI model: one answerer (``answerer``: extractive or llm:<model>)."""

    id: str
    object: str = "model"
    created: int
    owned_by: str = "cairn"
    answerer: str


class ModelList(BaseModel):
    """GET /v1/models."""

    object: str = "list"
    data: list[ModelCard]
