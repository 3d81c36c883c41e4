"""Finding source files, their access groups, and reading their text safely."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from core.errors import IngestError
from core.schema import DEFAULT_GROUP

ACCESS_FILE = "_access.yaml"


@dataclass(frozen=True)
class SourceFile:
    """A file under the corpus root."""

    path: Path
    rel: str
    size: int
    mtime: float

    @property
    def suffix(self) -> str:
        """Lower-cased extension."""
        return self.path.suffix.lower()


def walk(root: Path) -> list[SourceFile]:
    """Every non-hidden file under ``root`` (sorted); ``_``-prefixed files are config."""
    if not root.exists():
        raise IngestError(f"corpus folder {root} does not exist")
    if root.is_file():
        candidates = [root]
        base = root.parent
    else:
        candidates = sorted(p for p in root.rglob("*") if p.is_file())
        base = root
    out = []
    for path in candidates:
        rel = path.relative_to(base).as_posix()
        if any(part.startswith((".", "_")) for part in Path(rel).parts):
            continue
        stat = path.stat()
        out.append(SourceFile(path, rel, stat.st_size, stat.st_mtime))
    return out


def file_hash(path: Path) -> str:
    """SHA-256 of the file bytes, streamed."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def folder_groups(path: Path, root: Path) -> list[str] | None:
    """Groups from the nearest ``_access.yaml`` between the file's folder and the root."""
    folder = path.parent
    root = root if root.is_dir() else root.parent
    while True:
        rule = folder / ACCESS_FILE
        if rule.exists():
            return _groups_from(_load_yaml(rule.read_text("utf-8"), rule), rule)
        if folder == root or root not in folder.parents:
            return None
        folder = folder.parent


def configured_groups(rel: str, rules: dict[str, list[str]]) -> list[str] | None:
    """Groups of the longest path prefix in ``rules`` that ``rel`` starts with, if any."""
    matches = [prefix for prefix in rules if rel.startswith(prefix.lstrip("/"))]
    if not matches:
        return None
    return sorted(set(rules[max(matches, key=len)]))


def _load_yaml(text: str, where: Path | str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise IngestError(f"invalid YAML in {where}: {exc}") from exc
    if not isinstance(data, dict):
        raise IngestError(f"{where}: expected a mapping")
    return data


def _groups_from(data: dict[str, Any], where: Path | str) -> list[str]:
    groups = data.get("groups", [DEFAULT_GROUP])
    if isinstance(groups, str):
        groups = [groups]
    if not isinstance(groups, list) or not all(isinstance(g, str) and g for g in groups):
        raise IngestError(f"{where}: 'groups' must be a list of names")
    return sorted(set(groups))


def split_front_matter(text: str, where: str) -> tuple[dict[str, Any], str]:
    """Front matter (``---`` YAML block at the top) and the remaining text."""
    if not text.startswith("---"):
        return {}, text
    end = text.find("\n---", 3)
    if end < 0:
        return {}, text
    meta = _load_yaml(text[3:end], where)
    if "groups" in meta:
        meta["groups"] = _groups_from(meta, where)
    return meta, text[end + 4 :].lstrip("\n")


def decode(data: bytes, rel: str) -> tuple[str, list[str]]:
    """Bytes → text: UTF-8 (BOM ok), else cp1252/Latin-1 with a warning; binary refused."""
    if b"\x00" in data[:8192]:
        raise IngestError("binary content (NUL bytes) in a text file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    else:
        if not _mostly_printable(text):
            raise IngestError("binary content: mostly control characters")
        return text, []
    for encoding in ("cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _mostly_printable(text):
            return text, [f"not UTF-8; decoded as {encoding}"]
    raise IngestError("binary content: not decodable as text")


def _mostly_printable(text: str) -> bool:
    sample = text[:20000]
    bad = sum(1 for ch in sample if not (ch.isprintable() or ch in "\n\r\t\f"))
    return bad <= max(1, len(sample) // 50)
