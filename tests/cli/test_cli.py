"""The CLI as a user meets it: exit codes, one-line errors, reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.helpers import cairn

pytestmark = pytest.mark.integration


def test_ingest_json_report_and_resync(tmp_path: Path, corpus: Path) -> None:
    first = cairn(tmp_path, "ingest", str(corpus), "--json")
    assert first.returncode == 0, first.stderr
    data = json.loads(first.stdout)
    assert data["summary"]["added"] == 17 and data["promoted"]
    second = json.loads(cairn(tmp_path, "ingest", str(corpus), "--json").stdout)
    assert second["summary"]["unchanged"] == 17 and second["summary"]["chunks_written"] == 0


def test_human_report_lists_problems_and_strict_fails(tmp_path: Path) -> None:
    root = tmp_path / "docs"
    root.mkdir()
    (root / "ok.md").write_text("# Fine\n\nA perfectly readable document with content.\n")
    (root / "broken.pdf").write_bytes(b"%PDF-1.7 not really")
    run = cairn(tmp_path / "h1", "ingest", str(root))
    assert run.returncode == 0
    assert "broken.pdf" in run.stderr and "Not indexed" in run.stderr
    assert "no access rule" in run.stderr and "ingest" in run.stderr
    strict = cairn(tmp_path / "h2", "ingest", str(root), "--strict")
    assert strict.returncode == 1


def test_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    run = cairn(tmp_path, "ingest", str(tmp_path / "missing"))
    assert run.returncode == 1
    assert "does not exist" in run.stderr and "Traceback" not in run.stderr
    promote = cairn(tmp_path, "index", "promote", "7")
    assert promote.returncode == 1 and "version 7 does not exist" in promote.stderr
    assert "Traceback" not in promote.stderr


def test_index_list_promote_rollback(tmp_path: Path, corpus: Path) -> None:
    assert cairn(tmp_path, "ingest", str(corpus)).returncode == 0
    rebuilt = cairn(tmp_path, "ingest", str(corpus), "--rebuild", "--promote")
    assert rebuilt.returncode == 0, rebuilt.stderr
    listing = cairn(tmp_path, "index", "list").stdout
    lines = [ln for ln in listing.splitlines() if ln.strip().startswith(("│ 1", "│ 2"))]
    assert len(lines) == 2 and "●" in lines[0]  # v2 listed first and live
    back = cairn(tmp_path, "index", "rollback")
    assert back.returncode == 0 and "v1 is live" in back.stderr


def test_embedder_mismatch_is_a_clear_error(tmp_path: Path, corpus: Path) -> None:
    assert cairn(tmp_path, "ingest", str(corpus)).returncode == 0
    (corpus / "welcome.md").write_text("# Changed\n\nNew words to embed.\n")
    run = cairn(tmp_path, "ingest", str(corpus), CAIRN_EMBEDDING__BACKEND="torch")
    assert run.returncode == 1
    assert "fake-hash-embedder" in run.stderr and "all-MiniLM-L6-v2" in run.stderr
    assert "Traceback" not in run.stderr


def test_the_human_report_counts_findings_and_shows_the_first_few(tmp_path: Path) -> None:
    root = tmp_path / "docs"
    root.mkdir()
    for n in range(30):
        (root / f"page-{n:02}.md").write_text(f"# Page {n}\n\nParking rule {n} is in force.\n")
    for n in range(8):
        (root / f"tool-{n}.exe").write_bytes(b"MZ")
    run = cairn(tmp_path / "home", "ingest", str(root))
    assert run.returncode == 0, run.stderr
    out = run.stderr
    assert "no file has an access rule: all 30 are visible to everyone" in out
    assert "_access.yaml" in out and "page-17.md" not in out  # one line, not 30 paths
    assert "Not indexed (8)" in out and "tool-4.exe" in out and "tool-5.exe" not in out
    assert "… and 3 more (--json lists all)" in out
    data = json.loads(cairn(tmp_path / "home2", "ingest", str(root), "--json").stdout)
    access = data["findings"]["no access rule (defaulted to everyone)"]
    assert access["count"] == 30 and len(access["items"]) == 30 and "_access.yaml" in access["note"]
