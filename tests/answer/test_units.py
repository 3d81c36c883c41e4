"""Answer units, question analysis and answer text: each unit kind, multi-part, scope."""

from __future__ import annotations

import numpy as np
import pytest

from answer.answerability import FEATURES, Model
from answer.assemble import display
from answer.drafts import Draft
from answer.extractive import Candidate, ExtractiveAnswerer, _valued
from answer.overlap import Overlap
from answer.question import (
    DAY_STATED,
    KIND_VALUE,
    PREFER,
    analyse,
    identifiers,
    meets,
    name_runs,
    named_documents,
    naming,
    scope_names,
    set_aside,
    spans,
    unstated_sums,
    violates,
)
from answer.spelling import expanded, spelled
from answer.units import left_out, record, units
from core.embed import FakeEmbedder
from core.schema import Hit
from core.settings import AnswerSettings
from core.sparse import Bm25Encoder
from tests.factories import make_chunk

LIST_PAGE = (
    "Desk set-up\n\nWe expect new teammates to spend up to $2,000 on their desk.\n\n"
    "Eligible items include:\n\n• Monitor\n\n• Headphones\n\n• Keyboard\n\n• Ergonomic chair"
)
TABLE = (
    "Plan: Standard; Deductible: $2,000; Copay: $30\n\nPlan: Plus; Deductible: $1,500; Copay: $20"
)
FIELDS = "Team page\n\n• Office: Berlin\n\n• Reports to: Head of Finance\n\n• Slack: #team-finance"


def _quotes(text: str) -> list[tuple[str, str]]:
    return [(u.kind, text[u.start : u.end]) for u in units(text)]


def test_a_list_unit_keeps_its_lead_in_with_its_items() -> None:
    found = _quotes(LIST_PAGE)
    assert (
        "list",
        "Eligible items include:\n\n• Monitor\n\n• Headphones\n\n• Keyboard\n\n• Ergonomic chair",
    ) in found
    assert ("item", "Headphones") in found


def test_a_long_list_is_cut_and_counts_what_it_left_out() -> None:
    text = "Covered:\n\n" + "\n\n".join(f"• Service number {i} is covered" for i in range(10))
    (lst,) = [u for u in units(text) if u.kind == "list"]
    assert lst.more == 4 and text[lst.start : lst.end].endswith("Service number 5 is covered")
    assert display(text[lst.start : lst.end], lst.more).endswith("…and 4 more")
    tail = [text[u.start : u.end] for u in left_out(text + "\n\nAfter the list.", lst)]
    assert tail == [f"Service number {i} is covered" for i in range(6, 10)]


ACTIVITIES = "PerksPlus covers fitness activities, including:\n\n" + "\n\n".join(
    f"• {item}"
    for item in [
        "Gym memberships",
        "Personal training sessions",
        "Yoga and Pilates classes",
        "Fitness equipment purchases",
        "Sports team fees",
        "Health retreats and spas",
        "Rock climbing",
        "Weight management programs",
        "Massage programs",
    ]
)


def test_an_item_a_cut_list_leaves_out_is_quoted_when_the_question_names_it() -> None:
    """ "…and 3 more" must not hide the very item asked about: the left-out item holding
    question terms no chosen unit holds is quoted after the list, however short."""
    hits = _hits([("perks.pdf", "PerksPlus", ACTIVITIES)])
    quoted = [
        s.text for s in _run("Is rock climbing covered by PerksPlus fitness?", hits).sentences
    ]
    assert quoted[0].startswith("PerksPlus covers") and "Rock" not in quoted[0]
    assert "Rock climbing" in quoted
    # A question term several left-out items hold ("programs") singles none of them out.
    quoted = [s.text for s in _run("Which fitness programs does PerksPlus cover?", hits).sentences]
    assert not any(q.endswith("programs") for q in quoted)


SAFETY = "Our program includes:\n\n" + "\n\n".join(
    f"• {head} \u2013 We {what} across every site so that each team stays safe at work."
    for head, what in [
        ("Hazard Identification", "identify and assess hazards"),
        ("Training", "train our employees on procedures"),
        ("Personal Protective Equipment (PPE)", "provide the right equipment"),
        ("Emergency Preparedness", "keep procedures for emergencies"),
        ("Reporting", "encourage reports of concerns"),
        ("Record Keeping", "keep records of incidents"),
        ("Inspections", "conduct monthly inspections"),
    ]
)


def test_a_headed_list_is_shown_as_its_heads_and_keeps_every_item() -> None:
    (lst,) = [u for u in units(SAFETY) if u.kind == "list"]
    assert lst.more == 0 and SAFETY[lst.start : lst.end] == SAFETY  # all seven, verbatim
    assert display(SAFETY[lst.start : lst.end]) == (
        "Our program includes: Hazard Identification; Training; Personal Protective "
        "Equipment (PPE); Emergency Preparedness; Reporting; Record Keeping; Inspections"
    )
    plain = SAFETY.replace(" \u2013 ", " and ")  # the same items without heads: cut
    (cut,) = [u for u in units(plain) if u.kind == "list"]
    assert cut.more > 0


def test_an_item_of_a_headed_list_is_quoted_whole_beside_its_head() -> None:
    """The list shows heads only, so a part asking for an item's detail gets the item."""
    draft = _run(
        "What does the safety program include, and how often are inspections done?",
        [Hit(chunk=make_chunk(SAFETY, "safety.md", section="Safety"), score=0.9)],
    )
    quoted = [s.text for s in draft.sentences]
    assert SAFETY in quoted  # the whole list, shown as its heads
    assert any(q.startswith("Inspections \u2013 We conduct monthly") for q in quoted)


def test_field_lines_are_no_heads() -> None:
    """A "Field: value" list keeps its values: a value is no explanation."""
    assert display(FIELDS.split("\n\n", 1)[1]) == (
        "• Office: Berlin • Reports to: Head of Finance • Slack: #team-finance"
    )


def test_a_table_row_is_one_unit_with_its_headers() -> None:
    rows = [q for q in _quotes(TABLE) if q[0] == "row"]
    assert rows == [
        ("row", "Plan: Standard; Deductible: $2,000; Copay: $30"),
        ("row", "Plan: Plus; Deductible: $1,500; Copay: $20"),
    ]


def test_field_lines_are_units_of_their_own() -> None:
    found = _quotes(FIELDS)
    assert ("item", "Reports to: Head of Finance") in found and ("item", "Office: Berlin") in found


def test_questions_split_into_parts_with_the_kind_each_asks_for() -> None:
    asked = analyse("How much is the gym allowance and who approves it?")
    assert asked.parts == ("How much is the gym allowance", "who approves it")
    assert asked.kinds == ("amount", "person")
    assert analyse("How long do I have to file an expense report?").kinds == ("duration",)
    assert analyse("Which Slack channel do I ask about payroll?").kinds == ("contact",)
    assert analyse(
        "Which tool logs expenses, and above what amount is a receipt needed?"
    ).parts == (
        "Which tool logs expenses",
        "above what amount is a receipt needed",
    )
    assert analyse("Do salt and pepper come free?").parts == ("Do salt and pepper come free",)
    # "which kinds of" asks for a list, even where a word of the question names an amount
    assert analyse("Which kinds of lessons can I get reimbursed for?").kinds == ("list",)
    # "what are the possible (available, different) ..." asks for the options
    assert analyse("What are the possible telemetry statuses of an instance?").kinds == ("list",)
    assert analyse("What are the available plans?").kinds == ("list",)


def test_answer_text_is_plain() -> None:
    assert display("See the [benefits page](b.md) and **HSA** rules &amp; limits .") == (
        "See the benefits page and HSA rules & limits."
    )
    assert display("Items:\n\n• A\n\n• B") == "Items: • A • B"


def _answerer() -> ExtractiveAnswerer:
    return ExtractiveAnswerer(FakeEmbedder(), Overlap(Bm25Encoder()), AnswerSettings())


def _run(question: str, hits: list[Hit]) -> Draft:
    answerer = _answerer()
    return answerer.answer(question, hits, np.asarray(answerer.embedder.embed([question])[0]))


def _fields(question: str, text: str) -> list[str]:
    """The "Field: value" lines asked together, of one chunk's units."""
    answerer = _answerer()
    found = [Candidate(0, u.start, text[u.start : u.end], 0.0, u.kind) for u in units(text)]
    return [c.text for c in answerer._asked_fields(found, analyse(question))]


def _hits(chunks: list[tuple[str, str, str]]) -> list[Hit]:
    return [
        Hit(chunk=make_chunk(text, source, title=title, section=title), score=1.0 - i / 10)
        for i, (source, title, text) in enumerate(chunks)
    ]


def _answer(question: str, chunks: list[tuple[str, str, str]]) -> list[str]:
    draft = _run(question, _hits(chunks))
    return [s.text for s in draft.sentences] + [f"uncovered: {u}" for u in draft.uncovered]


def test_the_list_is_quoted_not_just_its_lead_in() -> None:
    quoted = _answer("Which desk items are eligible?", [("desk.md", "Desk set-up", LIST_PAGE)])
    assert any("Ergonomic chair" in q and "Eligible items include:" in q for q in quoted)


def test_a_table_question_quotes_the_row_with_its_header() -> None:
    quoted = _answer("What is the deductible on the Plus plan?", [("plans.md", "Plans", TABLE)])
    assert quoted[0] == "Plan: Plus; Deductible: $1,500; Copay: $20"


def test_a_field_question_quotes_the_field_line() -> None:
    quoted = _answer("Who does the finance team report to?", [("team.md", "Finance team", FIELDS)])
    assert "Reports to: Head of Finance" in quoted


def test_each_part_of_a_two_part_question_gets_a_unit() -> None:
    text = (
        "The gym allowance is $30 per month for every employee. "
        "Your manager approves the gym allowance before you buy a membership. "
        "Gyms near the office are listed on the intranet."
    )
    quoted = _answer(
        "How much is the gym allowance and who approves it?", [("gym.md", "Gym", text)]
    )
    assert any("$30" in q for q in quoted) and any("manager approves" in q for q in quoted)


def test_a_part_no_passage_covers_is_named() -> None:
    text = "The gym allowance is $30 per month for every employee in every office."
    quoted = _answer(
        "How much is the gym allowance and which parking garage do we validate?",
        [("gym.md", "Gym", text)],
    )
    assert "$30" in quoted[0] and "uncovered: which parking garage do we validate" in quoted
    # A sentence that sets the scene asks nothing, so it is never named as not covered;
    # an instruction ("Give ...") asks.
    scene = "A teammate of mine moved to the Lisbon office. How much is the gym allowance?"
    quoted = _answer(scene, [("gym.md", "Gym", text)])
    assert "$30" in quoted[0] and not any(q.startswith("uncovered") for q in quoted)
    assert analyse("Is the Lisbon allowance different? Give both numbers.").told == ()


