"""Model-free unit tests of the answer path's pieces (FakeEmbedder, no server)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime

import numpy as np
import pytest

from answer import fuse, overlap
from answer.answerability import Model
from answer.cache import answer_config, cache_key, normalise
from answer.chat import split_turns
from answer.drafts import DraftSentence
from answer.extractive import ExtractiveAnswerer
from answer.ground import check, support
from answer.overlap import Overlap, to_base
from core.embed import FakeEmbedder, Vectors
from core.schema import Hit
from core.settings import AnswerSettings
from core.sparse import Bm25Encoder
from core.text import split_sentences
from tests.factories import make_chunk

NOW = datetime(2026, 1, 1, tzinfo=UTC)
BM25 = Bm25Encoder()


def _hit(text: str, score: float = 1.0, cid: str = "c1", section: str = "") -> Hit:
    return Hit(chunk=make_chunk(text, id=cid, section=section, title="T"), score=score)


def test_sentences_keep_offsets_and_abbreviations() -> None:
    text = "Dr. Lee approves leave. Requests go to HR! Ask e.g. your manager.\n\nNew part"
    assert [text[a:b] for a, b in split_sentences(text)] == [
        "Dr. Lee approves leave.",
        "Requests go to HR!",
        "Ask e.g. your manager.",
        "New part",
    ]


def test_support_requires_terms_and_numbers_from_the_source() -> None:
    source = "Employees have 27 days of paid vacation per year."
    assert support("Employees have 27 days of vacation [1].", source, BM25) == 1.0
    assert support("Employees have 30 days of vacation.", source, BM25) <= 0.2
    assert support("Contractors receive stock options.", source, BM25) < 0.5


def test_check_marks_uncited_sentences_unsupported() -> None:
    hits = [_hit("Laptops are replaced every four years.")]
    out = check(
        [
            DraftSentence("Laptops are replaced every four years.", 0),
            DraftSentence("Also free cake.", None),
        ],
        hits,
        BM25,
        0.5,
    )
    assert [s.supported for s in out] == [True, False] and out[0].sentence.hit == 0


def test_assembly_numbers_citations_once_in_first_cited_order_of_kept_passages() -> None:
    from answer.assemble import answered
    from answer.ground import Checked
    from core.records import IndexVersion

    hits = [_hit("Alpha text.", 0.9, "a"), _hit("Beta text.", 0.8, "b"), _hit("Gamma.", 0.7, "c")]
    checked = [
        Checked(DraftSentence("Gamma.", 2), 0.1, False),  # dropped: its passage is not cited
        Checked(DraftSentence("Beta text.", 1, start=0), 1.0, True),
        Checked(DraftSentence("Alpha text.", 0), 1.0, True),
        Checked(DraftSentence("Beta again.", 1), 1.0, True),
    ]
    version = IndexVersion(version=1, revision=0, collection="cairn_v1")
    answer = answered("q?", checked, hits, version, "extractive", 0.9)
    assert [c.chunk_id for c in answer.citations] == ["b", "a"]
    assert [c.n for c in answer.citations] == [1, 2]
    assert answer.answer == "Beta text. [1] Alpha text. [2] Beta again. [1]"
    assert [s.citation for s in answer.sentences] == [1, 2, 1] and not answer.grounded


def test_fusion_is_convex_deterministic_and_handles_missing_lists() -> None:
    dense = [_hit("a", 0.9, "x"), _hit("b", 0.5, "y")]
    sparse = [_hit("b", 10.0, "y"), _hit("c", 5.0, "z")]
    fused = fuse(dense, sparse, (0.6, 0.4))
    scores = {h.chunk.id: h.score for h in fused}
    assert scores == {
        "y": round(0.6 * 0.5 + 0.4 * 1.0, 6),
        "x": round(0.6 * 0.9, 6),
        "z": round(0.6 * 0.5 + 0.4 * 0.5, 6),
    }
    assert [h.chunk.id for h in fused] == ["y", "x", "z"]
    assert [h.chunk.id for h in fuse([], sparse, (0.6, 0.4))] == ["y", "z"]


def test_extractive_answer_prefers_the_sentence_covering_the_question() -> None:
    hits = [
        _hit("The office opens at 7. Vacation requests need two weeks notice.", 0.9, "a", "Office"),
        _hit(
            "Full-time staff have 27 vacation days per year. Sick leave is separate.",
            0.8,
            "b",
            "Vacation",
        ),
    ]
    emb = FakeEmbedder()
    answerer = ExtractiveAnswerer(emb, Overlap(BM25), AnswerSettings(max_sentences=1))
    q = "How many vacation days per year do full-time staff have?"
    draft = answerer.answer(q, hits, emb.embed([q])[0])
    assert [s.text for s in draft.sentences] == ["Full-time staff have 27 vacation days per year."]
    assert draft.sentences[0].hit == 1 and 0 < draft.evidence <= 1
    assert answerer.answer(
        "quantum chromodynamics", hits, np.zeros(emb.dim, dtype=np.float32)
    ).refused


def test_irregular_inflections_and_asking_verbs_join_question_and_sentence() -> None:
    overlap = Overlap(BM25)
    lost = overlap.question_terms("What happens if I lose my laptop?")
    assert overlap.coverage(lost, "Report a lost or stolen laptop to security.") == 1.0
    pays = overlap.question_terms("Who pays for conference travel?")
    assert overlap.coverage(pays, "Conference travel is paid from the team budget.") == 1.0
    # WordNet exceptions map forms to lemmas; a form that is itself a lemma stays.
    assert to_base(BM25.terms("children paid found")) == BM25.terms("child pay found")
    # ... and a form the stemmer already joins with a base word keeps that join.
    assert to_base(BM25.terms("leaves")) == to_base(BM25.terms("leave"))


def test_the_answer_picks_the_sentence_with_the_irregular_form() -> None:
    hits = [
        _hit("When a laptop fails, which happens rarely, IT replaces it.", 0.9, "a", "Laptop"),
        _hit("Report a lost or stolen laptop within one hour.", 0.8, "b", "Devices"),
    ]
    emb = FakeEmbedder()
    answerer = ExtractiveAnswerer(emb, Overlap(BM25), AnswerSettings(max_sentences=1))
    q = "What happens if I lose my laptop?"
    draft = answerer.answer(q, hits, emb.embed([q])[0])
    assert [s.text for s in draft.sentences] == ["Report a lost or stolen laptop within one hour."]


def test_cache_config_changes_with_the_lexicon(monkeypatch: pytest.MonkeyPatch) -> None:
    """Answers cached under other question terms (asking verbs, irregular forms) are not
    served after an upgrade that changes them."""
    before = answer_config("extractive", AnswerSettings())
    monkeypatch.setattr(overlap, "FILLER", re.compile(r"\b(get|need)\b", re.I))
    overlap.lexicon.cache_clear()
    try:
        assert answer_config("extractive", AnswerSettings()) != before
    finally:
        monkeypatch.undo()
        overlap.lexicon.cache_clear()
    assert answer_config("extractive", AnswerSettings()) == before


def test_cache_key_normalises_question_but_not_groups_or_revision() -> None:
    assert normalise("  How many  Vacation days?? ") == normalise("how many vacation days")
    base = cache_key("Q?", ["everyone"], 1, 2, "x")
    assert base == cache_key(" q ", ["everyone"], 1, 2, "x")
    assert base != cache_key("Q?", ["everyone", "hr"], 1, 2, "x")
    assert base != cache_key("Q?", ["everyone"], 1, 3, "x")


def test_cache_config_changes_with_answer_settings_and_weights() -> None:
    answerer = ExtractiveAnswerer(FakeEmbedder(), Overlap(BM25), AnswerSettings())
    base = answer_config(answerer.config(), AnswerSettings())
    assert base == answer_config(answerer.config(), AnswerSettings())
    assert base != answer_config(answerer.config(), AnswerSettings(min_confidence=0.5))
    assert base != answer_config(answerer.config(), AnswerSettings(dense_weight=0.5))
    other = Model.load()
    other.intercept += 0.1
    refitted = ExtractiveAnswerer(FakeEmbedder(), Overlap(BM25), AnswerSettings(), other)
    assert answer_config(refitted.config(), AnswerSettings()) != base


def test_follow_up_resolution() -> None:
    turns = [("user", "How long do I have to submit an expense?"), ("assistant", "30 days [1]")]
    assert split_turns([*turns, ("user", "And abroad?")]) == (
        "And abroad?",
        "How long do I have to submit an expense?",
    )
    standalone = "Where is the Lyon office located these days"
    assert split_turns([*turns, ("user", "Where is the Lyon office located?")])[1] == ""
    assert split_turns([("user", standalone)]) == (standalone, "")


class CountingEmbedder(FakeEmbedder):
    """FakeEmbedder that records every text it embeds."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def embed(self, texts: Sequence[str]) -> Vectors:
        self.seen += list(texts)
        return super().embed(texts)


