"""The answerability model: its features, its fit, and the weights Cairn ships."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from answer.answerability import (
    FEATURES,
    SIGNS,
    WEIGHTS,
    Evidence,
    Model,
    features,
    fit,
)
from answer.overlap import Overlap
from core.settings import AnswerSettings
from core.sparse import Bm25Encoder

OVERLAP = Overlap(Bm25Encoder())

PASSAGE = (
    "The Scottish Parliament has the ability to alter income tax in Scotland by up to "
    "3 pence in the pound. In 2014 the University enrolled 3,468 students in its four "
    "graduate divisions. While en route, Washington learned of Trent's retreat."
)


def _evidence(question: str, sentence: str, similarity: float = 0.7) -> Evidence:
    q_terms = OVERLAP.question_terms(question)
    return Evidence(
        question=question,
        q_terms=q_terms,
        sentence=sentence,
        sentence_terms=OVERLAP.terms(sentence),
        sentence_coverage=OVERLAP.coverage(q_terms, sentence),
        chunk=PASSAGE,
        chunk_terms=OVERLAP.terms(PASSAGE),
        all_terms=OVERLAP.terms(PASSAGE),
        similarity=similarity,
        scores=[0.9, 0.5],
        best_rank=0,
    )


TAX = "The Scottish Parliament has the ability to alter income tax in Scotland by up to 3 pence."
STUDENTS = "In 2014 the University enrolled 3,468 students in its four graduate divisions."
RETREAT = "While en route, Washington learned of Trent's retreat."

# (question the passage answers, near miss written against the same sentence, sentence,
#  the feature that must tell them apart)
PAIRS = [
    (
        "Who has the ability to alter income tax in Scotland?",
        "Who does not have the ability to alter income tax in Scotland?",
        TAX,
        "negation_added",
    ),
    (
        "How many students did the University enroll in its four graduate divisions?",
        "How many students did the University enroll in its five graduate divisions?",
        STUDENTS,
        "numbers_missing_sentence",
    ),
    (
        "When did Washington learn about Trent's retreat?",
        "When did Washington learn about Trent's advance?",
        RETREAT,
        "opposite_word",
    ),
    (
        "Who has the ability to alter income tax in Scotland?",
        "Who has the ability to alter income tax in Wales?",
        TAX,
        "names_missing_chunk",
    ),
]


@pytest.mark.parametrize(("good", "near_miss", "sentence", "flag"), PAIRS)
def test_features_flag_the_changed_detail(
    good: str, near_miss: str, sentence: str, flag: str
) -> None:
    assert features(_evidence(good, sentence))[flag] == 0
    assert features(_evidence(near_miss, sentence))[flag] >= 1
    assert set(features(_evidence(good, sentence))) == set(FEATURES)


# (question, best unit, its heading, the feature the heading settles)
HEADED = [
    (
        "Which countries can't I work from?",
        "• Cuba\n\n• Iran\n\n• North Korea",
        "Nomad Life > Countries where we cannot support employees",
        "negation_added",
    ),
    (
        "When is open enrollment for our FSAs?",
        "Open enrollment is in December every year.",
        "Benefits > Flexible Spending Account (FSA)",
        "names_missing_sentence",
    ),
]


@pytest.mark.parametrize(("asked", "unit", "heading", "flag"), HEADED)
def test_a_unit_is_read_under_its_heading(asked: str, unit: str, heading: str, flag: str) -> None:
    """A negation or a name in the unit's heading is the unit's own: the list under
    "Countries where we cannot support employees" says "can't", and "Open enrollment is in
    December" under "Flexible Spending Account (FSA)" is about FSAs."""
    bare = _evidence(asked, unit)
    assert features(bare)[flag] == 1
    assert features(replace(bare, heading=heading))[flag] == 0


def test_an_opposite_the_question_itself_uses_is_no_mismatch() -> None:
    sentence = "The Short Term policy replaces up to 70% of your salary, up to 12 weeks."
    asked = "If I go on short-term disability, how long is my salary replaced?"
    assert features(_evidence(asked, sentence))["opposite_word"] == 0
    asked = "Does the long-term policy replace my salary?"
    assert features(_evidence(asked, sentence))["opposite_word"] == 1


def test_the_measure_a_how_question_asks_for_is_not_an_opposite() -> None:
    sentence = "Demos should be short and easy to prepare for."
    assert features(_evidence("How long should my demo be?", sentence))["opposite_word"] == 0
    assert features(_evidence("Which demos run long?", sentence))["opposite_word"] == 1