def _coverage_answerer() -> tuple[ExtractiveAnswerer, FakeEmbedder, Model]:
    """An answerer whose model reads only the best unit's coverage of the question."""
    coef = [1.0 if n == "sentence_coverage" else 0.0 for n in FEATURES]
    model = Model(list(FEATURES), [0.0] * len(FEATURES), [1.0] * len(FEATURES), coef, 0.0)
    emb = FakeEmbedder()
    answerer = ExtractiveAnswerer(emb, Overlap(Bm25Encoder()), AnswerSettings(), model=model)
    return answerer, emb, model


def test_a_part_no_passage_covers_does_not_count_against_the_part_answered() -> None:
    """The answer names the uncovered part, and the estimate is at least what the covered
    part asked alone would get (here a model that reads only the best unit's coverage)."""
    answerer, emb, model = _coverage_answerer()
    hits = _hits([("gym.md", "Gym", "The gym allowance is $30 per month for every employee.")])
    question = "How much is the gym allowance and which parking garage do we validate?"
    draft = answerer.answer(question, hits, np.asarray(emb.embed([question])[0]))
    assert draft.uncovered == ["which parking garage do we validate"]
    assert draft.features is not None and draft.features["sentence_coverage"] > 0.5
    assert draft.evidence == round(model.score(draft.features), 4) > 0.6


def test_covered_parts_are_judged_each_by_its_own_unit() -> None:
    """Beside a part no passage covers, each covered part is judged by the chosen unit
    that answers it, as where every part is covered; the worst of them may be the better
    estimate than the best unit judged against all the covered parts."""
    answerer, emb, _ = _coverage_answerer()
    text = (
        "The gym allowance is $30 per month for every employee. "
        "Your manager approves gym expense claims in Expensify."
    )
    question = (
        "How much is the gym allowance, who approves gym expense claims, "
        "and which parking garage do we validate?"
    )
    draft = answerer.answer(
        question, _hits([("gym.md", "Gym", text)]), np.asarray(emb.embed([question])[0])
    )
    assert draft.uncovered == ["which parking garage do we validate"]
    assert len(draft.sentences) == 2
    assert draft.features is not None and draft.features["sentence_coverage"] > 0.5


def test_the_document_the_question_names_wins_over_its_look_alike() -> None:
    standard = "The annual deductible is $2,000 for an individual."
    plus = "The annual deductible is $1,500 for an individual."
    quoted = _answer(
        "What is the annual deductible on Northwind Plus?",
        [
            ("Northwind_Standard.pdf", "Northwind Standard", standard),
            ("Northwind_Plus.pdf", "Northwind Plus", plus),
        ],
    )
    assert quoted[0] == plus


def test_a_wide_row_offers_each_labelled_cell() -> None:
    row = "Category: Mastery; Senior QA Tester (L3): Knows the toolset; Lead QA Tester (L4): Knows Litmus and Test Rail"
    assert ("cell", "Lead QA Tester (L4): Knows Litmus and Test Rail") in _quotes(row)
    quoted = _answer("Which tools should a Lead QA Tester know?", [("qa.md", "QA titles", row)])
    assert any("Litmus" in q for q in quoted)


def _draft(question: str, chunks: list[tuple[str, str, str]]) -> list[tuple[str, str]]:
    return [(s.label, s.text) for s in _run(question, _hits(chunks)).sentences]


def test_look_alike_documents_are_both_quoted_and_labelled_when_no_scope_is_named() -> None:
    chunks = [
        (
            "Northwind_Standard.pdf",
            "Northwind Standard Benefits",
            "The annual deductible is $2,000 for an individual.",
        ),
        (
            "Northwind_Plus.pdf",
            "Northwind Plus Benefits",
            "The annual deductible is $1,500 for an individual.",
        ),
    ]
    both = _draft("What is the annual deductible?", chunks)
    assert ("Northwind Standard Benefits", chunks[0][2]) in both
    assert ("Northwind Plus Benefits", chunks[1][2]) in both
    named = _draft("What is the annual deductible on Northwind Plus?", chunks)
    assert (named[0] == ("", chunks[1][2]) and len(named) == 1) or all(
        label == "" for label, _ in named
    )


def test_a_label_names_the_document_before_its_quote() -> None:
    from answer.assemble import answered
    from answer.drafts import DraftSentence
    from answer.ground import Checked
    from core.records import IndexVersion

    hit = Hit(chunk=make_chunk("The deductible is $2,000.", "std.pdf"), score=1.0)
    checked = [
        Checked(
            DraftSentence("The deductible is $2,000.", 0, 0, 0, "Northwind Standard"), 1.0, True
        )
    ]
    version = IndexVersion(version=1, revision=0, collection="cairn_v1")
    text = answered("q", checked, [hit], version, "extractive", 0.9).answer
    assert text == "Northwind Standard: The deductible is $2,000. [1]"


def test_the_same_text_in_two_files_is_quoted_once_citing_both() -> None:
    from answer.assemble import answered
    from answer.ground import check
    from core.records import IndexVersion

    text = "Expense reports are due within 60 days of the purchase date."
    hits = [
        Hit(chunk=make_chunk(text, "expenses.md", title="Expenses"), score=0.9),
        Hit(chunk=make_chunk(f"Travel rules. {text}", "travel.md", title="Travel"), score=0.8),
    ]
    question = "When are expense reports due?"
    draft = _run(question, hits)
    checked = check(draft.sentences, hits, Bm25Encoder(), 0.5)
    version = IndexVersion(version=1, revision=0, collection="cairn_v1")
    answer = answered(question, checked, hits, version, "extractive", 0.9)
    assert answer.answer.count("due within 60 days") == 1 and "[1][2]" in answer.answer
    assert [c.source for c in answer.citations] == ["expenses.md", "travel.md"]
    assert answer.citations[1].highlight[0] == hits[1].chunk.span[0] + len("Travel rules. ")


def test_a_scene_setting_statement_is_context_not_a_part() -> None:
    asked = analyse(
        "I'm on the Standard plan and will be abroad for a while. What conditions must I meet?"
    )
    assert asked.parts == ("What conditions must I meet",)
    assert asked.kinds == ("list",)
    assert analyse("What can't I claim under PerksPlus?").kinds == ("exclusion",)
    # "As a ..." sets the scene only where no question follows its comma.
    asked = analyse("As a new engineer, is reading the guidelines optional, and what comes after?")
    assert asked.parts == (
        "As a new engineer, is reading the guidelines optional",
        "what comes after",
    )
    assert analyse("As a new hire on the Design team. Which laptop do I get?").parts == (
        "Which laptop do I get",
    )


def test_a_question_asking_what_does_not_apply_asks_for_exclusions() -> None:
    """ "Which visits does it *not* apply to?" and "*When won't* the plan pay?" ask for the
    cases left out (units stating an exclusion are preferred), not for a list or a date."""
    assert analyse("Which kinds of visits does the copay not apply to?").kinds == ("exclusion",)
    assert analyse("When won't the plan pay for psychological testing?").kinds == ("exclusion",)
    assert analyse("When does the balance billing protection NOT apply?").kinds == ("exclusion",)
    assert analyse("When does the protection apply?").kinds == ("date",)
    assert analyse("Which kinds of visits does the copay apply to?").kinds == ("list",)


def test_the_list_a_sentence_introduces_follows_it() -> None:
    text = (
        "If you witness misconduct, report it to us immediately. You can do this by:\n\n"
        "• Calling the hotline at 1-800-555-1212.\n\n• Emailing compliance@example.com."
    )
    quoted = _answer("How do I report misconduct?", [("policy.md", "Reporting", text)])
    assert quoted[0].startswith("If you witness misconduct")
    assert any("compliance@example.com" in q and "1-800-555-1212" in q for q in quoted)


def test_a_short_field_line_holding_the_asked_value_is_quoted() -> None:
    text = (
        "Appeals\n\nYou may appeal any decision about a claim in writing.\n\n"
        "-By email: appeals@example.com"
    )
    quoted = _answer("Where do I email an appeal?", [("appeals.md", "Appeals", text)])
    assert "-By email: appeals@example.com" in quoted


def test_a_label_on_its_own_line_and_its_value_are_one_field_unit() -> None:
    """PDFs and forms put a label on one line and its value on the next: the pair is a
    "Field: value" unit, so the value is quoted under its label (alone, "123-456-7890"
    is too short to be a unit, and the label alone says nothing)."""
    text = (
        "Appeals\n\nYou may appeal any decision about a claim in writing.\n\n"
        "-By fax:\n\n123-456-7890\n\n-By mail:\n\n• Northwind Health\n\n• 123 Main Street"
    )
    found = _quotes(text)
    assert ("field", "-By fax:\n\n123-456-7890") in found
    assert not any(kind == "field" and "Main Street" in quote for kind, quote in found)
    quoted = _answer("What is the fax number for appeals?", [("appeals.md", "Appeals", text)])
    assert any("123-456-7890" in q for q in quoted)


def test_a_short_sentence_is_read_with_the_next_one() -> None:
    """A sentence too short to be quoted alone ("Between 3-5 mins.") is also a unit with
    the sentence after it, so a "how long" part gets the length, not only the sentence
    that follows it; a number that counts an item ("2.") is not."""
    text = (
        "Demo day\n\nDemo day is held twice per month, right after the company meeting.\n\n"
        "All demos are:\n\n"
        "• Features, changes, small fixes or behind the scenes engineering work that are"
        " merged into the main branch and are live for customers on the cloud.\n\n"
        "• Presented, ideally, by one of the teammates who built the feature, with the"
        " product manager of the team helping them to prepare the story.\n\n"
        "• Recorded for folks across the company, customers and future team members to"
        " watch later, so that nobody misses the latest work of the team.\n\n"
        "• Between 3-5 mins. Live demos can run longer to allow for their setup.\n\n"
        "2. Emailing the organiser is optional."
    )
    found = _quotes(text)
    assert (
        "item",
        "Between 3-5 mins. Live demos can run longer to allow for their setup.",
    ) in found
    assert not any(quote.startswith("2. Emailing") for _, quote in found)
    quoted = _answer(
        "How often is demo day, and how long should my demo be?",
        [("demo-day.md", "Demo day", text)],
    )
    assert any("3-5 mins" in q for q in quoted)


