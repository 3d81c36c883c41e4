"""One file of an ingest run: hash, compare with its manifest row, parse, chunk.

A file whose fingerprint (bytes, access rule, parser version, the OCR/converter tools it
needs) matches its manifest row is unchanged: nothing is read. Otherwise it is parsed
and chunked into a ``Pending`` for the pipeline to embed and store. A file that cannot
be read becomes a failed (or, when Cairn cannot read its type here, skipped) row with
the reason. Files attached to an e-mail become documents of their own, under
``<mail path>/<name>``, with the mail's access groups and a title that names the mail.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from core.errors import CairnError, Unsupported
from core.records import ManifestRow, utcnow
from core.schema import DEFAULT_GROUP, Chunk, doc_id_for
from core.settings import Settings
from ingest.chunk import chunk_document
from ingest.legacy import TARGETS, soffice
from ingest.ocr import IMAGE_SUFFIXES, unavailable
from ingest.parse import READERS, parse, to_document
from ingest.parsed import Attachment
from ingest.report import FileResult, IngestReport
from ingest.sources import SourceFile, configured_groups, file_hash, folder_groups

# 2: table rows, bullets, field runs; 3: PDF list items; 4: page breaks; 5: OCR of
# pictures on PDF pages, slides, sheets, mail, images; 6: chunks keep a list with its lead-in;
# 7: a PDF line broken after a hyphen joins the next without a space ("1-800-555-1212");
# 8: Markdown list nesting re-indented, nested items marked "◦ "; 9: tabs inside a line and
# in fenced code kept as written; 10: a PDF line is judged wrapped on its own length, a
# short title above a labelled line stands alone, label headings are sub-headings;
# 11: a Markdown line opening with "#" and no space ("#cloud-internal - ...") is text;
# 12: a Markdown list right after a paragraph line is a list; 13: a table too;
# 14: a GitHub alert marker ("> [!NOTE]") is read as its label ("Note:")
PARSER_VERSION = "14"
MAX_NESTING = 3  # a mail attached to a mail attached to a mail: deeper ones are skipped
OCR_SUFFIXES = {".pdf", ".eml", *IMAGE_SUFFIXES}


@dataclass
class Pending:
    """A parsed file waiting for its chunks to be embedded and stored."""

    row: ManifestRow
    chunks: list[Chunk]
    result: FileResult
    old_ids: list[str] = field(default_factory=list)


class Preparer:
    """Turns the files of a run into pending manifest rows and chunks."""

    def __init__(self, settings: Settings, manifest: dict[str, ManifestRow]) -> None:
        self.settings = settings
        self.manifest = manifest
        self.attached: dict[str, list[str]] = defaultdict(list)  # mail path → its attachments
        for path in manifest:
            cut = path.lower().find(".eml/")
            if cut >= 0:
                self.attached[path[: cut + 4]].append(path)

    def prepare(self, src: SourceFile, root: Path, report: IngestReport) -> list[Pending]:
        """The file's pending row(s): none when unchanged; its attachments after it."""
        old = self.manifest.get(src.rel)
        result = FileResult(path=src.rel, size=src.size)
        report.files.append(result)
        try:
            groups = folder_groups(src.path, root) or configured_groups(
                src.rel, self.settings.ingest.access
            )
            doc_hash = file_hash(src.path)
        except CairnError as exc:
            return [self._failed(src, result, str(exc))]
        fingerprint = self._fingerprint(doc_hash, groups, src.suffix)
        if old is not None and old.fingerprint == fingerprint:
            result.absorb(old, action="unchanged")
            for path in self.attached.get(src.rel, []):  # its attachments are unchanged too
                row = self.manifest[path]
                parent = path.rsplit("/", 1)[0]  # names never hold a "/"
                report.files.append(FileResult(path, row.size_bytes, parent=parent))
                report.files[-1].absorb(row, action="unchanged")
            return []
        limit = self.settings.ingest.max_file_mb
        if src.size > limit * 1024 * 1024:
            reason = f"too large: {src.size / 2**20:.1f} MB > {limit:g} MB limit"
            return [self._failed(src, result, reason, fingerprint, doc_hash)]
        return self._read(src, src.path.read_bytes(), doc_hash, fingerprint, groups, result, report)

    def _read(
        self,
        src: SourceFile,
        data: bytes,
        doc_hash: str,
        fingerprint: str,
        groups: list[str] | None,
        result: FileResult,
        report: IngestReport,
        parent_title: str | None = None,
        depth: int = 0,
    ) -> list[Pending]:
        if src.suffix not in READERS:
            reason = f"unsupported file type {src.suffix or '(none)'}"
            return [self._failed(src, result, reason, fingerprint, doc_hash, "skipped")]
        try:
            parsed = parse(src, data, self.settings.ingest)
            doc_groups = parsed.meta.get("groups") or groups
            doc = to_document(
                src,
                parsed.blocks,
                parsed.meta,
                parsed.warnings,
                doc_groups or [DEFAULT_GROUP],
                doc_groups is None,
            )
            if parent_title is not None:
                doc.title = f"{doc.title} (attached to “{parent_title}”)"
            modified = datetime.fromtimestamp(src.mtime, UTC)
            text, chunks = chunk_document(doc, doc_hash, modified, utcnow(), self.settings.chunking)
        except Unsupported as exc:  # retried on the next run: the tool may be installed by then
            return [self._failed(src, result, str(exc), "", doc_hash, "skipped")]
        except Exception as exc:  # noqa: BLE001 - any parser failure is reported, not fatal
            reason = str(exc) if isinstance(exc, CairnError) else f"{type(exc).__name__}: {exc}"
            return [self._failed(src, result, reason, fingerprint, doc_hash)]
        row = ManifestRow(
            path=src.rel,
            doc_id=doc_id_for(src.rel),
            doc_hash=doc_hash,
            fingerprint=fingerprint,
            status="ok" if chunks else "empty",
            error=None if chunks else "no text found",
            title=doc.title,
            groups=doc.groups,
            access_defaulted=doc.access_defaulted,
            chunk_ids=[c.id for c in chunks],
            size_bytes=src.size,
            text=text,
        )
        old = self.manifest.get(src.rel)
        result.absorb(row, action="updated" if old else "added")
        result.warnings, result.ocr = doc.warnings, parsed.ocr
        own = Pending(row, chunks, result, old_ids=list(old.chunk_ids) if old else [])
        children = [
            self._attachment(src, item, doc_groups, doc.title, report, depth)
            for item in parsed.attachments
        ]
        return [own, *(p for pending in children for p in pending)]

    def _attachment(
        self,
        mail: SourceFile,
        item: Attachment,
        groups: list[str] | None,
        title: str,
        report: IngestReport,
        depth: int,
    ) -> list[Pending]:
        rel = f"{mail.rel}/{item.name}"
        src = SourceFile(mail.path / item.name, rel, len(item.data), mail.mtime)
        result = FileResult(path=rel, size=src.size, parent=mail.rel)
        report.files.append(result)
        doc_hash = hashlib.sha256(item.data).hexdigest()
        fingerprint = self._fingerprint(doc_hash, groups, src.suffix)
        if depth + 1 >= MAX_NESTING:
            reason = f"attached {depth + 1} mails deep: not read"
            return [self._failed(src, result, reason, fingerprint, doc_hash, "skipped")]
        return self._read(
            src, item.data, doc_hash, fingerprint, groups, result, report, title, depth + 1
        )

    def _failed(
        self,
        src: SourceFile,
        result: FileResult,
        reason: str,
        fingerprint: str = "",
        doc_hash: str = "",
        status: str = "failed",
    ) -> Pending:
        old = self.manifest.get(src.rel)
        row = ManifestRow(
            path=src.rel,
            doc_id=doc_id_for(src.rel),
            doc_hash=doc_hash,
            fingerprint=fingerprint,
            status=status,
            error=reason,
            groups=[],
            chunk_ids=[],
            size_bytes=src.size,
        )
        result.absorb(row, action=status)
        return Pending(row, [], result, old_ids=list(old.chunk_ids) if old else [])

    def _fingerprint(self, doc_hash: str, groups: list[str] | None, suffix: str) -> str:
        """What decides 'unchanged': file bytes, folder access rule, parser version, and
        for formats that need a tool, whether it is there (install tesseract and the
        scanned pages are read on the next sync)."""
        tools = ""
        cfg = self.settings.ingest
        if suffix in OCR_SUFFIXES:
            tools = "ocr:" + ("-" if unavailable(cfg) else "+".join(cfg.ocr_languages))
        elif suffix in TARGETS:
            tools = "soffice:" + ("+" if soffice() else "-")
        key = f"{doc_hash}|{sorted(groups) if groups else '-'}|{PARSER_VERSION}|{tools}"
        return hashlib.sha256(key.encode()).hexdigest()
