"""Answer cache: identical key → byte-identical answer.

Key = normalised question + caller groups + index version and revision + answerer
config + every answer setting (fusion weights, thresholds, policy: change one and old
answers are no longer served). Stored in the records DB, or in Redis when
``CAIRN_REDIS_URL`` is set (shared by all API workers). A new sync bumps the revision,
so stale answers are never served.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from typing import Protocol

from answer.overlap import lexicon
from core.records import Records
from core.records import cache as answer_cache
from core.settings import AnswerSettings


def normalise(question: str) -> str:
    """Case, Unicode form and whitespace do not change the key."""
    text = unicodedata.normalize("NFKC", question).casefold()
    return re.sub(r"\s+", " ", text).strip().rstrip("?!. ")


def cache_key(question: str, groups: list[str], version: int, revision: int, config: str) -> str:
    """The deterministic key."""
    material = json.dumps([normalise(question), sorted(groups), version, revision, config])
    return hashlib.sha256(material.encode()).hexdigest()


def answer_config(answerer_config: str, cfg: AnswerSettings) -> str:
    """The config part of the key: the answerer's own, the lexical tables that rerank
    and select sentences, and the answer settings."""
    return f"{answerer_config}|{lexicon()}|{cfg.model_dump_json()}"


class AnswerCache(Protocol):
    """Get/put serialised answers."""

    def get(self, key: str) -> str | None:
        """The stored bytes, if any."""

    def put(self, key: str, value: str) -> None:
        """Store (first write wins)."""


class RecordsCache:
    """Cache table in the records DB."""

    def __init__(self, records: Records) -> None:
        self.records = records

    def get(self, key: str) -> str | None:
        """Lookup."""
        return answer_cache.cache_get(self.records, key)

    def put(self, key: str, value: str) -> None:
        """Insert if absent."""
        answer_cache.cache_put(self.records, key, value)


class RedisCache:
    """Redis (``SET NX``), shared by every API worker."""

    def __init__(self, url: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=2)

    def get(self, key: str) -> str | None:
        """Lookup."""
        value = self.client.get(f"cairn:answer:{key}")
        return value.decode() if isinstance(value, bytes) else None

    def put(self, key: str, value: str) -> None:
        """Insert if absent."""
        self.client.set(f"cairn:answer:{key}", value, nx=True)