def test_a_question_the_text_asks_is_quoted_with_its_answer() -> None:
    """A FAQ-like passage asks a question and answers it in the next sentence, which
    shares none of the question's words: it follows the quoted question."""
    text = (
        "Side work\n\nWe want outside work to stay healthy for everyone.\n\n"
        "• An occasional side gig, free or paid, for someone you know.\n\n"
        "• Volunteering for a school, a club or a charity in your town, as long as it stays"
        " a few hours a week and never gets in the way of your work with us.\n\n"
        "• Writing a book or a course of your own about anything you care about, on your"
        " own time, with your own equipment, and without using the company's name.\n\n"
        "• An occasional speaking gig, free or paid. Someone's going to pay you to give a"
        " talk somewhere? That's fine as long as it doesn't involve multiple days off for"
        " travel.\n\n• A side business that is different from your day job."
    )
    quoted = _answer(
        "A conference wants to pay me to give a talk. Is that allowed as a side gig, and is"
        " there a catch?",
        [("side-work.md", "Side work", text)],
    )
    assert any("multiple days off" in q for q in quoted)


def test_a_short_field_line_named_by_the_question_is_quoted() -> None:
    """A three-word "Field: value" line on its own paragraph (not a list item, and no value
    kind asked) is a unit when its label holds the question's terms; a heading whose
    "value" only repeats the question stays a heading."""
    text = (
        "Business information\n\nTax ID: For the Tax ID, refer to your company W-9 form.\n\n"
        "DUNS number: 117775232\n\nNAICS code: 541512"
    )
    quoted = _answer("DUNS number?", [("office.md", "Office information", text)])
    assert quoted[0] == "DUNS number: 117775232"
    heading = "COVERED SERVICES: Gender Care"
    echo = f"{heading}\n\nThe plan pays for gender care visits."
    quoted = _answer("Are gender care services covered?", [("plan.md", heading, echo)])
    assert "COVERED SERVICES: Gender Care" not in quoted


def test_several_fields_asked_together_are_quoted_together() -> None:
    """A question naming several fields of one record ("which algorithm, digit count and
    period?") gets every one of those lines, not the best one and a longer passage; rows
    that only repeat the question's subject ("Lead Programmer (L4): ...") are no fields."""
    steps = (
        "Yubico setup\n\n"
        "• Download and install the Yubico Authenticator app on your computer or mobile "
        "device from the official website, then open the app, insert your key and add a "
        "new account for the AWS console.\n\n"
        "Enter the following details:\n\n• Issuer: AWS or any other name.\n\n"
        "• Secret key: Paste the secret key you copied.\n\n• Algorithm: SHA-1\n\n"
        "• Digits: 6\n\n• Period: 30\n\n• Click OK to save."
    )
    question = "Setting up Yubico Authenticator for AWS: which algorithm, digit count and period?"
    quoted = " ".join(_answer(question, [("mfa.md", "AWS CLI MFA", steps)]))
    for field in ("Algorithm: SHA-1", "Digits: 6", "Period: 30"):
        assert field in quoted
    titles = (
        "Programmer titles\n\nProgrammer (L2): Works on features with guidance.\n\n"
        "Senior Programmer (L3): Works on features alone.\n\n"
        "Lead Programmer (L4): Leads a team and manages 2-3 programmers."
    )
    quoted = _answer("How many programmers can a Lead Programmer manage?", [("t.md", "T", titles)])
    assert quoted[0].startswith("Lead Programmer (L4)")
    assert not any(q.startswith("Programmer (L2)") for q in quoted)
    # A value may repeat its own label's word ("CVE ID: CVE-2023-32731" for "which CVE"),
    # and a row's first cell, which names the row, is one of its fields.
    cves = (
        "CVE ID: CVE-2023-32731; Affected Images: caddy/caddy; CVE Severity: High; "
        "CVSS Base Score: 7.5; Sourcegraph Assessment: Info; Details: Caddy is used as a "
        "proxy for the Sourcegraph frontend in some deployment types, but this vulnerability "
        "is not exploitable as the frontend doesn't accept gRPC requests from any client."
    )
    lines = _fields("Which CVE did security accept as a risk, and in which image?", cves)
    assert lines == ["CVE ID: CVE-2023-32731", "Affected Images: caddy/caddy"]
    assert _fields("What are the deductible and copay on the Plus plan?", TABLE) == [
        "Deductible: $2,000",  # not "Plan: Standard": the question asks no "which plan"
        "Copay: $30",
    ]


def test_an_exclusion_question_prefers_the_exclusion() -> None:
    quoted = _answer(
        "What isn't covered by the wellness program?",
        [
            ("a.md", "Wellness", "The wellness program covers gym memberships for everyone."),
            ("b.md", "Wellness", "The wellness program does not cover food or supplements."),
        ],
    )
    assert quoted[0] == "The wellness program does not cover food or supplements."
    # "not only" and "not limited to" include; they exclude nothing.
    assert not PREFER["exclusion"].search("It covers, but is not limited to, gyms")
    assert not PREFER["exclusion"].search("It is not only for staff")


def test_misspelt_words_take_the_passages_spelling() -> None:
    hits = _hits([("care.md", "Hearing care", "The plan covers hearing services and aids.")])
    assert spelled("What hearin servises are covered?", hits) == (
        "What hearing services are covered?"
    )
    # English words and names are never "corrected", even one edit from a passage word.
    assert spelled("What role does the plan play for Nortwind?", hits) == (
        "What role does the plan play for Nortwind?"
    )


def test_an_acronym_the_passages_spell_out_is_read_with_that_spelling() -> None:
    ivf = "The plan does not pay for in vitro fertilization or other fertility treatments."
    chunks = [
        ("maternity.md", "Maternity", "Maternity care covers prenatal visits and delivery."),
        ("fertility.md", "Fertility", ivf),
    ]
    asked = "Does maternity coverage include IVF?"
    assert expanded(asked, _hits(chunks)) == (
        "Does maternity coverage include IVF (in vitro fertilization)?"
    )
    assert _answer(expanded(asked, _hits(chunks)), chunks)[0] == ivf
    assert ivf not in _answer(asked, chunks)  # no unit holds "IVF"; the prenatal one wins
    # An acronym the passages use, or one they spell out in two ways, stays as it is.
    used = _hits([("ivf.md", "IVF", "IVF (in vitro fertilization) is not covered.")])
    assert expanded(asked, used) == asked
    two = _hits([("x.md", "X", "In vitro fertilization. Intravenous vitamin feeding.")])
    assert expanded(asked, two) == asked


def test_a_number_question_ignores_level_labels() -> None:
    assert not KIND_VALUE["number"].search("Lead SRE (L4): sets team direction")
    assert KIND_VALUE["number"].search("A Lead SRE manages 2-3 SREs")


def test_the_document_a_question_names_is_scoped() -> None:
    hits = _hits(
        [
            ("Northwind_Health_Plus.pdf", "Northwind Health Plus Plan", "Copays are $20."),
            ("Northwind_Standard.pdf", "Benefits", "Copays are $30."),
            ("Northwind_Health_Plus.pdf", "Northwind Health Plus Plan", "Copays vary."),
        ]
    )
    terms = Overlap(Bm25Encoder()).terms
    assert named_documents("On the Standard plan, what is my copay?", hits, terms) == {1}
    assert named_documents("what is my copay on the plan?", hits, terms) == set()
    # A name opening the question (or one of its sentences) names the document too;
    # an opening question word names none.
    assert named_documents("Standard plan: my copay?", hits, terms) == {1}
    assert named_documents("I'm new. Standard plan copay?", hits, terms) == {1}
    assert named_documents("What is the copay?", hits, terms) == set()
    # A name of several words that a document whose title lacks it uses too is a name
    # they share (the insurer), not the name of the one whose title holds it.
    insurer = _hits(
        [
            ("Northwind_Health_Plus.pdf", "Northwind Health Plus Plan", "Copays are $20."),
            ("Northwind_Standard.pdf", "Benefits", "Northwind Health sets copays at $30."),
        ]
    )
    assert named_documents("What copay does Northwind Health charge?", hits, terms) == {0, 2}
    assert named_documents("What copay does Northwind Health charge?", insurer, terms) == set()
    assert named_documents("Does Northwind Health charge copays?", insurer, terms) == set()
    assert named_documents("What is the Northwind Health Plus copay?", insurer, terms) == {0}
    # A version number names the release page whose title or path holds it, with dots
    # or dashes; a longer or shorter number, an amount and a percentage name none.
    releases = _hits(
        [
            ("trivy/5-1-2.md", "Accepted CVEs for Sourcegraph 5.1.2", "CVE-1: High."),
            ("trivy/5-2-1.md", "Accepted CVEs", "CVE-1: Medium."),
            ("trivy/5-2.md", "Accepted CVEs for Sourcegraph 5.2", "CVE-1: Low."),
        ]
    )
    assert named_documents("In 5.2.1, how was CVE-1 rated?", releases, terms) == {1}
    assert named_documents("How was CVE-1 rated in v5.1.2?", releases, terms) == {0}
    assert named_documents("How was CVE-1 rated in 5.2?", releases, terms) == {2}
    assert named_documents("Was CVE-1 rated 5.2% or $5.2?", releases, terms) == set()
    assert scope_names("I'm joining Technical Success. What laptop do I get?") == [
        "Technical",
        "Success",
    ]


def test_value_coverage_asks_whether_the_value_is_about_the_question() -> None:
    question = "How long is the waiting period on the PPO?"
    off = _run(
        question,
        _hits(
            [
                (
                    "b.md",
                    "Benefits",
                    "Medical insurance is provided through the PPO. "
                    "Our offices close for two weeks in August.",
                )
            ]
        ),
    )
    on = _run(question, _hits([("b.md", "Benefits", "The waiting period on the PPO is 30 days.")]))
    assert off.features is not None and on.features is not None
    assert off.features["value_coverage"] == 0.0
    assert on.features["value_coverage"] >= 0.75  # all but "long"


