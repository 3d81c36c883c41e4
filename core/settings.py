"""Settings: one nested pydantic-settings tree, read from ``CAIRN_*`` environment variables.

Nested fields use a double underscore: ``CAIRN_QDRANT__URL``, ``CAIRN_EMBEDDING__BACKEND``.
Every knob is listed in the README's configuration table.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class QdrantSettings(BaseModel):
    """Vector engine: embedded (default) or a Qdrant server when ``url`` is set."""

    url: str | None = None
    api_key: str | None = None
    alias: str = "cairn"
    timeout_s: float = 30.0


class EmbeddingSettings(BaseModel):
    """Which embedding backend computes the dense vectors."""

    backend: Literal["auto", "openvino", "torch", "fake"] = "auto"
    batch_size: int = Field(32, ge=1, le=1024)
    threads: int = Field(0, ge=0, description="0 = all cores")
    bf16: bool = True
    calibration_size: int = Field(300, ge=16, le=5000)


class ChunkingSettings(BaseModel):
    """How parsed documents are split; recorded with each index version."""

    chunk_tokens: int = Field(200, ge=32, le=256)
    overlap_tokens: int = Field(32, ge=0, le=128)


class IngestSettings(BaseModel):
    """Limits and batching for ``cairn ingest``."""

    max_file_mb: float = Field(20.0, gt=0)
    batch_chunks: int = Field(256, ge=1)
    min_free_mb: int = Field(
        256,
        ge=0,
        description="stop ingest (cleanly, resumable) before free space on the index folder "
        "drops below this; the embedded engine's memory-mapped files cannot fail softly",
    )
    min_chars: int = Field(40, ge=0, description="documents shorter than this are flagged")
    languages: list[str] = Field(
        default_factory=lambda: ["eng"],
        description='ISO 639-3 codes for the parser heuristics; ["auto"] detects per document',
    )


class AuthSettings(BaseModel):
    """API keys, the admin key and anonymous access."""

    secret: str | None = Field(
        None, description="HMAC secret for API key hashes; generated into <home> if unset"
    )
    admin_key: str | None = None
    anonymous: bool = False
    anonymous_groups: list[str] = Field(default_factory=lambda: ["everyone"])


class AnswerSettings(BaseModel):
    """Retrieval, answering, grounding and refusal knobs."""

    answerer: Literal["extractive", "llm"] = "extractive"
    top_k: int = Field(5, ge=1, le=50)
    dense_weight: float = Field(0.7, ge=0)
    sparse_weight: float = Field(0.3, ge=0)
    rerank_weight: float = Field(0.3, ge=0, le=5)
    rerank_depth: int = Field(10, ge=1, le=100)
    max_sentences: int = Field(3, ge=1, le=10)
    sentence_cache: int = Field(
        50_000, ge=0, description="document sentence vectors kept across requests (0 = off)"
    )
    min_confidence: float = Field(
        0.3214,
        ge=0,
        le=1,
        description="refuse below this confidence; the default is the answerability model's "
        "fitted threshold (9 % false abstention on held-out SQuAD2-dev questions)",
    )
    min_support: float = Field(0.5, ge=0, le=1)
    grounding_policy: Literal["drop", "refuse"] = "drop"
    max_question_chars: int = Field(2000, ge=10)
    review_below: float = Field(
        0.45, ge=0, le=1, description="answers under this confidence go to the review queue"
    )
    approved_similarity: float = Field(0.92, ge=0.5, le=1)


class TablesSettings(BaseModel):
    """Structured data: the semantic model file (unset: tables are off)."""

    model: Path | None = None
    sql: Literal["planner", "planner+llm"] = Field(
        "planner",
        description="planner+llm: questions the planner cannot express go to the LLM "
        "(CAIRN_LLM__*), whose SQL runs only if it validates against the model",
    )


class ApiSettings(BaseModel):
    """HTTP hardening: body size, per-caller rate limit, CORS."""

    max_body_bytes: int = Field(65536, ge=1024)
    rate_limit_per_minute: int = Field(120, ge=0, description="0 = unlimited")
    cors_origins: list[str] = Field(default_factory=list)
    threads: int = Field(
        0,
        ge=0,
        le=1000,
        description="threads running request handlers; 0 = auto: 4 per CPU with the "
        "extractive answerer (CPU-bound: fewer threads queue instead of sharing the CPU "
        "ever more thinly), 40 (AnyIO's default) when requests wait on an LLM",
    )


class LlmSettings(BaseModel):
    """Optional OpenAI-compatible answerer."""

    base_url: str | None = None
    api_key: str | None = None
    model: str = "local"
    timeout_s: float = 60.0
    max_tokens: int = 512


class Settings(BaseSettings):
    """Root of the settings tree."""

    model_config = SettingsConfigDict(
        env_prefix="CAIRN_", env_nested_delimiter="__", extra="ignore"
    )

    home: Path = Path(".cairn")
    models_dir: Path | None = None
    database_url: str | None = None
    qdrant: QdrantSettings = QdrantSettings()
    embedding: EmbeddingSettings = EmbeddingSettings()
    chunking: ChunkingSettings = ChunkingSettings()
    ingest: IngestSettings = IngestSettings()
    auth: AuthSettings = AuthSettings()
    answer: AnswerSettings = AnswerSettings()
    llm: LlmSettings = LlmSettings()
    api: ApiSettings = ApiSettings()
    tables: TablesSettings = TablesSettings()
    redis_url: str | None = None
    retention_days: int = Field(365, ge=1, description="`cairn purge` deletes older questions")
    eval_reports: Path = Path("eval/reports")

    @property
    def records_url(self) -> str:
        """SQLAlchemy URL of the records DB: ``database_url`` or a SQLite file in ``home``."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.home / 'records.db').resolve()}"

    @property
    def vectors_path(self) -> Path:
        """Folder of the embedded vector engine."""
        return self.home / "vectors"

    @property
    def models_path(self) -> Path:
        """Folder where converted/quantized embedding models are cached."""
        return self.models_dir or self.home / "models"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