def test_a_negation_that_only_sets_the_scene_does_not_negate_the_question() -> None:
    sentence = "Bookings not approved within 24 hours are cancelled; ask in #travel."
    for asked in (
        "My manager hasn't approved my booking yet. What happens next?",
        "Where do I get help if I can't get online?",
        "If I leave with a sabbatical I haven't taken, do I get paid for it?",
        "For profit sharing (not the liquidity pool), when do I start earning shares?",
        "Is there a way to report it without giving my name?",
    ):
        found = features(_evidence(asked, "Unused sabbaticals are paid out."))
        assert found["negation_question"] == 0, asked
    assert (
        features(_evidence("Which bookings are not approved?", sentence))["negation_question"] == 1
    )


def test_number_words_match_their_digits_and_only_whole_words() -> None:
    sentence = "By your 1st anniversary we expect you to know the product, and 2 of its apps."
    found = features(_evidence("What happens at my first anniversary with two apps?", sentence))
    assert found["numbers_missing_sentence"] == 0
    missing = features(_evidence("What does someone learn in two years?", "Someone learns a lot."))
    assert missing["numbers_missing_sentence"] == 1
    pronoun = features(_evidence("How long do I have to add one?", "Add a warranty in 30 days."))
    assert pronoun["numbers_missing_sentence"] == 0  # "one" is a pronoun here
    owned = "Equipment over $1,000 is the property of the company."
    asked = "Who owns a monitor that costs a thousand dollars?"
    assert features(_evidence(asked, owned))["numbers_missing_sentence"] == 0
    # An ordinal inside a compound names no number: "first-half" is written "1H".
    trips = "In FY24 we will have two trips: a 1H trip (February) and a 2H trip."
    asked = "When is the first-half trip?"
    assert features(_evidence(asked, trips))["numbers_missing_sentence"] == 0
    assert features(_evidence("Who was the first CEO?", trips))["numbers_missing_sentence"] == 1
    # Nor does one after "a" ("a second job" is another job), nor "third party".
    rule = "You can't work for another company in our industry."
    asked = "Can I work a second job, or for a third party?"
    assert features(_evidence(asked, rule))["numbers_missing_sentence"] == 0
    asked = "Who ran the second trip?"
    assert features(_evidence(asked, rule))["numbers_missing_sentence"] == 1
    # A number the unit's heading holds is the unit's: "Accepted CVEs for 5.2.1 > ..."
    release = "CVE ID: CVE-7; CVSS Base Score: 9.8"
    asked = "In 5.2.1, what's the base score of CVE-7?"
    assert features(_evidence(asked, release))["numbers_missing_sentence"] == 1
    headed = replace(_evidence(asked, release), heading="Accepted CVEs for Sourcegraph 5.2.1")
    assert features(headed)["numbers_missing_sentence"] == 0


def test_cannot_is_a_negation() -> None:
    sentence = "We cannot employ teammates in Cuba, Iran or North Korea."
    assert (
        features(_evidence("Which countries can't I work from?", sentence))["negation_added"] == 0
    )


@pytest.mark.parametrize(("good", "near_miss", "sentence", "flag"), PAIRS)
def test_shipped_model_trusts_the_match_more_than_the_near_miss(
    good: str, near_miss: str, sentence: str, flag: str
) -> None:
    model = Model.load()
    assert model.score(features(_evidence(good, sentence))) > model.score(
        features(_evidence(near_miss, sentence))
    )


def test_shipped_threshold_is_the_default_min_confidence() -> None:
    model = Model.load()
    assert model.provenance["threshold"] == AnswerSettings().min_confidence
    assert model.provenance["answerable"] > 4000 and model.provenance["unanswerable"] > 4000


def test_fit_is_deterministic_and_learns_the_signal() -> None:
    rows, labels = [], []
    for i in range(400):
        negated = i % 3 == 0
        row = dict.fromkeys(FEATURES, 0.0)
        row.update(negation_added=float(negated), similarity=0.3 + (i % 7) / 10)
        rows.append(row)
        labels.append(0 if negated and i % 2 else 1)
    first, second = fit(rows, labels), fit(rows, labels)
    assert first == second
    coef = dict(zip(first.names, first.coef, strict=True))
    assert coef["negation_added"] < -0.5 and abs(coef["similarity"]) < 0.2
    negated = dict(rows[0], negation_added=1.0)
    plain = dict(rows[0], negation_added=0.0)
    assert first.score(negated) < 0.75 < first.score(plain)


