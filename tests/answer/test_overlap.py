"""Question terms match the forms a document uses: irregular inflections and degrees."""

from __future__ import annotations

import pytest

from answer.overlap import Overlap
from core.sparse import Bm25Encoder

OVERLAP = Overlap(Bm25Encoder())


@pytest.mark.parametrize(
    ("asked", "written"),
    [
        ("lost", "lose"),  # an irregular verb
        ("children", "child"),  # an irregular noun
        ("earliest", "early"),  # an adjective's degree WordNet lists as an exception
        ("bigger", "big"),
        ("longest", "long"),  # regular degrees
        ("larger", "large"),
        ("older", "old"),  # a degree WordNet also lists as a lemma of its own
        ("cap", "maximum"),  # one thing the stemmer keeps apart
        ("capped", "maximum"),
    ],
)
def test_a_form_matches_its_base(asked: str, written: str) -> None:
    assert OVERLAP.coverage(OVERLAP.question_terms(asked), written) == 1.0


def test_the_earliest_day_is_found_where_the_text_says_early() -> None:
    terms = OVERLAP.question_terms("What's the earliest day of the month I can send it?")
    text = "Submit monthly invoices as early as the 20th of the current month."
    assert OVERLAP.coverage(terms, text) == 0.5  # "early" and "month" of four terms


@pytest.mark.parametrize(("a", "b"), [("leaves", "leaf"), ("later", "lately")])
def test_words_the_table_must_not_join_stay_apart(a: str, b: str) -> None:
    assert OVERLAP.coverage(OVERLAP.question_terms(a), b) == 0.0
