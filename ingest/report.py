"""The ingest summary, which doubles as a data-quality report."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from core.records import ManifestRow, ManifestSummary
from ingest.parsed import OcrPage


@dataclass
class FileResult:
    """What happened to one file in this run."""

    path: str
    size: int
    action: str = ""
    status: str = ""
    chunks: int = 0
    reason: str | None = None
    groups: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    ocr: list[OcrPage] = field(default_factory=list)
    parent: str | None = None  # the e-mail an attachment came with

    def absorb(self, row: ManifestRow, action: str) -> None:
        """Copy the outcome from a manifest row."""
        self.action = action
        self.status = row.status
        self.chunks = len(row.chunk_ids)
        self.reason = row.error
        self.groups = list(row.groups)


@dataclass
class IngestReport:
    """Counts, per-file outcomes and data-quality findings of one run."""

    version: int
    collection: str
    root: str
    files: list[FileResult] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: bool = False
    promoted: bool = False
    revision: int = 0
    orphans_removed: int = 0
    approved_expired: int = 0
    chunks_total: int = 0
    seconds: float = 0.0
    duplicates: list[list[str]] = field(default_factory=list)
    near_empty: list[str] = field(default_factory=list)
    no_access_rule: list[str] = field(default_factory=list)

    def count(self, action: str) -> int:
        """Files with this action in this run."""
        return sum(1 for f in self.files if f.action == action)

    @property
    def problems(self) -> list[FileResult]:
        """Files that were not indexed (failed, skipped or empty), with their reasons."""
        return [f for f in self.files if f.status in ("failed", "skipped", "empty")]

    @property
    def chunks_written(self) -> int:
        """Chunks embedded and stored in this run."""
        return sum(f.chunks for f in self.files if f.action in ("added", "updated"))

    def finish(self, manifest: list[ManifestSummary], near_empty: list[str]) -> None:
        """Derive the corpus-wide data-quality findings from the final manifest (rows
        without their text) and the paths of near-empty documents."""
        by_hash: dict[str, list[str]] = defaultdict(list)
        self.near_empty = list(near_empty)
        for row in sorted(manifest):
            if row.status not in ("ok", "empty"):
                continue
            by_hash[row.doc_hash].append(row.path)
            if row.access_defaulted:
                self.no_access_rule.append(row.path)
        self.duplicates = [paths for paths in by_hash.values() if len(paths) > 1]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``cairn ingest --json``)."""
        data = asdict(self)
        data["summary"] = {
            action: self.count(action)
            for action in ("added", "updated", "unchanged", "failed", "skipped")
        }
        data["summary"]["removed"] = len(self.removed)
        data["summary"]["chunks_written"] = self.chunks_written
        return data