def test_sentence_vectors_are_reused_and_bounded() -> None:
    from answer.extractive import SentenceVectors

    embedder = CountingEmbedder()
    cache = SentenceVectors(embedder, capacity=3)
    first = cache.embed(["a b", "c d", "a b"])
    assert embedder.seen == ["a b", "c d"]  # each distinct text once
    again = cache.embed(["c d", "e f"])
    assert embedder.seen == ["a b", "c d", "e f"]  # only the unseen one
    assert np.array_equal(again[0], first[1])
    assert np.allclose(again[1], FakeEmbedder().embed(["e f"])[0])
    cache.embed(["g h"])  # capacity 3: the least recently used ("a b") is evicted
    cache.embed(["a b"])
    assert embedder.seen[-1] == "a b"
    off = SentenceVectors(CountingEmbedder(), capacity=0)
    off.embed(["x y"])
    off.embed(["x y"])
    assert off.embedder.seen == ["x y", "x y"]  # type: ignore[attr-defined]


def test_answers_are_the_same_with_and_without_the_sentence_cache() -> None:
    hits = [
        _hit("Laptops are replaced every four years. Ask the helpdesk for a new one.", cid="a"),
        _hit("The helpdesk is open from nine to five on weekdays.", 0.8, cid="b"),
    ]
    question = "How often are laptops replaced?"
    vector = FakeEmbedder().embed([question])[0]
    drafts = []
    for size in (0, 100):
        answerer = ExtractiveAnswerer(
            FakeEmbedder(), Overlap(BM25), AnswerSettings(sentence_cache=size)
        )
        drafts += [answerer.answer(question, hits, vector) for _ in range(2)]
    assert all(d == drafts[0] for d in drafts) and not drafts[0].refused
