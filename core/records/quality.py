"""Data-quality findings that the manifest itself holds, shared by the ingest report and
the admin API (``GET /admin/sources``), so both list the same paths."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from core.records.repository import ManifestSummary

INDEXED = ("ok", "empty")


@dataclass
class ManifestFindings:
    """Exact duplicates (paths sharing one file hash), files without an access rule, and
    whether that is every indexed file (then one line says so instead of every path)."""

    duplicates: list[list[str]] = field(default_factory=list)
    no_access_rule: list[str] = field(default_factory=list)
    no_access_rule_anywhere: bool = False
    not_indexed: list[str] = field(default_factory=list)


def manifest_findings(rows: Iterable[ManifestSummary]) -> ManifestFindings:
    """Findings of a version's manifest rows (without their texts), paths sorted."""
    by_hash: dict[str, list[str]] = defaultdict(list)
    found = ManifestFindings()
    indexed = 0
    for row in sorted(rows):
        if row.status not in INDEXED:
            found.not_indexed.append(row.path)
            continue
        indexed += 1
        by_hash[row.doc_hash].append(row.path)
        if row.access_defaulted:
            found.no_access_rule.append(row.path)
    found.duplicates = [paths for paths in by_hash.values() if len(paths) > 1]
    found.no_access_rule_anywhere = indexed > 0 and len(found.no_access_rule) == indexed
    return found
