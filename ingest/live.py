"""Sync of a named live source: list through its connector, then add, replace and delete
by version token, exactly as a folder sync does by file hash.

The manifest keys a source's documents ``_<source>/<item id>``, so each source owns its
rows and a sync never touches another source's (nor a folder ingest's) documents. The
listing comes first: when it fails (``SourceUnavailable``) the run stops before any
version, row or vector is touched. An item that fails is recorded with its reason and
the run goes on. Unchanged items are neither fetched nor embedded.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from core.records import IndexVersion, ManifestRow
from core.schema import Chunk
from core.sources import SOURCE_MARK, SourceSpec
from ingest.connectors import Connector, Item, selected
from ingest.items import failed_row, failure_reason, parse_item
from ingest.pipeline import Ingestor
from ingest.prepare import PARSER_VERSION, Pending
from ingest.report import FileResult, IngestReport


def source_key(source: str, item_id: str) -> str:
    """The manifest key of a source's item."""
    return f"{SOURCE_MARK}{source}/{item_id}"


@dataclass
class ItemJob:
    """A changed item to fetch, parse and chunk (in-process, or on a worker)."""

    item: Item
    key: str
    fingerprint: str
    groups: list[str] | None
    old: ManifestRow | None
    result: FileResult


class SourceIngestor(Ingestor):
    """An ``Ingestor`` that syncs one named source through its connector."""

    def sync(
        self, spec: SourceSpec, connector: Connector, known: dict[str, str] | None = None
    ) -> tuple[IngestReport, dict[str, str]]:
        """One pass over the source; returns the report and each item's version token."""
        listed = connector.list_items(known or {})  # may raise: nothing changed yet
        items = [i for i in listed if selected(i.id, spec.include, spec.exclude)]
        prefix = source_key(spec.name, "")
        row = self._target_version(Path(f"source:{spec.name}"), rebuild=False)
        report = IngestReport(version=row.version, collection=row.collection, root=spec.name)
        manifest = {
            k: r
            for k, r in self.records.manifest(row.version, with_text=False).items()
            if k.startswith(prefix)
        }
        self.progress.start(len(items))
        seen = self._ingest(spec, connector, items, row, manifest, report)
        self._remove_gone(row, manifest, seen, report)
        self._finish(row, report)
        _scope(report, prefix)
        tokens = {i.id: i.version for i in items if not i.error and i.version}
        return report, tokens

    def _ingest(
        self,
        spec: SourceSpec,
        connector: Connector,
        items: list[Item],
        row: IndexVersion,
        manifest: dict[str, ManifestRow],
        report: IngestReport,
    ) -> set[str]:
        """Fetch, parse, embed and store the changed items; returns every listed key."""
        batch: list[Pending] = []
        seen: set[str] = set()
        for item in items:
            key = source_key(spec.name, item.id)
            seen.add(key)
            planned = self._plan(spec, item, key, manifest.get(key), report)
            if isinstance(planned, ItemJob):
                planned = self._run_job(connector, planned)
            if planned is None:
                self.progress.advance(files=1)
                continue
            batch.append(planned)
            if sum(len(p.chunks) for p in batch) >= self.settings.ingest.batch_chunks:
                self._store(row, batch, report)
                batch = []
        self._store(row, batch, report)
        return seen

    def _plan(
        self, spec: SourceSpec, item: Item, key: str, old: ManifestRow | None, report: IngestReport
    ) -> Pending | ItemJob | None:
        """None when unchanged, a failed ``Pending`` when listed with an error, else a job."""
        result = FileResult(path=item.path, size=item.size or 0)
        report.files.append(result)
        groups = item.groups or (sorted(set(spec.groups)) if spec.groups else None)
        fingerprint = _fingerprint(f"v:{item.version}", groups)
        if item.error:
            return self._failed_item(item, key, old, result, item.error)
        if old is not None and old.fingerprint == fingerprint and old.status != "failed":
            result.absorb(old, action="unchanged")
            return None
        return ItemJob(item, key, fingerprint, groups, old, result)

    def _run_job(self, connector: Connector, job: ItemJob) -> Pending:
        try:
            row, chunks, warnings = parse_item(
                self.settings, connector, job.item, job.key, job.fingerprint, job.groups
            )
        except Exception as exc:  # noqa: BLE001 - any item failure is reported, not fatal
            return self._failed_item(job.item, job.key, job.old, job.result, failure_reason(exc))
        return self._parsed(job, row, chunks, warnings)

    def _parsed(
        self, job: ItemJob, row: ManifestRow, chunks: list[Chunk], warnings: list[str]
    ) -> Pending:
        job.result.absorb(row, action="updated" if job.old else "added")
        job.result.warnings = warnings
        return Pending(row, chunks, job.result, old_ids=list(job.old.chunk_ids) if job.old else [])

    def _failed_item(
        self, item: Item, key: str, old: ManifestRow | None, result: FileResult, reason: str
    ) -> Pending:
        row = failed_row(item, key, reason)
        result.absorb(row, action="failed")
        return Pending(row, [], result, old_ids=list(old.chunk_ids) if old else [])


def _scope(report: IngestReport, prefix: str) -> None:
    """Keep the data-quality findings of this source only, with its keys made readable."""

    def mine(paths: list[str]) -> list[str]:
        return [p[len(prefix) :] for p in paths if p.startswith(prefix)]

    report.removed = mine(report.removed)
    report.near_empty = mine(report.near_empty)
    report.no_access_rule = mine(report.no_access_rule)
    report.duplicates = [d for d in (mine(group) for group in report.duplicates) if len(d) > 1]


def _fingerprint(token: str, groups: list[str] | None) -> str:
    """What decides 'unchanged' for an item: its version token, its access groups and the
    parser version."""
    key = f"{token}|{sorted(groups) if groups else '-'}|{PARSER_VERSION}"
    return hashlib.sha256(key.encode()).hexdigest()