def test_what_the_question_sets_aside_is_not_matched() -> None:
    """ "For profit sharing (not the liquidity pool)": the liquidity pool's sentence,
    which holds more of the question's words, is not the answer."""
    pool = (
        "Liquidity pool\n\nYou accrue one liquidity pool share per month from your second "
        "anniversary, and you max out your liquidity pool shares after 10 years."
    )
    profit = (
        "Profit sharing\n\nYou accrue one share per month from your second anniversary, "
        "and you max out your shares at 6 years."
    )
    question = "For profit sharing (not the liquidity pool), when do my shares max out?"
    hits = [
        Hit(chunk=make_chunk(text, "benefits.md", title="Benefits", section=section), score=0.8)
        for text, section in (
            (pool, "Benefits > Liquidity pool"),
            (profit, "Benefits > Profit sharing"),
        )
    ]
    assert "6 years" in _run(question, hits).sentences[0].text
    assert set_aside(question) == "For profit sharing, when do my shares max out?"
    assert set_aside("On Standard, not Plus, what's the copay?") == "On Standard, what's the copay?"
    assert set_aside("Is it not covered?") == "Is it not covered?"


def test_a_question_of_two_parts_answered_apart_is_judged_part_by_part() -> None:
    """Each part answered by a unit of its own: the estimate is at least that of its worst
    answered part (here a model that reads only the unit's coverage), although no single
    unit holds the terms of both parts."""
    answerer, emb, model = _coverage_answerer()
    text = (
        "Our 401k plan is administered by Vanguard for every employee. "
        "The company matches your retirement contributions up to 6% of salary."
    )
    question = "Who administers the 401k plan, and how much are retirement contributions matched?"
    draft = answerer.answer(question, _hits([("b.md", "Benefits", text)]), emb.embed([question])[0])
    assert not draft.uncovered and len(draft.sentences) == 2
    assert draft.features is not None and draft.features["sentence_coverage"] >= 0.7
    assert draft.evidence == round(model.score(draft.features), 4) > 0.65


def test_a_leading_condition_does_not_decide_the_kind() -> None:
    assert analyse("If a monitor costs more than $1,000, who owns it?").kinds == ("person",)
    assert analyse("When is payday, roughly?").kinds == ("date",)
    assert analyse("Which address does my invoice go to?").kinds == ("contact",)
    assert analyse("Who handles that, and what's their email?").kinds == ("person", "contact")
    assert analyse("What's the email policy?").kinds == ("",)
    # "Which agency (provider, team ...)" asks who, as "who" does: a unit naming the
    # "North Carolina Department of Insurance" holds the kind of value it asks for.
    asked = analyse("How long do I have, and which agency does the external review?")
    assert asked.kinds == ("duration", "person")
    assert analyse("What team looks after laptops?").kinds == ("person",)
    assert analyse("What teams exist?").kinds == ("",)


def test_the_opening_question_word_outranks_a_topic_word() -> None:
    # "price", "budget" and "exceptions" name the topic; the question word names the value.
    assert analyse("When does the strike price on my grant get fixed?").kinds == ("date",)
    assert analyse("Who approves my travel budget?").kinds == ("person",)
    assert analyse("Who keeps exceptions under control?").kinds == ("person",)
    assert analyse("Who do I email about my salary?").kinds == ("contact",)
    # A role is a person: "who looks at the case?" is answered by "a Registered Nurse".
    assert PREFER["person"].search("The first level involves a Registered Nurse (RN).")
    # ... and so is a sponsor, a VP, a chair, an engineer: "who runs the cohort, and who
    # is its executive sponsor?"
    for said in ("Dana Lee, VP of People, is the executive sponsor.", "It is chaired by Ana."):
        assert PREFER["person"].search(said), said
    assert analyse("What's the travel budget?").kinds == ("amount",)


def test_how_early_asks_a_duration_and_a_slash_period_is_a_frequency() -> None:
    asked = analyse("How often are large launches, and how early should PMM get involved?")
    assert asked.kinds == ("frequency", "duration")
    assert analyse("How far out does the review look?").kinds == ("duration",)
    assert analyse("Longest nursing stay the plan will cover?").kinds == ("duration",)
    often = KIND_VALUE["frequency"]
    assert often.search("Large launches happen fairly rarely (1-2x / year).")
    assert often.search("Wellness: $100/month")
    assert not often.search("It is 2x faster and/or 3 weeks shorter.")


def test_a_trailing_when_clause_sets_the_case_and_experience_is_a_duration() -> None:
    hotel = "What's the most I can spend per night on a hotel when traveling for work?"
    assert analyse(hotel).kinds == ("amount",)
    assert analyse("I'm new here, when do I get paid?").kinds == ("date",)
    assert analyse("How much experience does the CFO role require?").kinds == ("duration",)


def test_the_sentence_after_the_best_one_comes_with_it() -> None:
    text = (
        "Impact awards recognise teammates who go above and beyond for the company.\n\n"
        "Winners are selected by the executive team from peer nominations.\n\n"
        "Unrelated\n\nThe office closes on public holidays in every country we work in."
    )
    quoted = _answer("Who chooses who gets an Impact award?", [("awards.md", "Awards", text)])
    assert quoted[0].startswith("Impact awards recognise")
    assert "Winners are selected by the executive team from peer nominations." in quoted
    assert not any("public holidays" in q for q in quoted)  # a heading ends the section


def test_the_next_sentence_stops_at_a_heading() -> None:
    text = (
        "Impact awards recognise teammates who go above and beyond for the company.\n\n"
        "Holidays\n\nThe office closes on public holidays in every country we work in."
    )
    quoted = _answer("Who chooses who gets an Impact award?", [("awards.md", "Awards", text)])
    assert quoted == ["Impact awards recognise teammates who go above and beyond for the company."]


def test_a_who_part_prefers_the_unit_naming_a_role() -> None:
    assert analyse("How often are awards given, and who picks the winners?").kinds == (
        "frequency",
        "person",
    )
    text = (
        "Awards are given every quarter at the kick-off meeting.\n\n"
        "Award winners are celebrated with a gift and a post in the winners channel.\n\n"
        "The executive team reviews nominations and picks the winners."
    )
    quoted = _answer(
        "How often are awards given, and who picks the winners?", [("a.md", "Awards", text)]
    )
    assert any("executive team" in q for q in quoted)


def test_the_kind_comes_from_what_is_asked_not_from_a_topic_word() -> None:
    assert analyse("How long does Slack keep DMs?").kinds == ("duration",)
    assert analyse("How long is the activation email good for?").kinds == ("duration",)
    assert analyse("What do I get toward my phone bill?").kinds == ("",)
    assert analyse("What is a Junior SRE's role in on-call?").kinds == ("",)
    assert analyse("Who should I tell about a threat?").kinds == ("person",)
    assert analyse("Who do I email about payroll?").kinds == ("contact",)
    assert analyse("What number should I call?").kinds == ("contact",)
    frequency = "Performance reviews happen twice a year."
    assert KIND_VALUE["frequency"].search(frequency)
    assert not KIND_VALUE["duration"].search(frequency)
    for every in ("Laptops are refreshed every 3 years.", "We meet every two weeks."):
        assert KIND_VALUE["frequency"].search(every)
    assert not KIND_VALUE["frequency"].search("Every team has a budget.")


def test_how_long_asks_for_a_length_and_how_often_for_a_cadence() -> None:
    assert analyse("How often is demo day, and how long should my demo be?").kinds == (
        "frequency",
        "duration",
    )
    for length in ("8+ months", "3-5 mins", "2 hrs", "30 days", "one week"):
        assert KIND_VALUE["duration"].search(length), length
    assert not KIND_VALUE["duration"].search("The program runs annually.")
    text = (
        "The equity refresh program runs annually, in the first quarter of every year.\n\n"
        "• Performance: your latest review rating must be 1, 2 or 3.\n\n"
        "• Tenure: you must have been with the company for 8+ months to be eligible."
    )
    quoted = _answer(
        "How long do I need to have been at the company to be eligible for an equity refresh?",
        [("equity.md", "Equity refresh", text)],
    )
    assert quoted[0] == "Tenure: you must have been with the company for 8+ months to be eligible."


def test_a_unit_announcing_what_follows_is_quoted_with_it() -> None:
    text = (
        "Your monthly invoice amount depends on whether you work a full or a partial month.\n\n"
        "• Full month: refer to your contract, which states the monthly rate.\n\n"
        "• Partial month: use the formula below to prorate partial months.\n\n"
        "• Divide your full month invoice amount by 173.33 hours.\n\n"
        "• Multiply by the number of hours you worked in the pay period."
    )
    quoted = _answer(
        "How do I prorate my invoice for a partial month?", [("invoices.md", "Invoices", text)]
    )
    assert "Partial month: use the formula below to prorate partial months." in quoted
    assert "Divide your full month invoice amount by 173.33 hours." in quoted


def test_a_terse_part_reads_the_scene_it_refers_to() -> None:
    question = (
        "I bought my laptop myself and didn't add a warranty. How long do I have to add one, "
        "and who repairs laptops that are out of warranty?"
    )
    asked = analyse(question)
    assert asked.context == "I bought my laptop myself and didn't add a warranty"
    assert asked.parts == (
        "How long do I have to add one",
        "who repairs laptops that are out of warranty",
    )
    chunks = [
        (
            "repairs.md",
            "Laptop repairs",
            "Laptops out of warranty are repaired by our partner ComputerCare, who repairs "
            "laptops for the whole company. Tech Ops orders every laptop for new hires.",
        ),
        (
            "buying.md",
            "Buying equipment",
            "Buy equipment through the portal. Self-bought devices need a warranty added "
            "within 30 days.",
        ),
    ]
    quoted = _answer(question, chunks)
    assert "Self-bought devices need a warranty added within 30 days." in quoted
    assert not any(q.startswith("uncovered") for q in quoted)  # the part is answered


def test_a_part_whose_best_unit_is_already_quoted_takes_the_next_one() -> None:
    # The list answers "how often" and holds an item that looks like the "who" answer;
    # it cannot be quoted twice, so the part gets the sentence that names the role.
    text = (
        "Award details:\n\n• Awards are given every quarter at the kick-off meeting.\n\n"
        "• You hear privately when a winner from your group is picked.\n\n"
        "• Every winner gets a gift.\n\n"
        "Nominations are reviewed by the executive team, which picks them."
    )
    quoted = _answer(
        "How often are awards given, and who picks the winners?", [("a.md", "Awards", text)]
    )
    assert any("every quarter" in q for q in quoted)
    assert "Nominations are reviewed by the executive team, which picks them." in quoted


