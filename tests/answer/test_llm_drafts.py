"""What the LLM answerer makes of a real model's reply, and how its sentences find the
passage that supports them (model-free)."""

from __future__ import annotations

from answer import ground
from answer.drafts import DraftSentence
from answer.llm import claims
from core.schema import Hit
from core.sparse import Bm25Encoder
from tests.factories import make_chunk

HITS = [
    Hit(
        score=0.9,
        chunk=make_chunk(
            "Laptops are replaced every four years, or earlier if they fail.", "it.md"
        ),
    ),
    Hit(
        score=0.8,
        chunk=make_chunk(
            "Submit every expense in Ledgerly within 30 days of the purchase.", "x.md"
        ),
    ),
]


def test_claims_leave_out_invented_turns_questions_and_list_numbers() -> None:
    reply = "1. The answer is: 30 days. Is that clear?\n\nQuestion: What about laptops?\nThey last 9 years."
    assert claims(reply) == ["The answer is: 30 days."]
    assert claims("Expenses are due in 30 days [2].\nSources: [1] made up") == [
        "Expenses are due in 30 days [2]."
    ]


def test_an_uncited_or_miscited_sentence_gets_the_passage_that_supports_it() -> None:
    sparse = Bm25Encoder()
    drafts = [
        DraftSentence("Expenses are submitted in Ledgerly within 30 days.", None),  # uncited
        DraftSentence("Laptops are replaced every four years [2].", 1),  # the wrong number
        DraftSentence("Laptops are replaced every 3 years.", None),  # no passage says 3
        DraftSentence("The canteen serves pizza on Fridays.", 0),  # nobody says so
    ]
    checked = ground.attribute(ground.check(drafts, HITS, sparse, 0.5), HITS, sparse, 0.5)
    assert [(c.sentence.hit, c.supported) for c in checked] == [
        (1, True),
        (0, True),
        (None, False),
        (0, False),
    ]
    assert ground.attribute([], [], sparse, 0.5) == []


def test_a_generated_sentence_must_name_only_what_its_passage_names() -> None:
    sparse = Bm25Encoder()
    office = "Our headquarters is at 14 Quai Perrache, 69002 Lyon, on floors 2 to 4."
    invented = "The Berlin office is located at 14 Quai Perrache, 69002 Lyon."
    assert ground.support(invented, office, sparse) >= 0.5  # the lenient rule is fooled
    assert ground.support(invented, office, sparse, strict=True) == 0.2
    assert (
        ground.support(
            "Our headquarters is at 14 Quai Perrache, Lyon.", office, sparse, strict=True
        )
        == 1.0
    )
