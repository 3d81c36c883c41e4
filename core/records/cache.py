"""The answer cache's table in the records DB: get, and insert-if-absent."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from core.records.repository import Records
from core.records.rows import CacheEntry

__all__ = ["cache_get", "cache_put"]


def cache_get(records: Records, key: str) -> str | None:
    """Cached response bytes for a key."""
    with records.session() as s:
        row = s.get(CacheEntry, key)
        return row.response if row else None


def cache_put(records: Records, key: str, response: str) -> None:
    """Insert if absent (the first answer for a key wins, so repeats are identical)."""
    try:
        with records.writing() as s:
            if s.get(CacheEntry, key) is None:
                s.add(CacheEntry(key=key, response=response))
    except IntegrityError:  # a concurrent request stored the same key first
        pass
