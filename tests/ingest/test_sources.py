"""Walking, access rules, front matter and safe decoding."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import IngestError
from ingest.sources import decode, folder_groups, split_front_matter, walk


def test_walk_skips_hidden_and_config_files(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "doc.md").write_text("# hi")
    (tmp_path / "a" / "_access.yaml").write_text("groups: [x]")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("x")
    (tmp_path / "_drafts").mkdir()
    (tmp_path / "_drafts" / "wip.md").write_text("x")
    assert [f.rel for f in walk(tmp_path)] == ["a/doc.md"]


def test_walk_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="does not exist"):
        walk(tmp_path / "nope")


def test_nearest_access_file_wins(tmp_path: Path) -> None:
    (tmp_path / "_access.yaml").write_text("groups: [everyone]")
    deep = tmp_path / "hr" / "private"
    deep.mkdir(parents=True)
    (tmp_path / "hr" / "_access.yaml").write_text("groups: [people-ops, execs]")
    assert folder_groups(deep / "x.md", tmp_path) == ["execs", "people-ops"]
    assert folder_groups(tmp_path / "y.md", tmp_path) == ["everyone"]


def test_no_access_file_means_none(tmp_path: Path) -> None:
    assert folder_groups(tmp_path / "x.md", tmp_path) is None


def test_bad_access_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / "_access.yaml").write_text("groups: {a: 1}")
    with pytest.raises(IngestError, match="list of names"):
        folder_groups(tmp_path / "x.md", tmp_path)


def test_front_matter_groups_and_title() -> None:
    meta, body = split_front_matter("---\ntitle: T\ngroups: hr\n---\n# Body\n", "x.md")
    assert meta == {"title": "T", "groups": ["hr"]}
    assert body == "# Body\n"


def test_decode_utf8_latin1_and_binary() -> None:
    assert decode("café".encode(), "a") == ("café", [])
    text, warnings = decode("Caf\xe9 cr\xe8me".encode("latin-1"), "a")
    assert text == "Café crème" and "cp1252" in warnings[0]
    with pytest.raises(IngestError, match="binary"):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a")
    with pytest.raises(IngestError, match="binary"):
        decode(bytes(range(1, 32)) * 200, "a")


def test_configured_access_rules_match_the_longest_prefix() -> None:
    from ingest.sources import configured_groups

    rules = {"departments/": ["staff"], "departments/people-talent/": ["people-talent"]}
    assert configured_groups("departments/people-talent/hiring.md", rules) == ["people-talent"]
    assert configured_groups("departments/finance/x.md", rules) == ["staff"]
    assert configured_groups("index.md", rules) is None
    assert configured_groups("hr/a.md", {"/hr/": ["hr", "hr"]}) == ["hr"]