def test_a_sentence_pointing_back_comes_with_the_sentence_before_it() -> None:
    text = (
        "We monitor our systems and their health through Grafana. Here you'll find "
        "dashboards and alerting rules. It is our go-to tool for diagnosing outages."
    )
    quoted = _answer(
        "Where do I find our dashboards and alerting rules?",
        [("systems.md", "Our systems > Grafana", text)],
    )
    assert quoted[:2] == [
        "We monitor our systems and their health through Grafana.",
        "Here you'll find dashboards and alerting rules.",
    ]


def test_a_sentence_pointing_back_does_not_reach_into_the_paragraph_before() -> None:
    text = (
        "We monitor our systems and their health through Grafana.\n\n"
        "Here you'll find dashboards and alerting rules for every service we run."
    )
    quoted = _answer(
        "Where do I find our dashboards and alerting rules?",
        [("systems.md", "Our systems", text)],
    )
    assert quoted == ["Here you'll find dashboards and alerting rules for every service we run."]


def test_a_unit_holding_the_terms_the_answer_lacks_is_added() -> None:
    text = (
        "Linux laptops are set up by the IT team on your first day. We use 1Password for "
        "password storage on every Linux laptop. Updates are installed automatically every "
        "week. Laptops are replaced every three years. Tailscale provides VPN access to "
        "internal systems."
    )
    quoted = _answer(
        "Which tools handle password storage and VPN access on a Linux laptop?",
        [("linux.md", "Linux laptops", text)],
    )
    assert quoted[0] == "We use 1Password for password storage on every Linux laptop."
    assert "Tailscale provides VPN access to internal systems." in quoted


def test_a_terse_part_gets_a_unit_holding_the_value_it_asks_for() -> None:
    invoices = (
        "Contractors submit monthly invoices as early as the 20th of the current month. "
        "Payment of an invoice can take up to 7 days. Invoices list the hours worked in "
        "the month. Late invoices are paid in the next cycle."
    )
    billing = "All invoices should be sent via email to our accounting team, ap@example.com"
    question = "From what day of the month can I send my invoice, and which address does it go to?"
    assert analyse(question).kinds[1] == "contact"
    quoted = _answer(
        question, [("invoices.md", "Invoices", invoices), ("billing.md", "Billing", billing)]
    )
    assert quoted[0].startswith("Contractors submit monthly invoices as early as the 20th")
    assert billing in quoted


def test_a_terse_part_gets_the_value_from_the_page_answering_the_rest() -> None:
    """A value the terse part asks for that the page answering the rest holds, further
    down, is quoted however low that passage scores; elsewhere it must score at least
    ``VALUED`` of the best unit."""
    hits = _hits(
        [
            ("invoices.md", "Invoices", "Submit invoices from the 20th of the month."),
            ("billing.md", "Billing", "Vendors email billing@example.com for refunds."),
            ("invoices.md", "Invoices", "The mailbox for them is ap@example.com."),
        ]
    )
    best = Candidate(0, 0, hits[0].chunk.text, 0.5, score=1.0)
    elsewhere = Candidate(1, 0, hits[1].chunk.text, 0.2, score=0.4)
    same_page = Candidate(2, 0, hits[2].chunk.text, 0.1, score=0.1)
    found = _valued("contact", [best], [best, elsewhere, same_page], lambda c: True, hits)
    assert found is same_page
    assert _valued("contact", [best], [best, elsewhere], lambda c: True, hits) is None


def test_the_value_a_part_asks_for_comes_before_close_runners_up() -> None:
    """Runners-up restating the best unit would fill the word budget; the contact the
    second part asks for is quoted first."""
    policy = (
        "If your hotel booking is out of policy, an email is sent to your direct manager, who "
        "approves or denies the out of policy booking within the booking tool. "
        "If your booking is out of policy, you can still continue booking and a soft approval "
        "email is sent to your direct manager, who then approves or denies the booking. "
        "An out of policy hotel booking that your manager neither approves nor denies is "
        "cancelled by the booking tool after one day, and you need to book it again."
    )
    question = (
        "My hotel booking is out of policy and my manager hasn't approved it. What happens, "
        "and where can I ask about it?"
    )
    assert analyse(question).kinds == ("", "contact")
    quoted = _answer(
        question,
        [
            ("travel.md", "Travel booking", policy),
            (
                "help.md",
                "Travel help",
                "Ask about an out of policy hotel booking at travel@example.com.",
            ),
        ],
    )
    assert "Ask about an out of policy hotel booking at travel@example.com." in quoted
    assert any("cancelled by the booking tool after one day" in q for q in quoted)


NESTED = (
    "Invoice amount\n\n"
    "• Your monthly invoice amount depends on whether you work a full or a partial month.\n\n"
    "◦ Full month: refer to your contract, which states the monthly rate.\n\n"
    "◦ Partial month: to prorate a partial month, do this:\n\n"
    "◦ Divide your full month invoice amount by 173.33 hours.\n\n"
    "◦ Multiply by the number of hours you worked in the pay period.\n\n"
    "• Send the invoice to accounting."
)


def test_an_item_with_sub_items_leads_a_list_of_its_own() -> None:
    lists = [q for kind, q in _quotes(NESTED) if kind == "list"]
    assert lists[-1] == NESTED[NESTED.index("Your monthly") : NESTED.index("\n\n• Send")]
    sub = "Sub-heads:\n\n• Parent item leads in:\n\n◦ first child\n\n◦ second child\n\n• next"
    assert "Parent item leads in:\n\n◦ first child\n\n◦ second child" in [
        q for kind, q in _quotes(sub) if kind == "list"
    ]


def test_an_item_leading_into_sub_items_is_quoted_with_them() -> None:
    text = (
        "Visa letters\n\n• Request a visa letter from People Ops at least six weeks ahead.\n\n"
        "• To request a letter, send the following:\n\n◦ your full legal name\n\n"
        "◦ your passport number\n\n◦ the dates of the trip\n\n• Letters arrive by post."
    )
    quoted = _answer(
        "What do I send to request a visa letter?", [("visa.md", "Visa letters", text)]
    )
    assert any(q.startswith("To request a letter") and "passport number" in q for q in quoted)


def test_a_question_asking_which_questions_to_ask_prefers_the_documents_questions() -> None:
    rule = "Taking a side job is fine. Tell your manager before taking a side job that takes real time."
    checklist = (
        "Ask yourself:\n\n• Is the side job competitive with our products?\n\n"
        "• Will it take a disproportionate amount of your time?\n\n"
        "• Does it use the same skills you use for us?"
    )
    quoted = _answer(
        "What questions should I ask myself before taking a side job?",
        [("side.md", "Side jobs", rule), ("check.md", "Side job checklist", checklist)],
    )
    assert quoted[0] == checklist
    # Elsewhere a question in the text asks rather than answers, and scores lower.
    quoted = _answer(
        "Should I tell my manager before taking a side job?",
        [("side.md", "Side jobs", rule), ("check.md", "Side job checklist", checklist)],
    )
    assert quoted[0] != checklist


def test_up_to_four_close_units_are_quoted_by_default() -> None:
    text = (
        "Office parking permits are issued by the office manager. "
        "Office parking permits cost nothing for cyclists. "
        "Office parking permits are renewed every January. "
        "Office parking permits must be shown on the dashboard."
    )
    quoted = _answer("How do office parking permits work?", [("parking.md", "Parking", text)])
    assert len(quoted) == 4 == AnswerSettings().max_sentences
    assert "Office parking permits are renewed every January." in quoted


def test_a_sum_no_passage_states_is_not_answered() -> None:
    """A part asking for a sum of money that no retrieved passage states is one the
    documents do not answer: a question of nothing else is refused, and in a two-part
    question that part is named as not covered while the other is answered."""
    hsa = "Benefits\n\nYou can open an HSA through Rippling. Contributions are made by payroll."
    hits = _hits([("benefits.md", "Benefits", hsa)])
    draft = _run("How much does the company contribute to my HSA each year?", hits)
    assert draft.refused and draft.reason == "no passage states the figure asked for"
    draft = _run("How do I open an HSA, and how much does the company contribute to it?", hits)
    assert not draft.refused
    assert draft.uncovered == ["how much does the company contribute to it"]
    assert "open an HSA through Rippling" in draft.sentences[0].text
    # A passage stating a figure, or that something is paid in full, answers it.
    paid = hits + _hits([("hsa.md", "HSA", "The company contributes $500 to your HSA.")])
    assert not _run("How much does the company contribute to my HSA each year?", paid).refused
    full = _hits([("hsa.md", "HSA", "The company pays your HSA fees in full, every year.")])
    assert not _run("How much are the HSA fees each year?", full).refused


def test_a_sum_about_something_else_is_no_answer() -> None:
    """A figure only a unit about something else states does not answer a part asking
    for a sum: the unit must hold enough of the part's terms (``SUM_COVER``)."""
    text = (
        "Benefits\n\nWe reimburse up to $250 a year for meditation apps. "
        "Our PPO plan is run by UnitedHealthcare and covers dependents."
    )
    question = "What's the annual deductible on the UnitedHealthcare PPO plan?"
    _refused_until_stated(question, text, " The PPO plan's annual deductible is $400.", "$400")


def _refused_until_stated(question: str, text: str, stated: str, wanted: str) -> None:
    """Over ``text`` the question is refused for want of its figure; with the ``stated``
    sentence added it is answered, quoting ``wanted``."""
    draft = _run(question, _hits([("page.md", "Page", text)]))
    assert draft.refused and draft.reason == "no passage states the figure asked for"
    draft = _run(question, _hits([("page.md", "Page", text + stated)]))
    assert not draft.refused and wanted in " ".join(s.text for s in draft.sentences)


def test_an_amount_asked_as_a_value_needs_a_figure_stated() -> None:
    """A part asking for an amount as a value ("what's the dollar limit …", "what's the
    maximum …")
    needs a unit about it that states one: a sum where money or a share is named, any
    figure where not. Asking whether, or what happens, needs none."""
    text = (
        "Travel\n\nThe plan covers ambulance transport to the nearest hospital, up to the "
        "plan's limit. Parking at the clinic costs $12 a day."
    )
    question = "What's the dollar limit on ambulance transport?"
    _refused_until_stated(question, text, " Ambulance transport is capped at $900.", "$900")
    wages = "Leave\n\nWorkers' compensation pays a portion of the wages you lose."
    question = "What's the weekly wage limit workers' compensation pays?"
    _refused_until_stated(question, wages, " It pays up to $800 of lost wages a week.", "$800")
    rooms = "Rooms\n\nThe quiet room has a maximum occupancy. Book it in the room calendar."
    question = "What's the maximum occupancy of the quiet room?"
    _refused_until_stated(
        question, rooms, " The quiet room maximum occupancy is 4 people.", "4 people"
    )
    for asked in (
        "Is there a maximum occupancy for the quiet room?",
        "What happens when the quiet room is over its maximum occupancy?",
    ):
        assert not _run(asked, _hits([("page.md", "Page", rooms)])).refused, asked


