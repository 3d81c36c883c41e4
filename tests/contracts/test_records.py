"""Records DB contract on SQLite and Postgres."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import SQLAlchemyError

from core.errors import VersionNotFound
from core.records import ManifestRow, Records


def _version(records: Records) -> int:
    row = records.new_version(
        model_id="m", backend="b", dim=8, chunking={"chunk_tokens": 200}, corpus_root="/c"
    )
    return row.version


def test_versions_are_numbered_and_updated(records: Records) -> None:
    first, second = _version(records), _version(records)
    assert (first, second) == (1, 2)
    records.update_version(second, status="ready", revision=3)
    row = records.version(second)
    assert (row.status, row.revision, row.chunking) == ("ready", 3, {"chunk_tokens": 200})
    assert [v.version for v in records.versions()] == [2, 1]
    with pytest.raises(VersionNotFound):
        records.version(99)


def _row(path: str, chunks: list[str]) -> ManifestRow:
    return ManifestRow(
        path=path,
        doc_id=f"id-{path}",
        doc_hash="h",
        fingerprint="f",
        status="ok",
        groups=["everyone"],
        chunk_ids=chunks,
        text="hello",
    )


def test_manifest_rows_replace_and_remove(records: Records) -> None:
    v = _version(records)
    records.save_rows(v, [_row("a.md", ["1", "2"]), _row("b.md", ["3"])], removed=[])
    records.save_rows(v, [_row("a.md", ["4"])], removed=["b.md"])
    manifest = records.manifest(v)
    assert set(manifest) == {"a.md"}
    assert manifest["a.md"].chunk_ids == ["4"]
    assert records.document(v, "id-a.md") is not None


def test_manifest_without_text_and_near_empty(records: Records) -> None:
    v = _version(records)
    short, long = _row("short.md", ["1"]), _row("long.md", ["2"])
    short.text, long.text = "  \n tiny \n  ", "x" * 100
    records.save_rows(v, [short, long], removed=[])
    light = records.manifest(v, with_text=False)
    assert light["long.md"].chunk_ids == ["2"]
    with pytest.raises(SQLAlchemyError):
        _ = light["long.md"].text  # not loaded: large corpora keep texts out of memory
    assert records.near_empty(v, 40) == ["short.md"]


def test_manifest_is_per_version(records: Records) -> None:
    v1, v2 = _version(records), _version(records)
    records.save_rows(v1, [_row("a.md", ["1"])], removed=[])
    assert records.manifest(v2) == {}


def test_events_newest_first(records: Records) -> None:
    v = _version(records)
    records.log_event("promote", v, "x")
    records.log_event("rollback", v, "y")
    assert [e.action for e in records.events()] == ["rollback", "promote"]
