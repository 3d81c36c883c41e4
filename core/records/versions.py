"""Index versions: which collection is live, building a new one, promote and rollback.

The vector store's alias (``cairn`` by default) names the live collection; the records
DB keeps what each version was built with and the event history.
"""

from __future__ import annotations

from typing import Any

from core.errors import Conflict, GateFailed, IndexMismatch, IndexNotFound, StoreError
from core.records import IndexVersion, Records
from core.settings import Settings
from core.store import VectorStore


def chunking_config(settings: Settings) -> dict[str, Any]:
    """The chunking settings recorded with (and compared against) a version."""
    return {**settings.chunking.model_dump(), "splitter": "sentence", "tokenizer": "minilm"}


def live_version(records: Records, store: VectorStore, alias: str) -> IndexVersion | None:
    """The version the alias points at, if any."""
    target = store.resolve_alias(alias)
    if target is None:
        return None
    row = records.version_of(target)
    if row is not None:
        return row
    raise IndexNotFound(f"alias {alias!r} points at {target}, which the records DB does not know")


def check_compatible(row: IndexVersion, model_id: str, dim: int) -> None:
    """Raise IndexMismatch when the index was embedded by another model or dimension."""
    if row.model_id != model_id:
        raise IndexMismatch("embedding model", row.model_id, model_id)
    if row.dim != dim:
        raise IndexMismatch("embedding dimension", row.dim, dim)


def check_chunking(row: IndexVersion, settings: Settings) -> None:
    """Raise IndexMismatch when syncing with other chunking settings than the build's."""
    if row.chunking != chunking_config(settings):
        raise IndexMismatch("chunking config", row.chunking, chunking_config(settings))


def promote(
    records: Records, store: VectorStore, alias: str, number: int, force: bool = False
) -> IndexVersion:
    """Point the alias at a ready version; refuse one whose latest eval failed its gate
    (``force`` overrides, and the override is recorded in the event history)."""
    row = records.version(number)
    verdict = records.latest_eval(number)
    if verdict is not None and verdict.passed is False:
        if not force:
            raise GateFailed(
                f"index version {number} failed its eval gate ({verdict.dataset}, "
                f"{verdict.at:%Y-%m-%d %H:%M}); fix it or promote with --force"
            )
        records.log_event("promote-forced", number, f"overrode failed gate of eval {verdict.id}")
    if row.status != "ready":
        raise Conflict(f"index version {number} is {row.status}, not ready")
    if not store.has_collection(row.collection):
        raise StoreError(f"collection {row.collection} of version {number} is missing")
    previous = live_version(records, store, alias)
    store.set_alias(alias, row.collection)
    detail = f"from v{previous.version}" if previous else "first live version"
    records.log_event("promote", number, detail)
    return row


def rollback(records: Records, store: VectorStore, alias: str) -> IndexVersion:
    """Go back to the version that was live before the current one."""
    current = live_version(records, store, alias)
    if current is None:
        raise Conflict("no live index to roll back from")
    for event in records.events(limit=500):
        if event.action in ("promote", "rollback") and event.version != current.version:
            candidate = records.version(event.version)
            if candidate.status == "ready" and store.has_collection(candidate.collection):
                store.set_alias(alias, candidate.collection)
                records.log_event("rollback", candidate.version, f"from v{current.version}")
                return candidate
    raise Conflict("no earlier ready version to roll back to")
