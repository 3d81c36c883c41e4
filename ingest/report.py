"""The ingest summary, which doubles as a data-quality report."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from core.records import ManifestRow, ManifestSummary
from core.records.quality import manifest_findings
from ingest.parsed import OcrPage

NO_RULES_AT_ALL = (
    "no file has an access rule: all {n} are visible to everyone. Put an _access.yaml "
    "holding `groups: [some-group]` in the corpus root or in a folder to restrict them "
    "(docs/ingest.md, Access files and front matter)"
)


@dataclass
class Finding:
    """One data-quality finding: a name, every path (or path group) it concerns, and a
    note that can stand for the whole list."""

    name: str
    items: list[str]
    note: str | None = None


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
    no_access_rule_anywhere: bool = False

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
        found = manifest_findings(manifest)
        self.near_empty = list(near_empty)
        self.duplicates = found.duplicates
        self.no_access_rule = found.no_access_rule
        self.no_access_rule_anywhere = found.no_access_rule_anywhere

    def findings(self) -> list[Finding]:
        """The data-quality findings, each with every path it concerns."""
        access = Finding("no access rule (defaulted to everyone)", list(self.no_access_rule))
        if self.no_access_rule_anywhere:
            access.note = NO_RULES_AT_ALL.format(n=len(self.no_access_rule))
        return [
            Finding("exact duplicates", [" = ".join(d) for d in self.duplicates]),
            Finding("empty or near-empty", list(self.near_empty)),
            access,
            Finding(
                "low OCR confidence (check the scan)",
                [
                    f"{f.path} p. {p.page} ({p.confidence:.0f}%)"
                    for f in self.files
                    for p in f.ocr
                    if p.low
                ],
            ),
            Finding("warnings", [f"{f.path}: {w}" for f in self.files for w in f.warnings]),
            Finding("removed since last sync", list(self.removed)),
        ]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``cairn ingest --json``): every path of every finding."""
        data = asdict(self)
        data["findings"] = {
            f.name: {"count": len(f.items), "items": f.items, "note": f.note}
            for f in self.findings()
        }
        data["summary"] = {
            action: self.count(action)
            for action in ("added", "updated", "unchanged", "failed", "skipped")
        }
        data["summary"]["removed"] = len(self.removed)
        data["summary"]["chunks_written"] = self.chunks_written
        return data
