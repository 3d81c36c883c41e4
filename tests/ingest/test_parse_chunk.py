"""Parsing every supported format and structure-aware chunking with exact spans."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.schema import Block, ParsedDocument
from core.settings import ChunkingSettings
from ingest.chunk import (
    chunk_document,
    layout,
    minilm_token_counter,
    sections,
    sentence_pieces,
)
from ingest.parse import parse, rejoin_lines, to_document
from ingest.sources import SourceFile
from tests.conftest import ROOT, SAMPLES

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _src(rel: str, root: Path = SAMPLES) -> SourceFile:
    path = root / rel
    return SourceFile(path, rel, path.stat().st_size, path.stat().st_mtime)


@pytest.mark.parametrize(
    ("rel", "needle", "heading"),
    [
        ("policies/expenses.md", "50 euros per day", "Expenses"),
        ("office/office-guide.html", "14 Quai Perrache", "Lyon office guide"),
        ("it/wifi.txt", "LARKSPUR-GUEST", "OFFICE WI-FI AND PRINTERS"),
        ("benefits/parental-leave.pdf", "20 weeks of fully paid leave", "Birth parent"),
        ("engineering/release-process.docx", "every second Wednesday", "Firmware release process"),
    ],
)
def test_each_format_parses_to_blocks(rel: str, needle: str, heading: str) -> None:
    src = _src(rel)
    blocks = parse(src, src.path.read_bytes()).blocks
    assert any(needle in b.text for b in blocks)
    assert any(b.kind == "heading" and b.text == heading for b in blocks)


def test_pdf_blocks_keep_page_numbers() -> None:
    src = _src("policies/code-of-conduct.pdf")
    parsed = parse(src, src.path.read_bytes())
    blocks, meta = parsed.blocks, parsed.meta
    assert meta["pages"] == 2
    export = next(b for b in blocks if "dual-use" in b.text)
    assert export.page == 2
    assert next(b for b in blocks if "75 euros" in b.text).page == 1


def test_rejoin_lines_undoes_pdf_wrapping() -> None:
    raw = (
        "Birth parent\nThe birth parent receives 20 weeks of fully paid leave, which can start\n"
        "up to 6 weeks before the expected due date.\nSecond parent"
    )
    assert rejoin_lines(raw).split("\n\n") == [
        "Birth parent",
        "The birth parent receives 20 weeks of fully paid leave, which can start up to 6 "
        "weeks before the expected due date.",
        "Second parent",
    ]


def test_a_title_after_a_wrapped_line_starts_a_new_paragraph() -> None:
    """A line is judged wrapped on its own length, not on the paragraph it joined: the
    record after a long list item is not swallowed by it, and a short title right above a
    labelled line stands alone."""
    raw = (
        "Qualifications:\n"
        "• Proficiency in MS Office, Google Analytics, and the Adobe Creative Suite and more\n"
        "Senior Manager of Operations\n"
        "Job Title: Senior Manager of Operations\n"
        "Reports To: Chief Executive Officer\n"
        "Position Summary:"
    )
    assert rejoin_lines(raw).split("\n\n") == [
        "Qualifications:",
        "• Proficiency in MS Office, Google Analytics, and the Adobe Creative Suite and more",
        "Senior Manager of Operations",
        "Job Title: Senior Manager of Operations",
        "Reports To: Chief Executive Officer",
        "Position Summary:",
    ]


def test_a_line_broken_after_a_hyphen_joins_without_a_space() -> None:
    raw = (
        "If you choose to report anonymously, you may call the Compliance Hotline at 1-\n"
        "800-555-1212. Northwind Standard does not cover non-\n"
        "emergency services. Plans and options differ by region, see Benefits -\n"
        "Dental for the details of each plan."
    )
    text = rejoin_lines(raw)
    assert "Hotline at 1-800-555-1212." in text
    assert "cover non-emergency services" in text
    assert "see Benefits - Dental for" in text


def _doc(blocks: list[Block]) -> ParsedDocument:
    return ParsedDocument(source="d.md", title="D", blocks=blocks)


def test_sections_follow_the_heading_trail() -> None:
    blocks = [
        Block(text="Guide", kind="heading", heading_level=0),
        Block(text="Intro text."),
        Block(text="Part A", kind="heading", heading_level=1),
        Block(text="Sub", kind="heading", heading_level=2),
        Block(text="Body of sub."),
        Block(text="Part B", kind="heading", heading_level=1),
        Block(text="Body of B."),
    ]
    _, spans = layout(blocks)
    trails = [s.trail for s in sections(blocks, spans)]
    assert trails == [["Guide"], ["Guide", "Part A", "Sub"], ["Guide", "Part B"]]


def test_chunks_are_exact_slices_with_bounded_tokens() -> None:
    long_para = " ".join(f"Sentence number {i} talks about expense rule {i}." for i in range(120))
    blocks = [Block(text="Policy", kind="heading", heading_level=0), Block(text=long_para)]
    cfg = ChunkingSettings(chunk_tokens=64, overlap_tokens=8)
    text, chunks = chunk_document(_doc(blocks), "h", NOW, NOW, cfg)
    assert len(chunks) > 5
    count = minilm_token_counter()
    for i, chunk in enumerate(chunks):
        assert text[chunk.span[0] : chunk.span[1]] == chunk.text
        assert len(count(chunk.text)) <= 64
        assert chunk.ordinal == i and chunk.section == "Policy"
    assert {c.id for c in chunks} == {
        c.id for c in chunk_document(_doc(blocks), "h", NOW, NOW, cfg)[1]
    }, "chunk ids are deterministic"


def test_long_sections_split_at_sentence_ends() -> None:
    sentences = [f"Rule {i} says that expense claim {i} needs a receipt." for i in range(60)]
    blocks = [
        Block(text="Policy", kind="heading", heading_level=0),
        Block(text=" ".join(sentences)),
    ]
    cfg = ChunkingSettings(chunk_tokens=64, overlap_tokens=0)
    _, chunks = chunk_document(_doc(blocks), "h", NOW, NOW, cfg)
    assert len(chunks) > 5
    for chunk in chunks:  # every chunk is whole sentences (the first one after its heading)
        body = chunk.text.removeprefix("Policy\n\n")
        assert body.startswith("Rule ") and body.endswith("a receipt.")


def _list_section(items: int) -> list[Block]:
    """A heading, a paragraph, a lead-in and ``items`` list items."""
    filler = " ".join(
        f"Paragraph sentence {i} explains the out-of-area rule {i}." for i in range(7)
    )
    return [
        Block(text="Out-of-area care", kind="heading", heading_level=0),
        Block(text=filler),
        Block(text="To get out-of-area care covered, you must meet the following criteria:"),
        *(
            Block(text=f"\N{BULLET} Criterion {i}: you stay within {i * 100} miles of home")
            for i in range(1, items + 1)
        ),
    ]


def _plain_split(text: str, size: int, overlap: int) -> list[str]:
    """llama-index's ``SentenceSplitter`` with its own paragraph step (no list grouping)."""
    from llama_index.core.node_parser import SentenceSplitter

    plain = SentenceSplitter(
        chunk_size=size,
        chunk_overlap=overlap,
        tokenizer=minilm_token_counter(),
        paragraph_separator="\n\n",
        chunking_tokenizer_fn=sentence_pieces,
    )
    return list(plain.split_text(text))


