"""The ingest run: manifest-driven incremental sync into an index version.

Per file: hash → unchanged files are skipped (no parse, no embed); new or changed files
are parsed and chunked, then embedded in cross-file batches (length-bucketed, each
distinct text once) and upserted; removed files lose their chunks. A file's manifest row
is written only after its chunks are stored, and chunk ids are deterministic, so a run
killed at any point is finished correctly by the next one. A file that fails is recorded
with its reason and the run goes on.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

from core.embed import Embedder
from core.errors import DiskFull
from core.records import IndexVersion, ManifestRow, Records, review, versions
from core.settings import Settings
from core.sources import SOURCE_MARK
from core.sparse import Bm25Encoder
from core.store import StoredPoint, VectorStore
from ingest.chunk import index_text
from ingest.prepare import Pending, Preparer
from ingest.report import IngestReport
from ingest.sources import walk

MB = 1024 * 1024
# Disk one chunk takes in the embedded engine (vector, sparse vector, payload, payload
# indexes, WAL, optimizer segments): ~35 KB measured on a 1,600-chunk corpus; rounded up.
BYTES_PER_CHUNK = 64 * 1024
EmbedderFactory = Callable[[Sequence[str]], Embedder]


class Progress:
    """Receives progress; the CLI renders it with rich, tests ignore it."""

    def start(self, files: int) -> None:
        """Called once with the number of files found."""

    def advance(self, files: int = 0, chunks: int = 0) -> None:
        """Called as files are handled and chunks stored."""


class Ingestor:
    """Runs one ingest of a folder into the live (or a new) index version."""

    def __init__(
        self,
        settings: Settings,
        records: Records,
        store: VectorStore,
        embedder_factory: EmbedderFactory,
        progress: Progress | None = None,
    ) -> None:
        self.settings = settings
        self.records = records
        self.store = store
        self.embedder_factory = embedder_factory
        self.embedder: Embedder | None = None
        self.sparse = Bm25Encoder()
        self.progress = progress or Progress()

    # -- the run -------------------------------------------------------------------------
    def run(self, root: Path, rebuild: bool = False) -> IngestReport:
        """Sync ``root`` into the index; returns the report (also the data-quality report)."""
        root = root.resolve()
        files = walk(root)
        row = self._target_version(root, rebuild)
        report = IngestReport(version=row.version, collection=row.collection, root=str(root))
        manifest = {  # named sources' documents (keys "_name/…") are not this folder's
            key: r
            for key, r in self.records.manifest(row.version, with_text=False).items()
            if not key.startswith(SOURCE_MARK)
        }
        self.progress.start(len(files))
        preparer = Preparer(self.settings, manifest)
        batch: list[Pending] = []
        for src in files:
            pending = preparer.prepare(src, root, report)
            if pending:
                batch += pending
                if sum(len(p.chunks) for p in batch) >= self.settings.ingest.batch_chunks:
                    self._store(row, batch, report)
                    batch = []
            else:
                self.progress.advance(files=1)
        self._store(row, batch, report)
        self._remove_gone(row, manifest, {f.path for f in report.files}, report)
        self._finish(row, report)
        return report

    def _target_version(self, root: Path, rebuild: bool) -> IndexVersion:
        alias = self.settings.qdrant.alias
        live = versions.live_version(self.records, self.store, alias)
        if live is not None and not rebuild:
            versions.check_chunking(live, self.settings)
            return live
        config = versions.chunking_config(self.settings)
        for row in self.records.versions():  # resume an interrupted (or empty) build
            if row.status == "building" and row.chunking == config:
                return row
        row = self.records.new_version(
            model_id="(pending)",
            backend="(pending)",
            dim=0,
            chunking=versions.chunking_config(self.settings),
            corpus_root=str(root),
        )
        return row

    # -- embedding and storing -------------------------------------------------------------
    def _embedder(self, texts: Sequence[str], row: IndexVersion) -> Embedder:
        if self.embedder is None:
            self.embedder = self.embedder_factory(texts)
            self._adopt_model(row, self.embedder.model_id, self.embedder.backend, self.embedder.dim)
        return self.embedder

    def _adopt_model(self, row: IndexVersion, model_id: str, backend: str, dim: int) -> None:
        """Record the embedding model on a new version (or check it matches the version's)
        and create the version's collection on first use."""
        if row.model_id == "(pending)":
            self.records.update_version(row.version, model_id=model_id, backend=backend, dim=dim)
            row.model_id, row.dim = model_id, dim
        versions.check_compatible(row, model_id, dim)
        if not self.store.has_collection(row.collection):
            self.store.create_collection(row.collection, dim)

    def _check_space(self, chunks: int, collection: str) -> None:
        """Refuse to write a batch that could fill the index folder's disk.

        The embedded engine writes through memory-mapped files, and a write into a full
        disk kills the process (SIGBUS) instead of raising an error. So the check is made
        up front, before every batch: the batches stored so far stay consistent (vectors
        and manifest) and the same command resumes once space is freed.
        """
        if self.settings.qdrant.url:
            return  # a Qdrant server manages its own disk
        folder = self.settings.vectors_path
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        free = shutil.disk_usage(folder).free
        # The engine's optimizer may rewrite a segment at any time: room for a copy of
        # the collection, the batch, and the configured reserve.
        current = _allocated(self.settings.vectors_path / collection)
        need = self.settings.ingest.min_free_mb * MB + chunks * BYTES_PER_CHUNK + current
        if free < need:
            raise DiskFull(
                f"only {free / MB:.0f} MB free on {folder}; the next batch needs about "
                f"{need / MB:.0f} MB (CAIRN_INGEST__MIN_FREE_MB={self.settings.ingest.min_free_mb}"
                " plus the batch). Stopped before writing it: the index is intact and "
                "readable. Free some space and run the same command to continue."
            )

    def _store(self, version: IndexVersion, batch: list[Pending], report: IngestReport) -> None:
        if not batch:
            return
        chunks = [c for p in batch for c in p.chunks]
        points: list[StoredPoint] = []
        if chunks:
            self._check_space(len(chunks), version.collection)
            texts = [index_text(c) for c in chunks]
            dense = _embed_unique(self._embedder(texts, version), texts)
            sparse = self.sparse.encode_documents(texts)
            points = [
                StoredPoint(c.id, dense[i], sparse[i], c.payload()) for i, c in enumerate(chunks)
            ]
        self._write(version, batch, points, report)

    def _write(
        self,
        version: IndexVersion,
        batch: list[Pending],
        points: list[StoredPoint],
        report: IngestReport,
    ) -> None:
        """Upsert a batch's points, drop its documents' stale chunks, then save its rows:
        the manifest row is written last, so a run killed in between is finished by the
        next one (chunk ids are deterministic)."""
        if points:
            self.store.upsert(version.collection, points)
        for pending in batch:
            if pending.old_ids and self.store.has_collection(version.collection):
                self.store.delete_doc(version.collection, pending.row.doc_id, pending.row.chunk_ids)
        self.records.save_rows(version.version, [p.row for p in batch], removed=[])
        report.changed = True
        files = sum(1 for p in batch if p.result.parent is None)  # attachments ride along
        self.progress.advance(files=files, chunks=len(points))

    def _remove_gone(
        self,
        version: IndexVersion,
        manifest: dict[str, ManifestRow],
        seen: set[str],
        report: IngestReport,
    ) -> None:
        gone = [row for path, row in manifest.items() if path not in seen]
        for row in gone:
            if self.store.has_collection(version.collection):
                self.store.delete_doc(version.collection, row.doc_id)
            report.removed.append(row.path)
        if gone:
            self.records.save_rows(version.version, [], removed=[r.path for r in gone])
            report.changed = True

    def _finish(self, version: IndexVersion, report: IngestReport) -> None:
        rows = self.records.manifest_summary(version.version)
        if self.store.has_collection(version.collection):
            expected = {cid for row in rows for cid in row.chunk_ids}
            orphans = self.store.ids(version.collection) - expected
            self.store.delete(version.collection, orphans)  # left by an interrupted run
            report.orphans_removed = len(orphans)
            report.chunks_total = self.store.count(version.collection)
        corpus = hashlib.sha256(
            "\n".join(f"{r.path}:{r.fingerprint}" for r in sorted(rows)).encode()
        ).hexdigest()
        fields: dict[str, object] = {"corpus_hash": corpus}
        if version.status == "building" and self.store.has_collection(version.collection):
            fields["status"] = "ready"
        if report.changed or report.orphans_removed:
            fields["revision"] = version.revision + 1
        self.records.update_version(version.version, **fields)
        report.revision = int(fields.get("revision", version.revision))  # type: ignore[call-overload]
        alias = self.settings.qdrant.alias
        if fields.get("status") == "ready" and self.store.resolve_alias(alias) is None:
            version.status = "ready"
            versions.promote(self.records, self.store, alias, version.version)
            report.promoted = True
        if self.store.resolve_alias(alias) == version.collection:
            report.approved_expired = review.expire_stale(
                self.records, self.store, version.collection
            )
        min_chars = self.settings.ingest.min_chars
        report.finish(rows, self.records.near_empty(version.version, min_chars))


def _allocated(folder: Path) -> int:
    """Bytes actually allocated under ``folder`` (sparse memory-mapped files count only
    the pages written)."""
    if not folder.exists():
        return 0
    return sum(p.stat().st_blocks * 512 for p in folder.rglob("*") if p.is_file())


def _embed_unique(embedder: Embedder, texts: list[str]) -> list[list[float]]:
    """Embed each distinct text once (duplicated passages are common in real corpora)."""
    unique = list(dict.fromkeys(texts))
    vectors = embedder.embed(unique)
    by_text = {t: vectors[i].tolist() for i, t in enumerate(unique)}
    return [by_text[t] for t in texts]