def test_a_number_of_days_no_passage_states_is_not_answered() -> None:
    """ "How many days ...?" needs a duration stated by a unit about it, as "how much"
    needs a sum; a unit stating another duration is about something else."""
    text = (
        "Access\n\nYou can request creator access, which lasts for a given amount of time. "
        "Viewer access never expires. Unpaid leave is available for up to 8 weeks."
    )
    question = "How many days does Loom creator access last?"
    _refused_until_stated(question, text, " Creator access lasts 14 days.", "14 days")
    # A count of business (working, calendar ...) days is a count of days too.
    question = "Within how many business days is creator access granted?"
    _refused_until_stated(question, text, " Access is granted in 2 business days.", "2 business")
    # The scene a part is set in may share no word with the unit that answers it.
    leave = "Leave\n\nYou can take ten days of bereavement leave for a close relative's death."
    draft = _run(
        "My dad just passed away. How many days off can I take?", _hits([("b.md", "B", leave)])
    )
    assert not draft.refused and "ten days" in draft.sentences[0].text
    # "How long" is not counted: "until you leave the company" answers it too.
    until = "Access\n\nCreator access lasts until you leave the company."
    assert not _run(
        "How long does Loom creator access last?", _hits([("l.md", "L", until)])
    ).refused


def test_a_sum_of_a_named_thing_needs_a_unit_that_names_it() -> None:
    """A part asking for the premium (deductible, copay, salary, payout) is answered only
    by a figure stated of it: the out-of-pocket maximum of the same plan, which shares
    the plan's words, is no answer."""
    text = (
        "Northwind Standard\n\nNorthwind Standard requires that premiums be paid monthly "
        "for employee-only coverage. The out-of-pocket maximum for Northwind Standard "
        "employee-only coverage is $6,000 per year."
    )
    question = "What is the monthly premium for employee-only coverage on Northwind Standard?"
    stated = " The premium for employee-only coverage is $45 per month."
    _refused_until_stated(question, text, stated, "$45")
    # A sum asked with no such noun takes any figure the part's words are stated with.
    draft = _run(
        "How much does employee-only coverage on Northwind Standard cost per year?",
        _hits([("page.md", "Page", text)]),
    )
    assert not draft.refused and "$6,000" in draft.sentences[0].text
    # A document may state a salary as the pay band.
    bands = "Pay\n\nThe base pay band for an SDR starts at $60,000."
    assert not _run("What's the base salary for an SDR?", _hits([("p.md", "P", bands)])).refused


def test_which_parts_ask_for_a_sum() -> None:
    none = ["The plan is described on the benefits page."]
    assert unstated_sums(analyse("What's the per-recipient swag budget?"), none) == [
        "What's the per-recipient swag budget"
    ]
    assert unstated_sums(analyse("What's the top payout of the bug bounty?"), none) == [
        "What's the top payout of the bug bounty"
    ]
    # Time, leave and experience are durations, however many words come between.
    asked = analyse("How much state paid medical leave can I get?")
    assert asked.kinds == ("duration",) and unstated_sums(asked, none) == []
    # "How much" without a money word asks for no sum; nor does "how do I pay ...?",
    # which asks for a way, though it names the premium.
    assert unstated_sums(analyse("How much did the population grow?"), none) == []
    assert unstated_sums(analyse("How do I pay my share of the premium?"), none) == []
    # A passage states a sum with a figure or in words.
    for stated in ("It costs $40.", "Fees are 2% of the total.", "Parking is free."):
        assert unstated_sums(analyse("How much does parking cost?"), [stated]) == []


ROLES = (
    "Role library\n\nDirector of Sales\n\nJob Title: Director of Sales\n\nLocation: Berlin"
    "\n\nReports To: Vice President\n\nThe director leads the regional teams.\n\n"
    "Director of Marketing\n\nJob Title: Director of Marketing\n\nLocation: Lyon\n\n"
    "Reports To: Chief Executive Officer\n\nThe director leads brand work."
)


def test_a_field_line_is_read_under_its_record() -> None:
    """Records laid out as forms repeat their labels ("Location:"): a line says whose it
    is only under the record's name and first field line."""
    lyon = ROLES.index("Location: Lyon")
    assert record(ROLES, lyon) == "Director of Marketing\nJob Title: Director of Marketing"
    assert record(ROLES, ROLES.index("brand work")) == record(ROLES, lyon)
    assert record(ROLES, ROLES.index("Location: Berlin")).startswith("Director of Sales\n")
    assert record(ROLES, 0) == ""  # the page title comes before any record
    assert record("Note: read this first.\n\nThe rest is prose.", 30) == ""  # one line: no record
    quoted = _answer("Where is the Director of Marketing located?", [("roles.pdf", "Roles", ROLES)])
    assert "Location: Lyon" in quoted and "Location: Berlin" not in quoted
    quoted = _answer(
        "Who does the Director of Marketing report to?", [("roles.pdf", "Roles", ROLES)]
    )
    assert "Reports To: Chief Executive Officer" in quoted


def test_a_name_the_question_uses_is_held_by_its_documents_units() -> None:
    """ "Standard" names Northwind_Standard.pdf: its units hold the name even where their
    sentence does not repeat it, so they outrank a look-alike plan's sentence that does."""
    hits = [
        Hit(chunk=make_chunk(text, source, title="Benefits", section="Coverage"), score=score)
        for source, text, score in [
            ("Northwind_Plus.pdf", "Northwind Plus requires a referral for out-of-area care.", 0.9),
            (
                "Northwind_Standard.pdf",
                "Out-of-area care requires that you live 100 miles away.",
                0.8,
            ),
        ]
    ]
    draft = _run("What does Northwind Standard require for out-of-area care?", hits)
    assert draft.sentences[0].text.startswith("Out-of-area care requires")


def _scores(question: str, text: str) -> dict[str, float]:
    """Each unit's first words -> its candidate score (before the embedding rerank)."""
    answerer = _answerer()
    hits = _hits([("page.md", "Page", text)])
    terms = answerer.overlap.question_terms(question)
    found = answerer._candidates(question, hits, terms, analyse(question), set())
    return {" ".join(c.text.split()[:6]): c.score for c in found if c.kind == "sentence"}


def test_a_condition_the_case_does_not_meet_is_marked_down_beside_one_it_meets() -> None:
    over = "If you stay for over 1 year, the severance pay is 2 weeks per year."
    under = "If you stay for less than 1 year, the severance pay is 4 weeks."
    asked = "I've been here 8 months. What severance pay do I get?"
    both = _scores(asked, f"Severance\n\n{over} {under}")
    alone = _scores(asked, f"Severance\n\n{over} Severance pay is paid in one lump sum.")
    key_over, key_under = " ".join(over.split()[:6]), " ".join(under.split()[:6])
    # Same words: the met condition is 0.1 up, the one not met beside it 0.1 down ...
    assert round(both[key_under] - both[key_over], 6) == 0.2
    # ... and a rule alone, met or not, keeps its score.
    assert alone[key_over] == both[key_over] + 0.1


def test_the_condition_the_askers_case_meets_is_preferred() -> None:
    """ "I've been here 8 months" meets "less than 1 year", not "over 1 year"."""
    assert spans("I've been here about 8 months and my role is cut.") == {240}
    assert spans("It happened two weeks ago, then a year later.") == {14, 365}
    assert spans("How many trips are there twice a year, at $100 a month?") == set()
    assert spans("I work 3 days a week and have been here a year.") == {3, 365}
    assert meets(240, "If you've been with us for less than 1 year, you get 4 weeks pay.")
    assert not meets(240, "If you've been with us for over 1 year, you get 2 weeks per year.")
    assert meets(120, "Expenses more than 90 days old need Finance approval.")
    # A deadline or a limit is no condition on the asker: "within 12 months of the birth".
    assert not meets(240, "The second parent takes 8 weeks within 12 months of the birth.")
    assert not violates(240, "Leave can start up to 6 weeks before the due date.")
    assert violates(240, "If you've been with us for over 1 year, you get 2 weeks per year.")
    assert not violates(240, "Severance is paid in one lump sum.")
    text = (
        "Severance\n\nIf you've been with the company for over 1 year, you get 2 weeks pay "
        "for every year of employment. If you've been with the company for less than 1 "
        "year, you get a lump sum equal to 4 weeks pay."
    )
    for asked, wanted in (
        ("I've been here about 8 months and my role is cut. What severance do I get?", "4 weeks"),
        ("I've been here about 3 years and my role is cut. What severance do I get?", "2 weeks"),
    ):
        assert wanted in _answer(asked, [("severance.md", "Severance", text)])[0], asked


def test_the_rest_of_a_row_cut_by_the_chunk_is_read_as_cells() -> None:
    """A chunk that opens inside a table row ("… with ease.; Lead SRE (L4): …") quotes a
    labelled cell whole, so a sentence of it keeps the column it belongs to."""
    tail = (
        "Works well with anyone. Navigates hard talks with ease.; Lead SRE (L4): Acts as "
        "a mentor and coach. Capable of managing 2-3 L1-L3 SREs. Helps define standards.; "
        "Principal SRE (L5): Capable of leading teams of any size."
    )
    found = [(u.kind, tail[u.start : u.end]) for u in units(tail)]
    assert ("sentence", "Works well with anyone.") in found
    lead = "Lead SRE (L4): Acts as a mentor and coach. Capable of managing 2-3 L1-L3 SREs."
    assert any(kind == "cell" and text.startswith(lead) for kind, text in found)
    assert ("sentence", "Capable of managing 2-3 L1-L3 SREs.") not in found
    quoted = _answer("Which SRE level manages other SREs?", [("ops.md", "Titles", tail)])
    assert any(q.startswith("Lead SRE (L4):") for q in quoted)