def test_a_list_stays_whole_with_its_lead_in() -> None:
    cfg = ChunkingSettings(chunk_tokens=128, overlap_tokens=16)
    _, chunks = chunk_document(_doc(_list_section(3)), "h", NOW, NOW, cfg)
    holding = [c for c in chunks if "Criterion 1:" in c.text]
    assert holding, "the list is in some chunk"
    assert all("the following criteria:" in c.text for c in holding)
    assert all("Criterion 3:" in c.text for c in holding), "no chunk ends inside the list"
    # llama-index's splitter on its own fills the chunk and cuts the list after item 2
    text, _ = layout(_list_section(3))
    cut = [c for c in _plain_split(text, 128, 16) if "Criterion 1:" in c]
    assert any("Criterion 3:" not in c for c in cut), "the case is one a plain splitter cuts"


def test_a_list_too_long_for_a_chunk_is_cut_between_items() -> None:
    cfg = ChunkingSettings(chunk_tokens=64, overlap_tokens=0)
    text, chunks = chunk_document(_doc(_list_section(12)), "h", NOW, NOW, cfg)
    count = minilm_token_counter()
    for chunk in chunks:
        assert text[chunk.span[0] : chunk.span[1]] == chunk.text
        assert len(count(chunk.text)) <= 64
        if "Criterion" in chunk.text:  # whole items only
            assert chunk.text.rstrip().endswith("miles of home"), chunk.text
    assert sum("Criterion" in c.text for c in chunks) >= 2


