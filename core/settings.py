"""Settings: one nested pydantic-settings tree, read from ``CAIRN_*`` environment variables.

Nested fields use a double underscore: ``CAIRN_QDRANT__URL``, ``CAIRN_EMBEDDING__BACKEND``.
Every knob has a description; docs/configuration.md is generated from them
(``python -m tools.config_doc``).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class QdrantSettings(BaseModel):
    """Vector engine: embedded (default) or a Qdrant server when ``url`` is set."""

    url: str | None = Field(
        None, description="Qdrant server URL; unset = the embedded engine under `home`"
    )
    api_key: str | None = Field(None, description="Qdrant server API key")
    alias: str = Field("cairn", description="alias naming the live index version")
    timeout_s: float = Field(30.0, gt=0, description="Qdrant client timeout in seconds")


class EmbeddingSettings(BaseModel):
    """Which embedding backend computes the dense vectors."""

    backend: Literal["auto", "openvino", "torch", "fake"] = Field(
        "auto",
        description="auto (OpenVINO int8, else torch fp32), openvino, torch, fake (tests only)",
    )
    batch_size: int = Field(32, ge=1, le=1024, description="texts per inference batch")
    threads: int = Field(0, ge=0, description="inference threads; 0 = all cores")
    bf16: bool = Field(
        False,
        description="Run the int8 model's float ops in bf16 where the CPU has bf16 units. "
        "Off by default: on AMX CPUs it drops some passages' cosine to fp32 to 0.87 "
        "(tests/core/test_embedding.py) for a few per cent of speed.",
    )
    calibration_size: int = Field(
        300, ge=16, le=5000, description="passages of your corpus that calibrate int8 quantization"
    )


class ChunkingSettings(BaseModel):
    """How parsed documents are split; recorded with each index version."""

    chunk_tokens: int = Field(200, ge=32, le=256, description="max MiniLM tokens per chunk")
    overlap_tokens: int = Field(
        32, ge=0, le=128, description="token overlap between chunks of one section"
    )


class IngestSettings(BaseModel):
    """Limits and batching for ``cairn ingest``."""

    max_file_mb: float = Field(20.0, gt=0, description="larger files are reported, not read")
    batch_chunks: int = Field(256, ge=1, description="chunks embedded and stored per batch")
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
    ocr: bool = Field(
        True,
        description="read image files, image-only PDF pages and pictures of text placed on "
        "PDF pages with tesseract (where it is installed); a page with a text layer is "
        "never OCR'd itself",
    )
    ocr_languages: list[str] = Field(
        default_factory=lambda: ["eng"],
        description="tesseract language packs to read with (each needs its Debian package, "
        "e.g. tesseract-ocr-deu for deu)",
    )
    ocr_command: str = Field(
        "tesseract", description="the tesseract program (a name on PATH or a path)"
    )
    ocr_min_confidence: float = Field(
        60.0, ge=0, le=100, description="OCR'd pages below this mean word confidence are flagged"
    )
    ocr_dpi: int = Field(300, ge=72, le=600, description="resolution scanned PDF pages are read at")
    ocr_timeout_s: float = Field(120.0, gt=0, description="longest tesseract may take per image")
    max_image_pixels: int = Field(
        60_000_000,
        ge=1,
        description="larger images are refused before they are decoded (60 MP: an A4 page "
        "at 600 dpi is 35 MP)",
    )
    max_uncompressed_mb: float = Field(
        256.0,
        gt=0,
        description=".docx/.xlsx/.pptx files (zip containers) that would unpack to more than "
        "this are refused before reading (zip bombs)",
    )
    max_sheet_rows: int = Field(
        5000,
        ge=1,
        description="rows read per spreadsheet sheet or CSV file; a longer sheet is "
        "truncated, summarised and flagged",
    )
    max_mime_parts: int = Field(
        500, ge=1, description="e-mails with more MIME parts are refused before parsing"
    )
    convert_timeout_s: float = Field(
        120.0, gt=0, description="longest LibreOffice may take to convert a .doc/.ppt/.xls"
    )
    access: dict[str, list[str]] = Field(
        default_factory=dict,
        description="access groups by path prefix relative to the corpus root, e.g. "
        '{"hr/": ["people-ops"]}, for folders that cannot hold an _access.yaml; '
        "the longest matching prefix wins, and an _access.yaml in the folders wins over both",
    )


class QueueSettings(BaseModel):
    """Scale-out: ``cairn sync`` hands fetch + parse + embed to ``cairn worker`` processes."""

    broker_url: str | None = Field(
        None,
        description="Celery broker, e.g. amqp://guest:guest@rabbitmq:5672// or "
        "redis://redis:6379/1; unset = `cairn sync` does all the work in-process",
    )
    result_backend: str = Field(
        "rpc://",
        description="where workers send batch results back to `cairn sync` (rpc:// = "
        "over the broker; a redis:// URL with a Redis broker)",
    )
    batch_items: int = Field(8, ge=1, le=1000, description="source items per queued task")
    visibility_timeout_s: int = Field(
        3600,
        ge=60,
        description="Redis broker: a task not acknowledged this long is handed to another "
        "worker; keep it above the longest batch (RabbitMQ redelivers when a worker's "
        "connection drops, and ignores this)",
    )
    max_retries: int = Field(
        3, ge=0, le=20, description="retries of a batch that raised, with exponential backoff"
    )
    result_timeout_s: float = Field(
        3600.0, gt=0, description="`cairn sync` gives up on a batch result after this long"
    )
    queue_name: str = Field("cairn.ingest", description="the Celery queue the batches go to")


ASYMMETRIC_ALGORITHMS = {
    *(f"{family}{bits}" for family in ("RS", "PS", "ES") for bits in (256, 384, 512)),
    "EdDSA",
}


class OidcSettings(BaseModel):
    """Single sign-on: bearer tokens (JWTs) from an OpenID Connect provider."""

    issuer: str | None = Field(
        None,
        description="the provider's issuer URL, exactly as its tokens carry it, e.g. "
        "https://sso.example.com/realms/acme; unset = single sign-on is off",
    )
    audience: str | None = Field(
        None,
        description="the `aud` a token for Cairn carries (Cairn's client id, or the "
        "audience of its API); required with the issuer",
    )
    jwks_url: str | None = Field(
        None, description="the signing keys' URL; unset = from the issuer's discovery document"
    )
    groups_claim: str = Field(
        "groups",
        description="claim holding the user's groups: a list or a space-separated string; "
        "dots reach into objects, e.g. realm_access.roles",
    )
    group_map: dict[str, str] = Field(
        default_factory=dict,
        description='provider group → Cairn group, e.g. {"hr-staff": "people-ops"}; '
        "unmapped groups keep their names",
    )
    admin_group: str | None = Field(
        None, description="provider group whose members are admins (every group, admin routes)"
    )
    name_claim: str = Field(
        "email",
        description="claim naming the user: the principal is `oidc:` and its value "
        "(falls back to sub)",
    )
    algorithms: list[str] = Field(
        default_factory=lambda: ["RS256", "PS256", "ES256", "EdDSA"],
        description="accepted signing algorithms (asymmetric only: none and HS* are refused)",
    )
    leeway_s: int = Field(60, ge=0, le=600, description="clock skew allowed on exp, nbf and iat")
    jwks_cache_s: int = Field(3600, ge=0, description="signing keys are fetched again after this")
    jwks_min_refresh_s: int = Field(
        30,
        ge=0,
        description="a token signed with an unknown key (a rotation) fetches the keys again, "
        "at most this often",
    )
    timeout_s: float = Field(5.0, gt=0, description="seconds before a call to the provider fails")

    @model_validator(mode="after")
    def _complete(self) -> OidcSettings:
        if self.issuer and not self.audience:
            raise ValueError("CAIRN_AUTH__OIDC__AUDIENCE is required with an issuer")
        unsafe = set(self.algorithms) - ASYMMETRIC_ALGORITHMS
        if unsafe:
            raise ValueError(f"only asymmetric signing algorithms are accepted, not {unsafe}")
        return self


class AuthSettings(BaseModel):
    """API keys, the admin key, anonymous access and single sign-on (OIDC)."""

    secret: str | None = Field(
        None, description="HMAC secret for API key hashes; generated into <home> if unset"
    )
    admin_key: str | None = Field(
        None, description="the admin key: every group, and the admin endpoints"
    )
    anonymous: bool = Field(False, description="allow requests without a key (`make up` does)")
    anonymous_groups: list[str] = Field(
        default_factory=lambda: ["everyone"], description="groups of anonymous callers"
    )
    oidc: OidcSettings = OidcSettings()


class AnswerSettings(BaseModel):
    """Retrieval, answering, grounding and refusal knobs."""

    answerer: Literal["extractive", "llm"] = Field(
        "extractive", description="extractive (quotes the documents) or llm (CAIRN_LLM__*)"
    )
    top_k: int = Field(5, ge=1, le=50, description="passages given to the answerer")
    window: int = Field(
        2,
        ge=0,
        le=50,
        description="the best passages read on into the next chunk of their section "
        "(a fact just after a chunk's cut); 0 turns it off",
    )
    dense_weight: float = Field(
        0.7,
        ge=0,
        description="weight of the dense cosine in score fusion (the answerability model "
        "was fitted with 0.7/0.3: refit it if you change the weights)",
    )
    sparse_weight: float = Field(
        0.3, ge=0, description="weight of the normalised BM25 score in score fusion"
    )
    rerank_weight: float = Field(
        0.3, ge=0, le=5, description="weight of the lexical best-sentence rerank bonus"
    )
    rerank_depth: int = Field(10, ge=1, le=100, description="fused passages the rerank reorders")
    dense_pin: int = Field(
        1,
        ge=0,
        le=10,
        description="the embedding's nearest chunks kept among the passages even when "
        "fusion ranks them lower (a question phrased unlike its passage); 0 turns it off",
    )
    scope_weight: float = Field(
        0.1,
        ge=0,
        le=5,
        description="rerank bonus of a document the question names by a capitalised word",
    )
    max_sentences: int = Field(4, ge=1, le=10, description="sentences in an extractive answer")
    sentence_cache: int = Field(
        50_000, ge=0, description="document sentence vectors kept across requests (0 = off)"
    )
    min_confidence: float = Field(
        0.3846,
        ge=0,
        le=1,
        description="refuse below this confidence; the default is the answerability model's "
        "fitted threshold (9 % false abstention on held-out SQuAD2-dev questions, "
        "out-of-fold; the model also learns from the workplace tune halves)",
    )
    min_support: float = Field(
        0.5, ge=0, le=1, description="a sentence is supported by its passage at or above this"
    )
    min_support_generated: float = Field(
        0.75,
        ge=0,
        le=1,
        description="the bar for sentences a model wrote (the LLM answerer), which must also "
        "name only what their passage names; quotes are held to min_support",
    )
    grounding_policy: Literal["drop", "refuse"] = Field(
        "drop", description="drop unsupported sentences, or refuse the whole answer"
    )
    max_question_chars: int = Field(
        2000, ge=10, description="longer questions are rejected (HTTP 422)"
    )
    review_below: float = Field(
        0.45, ge=0, le=1, description="answers under this confidence go to the review queue"
    )
    approved_similarity: float = Field(
        0.92, ge=0.5, le=1, description="question similarity at which an approved answer is reused"
    )


class TablesSettings(BaseModel):
    """Structured data: the semantic model file (unset: tables are off)."""

    model: Path | None = Field(
        None, description="semantic model YAML for table questions; unset = tables are off"
    )
    sql: Literal["planner", "planner+llm"] = Field(
        "planner",
        description="planner+llm: questions the planner cannot express go to the LLM "
        "(CAIRN_LLM__*), whose SQL runs only if it validates against the model",
    )


class ApiSettings(BaseModel):
    """HTTP hardening: body size, per-caller rate limit, CORS."""

    max_body_bytes: int = Field(65536, ge=1024, description="larger request bodies get a 413")
    rate_limit_per_minute: int = Field(
        120, ge=0, description="requests per caller per minute; 0 = unlimited"
    )
    cors_origins: list[str] = Field(
        default_factory=list,
        description='allowed browser origins, e.g. ["https://intranet.example"]',
    )
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

    base_url: str | None = Field(
        None, description="OpenAI-compatible endpoint, e.g. http://localhost:8080/v1"
    )
    api_key: str | None = Field(None, description="bearer key for the endpoint")
    model: str = Field("local", description="model name sent with each request")
    timeout_s: float = Field(60.0, gt=0, description="seconds before a call fails")
    max_tokens: int = Field(512, ge=1, description="most tokens one completion may generate")


class Settings(BaseSettings):
    """Root of the settings tree."""

    model_config = SettingsConfigDict(
        env_prefix="CAIRN_", env_nested_delimiter="__", extra="ignore"
    )

    home: Path = Field(
        Path(".cairn"), description="data folder: embedded vectors, SQLite records, models"
    )
    models_dir: Path | None = Field(
        None, description="cache of the quantized embedding model; unset = <home>/models"
    )
    database_url: str | None = Field(
        None,
        description="records DB URL, e.g. postgresql://postgres@127.0.0.1:5432/test; "
        "unset = SQLite in <home>",
    )
    qdrant: QdrantSettings = QdrantSettings()
    embedding: EmbeddingSettings = EmbeddingSettings()
    chunking: ChunkingSettings = ChunkingSettings()
    ingest: IngestSettings = IngestSettings()
    queue: QueueSettings = QueueSettings()
    auth: AuthSettings = AuthSettings()
    answer: AnswerSettings = AnswerSettings()
    llm: LlmSettings = LlmSettings()
    api: ApiSettings = ApiSettings()
    tables: TablesSettings = TablesSettings()
    sources: Path | None = Field(
        None,
        description="sources.yaml declaring the live sources `cairn sync` and `cairn scheduler` "
        "use (docs/sources.md); `--config` overrides it",
    )
    redis_url: str | None = Field(
        None,
        description="share the answer cache across API workers, e.g. redis://127.0.0.1:6379/0",
    )
    retention_days: int = Field(365, ge=1, description="`cairn purge` deletes older questions")
    eval_reports: Path = Field(
        Path("eval/reports"), description="where the API finds the latest eval report"
    )

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
