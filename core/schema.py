"""Cairn's own data types. Framework objects are converted to these at the boundary.

The chunk payload contract (DESIGN.md) is ``Chunk.payload()``; ``Chunk.from_payload``
reads it back, so the store never hands a Qdrant type to the layers above it.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

CHUNK_NAMESPACE = uuid.UUID("6f1c2a9e-3b7d-5e41-9a0c-2d8b7e4f6a11")
DEFAULT_GROUP = "everyone"


def content_hash(text: str) -> str:
    """Stable hash of a text: chunk ids and dedup rely on it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def doc_id_for(source: str) -> str:
    """A document's id is derived from its path relative to the corpus root."""
    return str(uuid.uuid5(CHUNK_NAMESPACE, f"doc:{source}"))


def chunk_id_for(doc_id: str, ordinal: int, chash: str) -> str:
    """Deterministic chunk id: re-ingesting the same content is an idempotent upsert."""
    return str(uuid.uuid5(CHUNK_NAMESPACE, f"{doc_id}:{ordinal}:{chash}"))


class Block(BaseModel):
    """One parsed element of a document (heading, paragraph, list item, table)."""

    text: str
    kind: str = "text"
    heading_level: int | None = None
    page: int | None = None
    ocr_confidence: float | None = None  # mean word confidence (0-100) of OCR'd text


class ParsedDocument(BaseModel):
    """A source file after parsing: blocks in reading order plus document metadata."""

    source: str
    title: str
    blocks: list[Block]
    groups: list[str] = Field(default_factory=lambda: [DEFAULT_GROUP])
    access_defaulted: bool = True
    pages: int | None = None
    warnings: list[str] = Field(default_factory=list)
    key: str | None = Field(
        None, description="manifest key the doc id derives from; unset = ``source``"
    )
    link: str | None = Field(None, description="external deep link (a live source's URL)")


class Chunk(BaseModel):
    """A retrievable passage with everything needed to cite it."""

    id: str
    doc_id: str
    ordinal: int
    source: str
    title: str
    section: str
    text: str
    span: tuple[int, int]
    page: int | None
    content_hash: str
    doc_hash: str
    groups: list[str]
    modified_at: datetime
    ingested_at: datetime
    page_breaks: list[tuple[int, int]] = Field(
        default_factory=list,
        description="(offset in text, page) where a new page starts inside the chunk",
    )
    link: str | None = Field(
        None, description="the document at its source (page URL, file at a commit), if any"
    )
    ocr_confidence: float | None = Field(
        None, description="lowest OCR confidence (0-100) of the text in the chunk; None: not OCR'd"
    )

    def page_at(self, offset: int) -> int | None:
        """The page of a character offset inside ``text`` (a quote's page, not the chunk's)."""
        page = self.page
        for start, number in self.page_breaks:
            if start > offset:
                break
            page = number
        return page

    @property
    def url(self) -> str:
        """The document at its live source when it has one (a page URL, a file at a
        commit), else the passage in the source viewer (``GET /sources/{doc_id}``)."""
        if self.link:
            return self.link
        return f"/sources/{self.doc_id}#{self.span[0]}-{self.span[1]}"

    def payload(self) -> dict[str, Any]:
        """The payload stored beside the vectors (JSON-safe)."""
        data = self.model_dump(mode="json", exclude={"id"})
        data["span"] = list(self.span)
        data["page_breaks"] = [list(b) for b in self.page_breaks]
        if data.get("link") is None:
            data.pop("link", None)  # folder documents keep the payload they always had
        if self.ocr_confidence is None:
            del data["ocr_confidence"]  # text-layer chunks keep the payload they always had
        return data

    @classmethod
    def from_payload(cls, point_id: str, payload: dict[str, Any]) -> Chunk:
        """Rebuild a chunk from a stored payload."""
        return cls.model_validate({**payload, "id": point_id})


class SparseVector(BaseModel):
    """Sparse (BM25) vector: parallel index/value lists."""

    indices: list[int]
    values: list[float]


class Hit(BaseModel):
    """One search result."""

    chunk: Chunk
    score: float


class Citation(BaseModel):
    """A numbered source of an answer, precise enough to open at the quoted passage."""

    n: int
    chunk_id: str
    doc_id: str
    source: str
    title: str
    section: str
    page: int | None
    span: tuple[int, int]
    quote: str
    highlight: tuple[int, int]
    content_hash: str
    url: str
    score: float


class SentenceSupport(BaseModel):
    """One answer sentence, the citation it leans on, and how well that source supports it."""

    text: str
    citation: int | None
    support: float
    supported: bool
    also_cited: list[int] = Field(
        default_factory=list, description="other sources holding the very same text"
    )


class Answer(BaseModel):
    """The response of /ask: an answer with citations, or a refusal with closest sources."""

    answer_id: str = ""
    question: str
    answer: str
    refused: bool
    refusal_reason: str | None = None
    citations: list[Citation]
    sentences: list[SentenceSupport]
    grounded: bool
    confidence: float
    answerer: str
    index_version: int
    index_revision: int
    cached: bool = False
    latency_ms: float = 0.0
    reviewed_by: str | None = None  # set when a person-approved answer is served
    table: dict[str, Any] | None = None  # structured answers: sql, columns, rows, source
    uncovered: list[str] = Field(
        default_factory=list, description="parts of the question the documents do not answer"
    )
