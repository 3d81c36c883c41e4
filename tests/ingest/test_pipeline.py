"""Ingest end to end on the sample corpus: sync, robustness, guard, versions (both DBs)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from answer import hybrid_search
from core.embed import FakeEmbedder
from core.errors import IndexMismatch
from core.records import versions
from core.settings import Settings
from core.sparse import Bm25Encoder
from tests.conftest import make_settings
from tests.ingest.helpers import CountingEmbedder, run_ingest


def _ids(store, settings: Settings) -> set[str]:  # type: ignore[no-untyped-def]
    return store.ids(store.resolve_alias(settings.qdrant.alias))


def test_first_ingest_builds_v1_and_makes_it_live(
    settings: Settings, corpus: Path, records_url: str
) -> None:
    report, records, store = run_ingest(settings, corpus, records_url)
    assert report.version == 1 and report.promoted
    assert report.count("added") == 17 and not report.problems
    assert store.resolve_alias("cairn") == "cairn_v1"
    assert report.chunks_total == store.count("cairn_v1") == report.chunks_written > 30
    manifest = records.manifest(1)
    assert manifest["people-ops/salary-bands.md"].groups == ["people-ops"]
    assert manifest["benefits/time-off.md"].title == "Time off and leave"
    assert report.no_access_rule == []  # the samples carry an explicit root rule
    store.close()


def test_restricted_folder_is_invisible_to_everyone(settings: Settings, corpus: Path) -> None:
    _, _, store = run_ingest(settings, corpus)
    query = "salary bands senior engineer euros"
    sparse = Bm25Encoder().encode_query(query)
    dense = FakeEmbedder().embed([query])[0]
    visible = hybrid_search(store, "cairn_v1", dense, sparse, ["everyone"], 50)
    assert visible and all("people-ops" not in h.chunk.source for h in visible)
    hr = hybrid_search(store, "cairn_v1", dense, sparse, ["people-ops"], 50)
    assert hr and all(h.chunk.source.startswith("people-ops/") for h in hr)
    store.close()


def test_resync_skips_unchanged_and_handles_changes(
    settings: Settings, corpus: Path, records_url: str
) -> None:
    _, _, store = run_ingest(settings, corpus, records_url)
    before = _ids(store, settings)
    store.close()

    embedder = CountingEmbedder()
    report, _, store = run_ingest(settings, corpus, records_url, embedder)
    assert report.count("unchanged") == 17 and embedder.embedded == 0
    assert _ids(store, settings) == before and report.revision == 1
    store.close()

    (corpus / "policies" / "expenses.md").write_text("# Expenses\n\nMeals: 99 euros per day.\n")
    (corpus / "it" / "wifi.txt").unlink()
    (corpus / "new.md").write_text("# New\n\nA brand new page about parking bikes.\n")
    embedder = CountingEmbedder()
    report, records, store = run_ingest(settings, corpus, records_url, embedder)
    assert (report.count("updated"), report.count("added"), report.removed) == (
        1,
        1,
        ["it/wifi.txt"],
    )
    assert report.revision == 2
    after = _ids(store, settings)
    manifest = records.manifest(1)
    assert after == {cid for row in manifest.values() for cid in row.chunk_ids}
    assert "it/wifi.txt" not in manifest
    assert embedder.embedded == len(manifest["policies/expenses.md"].chunk_ids) + len(
        manifest["new.md"].chunk_ids
    )
    store.close()


def test_access_rule_change_reindexes_with_new_groups(settings: Settings, corpus: Path) -> None:
    run_ingest(settings, corpus)[2].close()
    (corpus / "engineering" / "_access.yaml").write_text("groups: [engineering]\n")
    report, records, store = run_ingest(settings, corpus)
    assert report.count("updated") == 3
    assert records.manifest(1)["engineering/on-call.md"].groups == ["engineering"]
    store.close()


def _robustness_corpus(root: Path) -> Path:
    root.mkdir()
    (root / "good.md").write_text("# Good\n\nThis document is perfectly fine and long enough.\n")
    (root / "corrupt.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ngarbage\n")
    (root / "binary.md").write_bytes(bytes(range(256)) * 64)
    (root / "empty.txt").write_bytes(b"")
    (root / "tiny.md").write_text("# Hi\n")
    (root / "latin1.txt").write_bytes("Politique de congés: 27 jours payés.\n".encode("latin-1"))
    (root / "copy-of-good.md").write_text((root / "good.md").read_text())
    (root / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n")  # a signature, no image
    (root / "archive.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    with (root / "huge.txt").open("w") as fh:  # 50 MB
        line = "All work and no play makes a very large text file indeed.\n"
        for _ in range(50 * 1024 * 1024 // len(line) + 1):
            fh.write(line)
    return root


def test_bad_files_are_reported_and_the_run_continues(
    settings: Settings, tmp_path: Path, records_url: str
) -> None:
    root = _robustness_corpus(tmp_path / "bad")
    report, records, store = run_ingest(settings, root, records_url)
    problems = {f.path: (f.status, f.reason or "") for f in report.problems}
    assert problems["corrupt.pdf"][0] == "failed" and "PDF" in problems["corrupt.pdf"][1]
    assert problems["binary.md"][0] == "failed" and "binary" in problems["binary.md"][1]
    assert problems["empty.txt"][0] == "empty"
    assert problems["huge.txt"][0] == "failed" and "too large" in problems["huge.txt"][1]
    # unreadable (failed), or skipped where tesseract is missing: either way, with the reason
    assert problems["picture.png"][0] in ("failed", "skipped")
    assert "image" in problems["picture.png"][1]
    assert problems["archive.zip"] == ("skipped", "unsupported file type .zip")
    assert {f.path for f in report.files if f.status == "ok"} >= {"good.md", "latin1.txt"}
    latin = next(f for f in report.files if f.path == "latin1.txt")
    assert latin.warnings and "cp1252" in latin.warnings[0]
    assert ["copy-of-good.md", "good.md"] in report.duplicates
    assert "tiny.md" in report.near_empty and "empty.txt" in report.near_empty
    assert "good.md" in report.no_access_rule
    manifest = records.manifest(report.version)
    assert manifest["corrupt.pdf"].status == "failed" and manifest["corrupt.pdf"].error
    hits = hybrid_search(
        store, "cairn_v1", None, Bm25Encoder().encode_query("congés jours payés"), ["everyone"], 3
    )
    assert hits[0].chunk.source == "latin1.txt" and "congés" in hits[0].chunk.text
    store.close()


def test_fixed_file_is_picked_up_on_next_sync(settings: Settings, tmp_path: Path) -> None:
    root = tmp_path / "c"
    root.mkdir()
    (root / "doc.md").write_bytes(b"\x00\x01binary")
    report, _, store = run_ingest(settings, root)
    assert report.problems[0].status == "failed"
    store.close()
    (root / "doc.md").write_text("# Fixed\n\nNow this is a proper document with words.\n")
    report, _, store = run_ingest(settings, root)
    assert report.version == 1 and report.count("updated") == 1 and not report.problems
    store.close()


def test_other_embedder_raises_index_mismatch(settings: Settings, corpus: Path) -> None:
    run_ingest(settings, corpus)[2].close()
    (corpus / "welcome.md").write_text("# Changed\n\nSomething new to embed here.\n")
    with pytest.raises(IndexMismatch, match=r"fake-hash-embedder.*other-model"):
        run_ingest(settings, corpus, embedder=FakeEmbedder(model_id="other-model"))
    with pytest.raises(IndexMismatch, match="dimension"):
        run_ingest(settings, corpus, embedder=FakeEmbedder(dim=32))


def test_other_chunking_raises_index_mismatch(settings: Settings, corpus: Path) -> None:
    run_ingest(settings, corpus)[2].close()
    other = make_settings(settings.home, chunking={"chunk_tokens": 100})
    with pytest.raises(IndexMismatch, match="chunking"):
        run_ingest(other, corpus)


def test_rebuild_promote_rollback(settings: Settings, corpus: Path, records_url: str) -> None:
    _, records, store = run_ingest(settings, corpus, records_url)
    store.close()
    shutil.rmtree(corpus / "office")
    second, records, store = run_ingest(settings, corpus, records_url, rebuild=True)
    assert second.version == 2 and not second.promoted
    assert store.resolve_alias("cairn") == "cairn_v1", "a rebuild is not live until promoted"
    assert store.count("cairn_v2") < store.count("cairn_v1")
    versions.promote(records, store, "cairn", 2)
    assert store.resolve_alias("cairn") == "cairn_v2"
    back = versions.rollback(records, store, "cairn")
    assert back.version == 1 and store.resolve_alias("cairn") == "cairn_v1"
    assert [e.action for e in records.events()][:2] == ["rollback", "promote"]
    store.close()