def test_shipped_weights_keep_the_documented_directions() -> None:
    coef = dict(zip(Model.load().names, Model.load().coef, strict=True))
    assert all(coef[name] * sign >= 0 for name, sign in SIGNS.items()), coef
    assert coef["negation_added"] < 0 and coef["top_score"] > 0 and coef["similarity"] > 0


def test_fit_leaves_out_a_signal_that_points_the_wrong_way() -> None:
    rows, labels = [], []
    for i in range(300):
        row = dict.fromkeys(FEATURES, 0.0)
        # In this data more question coverage goes with *unanswerable*: fitting it would
        # teach the model that finding the question's words is bad news.
        row.update(sentence_coverage=(i % 10) / 10, similarity=(i % 4) / 4)
        rows.append(row)
        labels.append(int(i % 10 < 5) if i % 4 < 2 else int(i % 4 == 3))
    coef = dict(zip(FEATURES, fit(rows, labels).coef, strict=True))
    assert coef["sentence_coverage"] == 0 and coef["similarity"] > 0


def test_weights_for_other_features_are_rejected(tmp_path: Path) -> None:
    shipped = json.loads(WEIGHTS.read_text())
    shipped["names"] = shipped["names"][:-1]
    bad = tmp_path / "weights.json"
    bad.write_text(json.dumps(shipped))
    with pytest.raises(ValueError, match="refit"):
        Model.load(bad)


def test_a_hedge_is_no_negation_and_an_acronym_plural_is_its_acronym() -> None:
    hedged = "Not sure whether my side gig counts as our industry. Who should I ping?"
    found = features(_evidence(hedged, "Ask Jason or David whether it counts."))
    assert found["negation_question"] == 0
    plural = "Who administers our FSAs?"
    assert (
        features(_evidence(plural, "Our FSA is administered by FLEX."))["names_missing_sentence"]
        == 0
    )


def test_a_word_starting_a_later_sentence_is_no_name() -> None:
    asked = "I'm joining soon. What laptop should I order?"
    assert (
        features(_evidence(asked, "Order a laptop from the list."))["names_missing_sentence"] == 0
    )


def test_a_name_in_the_scene_a_question_sets_is_not_asked_about() -> None:
    """ "I just joined in *June*." says when, it names nothing a passage must hold; a name in
    the part that asks still counts."""
    sentence = "Summer hours run from May 1 through August 31."
    scene = features(_evidence("I just joined in June. Am I on summer hours right away?", sentence))
    assert scene["names_missing_sentence"] == 0
    asked = features(_evidence("Are summer hours different in Lisbon?", sentence))
    assert asked["names_missing_sentence"] == 1


def test_a_yes_no_question_is_answered_by_the_opposite_word() -> None:
    """ "Is reading the guidelines *optional*?" is answered by "It is *mandatory* ..."; a
    question asking what, not whether, still flags the opposite."""
    sentence = "It is mandatory for a software engineer to have read the guidelines."
    for polar in (
        "Is reading the secure coding guidelines optional?",
        "As a new engineer, is reading the guidelines optional, and what comes after?",
    ):
        assert features(_evidence(polar, sentence))["opposite_word"] == 0, polar
    assert features(_evidence("Which guidelines are optional?", sentence))["opposite_word"] == 1
    short = "Demos should be short and easy to prepare for."
    assert features(_evidence("Should my demo be long?", short))["opposite_word"] == 0


RARE_SENSES = [
    (  # "take" / "give": opposites in their 8th and 3rd senses ("take / give an exam")
        "How far in advance should I let my team know I'm taking my sabbatical?",
        "Give your team a heads-up, preferably three months in advance.",
        0,
    ),
    (  # "stop" / "start": the 8th sense of "start"
        "For the liquidity pool, when do I stop accruing shares?",
        "You start accruing liquidity pool shares after one year.",
        0,
    ),
    (  # "include" / "exclude": opposites in their common senses
        "Which treatments does the plan include?",
        "The plan does exclude cosmetic treatments.",
        1,
    ),
]


@pytest.mark.parametrize(("asked", "sentence", "flag"), RARE_SENSES)
def test_words_opposite_only_in_rare_senses_are_no_mismatch(
    asked: str, sentence: str, flag: int
) -> None:
    """WordNet opposites count only in the first senses of both words: "Give your team a
    heads-up" does not contradict "I'm taking my sabbatical"."""
    assert features(_evidence(asked, sentence))["opposite_word"] == flag