def test_a_document_without_lists_chunks_as_llama_index_does() -> None:
    paragraphs = [
        " ".join(f"Part {j} sentence {i} says the claim {i} needs a receipt." for i in range(j))
        for j in (3, 25, 6, 1, 14)
    ]
    blocks = [Block(text="Policy", kind="heading", heading_level=0)] + [
        Block(text=p) for p in paragraphs
    ]
    cfg = ChunkingSettings(chunk_tokens=96, overlap_tokens=16)
    _, chunks = chunk_document(_doc(blocks), "h", NOW, NOW, cfg)
    text, _ = layout(blocks)
    assert [c.text.strip() for c in chunks] == [c.strip() for c in _plain_split(text, 96, 16)]


def test_sentence_pieces_keep_every_character() -> None:
    text = "  Claims go to Finance. E.g. taxis, i.e. cabs!  Ask Dr. Lee?\nNo. 5 is new.  "
    pieces = sentence_pieces(text)
    assert "".join(pieces) == text
    assert [p.strip() for p in pieces] == [
        "Claims go to Finance.",
        "E.g. taxis, i.e. cabs!",
        "Ask Dr. Lee?",
        "No. 5 is new.",
    ]
    assert sentence_pieces("") == [] and sentence_pieces("one") == ["one"]


def test_ingesting_a_long_markdown_section_does_not_import_nltk(tmp_path: Path) -> None:
    """llama-index's default sentence tokenizer is NLTK's punkt, and ``import nltk`` loads
    scipy, scikit-learn, pandas and pyarrow (~150 MiB of RSS). Checked in a fresh
    interpreter: the test session may have imported them already."""
    page = tmp_path / "long.md"
    page.write_text(
        "# Travel\n\n" + " ".join(f"Trip rule {i} applies to trips." for i in range(200))
    )
    script = f"""
import sys
from datetime import UTC, datetime
from pathlib import Path
from core.settings import ChunkingSettings
from ingest.chunk import chunk_document
from ingest.parse import parse, to_document
from ingest.sources import SourceFile
path = Path({str(page)!r})
src = SourceFile(path, path.name, path.stat().st_size, 0.0)
parsed = parse(src, path.read_bytes())
doc = to_document(src, parsed.blocks, parsed.meta, [], ["everyone"], True)
now = datetime.now(UTC)
_, chunks = chunk_document(doc, "h", now, now, ChunkingSettings())
heavy = sorted({{"nltk", "scipy", "sklearn", "pandas", "pyarrow"}} & set(sys.modules))
print(len(chunks), heavy)
"""
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr[-2000:]
    chunks, heavy = run.stdout.split(maxsplit=1)
    assert int(chunks) > 3 and heavy.strip() == "[]"


def test_title_falls_back_to_file_name() -> None:
    src = SourceFile(Path("x/team-notes.txt"), "x/team-notes.txt", 1, 0.0)
    doc = to_document(src, [Block(text="just text")], {}, [], ["everyone"], True)
    assert doc.title == "Team Notes"


def test_a_quote_on_the_next_page_cites_that_page() -> None:
    from answer.assemble import citation_of
    from core.schema import Hit

    blocks = [
        Block(text="Coverage", kind="heading", heading_level=0, page=3),
        Block(text="Acupuncture is covered as a preventive service.", page=3),
        Block(text="Massage therapy needs a licensed massage therapist.", page=4),
    ]
    _, chunks = chunk_document(_doc(blocks), "h", NOW, NOW, ChunkingSettings())
    (chunk,) = chunks
    offset = chunk.text.index("Massage")
    assert chunk.page == 3 and chunk.page_breaks == [(offset, 4)]
    assert chunk.page_at(0) == 3 and chunk.page_at(offset + 5) == 4
    quote = (chunk.span[0] + offset, chunk.span[0] + offset + 20)
    assert citation_of(1, Hit(chunk=chunk, score=1.0), quote).page == 4
    assert citation_of(1, Hit(chunk=chunk, score=1.0)).page == 3
    assert type(chunk).from_payload(chunk.id, chunk.payload()).page_breaks == [(offset, 4)]