def test_an_identifier_no_passage_names_is_refused() -> None:
    """A release number or a code of capitals and digits that the question asks about
    and no retrieved passage names (in its text, title, path or heading) is refused:
    the levels are L2-L4, so "L1" is not covered. In the scene it refuses nothing."""
    titles = (
        "Programmer (L2): Works on features with guidance.\n\n"
        "Senior Programmer (L3): Works on features alone."
    )
    hits = _hits([("titles-for-programmers.md", "Programmer titles", titles)])
    refused = _run("What's expected of a Programmer at L1?", hits)
    assert refused.refused and "identifier" in refused.reason
    assert not _run("What's expected of a Programmer at L2?", hits).refused
    assert not _run("What's expected of a programmer at level 2?", hits).refused
    assert not _run("I was an L1 before. What's expected of a Senior Programmer?", hits).refused
    # In a two-part question, the other part is answered and that one named as uncovered.
    both = _run("What's expected of a Senior Programmer, and what about an L1?", hits)
    assert not both.refused and both.uncovered == ["what about an L1"]
    cves = _hits([("trivy/5-1-2.md", "Accepted CVEs", "CVE ID: CVE-1; Severity: High.")])
    assert not _run("Which CVE was accepted in 5.1.2?", cves).refused  # named by its path
    assert _run("Which CVE was accepted in 5.4.0?", cves).refused
    assert identifiers("SOC2 and v2.0, not 5.2, $5.2.1, 4th, 1990s or CVE-2023-1") == [
        "SOC2",
        "v2.0",
    ]
    assert naming("SOC2").search("our SOC 2 report") and not naming("IC3").search("XIC3")
    assert naming("5.1.2").search("trivy/5_1_2.md") and not naming("5.1.2").search("5.1.20")


def test_a_value_held_by_the_unit_of_another_part_does_not_answer_this_one() -> None:
    """In a two-part question, a unit chosen for one part holds that part's value: the
    time the file is sent ("10 minutes before") does not say how long the session is,
    so the unit stating that duration is quoted too."""
    text = (
        "Pairing exercise\n\nThe data file for the pairing exercise is emailed to the "
        "candidate 10 minutes before the interview starts. The candidate writes a small "
        "command-line program that reads the data file and prints a few metrics. Every "
        "pairing session has a third engineer in the room as an observer. We book a "
        "90-minute slot in the calendar. Candidates may use any language they like."
    )
    quoted = _answer(
        "In the pairing exercise, when is the data file sent to the candidate and how long "
        "is the session?",
        [("pairing.md", "Pairing exercise", text)],
    )
    assert any("10 minutes before" in q for q in quoted)
    assert any("90-minute slot" in q for q in quoted), quoted


def test_a_negated_question_is_judged_by_the_chosen_unit_that_negates_too() -> None:
    """ "When does the protection *not* apply?" whose best unit restates the protection is
    judged by the chosen unit saying where it does not apply as well: the negation the
    question adds is then no longer missing, and the better estimate stands."""
    text = (
        "Balance billing\n\nWith the Standard plan you are protected from balance billing "
        "when you visit in-network providers. Balance billing protection does not apply to "
        "emergency services. Balance billing protection does not apply to out-of-network "
        "providers."
    )
    draft = _run(
        "When does the Standard plan's balance billing protection not apply?",
        _hits([("plan.md", "Balance billing", text)]),
    )
    assert draft.sentences[0].text.startswith("With the Standard plan")  # the best unit
    assert draft.features is not None and draft.features["negation_added"] == 0.0
    assert draft.evidence > 0.2


def test_a_sum_the_answer_quotes_for_its_part_is_not_named_as_unsaid() -> None:
    """A part asking for a sum, answered by a chosen unit that states one for that part,
    is not named as not covered although the unit holds too few of the part's words for
    the figure rule alone ("gym" against "fitness-related programs")."""
    text = (
        "PerksPlus\n\nWith PerksPlus, employees can expense up to $1000 a year for "
        "fitness-related programs. Gym memberships, ski lessons and yoga classes are "
        "covered."
    )
    draft = _run(
        "How much does Contoso pay toward the gym through PerksPlus, and can I use it for "
        "ski lessons?",
        _hits([("perks.md", "PerksPlus", text)]),
    )
    assert not draft.refused and draft.uncovered == []
    assert any("$1000" in s.text for s in draft.sentences)


def test_a_figure_stated_for_a_look_alike_scope_does_not_state_it() -> None:
    """A question naming one of two look-alike documents ("Northwind *Standard*") is not
    answered by a figure only the other one states (a day count in the Plus booklet)."""
    standard = (
        "Northwind_Standard_Benefits.pdf",
        "Northwind Standard Benefits",
        "Hospice\n\nNorthwind Standard covers hospice care from an in-network hospice "
        "provider when a doctor recommends it.",
    )
    plus = (
        "Northwind_Plus_Benefits.pdf",
        "Northwind Plus Benefits",
        "Hospice\n\nNorthwind Plus covers up to 30 days of hospice care in a hospice facility.",
    )
    question = "How many days of hospice care will Northwind Standard pay for?"
    draft = _run(question, _hits([standard, plus]))
    assert draft.refused and draft.reason == "no passage states the figure asked for"
    # The Plus figure answers a question naming Plus, and a Standard figure this one.
    assert not _run(question.replace("Standard", "Plus"), _hits([standard, plus])).refused
    stated = (*standard[:2], standard[2] + " It pays for up to 20 days of hospice care.")
    draft = _run(question, _hits([stated, plus]))
    assert not draft.refused and "20 days" in " ".join(s.text for s in draft.sentences)


def test_a_dollar_figure_is_an_amount_asked_for() -> None:
    """ "What's the *dollar* cap …?" asks for a sum, which a unit about it must state."""
    assert analyse("What's the dollar cap on ambulance transport?").kinds == ("amount",)
    text = (
        "Travel\n\nThe plan covers emergency ambulance transport to the nearest hospital, "
        "up to the plan's limit. Parking at the clinic costs $12 a day."
    )
    question = "What's the dollar cap on emergency ambulance transport?"
    _refused_until_stated(question, text, " Ambulance transport is capped at $900.", "$900")


def test_a_count_asked_for_needs_a_figure_stated() -> None:
    """ "How many …?" asked as a value needs a unit about it that states a figure; a
    question using "a number of" without asking for one is not held to it."""
    text = (
        "Awards\n\nImpact awards are handed out at the quarterly kick-off meeting. "
        "Any teammate can nominate a colleague."
    )
    question = "How many Impact awards are handed out each quarter?"
    _refused_until_stated(question, text, " We hand out 6 Impact awards each quarter.", "6 Impact")
    draft = _run(
        "Why might a manager nominate a large number of colleagues?", _hits([("a.md", "A", text)])
    )
    assert draft.reason != "no passage states the figure asked for"


def test_a_percent_sign_reads_as_the_word_percent() -> None:
    """ "What *percentage* …?" finds "32.9*%* of …": a "%" is the word "percent", and
    "percentage" is one term with it, so the unit stating the share holds the asked word."""
    overlap = Overlap(Bm25Encoder())
    assert overlap.terms("percent") <= overlap.terms("32.9% of voters")
    assert overlap.terms("percentage") == overlap.terms("percent")
    text = "Referendum\n\nThe assembly needed a majority. In the end 32.9% of the electorate did not vote."
    draft = _run(
        "What percentage of Scotland's voters failed to vote?", _hits([("r.md", "R", text)])
    )
    assert not draft.refused and "32.9%" in " ".join(s.text for s in draft.sentences)


def test_a_span_of_time_no_passage_states_is_not_answered() -> None:
    """ "How long …?" and "how often …?" need a span of time, a cadence or a date in some
    passage read ("kept in the SIEM" says none); a length answers "how long" too."""
    siem = "Alerts\n\nSAST alerts are stored in the SIEM and can be queried from Elasticsearch."
    question = "How long are SAST alerts kept in the SIEM?"
    _refused_until_stated(question, siem, " Alerts are kept for 90 days.", "90 days")
    safety = "Safety\n\nWe conduct regular safety inspections of the workplace."
    question = "How often are workplace safety inspections carried out?"
    _refused_until_stated(question, safety, " Inspections take place monthly.", "monthly")
    river = "Rhine\n\nThe river turns north near Chur. This section is nearly 86 km long."
    draft = _run("How long is the section of the Rhine near Chur?", _hits([("r.md", "R", river)]))
    assert draft.reason != "no passage states the figure asked for"


def test_a_duration_may_be_written_short() -> None:
    """ "lasts 1h" and "2.5yrs" state durations; "the 1H review" names a half-year."""
    duration = KIND_VALUE["duration"]
    assert duration.search("an admin account that lasts 1h")
    assert duration.search("Engineering and Product: 2.5yrs")
    assert not duration.search("in the 1H Impact Review cycle")


def test_a_phone_number_or_address_no_passage_holds_is_not_answered() -> None:
    """ "What's the phone number for the hotline?" is not answered by the hotline's web
    form when no passage read holds a phone number; an e-mail address likewise."""
    hotline = (
        "Reporting\n\nThe Convercent hotline takes anonymous reports through its web form, "
        "open 24/7."
    )
    question = "What's the phone number for the Convercent hotline?"
    _refused_until_stated(question, hotline, " Call the hotline on 800-555-0199.", "800-555-0199")
    question = "What's the email address for the Convercent hotline?"
    _refused_until_stated(question, hotline, " Or write to hotline@convercent.com.", "hotline@")


def test_a_time_of_day_is_a_date_value_and_asked_by_what_time() -> None:
    """ "8:30am", "15:00 UTC" and "noon" say when; "what time does it start?" and "what
    hours?" ask for one, "what time off?" does not."""
    date = KIND_VALUE["date"]
    assert date.search("I work from around 8:30am to 5:30pm")
    assert date.search("sessions at 15:00 UTC and 19:30 UTC")
    assert date.search("the office closes at noon")
    assert not date.search("a 1:1 with your manager")
    assert analyse("What time does the planning meeting start?").kinds == ("date",)
    assert analyse("What hours does the support desk keep?").kinds == ("date",)
    assert analyse("Which day of the week is the team meeting?").kinds == ("date",)
    assert analyse("What time off do I get?").kinds != ("date",)


def test_a_time_of_day_no_passage_states_is_not_answered() -> None:
    """ "What time does the planning meeting start?" is not answered by the meeting's
    weekday when no passage read states a time of day."""
    text = (
        "Recurring meetings\n\nTeam meetings are held weekly on Mondays, where we plan "
        "our work for the week."
    )
    question = "What time does the Monday planning meeting start?"
    _refused_until_stated(question, text, " They start at 9:30am Pacific.", "9:30am")


