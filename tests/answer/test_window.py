"""The best passages are read on into the next chunk of their section, and a quote from
that chunk cites it."""

from __future__ import annotations

from pathlib import Path

import pytest

from answer import build_engine
from answer.drafts import Draft, DraftSentence
from answer.window import continues, joined, widen
from core.access import Principal
from core.schema import Answer, Chunk, Hit
from core.settings import Settings
from core.store import VectorStore
from tests.conftest import make_settings
from tests.factories import make_chunk
from tests.ingest.helpers import run_ingest

ASKER = Principal(name="a", groups=["everyone"])
QUESTION = "Lead QA Tester OSes?"
# One section, longer than a chunk: the OS list sits after the cut.
LEAD = " ".join(
    f"The Lead QA Tester {duty} for every release cycle."
    for duty in (
        "defines our QA approach and sets the standard",
        "oversees all product QA across the cycle",
        "coordinates the third-party testing firms",
        "levels up less-experienced testers",
        "reviews the risk of every product pairing",
        "writes the quality notes that ship",
        "plans the regression passes",
        "signs off the accessibility checks",
        "runs the performance checks",
        "owns the bug triage meeting",
        "trains new testers on our tools",
        "keeps the test plans current",
        "reports the quality trends",
        "pairs with programmers on fixes",
        "decides when a build is good",
    )
)
PAGE = (
    "# QA career levels\n\n## Lead QA Tester\n\n"
    f"{LEAD}\n\n"
    "Skilled in testing across multiple OSes: macOS, Windows, Linux, Android and iOS.\n"
)


def _span(chunk: Chunk, start: int, text: str) -> Chunk:
    return chunk.model_copy(update={"span": (start, start + len(text))})


def test_joined_takes_the_overlap_once_and_keeps_document_offsets() -> None:
    doc = "Alpha beta gamma.\n\nDelta epsilon zeta.\n\nEta theta iota."
    head = _span(make_chunk(doc[:38]), 0, doc[:38])
    tail = _span(make_chunk(doc[19:], ordinal=1), 19, doc[19:])
    chunk, offset = joined(head, tail) or (None, 0)
    assert chunk is not None and chunk.text == doc and offset == 19
    assert chunk.span == (0, len(doc))
    apart = _span(make_chunk(doc[40:], ordinal=1), 40, doc[40:])  # a paragraph break between
    chunk, offset = joined(_span(make_chunk(doc[:38]), 0, doc[:38]), apart) or (None, 0)
    assert chunk is not None and chunk.text[offset:] == doc[40:] and offset == 40
    far = _span(make_chunk("Kappa."), 400, "Kappa.")  # not contiguous: not joined
    assert joined(head, far) is None
    other = _span(make_chunk("XXXXXXXXXX lambda mu.", ordinal=1), 28, "XXXXXXXXXX lambda mu.")
    assert joined(head, other) is None  # the overlap does not match


def test_a_tail_on_a_new_page_keeps_its_page() -> None:
    head = _span(make_chunk("First page text.", page=3), 0, "First page text.")
    tail = _span(make_chunk("Next page text.", ordinal=1, page=4), 18, "Next page text.")
    chunk, offset = joined(head, tail) or (None, 0)
    assert chunk is not None and chunk.page_at(0) == 3 and chunk.page_at(offset) == 4


def _indexed(
    tmp_path: Path, name: str, page: str, **answer: object
) -> tuple[Settings, VectorStore, str, list[Chunk]]:
    """One page ingested into a fresh home: its settings, open store, collection and
    chunks in reading order."""
    settings = make_settings(tmp_path / "home", answer=answer)  # type: ignore[arg-type]
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / name).write_text(page)
    _report, records, store = run_ingest(settings, folder)
    records.engine.dispose()
    collection = store.resolve_alias(settings.qdrant.alias)
    assert collection is not None
    chunks = sorted(store.get(collection, sorted(store.ids(collection))), key=lambda c: c.ordinal)
    return settings, store, collection, chunks


def _asked(settings: Settings, question: str) -> Answer:
    engine = build_engine(settings)
    try:
        return engine.ask.ask(question, ASKER)
    finally:
        engine.close()


@pytest.fixture
def two_chunks(tmp_path: Path) -> tuple[VectorStore, str, list[Chunk]]:
    _settings, store, collection, chunks = _indexed(tmp_path, "qa.md", PAGE)
    return store, collection, chunks


def test_widen_reads_on_and_restore_cites_the_tail(
    two_chunks: tuple[VectorStore, str, list[Chunk]],
) -> None:
    store, collection, chunks = two_chunks
    assert len(chunks) == 2 and chunks[0].section == chunks[1].section
    assert "macOS" not in chunks[0].text and "macOS" in chunks[1].text
    hits = [Hit(chunk=chunks[0], score=0.9)]
    assert widen(hits, store, collection, ["everyone"], 0).hits == hits  # off
    assert widen(hits, store, collection, ["people-ops"], 1).hits == hits  # not visible
    wide = widen(hits, store, collection, ["everyone"], 1)
    text = wide.hits[0].chunk.text
    quote = "Skilled in testing across multiple OSes: macOS, Windows, Linux, Android and iOS."
    first = (
        "The Lead QA Tester defines our QA approach and sets the standard for every release cycle."
    )
    draft = Draft(
        sentences=[
            DraftSentence(first, 0, text.index(first)),
            DraftSentence(quote, 0, text.index(quote)),
        ]
    )
    restored, cited = wide.restore(draft, hits)
    assert [s.hit for s in restored.sentences] == [0, 1]
    assert cited[1].chunk.id == chunks[1].id
    start = restored.sentences[1].start
    assert start is not None and chunks[1].text[start : start + len(quote)] == quote
    # A model's sentence has no offset: the tail is there for the grounding check to find.
    said = Draft(sentences=[DraftSentence("They test on macOS and iOS [1].", 0)], generated=True)
    restored, cited = wide.restore(said, hits)
    assert restored.sentences[0].hit == 0 and [h.chunk.id for h in cited] == [c.id for c in chunks]
    store.close()


