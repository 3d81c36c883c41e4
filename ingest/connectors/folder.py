"""A local folder as a connector: content hash as version, groups from ``_access.yaml``."""

from __future__ import annotations

import mimetypes
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from core.errors import CairnError, IngestError, SourceUnavailable
from ingest.connectors.base import Fetched, Item
from ingest.sources import configured_groups, file_hash, folder_groups, walk


class FolderConnector:
    """Every non-hidden file under ``root``; symlinks leading out of it are refused."""

    def __init__(self, root: Path, access: Mapping[str, list[str]] | None = None) -> None:
        self.root = root.resolve()
        self.access = dict(access or {})

    def list_items(self, known: Mapping[str, str]) -> Sequence[Item]:
        """Files with their SHA-256 as version token."""
        try:
            files = walk(self.root)
        except (CairnError, OSError) as exc:
            raise SourceUnavailable(f"cannot list {self.root}: {exc}") from exc
        items = []
        for src in files:
            rel, size = src.rel, src.size
            modified = datetime.fromtimestamp(src.mtime, UTC)
            if self.root not in src.path.resolve().parents and src.path.resolve() != self.root:
                items.append(Item(rel, rel, "", size=size, error="symlink out of the folder"))
                continue
            try:
                groups = folder_groups(src.path, self.root) or configured_groups(
                    src.rel, dict(self.access)
                )
                version = file_hash(src.path)
            except (CairnError, OSError) as exc:
                items.append(Item(rel, rel, "", size=size, error=str(exc)))
                continue
            items.append(Item(rel, rel, version, groups=groups, modified=modified, size=size))
        return items

    def fetch(self, item: Item) -> Fetched:
        """The file's bytes."""
        try:
            data = (self.root / item.id).read_bytes()
        except OSError as exc:
            raise IngestError(f"cannot read: {exc.strerror or exc}") from exc
        media = mimetypes.guess_type(item.id)[0] or ""
        return Fetched(data, media)