def test_a_value_a_list_shown_as_its_heads_hides_is_quoted_from_its_item() -> None:
    """A long headed list is shown as its heads ("Stick to a schedule; Triage;
    Timebox"), which show none of its items' values: the item holding the span of time
    asked for is quoted."""
    items = [
        "Stick to a schedule: when working from home it is very important to have a set "
        "schedule and the discipline to respect it, or work and life blur together.",
        "Triage: mornings go to catching up on chat and code review, and smaller requests "
        "are answered at once before planning the rest of the day.",
        "Timebox: I work in blocks of 2 hours with a break between them, and stop "
        "when the last block of the day is over.",
    ]
    text = "Schedule\n\n" + "\n\n".join(f"• {i}" for i in items)
    hits = _hits([("tips.md", "Tips", text)])
    listed = next(u for u in units(text) if u.kind == "list")
    item = next(u for u in units(text) if text[u.start : u.end].startswith("Timebox"))
    shown_list = Candidate(0, listed.start, text[listed.start : listed.end], 0.6, "list", score=1.0)
    timebox = Candidate(0, item.start, text[item.start : item.end], 0.2, "item", score=0.2)
    assert _valued("duration", [shown_list], [shown_list, timebox], lambda c: True, hits) is timebox


def test_a_short_line_holding_the_address_asked_for_is_quoted() -> None:
    """A line too short to be a unit otherwise ("Google Group (ta@example.com)") is
    quoted when it holds the e-mail address or channel the question asks for."""
    text = (
        "Team communication\n\nGoogle Group (ta@example.com)\n\nThe team uses the Google "
        "Group as a distribution list so customers can reach every team member at once."
    )
    quoted = _answer(
        "What email address can customers use to reach the whole team?",
        [("norms.md", "Team norms", text)],
    )
    assert any("ta@example.com" in q for q in quoted)


def test_a_day_asked_is_not_answered_by_a_cadence_or_a_look_alike_teams_day() -> None:
    """ "Which day of the week is the CE team's meeting?" is not answered by "weekly",
    nor by the day the Support team (a look-alike page) meets; the CE page stating its
    day answers it."""
    assert analyse("Which day of the week is the team meeting?").kinds == ("date",)
    assert DAY_STATED.search("due 3/14/2024") and DAY_STATED.search("on 2024-05-01")
    assert not DAY_STATED.search("Customer Service is available 24/7 to help")
    ce = "Recurring meetings\n\nTeam meeting (weekly): regular syncs for the CE team to discuss topics."
    support = (
        "Recurring meetings\n\nThe Support team meeting is held weekly on Wednesday, where "
        "each lead runs a session."
    )
    question = "Which day of the week is the CE team's weekly team meeting?"
    hits = _hits(
        [("ce/norms.md", "CE Team Norms", ce), ("support/norms.md", "Support Team Norms", support)]
    )
    draft = _run(question, hits)
    assert draft.refused and draft.reason == "no passage states the figure asked for"
    stated = ce + " It meets on Tuesdays."
    hits = _hits(
        [
            ("ce/norms.md", "CE Team Norms", stated),
            ("support/norms.md", "Support Team Norms", support),
        ]
    )
    draft = _run(question, hits)
    assert not draft.refused and "Tuesdays" in " ".join(s.text for s in draft.sentences)


def test_a_lead_in_that_only_announces_its_list_is_not_quoted_without_it() -> None:
    """ "…, including but not limited to:" quoted without its items says nothing: the
    answer about ski lessons quotes the lessons' list, not the other list's lead-in."""
    text = (
        "What is covered\n\nPerksPlus covers a wide range of fitness activities, including "
        "but not limited to:\n\n• Gym memberships\n\n• Yoga and Pilates classes\n\n• Fitness "
        "equipment purchases\n\nIn addition to the wide range of fitness activities covered "
        "by PerksPlus, the program also covers a variety of lessons and experiences that "
        "promote health and wellness.\n\nSome of the lessons covered under PerksPlus "
        "include:\n\n• Skiing and snowboarding lessons\n\n• Surfing lessons"
    )
    intro = (
        "PerksPlus\n\nWith PerksPlus, employees have the opportunity to expense up to $1000 "
        "for fitness-related programs."
    )
    quoted = _answer(
        "Does PerksPlus pay for ski lessons and what's the yearly limit?",
        [("perks.pdf", "PerksPlus", text), ("perks.pdf", "PerksPlus", intro)],
    )
    assert any("Skiing" in q for q in quoted)
    assert not any(q.rstrip().endswith("not limited to:") for q in quoted)


def test_a_unit_that_only_repeats_the_question_is_not_quoted() -> None:
    """An index page's item "Cloud Access Control Policy" holds most of "Who owns the
    cloud access control policy?" and says nothing the question does not: the policy
    page's owner line answers."""
    index = (
        "Engineering policies\n\nThis section stores policies owned by Engineering.\n\n"
        "• Vulnerability Management Policy\n\n• Cloud Access Control Policy\n\n"
        "• Cryptography Policy"
    )
    policy = (
        "Violations & Enforcement\n\nAny known violations should be reported to "
        "report@example.com.\n\nPolicy Owner: Head of Security"
    )
    quoted = _answer(
        "Who owns the cloud access control policy?",
        [
            ("policies/index.md", "Engineering policies", index),
            ("acp.md", "Cloud Access Control Policy", policy),
        ],
    )
    assert "Cloud Access Control Policy" not in quoted
    assert "Policy Owner: Head of Security" in quoted


def test_a_figure_for_a_thing_the_question_names_must_come_from_a_passage_naming_it() -> None:
    """A sum about another offering ("$120 per user per year" of a renewal) does not
    state what "the *Resident Architect* service" costs: the page naming it gives none."""
    offering = (
        "Resident Architect\n\nResident Architect is a paid offering available to all "
        "customers, typically leveraged by large enterprises."
    )
    renewal = (
        "Renewals\n\nThe customer price per user per year on a renewal stays the same: "
        "the cost is $120 per user per year."
    )
    hits = _hits([("ps.md", "Offerings", offering), ("faq.md", "Deal desk FAQ", renewal)])
    draft = _run("What does the Resident Architect service cost a customer per year?", hits)
    assert draft.refused and draft.reason == "no passage states the figure asked for"
    # The same figure on the page that names the service states it.
    named = renewal.replace("The customer price", "The Resident Architect price")
    draft = _run(
        "What does the Resident Architect service cost a customer per year?",
        _hits([("ps.md", "Offerings", offering), ("faq.md", "Deal desk FAQ", named)]),
    )
    assert not draft.refused and any("$120" in s.text for s in draft.sentences)


def test_a_name_of_several_capitalised_words_is_read_past_the_first_word() -> None:
    """A part's first word is capitalised whatever it is: "Does Northwind Standard …"
    names "Northwind Standard"; one capitalised word alone is no such name."""
    assert name_runs("Does Northwind Standard cover LASIK") == [["Northwind", "Standard"]]
    assert name_runs("What does the Resident Architect service cost") == [["Resident", "Architect"]]
    assert name_runs("What does the MetLife dental plan pay") == []


def test_a_lead_in_quoted_as_its_list_is_judged_by_the_list() -> None:
    """The lead-in "These include but are not limited to:" ranks first and is quoted as
    its list; the confidence reads how close the list is to the question, not how close
    its bare lead-in is."""
    text = (
        "What is Not Covered?\n\nThere is a list of things that are not covered. These "
        "include but are not limited to:\n\n• Medical treatments and procedures\n\n• Food "
        "and supplements"
    )
    question = "Can I put supplements or a medical procedure on PerksPlus?"
    answerer = _answerer()
    vector = np.asarray(answerer.embedder.embed([question])[0])
    draft = answerer.answer(question, _hits([("perks.pdf", "PerksPlus", text)]), vector)
    quoted = [s.text for s in draft.sentences]
    assert any(q.startswith("These include") and "Food and supplements" in q for q in quoted)
    listed = next(q for q in quoted if q.startswith("These include"))
    lead_in = "These include but are not limited to:"
    own, bare = (float(np.dot(v, vector)) for v in answerer.embedder.embed([listed, lead_in]))
    assert draft.features is not None
    assert draft.features["similarity"] == pytest.approx(max(own, bare))


def test_whether_and_how_much_with_no_sum_stated_is_refused() -> None:
    """ "Is there an events budget, and how much is it?" where the passages state no sum: the
    documents describe no such budget, so the answer is a refusal, not sentences on the
    topic with "the documents don't say how much"."""
    text = (
        "The cohort is an employee-led group for members of the community. "
        "Members are welcome to start events such as coffee chats or lunches."
    )
    chunks = [("cohort.md", "Employee cohort", text)]
    draft = _run("Is there an events budget for the cohort, and how much is it?", _hits(chunks))
    assert draft.refused and draft.reason == "no passage states the figure asked for"
    # The same passages still answer a question that asks how much and something else.
    draft = _run("Who runs the cohort events, and how much is the budget?", _hits(chunks))
    assert not draft.refused
    # With the sum stated, the question is answered.
    stated = text + " Each cohort has an events budget of $500 per quarter."
    found = _answer(
        "Is there an events budget for the cohort, and how much is it?",
        [("cohort.md", "Employee cohort", stated)],
    )
    assert any("$500" in q for q in found)
    # A sum the answering document states in other words than the question's may be the
    # one asked for: answered, not refused.
    other_words = text + " Members may expense up to $200 a year for cohort events."
    draft = _run(
        "Is there an events budget for the cohort, and what's the yearly limit?",
        _hits([("cohort.md", "Employee cohort", other_words)]),
    )
    assert not draft.refused


def test_a_day_asked_counts_only_in_a_unit_about_what_is_asked() -> None:
    """ "Which weekday is the TA team's meeting?" is not answered by the Monday on which an
    unrelated on-call shift starts (no look-alike document: a page on another topic); a
    unit stating the meeting's day answers it."""
    ta = "TA team meeting\n\nThe TA team meeting is held on a bi-weekly basis for announcements."
    oncall = "On-call\n\nEach on-call shift is seven days long, starting Monday at 9AM UTC."
    question = "Which weekday is the TA team's meeting held on?"
    hits = _hits([("ta/index.md", "TA team", ta), ("eng/oncall.md", "On-call", oncall)])
    draft = _run(question, hits)
    assert draft.refused and draft.reason == "no passage states the figure asked for"
    stated = ta.replace("on a bi-weekly basis", "every other Thursday")
    hits = _hits([("ta/index.md", "TA team", stated), ("eng/oncall.md", "On-call", oncall)])
    draft = _run(question, hits)
    assert not draft.refused and "Thursday" in " ".join(s.text for s in draft.sentences)
