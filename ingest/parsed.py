"""What a reader returns: the blocks of one file, plus what the report and the pipeline
need to know about it (warnings, OCR'd pages, attached files)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from core.schema import Block
from core.settings import IngestSettings
from ingest.sources import SourceFile


@dataclass
class Attachment:
    """A file carried inside another (an e-mail attachment): ingested as its own
    document under ``<parent path>/<name>``."""

    name: str
    data: bytes


@dataclass
class OcrPage:
    """A page (or image) whose text was read by OCR, with its mean word confidence."""

    page: int | None
    confidence: float
    low: bool = False


@dataclass
class Parsed:
    """Blocks in reading order, metadata (title, pages, front-matter groups), warnings."""

    blocks: list[Block]
    meta: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    ocr: list[OcrPage] = field(default_factory=list)


Reader = Callable[[SourceFile, bytes, IngestSettings], Parsed]
