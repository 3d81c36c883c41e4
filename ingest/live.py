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
import tempfile
from pathlib import Path

from core.errors import CairnError, IngestError
from core.records import ManifestRow, utcnow
from core.schema import DEFAULT_GROUP, doc_id_for
from core.sources import SourceSpec
from ingest.chunk import chunk_document
from ingest.connectors import Connector, Item, selected, suffix_for
from ingest.parse import parse, to_document
from ingest.pipeline import SOURCE_MARK, Ingestor, Pending, _fingerprint
from ingest.report import FileResult, IngestReport
from ingest.sources import SourceFile


def source_key(source: str, item_id: str) -> str:
    """The manifest key of a source's item."""
    return f"{SOURCE_MARK}{source}/{item_id}"


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
        batch: list[Pending] = []
        seen: set[str] = set()
        for item in items:
            key = source_key(spec.name, item.id)
            seen.add(key)
            pending = self._prepare_item(spec, connector, item, key, manifest.get(key), report)
            if pending is None:
                self.progress.advance(files=1)
                continue
            batch.append(pending)
            if sum(len(p.chunks) for p in batch) >= self.settings.ingest.batch_chunks:
                self._store(row, batch, report)
                batch = []
        self._store(row, batch, report)
        self._remove_gone(row, manifest, seen, report)
        self._finish(row, report)
        _scope(report, prefix)
        tokens = {i.id: i.version for i in items if not i.error and i.version}
        return report, tokens

    def _prepare_item(
        self,
        spec: SourceSpec,
        connector: Connector,
        item: Item,
        key: str,
        old: ManifestRow | None,
        report: IngestReport,
    ) -> Pending | None:
        result = FileResult(path=item.path, size=item.size or 0)
        report.files.append(result)
        groups = item.groups or (sorted(set(spec.groups)) if spec.groups else None)
        fingerprint = _fingerprint(f"v:{item.version}", groups, self.settings)
        if item.error:
            return self._failed_item(item, key, old, result, item.error)
        if old is not None and old.fingerprint == fingerprint and old.status != "failed":
            result.absorb(old, action="unchanged")
            return None
        try:
            row, chunks, warnings = self._parse_item(connector, item, key, fingerprint, groups)
        except Exception as exc:  # noqa: BLE001 - any item failure is reported, not fatal
            reason = str(exc) if isinstance(exc, CairnError) else f"{type(exc).__name__}: {exc}"
            return self._failed_item(item, key, old, result, reason)
        result.absorb(row, action="updated" if old else "added")
        result.warnings = warnings
        return Pending(row, chunks, result, old_ids=list(old.chunk_ids) if old else [])

    def _parse_item(
        self,
        connector: Connector,
        item: Item,
        key: str,
        fingerprint: str,
        groups: list[str] | None,
    ) -> tuple[ManifestRow, list, list[str]]:  # type: ignore[type-arg]
        fetched = connector.fetch(item)
        data = fetched.data
        limit = self.settings.ingest.max_file_mb
        if len(data) > limit * 1024 * 1024:
            raise IngestError(f"too large: {len(data) / 2**20:.1f} MB > {limit:g} MB limit")
        suffix = suffix_for(item, fetched.media_type)
        with tempfile.TemporaryDirectory(prefix="cairn-item-") as tmp:
            path = Path(tmp) / f"item{suffix}"
            if suffix in (".pdf", ".docx"):
                path.write_bytes(data)
            src = SourceFile(path, item.path, len(data), 0.0)
            blocks, meta, warnings = parse(src, data, self.settings.ingest.languages)
        if item.title and not meta.get("title"):
            meta["title"] = item.title
        doc_groups = meta.get("groups") or groups
        doc = to_document(
            src, blocks, meta, warnings, doc_groups or [DEFAULT_GROUP], doc_groups is None
        ).model_copy(update={"key": key, "link": item.link})
        doc_hash = hashlib.sha256(data).hexdigest()
        modified = item.modified or utcnow()
        text, chunks = chunk_document(doc, doc_hash, modified, utcnow(), self.settings.chunking)
        row = ManifestRow(
            path=key,
            doc_id=doc_id_for(key),
            doc_hash=doc_hash,
            fingerprint=fingerprint,
            status="ok" if chunks else "empty",
            error=None if chunks else "no text found",
            title=doc.title,
            groups=doc.groups,
            access_defaulted=doc.access_defaulted,
            chunk_ids=[c.id for c in chunks],
            size_bytes=len(data),
            text=text,
        )
        return row, chunks, doc.warnings

    def _failed_item(
        self, item: Item, key: str, old: ManifestRow | None, result: FileResult, reason: str
    ) -> Pending:
        row = ManifestRow(
            path=key,
            doc_id=doc_id_for(key),
            doc_hash="",
            fingerprint="",
            status="failed",
            error=reason,
            groups=[],
            chunk_ids=[],
            size_bytes=item.size or 0,
        )
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
