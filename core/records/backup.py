"""Backup and restore: every records table as JSON lines, every vector collection as a
snapshot, and the alias — restorable into a fresh home (SQLite or Postgres alike).

Embedded engine: a collection snapshot is its flushed shard folder (qdrant-edge cannot
create snapshots itself). Qdrant server: use the server's own snapshot API (README).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, insert, select

from core.errors import CairnError
from core.records import Records
from core.records.rows import Base
from core.store import VectorStore

FORMAT = 1


def _encode(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def backup(records: Records, store: VectorStore, alias: str, dest: Path) -> dict[str, Any]:
    """Write the backup folder; returns its manifest."""
    if dest.exists() and any(dest.iterdir()):
        raise CairnError(f"backup folder {dest} is not empty")
    (dest / "records").mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    with records.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            rows = conn.execute(select(table)).mappings().all()
            with (dest / "records" / f"{table.name}.jsonl").open("w") as fh:
                for row in rows:
                    fh.write(json.dumps({k: _encode(v) for k, v in row.items()}) + "\n")
            counts[table.name] = len(rows)
    collections = []
    for version in records.versions():
        if store.has_collection(version.collection):
            store.snapshot(version.collection, dest / "vectors" / version.collection)
            collections.append(version.collection)
    manifest = {
        "format": FORMAT,
        "alias": alias,
        "live": store.resolve_alias(alias),
        "collections": collections,
        "rows": counts,
    }
    (dest / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return manifest


def restore(records: Records, store: VectorStore, src: Path) -> dict[str, Any]:
    """Load a backup into an empty home."""
    manifest_file = src / "manifest.json"
    if not manifest_file.exists():
        raise CairnError(f"{src} is not a Cairn backup (no manifest.json)")
    manifest: dict[str, Any] = json.loads(manifest_file.read_text())
    if manifest.get("format") != FORMAT:
        raise CairnError(f"unsupported backup format {manifest.get('format')!r}")
    if records.versions():
        raise CairnError("the target already holds index versions; restore into an empty home")
    with records.engine.begin() as conn:
        for table in Base.metadata.sorted_tables:
            path = src / "records" / f"{table.name}.jsonl"
            if not path.exists():
                continue
            rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
            for row in rows:
                for column in table.columns:
                    if isinstance(column.type, DateTime) and row.get(column.name):
                        row[column.name] = datetime.fromisoformat(row[column.name])
            if rows:
                conn.execute(insert(table), rows)
    for name in manifest["collections"]:
        store.restore_snapshot(name, src / "vectors" / name)
    if manifest.get("live"):
        store.set_alias(manifest["alias"], manifest["live"])
    return manifest
