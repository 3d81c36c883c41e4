"""One exception tree for the whole kernel.

Every failure a user can cause or meet is a ``CairnError`` subclass. The CLI turns
one into a single readable line and a non-zero exit; the API (later) maps each to a
problem-JSON response. Nothing above the kernel should need to catch library errors.
"""

from __future__ import annotations

__all__ = [
    "AccessDenied",
    "AuthError",
    "AuthUnavailable",
    "BadRequest",
    "CairnError",
    "ConfigError",
    "Conflict",
    "EmbedderError",
    "GateFailed",
    "IndexMismatch",
    "IndexNotFound",
    "IngestError",
    "NotFound",
    "RateLimited",
    "SourceBusy",
    "SourceUnavailable",
    "StoreError",
    "SyncCancelled",
    "SyncUnavailable",
    "UnknownAnswerer",
    "Unsupported",
    "UpstreamError",
    "VersionNotFound",
]


class CairnError(Exception):
    """Base of every error Cairn raises on purpose."""


class ConfigError(CairnError):
    """A setting is missing or invalid."""


class IngestError(CairnError):
    """A source could not be read, parsed or chunked (the message says why)."""


class Unsupported(IngestError):
    """A file Cairn cannot read here (its type, or a tool it needs is not installed): the
    report lists it as skipped, with the reason."""


class DiskFull(IngestError):
    """Too little free space to write the index safely; nothing stored so far is lost."""


class SourceUnavailable(IngestError):
    """A live source could not be listed (host down, 5xx, bad credentials, timeout): the
    sync stops before changing anything, so the index keeps what it had."""


class SourceBusy(CairnError):
    """Another sync of the same source is running; two never run at once."""


class SyncCancelled(CairnError):
    """A sync stopped early because its process is shutting down. Everything stored
    until then is consistent, and the next sync of the source finishes the work."""


class SyncUnavailable(CairnError):
    """This server cannot start syncs (it was built without a sync runner)."""


class EmbedderError(CairnError):
    """The embedding model could not be loaded or run."""


class StoreError(CairnError):
    """The vector store refused an operation or could not be reached."""


class RecordsUnavailable(CairnError):
    """The records DB (audit, keys, versions) cannot be reached: retry shortly."""

    retry_after = 5


class IndexNotFound(CairnError):
    """The requested index version (or the live alias) does not exist."""


class IndexMismatch(CairnError):
    """The index was built with another embedder or chunking than the one configured."""

    def __init__(self, what: str, index_value: object, configured_value: object) -> None:
        self.what = what
        self.index_value = index_value
        self.configured_value = configured_value
        super().__init__(
            f"index was built with {what} {index_value!r} but the configured {what} is "
            f"{configured_value!r}; use the same setting or rebuild with `cairn ingest --rebuild`"
        )


class AuthError(CairnError):
    """No, an invalid or a revoked API key; an invalid, expired or foreign OIDC token."""


class AuthUnavailable(CairnError):
    """The identity provider (discovery or signing keys) cannot be reached, and the
    token cannot be checked with the keys already known: fail closed, retry shortly."""

    retry_after = 5


class AccessDenied(CairnError):
    """The principal may not see or do this."""


class NotFound(CairnError):
    """The requested answer, document or resource does not exist (or is not visible)."""


class BadRequest(CairnError):
    """The request is well-formed JSON but cannot be served as asked."""


class UpstreamError(CairnError):
    """An external service (the LLM endpoint) failed or timed out."""


class GateFailed(CairnError):
    """An index version failed its evaluation gate and may not be promoted."""


class RateLimited(CairnError):
    """The caller sent more requests than its per-minute allowance."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(f"rate limit exceeded; retry in {retry_after} s")


class Conflict(CairnError):
    """The request cannot be done in the current state (nothing to roll back to, ...)."""


class VersionNotFound(NotFound):
    """No index version with that number."""


class UnknownAnswerer(NotFound):
    """No answerer (OpenAI: model) with that name."""