def test_a_tail_retrieved_below_its_head_is_read_with_the_head_too(
    two_chunks: tuple[VectorStore, str, list[Chunk]],
) -> None:
    """The next chunk, retrieved further down, is read with its head at the head's rank
    (it keeps its own place as well); one retrieved above its head is read where it ranks."""
    store, collection, chunks = two_chunks
    other = make_chunk("Unrelated passage about the office plants.", "plants.md")
    below = [Hit(chunk=chunks[0], score=0.9), Hit(chunk=other, score=0.8)]
    below.append(Hit(chunk=chunks[1], score=0.5))
    wide = widen(below, store, collection, ["everyone"], 1)
    assert "macOS" in wide.hits[0].chunk.text and wide.hits[2].chunk == chunks[1]
    assert wide.tails[0][0].id == chunks[1].id
    above = [Hit(chunk=chunks[1], score=0.9), Hit(chunk=chunks[0], score=0.8)]
    wide = widen(above, store, collection, ["everyone"], 2)
    assert wide.hits == above and not wide.tails
    store.close()


@pytest.mark.parametrize("window", [0, 1])
def test_the_answer_holds_the_fact_after_the_cut(tmp_path: Path, window: int) -> None:
    settings, store, _, _ = _indexed(
        tmp_path, "qa.md", PAGE, top_k=1, window=window, min_confidence=0.0
    )
    store.close()
    answer = _asked(settings, QUESTION)
    assert ("macOS" in answer.answer) == (window == 1)
    if window:
        (cited,) = [c for c in answer.citations if c.n == answer.sentences[-1].citation]
        assert "macOS" in cited.quote and "QA career levels" not in cited.quote  # its own chunk
        assert cited.span[0] <= cited.highlight[0] < cited.highlight[1] <= cited.span[1]


def test_read_gives_the_passages_the_answerer_reads(tmp_path: Path) -> None:
    """``AskService.read`` is the ask path's reading (the answer benchmark and the
    answerability fit use it): the question in the documents' spelling (its acronyms
    spelt out as they do), the retrieved hits, and the best one read on into its next
    chunk."""
    settings, store, _, _ = _indexed(tmp_path, "qa.md", PAGE, top_k=1, window=1)
    store.close()
    engine = build_engine(settings)
    try:
        reading, top = engine.ask.read(engine.ask.query(QUESTION, ASKER))
        misspelt, _ = engine.ask.read(engine.ask.query("Lead QA Tester OSes skiled in?", ASKER))
        acronym, _ = engine.ask.read(engine.ask.query("Which OSes is an LQT skilled in?", ASKER))
        hidden, nothing = engine.ask.read(
            engine.ask.query(QUESTION, Principal(name="b", groups=["people-ops"]))
        )
    finally:
        engine.close()
    assert misspelt is not None and misspelt.text == "Lead QA Tester OSes skilled in?"
    assert (
        acronym is not None and acronym.text == "Which OSes is an LQT (lead qa tester) skilled in?"
    )
    assert reading is not None and reading.text == QUESTION
    assert top == reading.hits[0].score
    assert "macOS" not in reading.hits[0].chunk.text
    assert "macOS" in reading.wide.hits[0].chunk.text
    assert (hidden, nothing) == (None, 0.0)  # qa.md is everyone's; this caller is not


def test_a_subsection_continues_its_section_a_sibling_does_not() -> None:
    assert continues("Desk set-up", "Desk set-up")
    assert continues("Desk set-up", "Desk set-up > Design teammates")
    assert not continues("Desk set-up > Full-time", "Desk set-up > Design teammates")
    assert not continues("Desk set-up > Design teammates", "Desk set-up")
    assert not continues("Desk set-up", "Desk set-up extras")


DESK = (
    "# Spending company money\n\n## Desk set-up\n\n"
    "We want every teammate to have a workspace that makes them comfortable and productive. "
    "We offer a $2,000 desk set-up budget for all full-time teammates.\n\n"
    "### Design teammates\n\n"
    "We expect new Design team members to spend $2,650 to allow for higher-resolution "
    "monitors.\n"
)


@pytest.mark.parametrize("window", [0, 1])
def test_the_lead_of_a_section_reads_on_into_its_subsection(tmp_path: Path, window: int) -> None:
    settings, store, _, chunks = _indexed(
        tmp_path, "money.md", DESK, top_k=1, window=window, min_confidence=0.0
    )
    store.close()
    assert [c.section.split(" > ")[-1] for c in chunks][-2:] == ["Desk set-up", "Design teammates"]
    answer = _asked(settings, "What desk set-up budget do design teammates get?")
    assert ("$2,650" in answer.answer) == (window == 1)
