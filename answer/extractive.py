"""Extractive answerer (default): deterministic, offline, quotes the documents.

It reads the top passages as answer units that follow the document's structure
(``answer/units.py``: sentences, list items, a list with its lead-in, table rows with
their headers) and scores each by how many of the question's terms it holds (stemmed
BM25 terms, under its section heading) and by the passage's rank; the best few are
re-scored by embedding similarity to the question. A unit holding the kind of value the
question asks for (an amount, a duration, a contact...) and a unit from the document the
question's scope words name ("Standard plan", "Colorado") are preferred
(``answer/question.py``). The answer is the best unit, the best unit for every other
part of a multi-part question, and close runners-up, within a word budget; a part no
unit covers is named in ``uncovered``. Its ``evidence`` (does the passage answer at
all?) comes from the fitted answerability model in ``answerability.py``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path

import numpy as np

from answer.answerability import NEGATION, Evidence, Model, features, opposite_terms
from answer.drafts import Draft, DraftSentence
from answer.overlap import Overlap
from answer.question import (
    CLOCK_ASKED,
    CLOCK_STATED,
    DAY_ASKED,
    DAY_STATED,
    EMAIL_STATED,
    FIGURE_STATED,
    KIND_VALUE,
    PREFER,
    SUM_STATED,
    VALUE_ASKED,
    Asked,
    amount_parts,
    analyse,
    document_label,
    meets,
    name_runs,
    named_documents,
    scope_names,
    set_aside,
    spans,
    sum_of,
    sum_parts,
    unnamed,
    unstated_sums,
    violates,
)
from answer.units import SHORT_SENTENCE, Unit, left_out, record, shown, units
from answer.vectors import SentenceVectors
from core.embed import Embedder
from core.schema import Hit
from core.settings import AnswerSettings

MIN_WORDS = 4
FIELD_LABEL = 5  # words before the colon of a "Field: value" line
RERANK = 8
ASKED_FIELDS = 2  # "Field: value" lines of one passage asked for together, quoted together
WORD_BUDGET = 90
KIND_BONUS = 0.1
SCOPE_BONUS = 0.1
LOOKALIKE = 0.5  # share of title words two look-alike documents have in common
NAME_BONUS = 0.1  # a unit holding every name the question uses, in it or its document's name
CONDITION_BONUS = 0.1  # a unit whose condition on a span of time the question's case meets
PART_COVERAGE = 0.5  # a part counts as covered by a unit holding half its terms
UNCOVERED = 0.25  # ... and as not covered at all below this
VALUE_EASE = 0.25  # a unit holding the value a part asks for needs this much less coverage
QUESTION_PENALTY = 0.2
# A sum stated in a unit holding under this share of a part's terms is about something else
# (chosen on the tune halves: between their unanswerables, 0.33 at most, and answerables).
SUM_COVER = 0.38
# A lead-in that only announces its list ("…, including but not limited to:"), quoted
# without the list, says nothing.
BARE_LEAD_IN = re.compile(
    r"(?:\binclud(?:e|es|ing)(?: but (?:is )?not limited to)?|\bsuch as|\bthe following"
    r"|\bas follows)\s*:\s*$",
    re.I,
)
NEXT_WORDS = 60  # the best unit and the sentence after (or before) it: at most this long
COMPLEMENT = 0.5  # a unit adding question terms the answer lacks: its least share of the best
RUNNER_UP = 0.8  # a runner-up within this share of the best score is quoted too
VALUED = 0.5  # a unit with the value a part asks for that no chosen unit holds: least share
# A part asking how many (business) days, weeks ... needs a duration stated, as "how much" with a
# money word needs a sum ("how long" is not one: "until you leave" answers it too).
COUNTED = re.compile(
    r"\bhow many (?:[a-z-]+ )?(?:minutes|hours|days|weeks|months|years)\b",  # "business days"
    re.I,
)
# Any span of time, cadence or date a passage may state, or a length ("how long is the
# section?" is answered by "nearly 86 km long"), or an end ("lasts until you leave").
ENDS = r"\buntil\b|\bindefinite(?:ly)?\b|\bnever expires?\b|\bpermanent(?:ly)?\b|\bas long as\b"
LENGTH = (
    r"\b\d[\d,.]*\s?(?:km|kilomet(?:er|re)s?|mi|miles?|m|met(?:er|re)s?|ft|feet|foot"
    r"|inch(?:es)?|cm|mm|yards?|pages?)\b"
)
TIMED = re.compile(
    "|".join([*(KIND_VALUE[k].pattern for k in ("duration", "frequency", "date")), LENGTH, ENDS]),
    re.I,
)
# A contact part asking for a phone (fax) number or an e-mail address, and those values.
PHONE_ASKED = re.compile(r"\b(?:phone|fax|telephone)\b|\bcall\b", re.I)
PHONE = re.compile(r"\b\d{3}[-. )]\s?\d{3}[-. ]\d{4}\b|\+\d[\d ()-]{7,}\d")
EMAIL_ASKED = re.compile(r"\be-?mail\b", re.I)
# The thing a question asks which one of: "*which CVE* did we accept?", "what image?".
WHICH = re.compile(r"\b(?:which|what)\s+([a-z]\w*)", re.I)
# A question asking which questions to ask is answered by the document's questions.
ASKS_QUESTIONS = re.compile(
    r"\bquestions?\b|\bask (?:myself|yourself|ourselves|themselves)\b", re.I
)
# A part asking whether: "*Is there* a budget", "*Do* mentors get a stipend".
WHETHER = re.compile(r"^(?:is|are|do|does|can|will|would|could)\b", re.I)
# A unit announcing what follows ("use the formula below") needs the units after it.
FORWARD = re.compile(r"\b(?:below|the following|as follows)\b|:\s*$", re.I)
# A sentence opening with a word that points back needs the sentence before it.
BACK_REFERENCE = re.compile(
    r"^(?:here|this|these|that|those|it|its|they|their|such|he|she)\b", re.I
)


@dataclass
class Candidate:
    """A unit of a retrieved chunk and its scores."""

    hit: int
    start: int
    text: str
    overlap: float
    kind: str = "sentence"
    more: int = 0
    similarity: float = 0.0
    score: float = 0.0
    label: str = ""  # the document's title, when look-alike documents are quoted side by side
    also: list[tuple[int, int]] = field(default_factory=list)  # the same text in other files

    @property
    def words(self) -> int:
        """Length in words, as shown (a headed list shows its heads)."""
        return len(shown(self.text).split())

    @property
    def unit(self) -> Unit:
        """The span of its chunk this candidate quotes."""
        return Unit(self.start, self.start + len(self.text), self.kind, self.more)


class ExtractiveAnswerer:
    """Selects the best-supported units of the retrieved chunks."""

    name = "extractive"

    def __init__(
        self,
        embedder: Embedder,
        overlap: Overlap,
        cfg: AnswerSettings,
        model: Model | None = None,
    ) -> None:
        self.embedder = embedder
        self.overlap = overlap
        self.cfg = cfg
        self.model = model or Model.load()
        opposite_terms()  # build the antonym table at start-up, not on the first request
        self.vectors = SentenceVectors(embedder, cfg.sentence_cache)

    def config(self) -> str:
        """What changes answers: part of the cache key (the units version moves with the
        selection rules, so cached answers of older rules expire)."""
        return (
            f"extractive:units-v48:max={self.cfg.max_sentences}:model={self.embedder.model_id}"
            f":answerability={self.model.digest()}"
        )

    def answer(self, question: str, hits: list[Hit], query_vector: np.ndarray) -> Draft:
        """Pick units and estimate how well they answer (``evidence``, 0..1)."""
        # "For profit sharing (not the liquidity pool), when ...": what the question sets
        # aside is not among the terms a unit is matched on.
        question = set_aside(question)
        q_terms = self.overlap.question_terms(question)
        asked = analyse(question)
        named = named_documents(question, hits, self.overlap.terms)
        scoped = named or self._scoped(hits, q_terms)
        candidates = self._candidates(question, hits, q_terms, asked, scoped)
        if not candidates or not q_terms:
            return Draft(refused=True, reason="no passage shares the question's terms")
        # "What's expected of a QA Tester at *L1*?" where the levels are L2-L4
        unknown = [p for p in asked.parts if unnamed(p, hits)]
        if len(unknown) == len(asked.parts):
            return Draft(refused=True, reason="no passage names the identifier asked about")
        # A figure stated for another scope than the one the question names ("How many
        # days of hospice care will *Northwind Standard* pay for?" and a day count in the
        # Health Plus booklet) does not state it.
        other = {
            i
            for i in range(len(hits))
            if i not in named and any(_lookalikes(hits[i], hits[n]) for n in named)
        }
        unstated = self._unstated(
            asked, hits, [c for c in candidates if c.hit not in other], set_aside=other
        )
        unstated += [p for p in unknown if p not in unstated]
        if len(unstated) == len(asked.parts):
            return Draft(refused=True, reason="no passage states the figure asked for")
        top = sorted(candidates, key=lambda c: (-c.score, c.hit, c.start))[:RERANK]
        vectors = self.vectors.embed([c.text for c in top])
        for cand, vec in zip(top, vectors, strict=True):
            cand.similarity = float(np.dot(vec, query_vector))
            cand.score += 0.5 * cand.similarity
        top.sort(key=lambda c: (-c.score, c.hit, c.start))
        listed = [_with_list(c, candidates) for c in top]
        # A lead-in quoted as its list keeps its rank, and the list is judged by its own
        # text where that is closer to the question: "These include but are not limited
        # to:" says nothing of "supplements", its item "Food and supplements" does.
        swapped = [c for c, lead_in in zip(listed, top, strict=True) if c is not lead_in]
        if swapped:
            vectors = self.vectors.embed([c.text for c in swapped])
            for cand, vec in zip(swapped, vectors, strict=True):
                cand.similarity = max(cand.similarity, float(np.dot(vec, query_vector)))
        top = listed
        best = top[0]
        part_terms = [self.overlap.question_terms(p) for p in asked.parts]
        chosen, uncovered = self._choose(top, candidates, hits, asked, part_terms, scoped)
        chosen = [c for c in chosen if not BARE_LEAD_IN.search(c.text)] or chosen
        unstated = self._quoted_sums(asked, part_terms, unstated, chosen, hits)
        uncovered += [p for p in unstated if p not in uncovered]
        uncovered = [p for p in uncovered if p not in asked.told]  # a statement asks nothing
        # "Is there an events budget for the cohort, and how much is it?" where no passage
        # states the sum (read with the whole question: "it" is the budget) and the
        # document answering states no sum at all: the documents describe no such budget,
        # and the yes/no part answered with sentences on the topic would only seem to say
        # there is one. A sum in that document in other words ("expense up to $1000" for
        # "the yearly limit") may be the one asked for: the answer stands.
        amounts = {p for p, k in zip(asked.parts, asked.kinds, strict=True) if k == "amount"}
        if (
            uncovered
            and set(uncovered) <= amounts
            and all(p in uncovered or WHETHER.match(p) for p in asked.parts)
            and not any(
                SUM_STATED.search(h.chunk.text)
                for h in hits
                if h.chunk.doc_id == hits[best.hit].chunk.doc_id
            )
            and self._stated_apart(asked, hits, candidates, [" ".join(asked.parts)], SUM_STATED)
        ):
            return Draft(refused=True, reason="no passage states the figure asked for")
        chosen.sort(key=lambda c: (c.hit != best.hit, c.hit, c.start))  # best chunk first
        values = features(
            self._evidence(question, q_terms, best, hits, _value_coverage(self, asked, candidates))
        )
        if uncovered and len(uncovered) < len(asked.parts):
            # The answer names the part the documents don't cover, and that part may not
            # count against the rest: judged as if the covered parts were asked alone too,
            # the better estimate stands.
            covered = " ".join(p for p in asked.parts if p not in uncovered)
            alone = self._judged_as(covered, best, hits, candidates)
            if self.model.score(alone) > self.model.score(values):
                values = alone
            # Each covered part judged by the chosen unit answering it, as where every
            # part is covered (below): the worst of them may be the better estimate.
            kept = [
                (p, t) for p, t in zip(asked.parts, part_terms, strict=True) if p not in uncovered
            ]
            worst = self._worst_part(kept, chosen, hits, candidates)
            if self.model.score(worst) > self.model.score(values):
                values = worst
        if values["negation_added"]:
            # "When does balance billing protection *not* apply?": the best unit restates
            # the protection, a chosen one says where it does not apply. That one (ranked
            # among the embedded units) is judged too, and the better estimate stands.
            for c in chosen:
                said = f"{hits[c.hit].chunk.section}\n{c.text}"
                if c is not best and c.similarity and NEGATION.search(said):
                    negated = self._judged_as(question, c, hits, candidates)
                    if self.model.score(negated) > self.model.score(values):
                        values = negated
        if len(asked.parts) > 1 and not uncovered:
            # Each part answered by a unit of its own: the answer is as good as its worst
            # answered part, which may be better than the best unit judged against all.
            every = list(zip(asked.parts, part_terms, strict=True))
            worst = self._worst_part(every, chosen, hits, candidates)
            if self.model.score(worst) > self.model.score(values):
                values = worst
        return Draft(
            sentences=[
                DraftSentence(c.text, c.hit, c.start, c.more, c.label, c.also) for c in chosen
            ],
            evidence=round(self.model.score(values), 4),
            features=values,
            uncovered=uncovered,
        )

    def _worst_part(
        self,
        parts: list[tuple[str, frozenset[int]]],
        chosen: list[Candidate],
        hits: list[Hit],
        candidates: list[Candidate],
    ) -> dict[str, float]:
        """The model's inputs for the worst judged of ``parts`` (each with its terms),
        each judged by its own chosen unit (``_part_values``)."""
        each = [self._part_values(p, terms, chosen, hits, candidates) for p, terms in parts]
        return min(each, key=self.model.score)

    def _part_values(
        self,
        part: str,
        p_terms: frozenset[int],
        chosen: list[Candidate],
        hits: list[Hit],
        candidates: list[Candidate],
    ) -> dict[str, float]:
        """The model's inputs for one part of a question (``p_terms``: its terms), judged by
        the chosen unit that holds most of its terms (under its heading), its similarity
        to the part alone."""
        best = max(
            chosen,
            key=lambda c: (
                self.overlap.coverage(p_terms, f"{hits[c.hit].chunk.section}\n{c.text}"),
                c.score,
                -c.hit,
                -c.start,
            ),
        )
        part_vector, unit_vector = self.vectors.embed([part, best.text])
        best = replace(best, similarity=float(np.dot(part_vector, unit_vector)))
        return self._judged_as(part, best, hits, candidates)

    def _judged_as(
        self, question: str, best: Candidate, hits: list[Hit], candidates: list[Candidate]
    ) -> dict[str, float]:
        """The model's inputs for ``question`` (the covered parts, or one part) answered by
        ``best``, read under its heading."""
        q_terms = self.overlap.question_terms(question)
        context = f"{hits[best.hit].chunk.section}\n{best.text}"
        best = replace(best, overlap=self.overlap.coverage(q_terms, context))
        coverage = _value_coverage(self, analyse(question), candidates)
        return features(self._evidence(question, q_terms, best, hits, coverage))

    def _choose(
        self,
        top: list[Candidate],
        everything: list[Candidate],
        hits: list[Hit],
        asked: Asked,
        part_terms: list[frozenset[int]],
        scoped: set[int],
    ) -> tuple[list[Candidate], list[str]]:
        """The best unit; its counterpart in a look-alike document when the question names
        no scope (both labelled); the best unit of each other part; the value a part asks
        for that none holds yet; then close runners-up from at most two chunks; the units
        around the best one and the ones a chosen unit announces — all within
        ``WORD_BUDGET`` words, no text quoted twice."""
        best = top[0]
        chosen = [best]
        uncovered: list[str] = []

        def room(cand: Candidate) -> bool:
            """Within the budget, and no overlap with (or repeat of) a chosen unit."""
            end = cand.start + len(cand.text)
            return (
                sum(c.words for c in chosen) + cand.words <= WORD_BUDGET
                and not any(_repeats(cand, c) for c in chosen)
                and not any(
                    c.hit == cand.hit
                    and c.start < end
                    and cand.start < c.start + len(c.text)
                    and not (cand.kind == "item" and _compact(c))  # a head's explanation
                    for c in chosen
                )
            )

        def fits(cand: Candidate) -> bool:
            same = [c for c in chosen if _norm(c.text) == _norm(cand.text)]
            doc = hits[cand.hit].chunk.doc_id
            if same:  # quoted once, citing every file that holds it
                first = same[0]
                if doc != hits[first.hit].chunk.doc_id and cand.hit not in [
                    h for h, _ in first.also
                ]:
                    first.also.append((cand.hit, cand.start))
                return False
            return room(cand)

        follows = _following_list(best, everything, hits)
        if follows is not None and fits(follows):  # "You can report it by:" and the ways
            chosen.append(follows)
        if not scoped:
            for cand in top[1:]:
                if cand.score < RUNNER_UP * best.score:
                    break
                if _lookalikes(hits[best.hit], hits[cand.hit]) and fits(cand):
                    chosen.append(cand)
                    best.label, cand.label = hits[best.hit].chunk.title, hits[cand.hit].chunk.title
                    break
        if len(asked.parts) > 1:
            for part, kind, p_terms in zip(asked.parts, asked.kinds, part_terms, strict=True):
                if len(p_terms) < 2:
                    continue
                if asked.context:  # "I didn't add a warranty. How long do I have to add one?"
                    p_terms = self.overlap.question_terms(f"{asked.context} {part}")
                value = PREFER.get(kind)

                def holds(cand: Candidate, value: re.Pattern[str] | None = value) -> bool:
                    return value is not None and bool(value.search(cand.text))

                if any(
                    self.overlap.coverage(p_terms, c.text) >= PART_COVERAGE
                    and (value is None or holds(c))
                    for c in chosen
                ):
                    continue  # answered already: its words, and the value it asks for
                scored = [
                    (self.overlap.coverage(p_terms, f"{hits[c.hit].chunk.section}\n{c.text}"), c)
                    for c in everything
                ]
                open_ = [  # not quoted yet, fits, and a list only where the part asks for one
                    x for x in scored if room(x[1]) and (x[1].kind != "list" or kind == "list")
                ]
                if open_:
                    cover, cand = max(
                        open_,
                        key=lambda x: (
                            x[0] + (KIND_BONUS if holds(x[1]) else 0.0),
                            x[1].score,
                            -x[1].hit,
                            -x[1].start,
                        ),
                    )
                    enough = PART_COVERAGE - (VALUE_EASE if holds(cand) else 0.0)
                    if cover >= enough and fits(cand):
                        chosen.append(cand)
                        continue
                if max((x[0] for x in scored), default=0.0) < UNCOVERED:
                    uncovered.append(part)
        for part, kind, terms in zip(asked.parts, asked.kinds, part_terms, strict=True):
            holding = chosen
            if len(asked.parts) > 1 and len(terms) >= 2:
                # A unit that answers another part better holds that part's value ("sent
                # *10 minutes prior*" is when the file comes, not how long the session is).
                holding = [c for c in chosen if self._serves(c, terms, part_terms)]
            valued = _valued(kind, chosen, everything, room, hits, holding)
            if valued is not None and fits(valued):  # "... and which address does it go to?"
                chosen.append(valued)
                if part in uncovered:
                    uncovered.remove(part)
        for line in self._asked_fields(everything, asked):
            if fits(line):  # "which algorithm, digit count and period?": each line asked
                chosen.append(line)
        cut = [c for c in chosen if c.kind == "list" and c.more]
        if cut:  # "…and 3 more" hiding "Rock climbing", which was asked about
            said = self._said(chosen, hits)
            asked_terms = self.overlap.question_terms(" ".join(asked.parts))
            for c in cut:
                item = _asked_item(c, hits, asked_terms - said, self.overlap)
                if item is not None and fits(item):
                    chosen.append(item)
                    said |= self.overlap.terms(item.text)
        chunks = {c.hit for c in chosen}
        for cand in top[1:]:
            if len(chosen) >= self.cfg.max_sentences or cand.score < RUNNER_UP * best.score:
                break
            if (cand.hit in chunks or len(chunks) < 2) and fits(cand):
                chosen.append(cand)
                chunks.add(cand.hit)
        for c in list(chosen):
            for follows in _announced(c, hits):
                if fits(follows):
                    chosen.append(follows)
        before = _previous_sentence(best, hits)  # "Here you'll find dashboards ..." needs
        if before is not None and best.words + before.words <= NEXT_WORDS and fits(before):
            chosen.append(before)  # "We monitor our systems through Grafana." before it
        follows = _next_unit(best, hits)  # the sentence after the best one often holds
        if follows is not None and best.words + follows.words <= NEXT_WORDS and fits(follows):
            chosen.append(follows)  # the detail its topic sentence announces
        extra = self._complement(chosen, everything, hits, asked, room)
        if extra is not None and fits(extra):
            chosen.append(extra)
        return chosen, uncovered

    def _quoted_sums(
        self,
        asked: Asked,
        part_terms: list[frozenset[int]],
        unstated: list[str],
        chosen: list[Candidate],
        hits: list[Hit],
    ) -> list[str]:
        """``unstated`` less the parts asking for a sum that a chosen unit answering that
        part rather than another states: "How much does Contoso pay toward the gym
        through PerksPlus, and can I use it for ski lessons?" quoting "expense up to $1000
        for fitness-related programs" does not end with "The documents don't say: How much
        …" (the unit holds too few of the part's words for the figure rule alone)."""
        if len(asked.parts) < 2:
            return unstated
        summed = set(sum_parts(asked)) | set(amount_parts(asked)[0])

        def quoted(part: str, terms: frozenset[int]) -> bool:
            named = sum_of(part)  # "the deductible": only a unit naming it states it
            return any(
                SUM_STATED.search(c.text)
                and self.overlap.coverage(terms, c.text) > 0
                and self._serves(c, terms, part_terms)
                and (named is None or bool(named.search(f"{hits[c.hit].chunk.section}\n{c.text}")))
                for c in chosen
            )

        terms_of = dict(zip(asked.parts, part_terms, strict=True))
        return [p for p in unstated if p not in summed or not quoted(p, terms_of[p])]

    def _serves(
        self, cand: Candidate, terms: frozenset[int], part_terms: list[frozenset[int]]
    ) -> bool:
        """Whether ``cand`` holds as large a share of the part's ``terms`` as of any part's."""
        share = self.overlap.coverage(terms, cand.text)
        return all(share >= self.overlap.coverage(t, cand.text) for t in part_terms)

    def _asked_fields(self, everything: list[Candidate], asked: Asked) -> list[Candidate]:
        """The "Field: value" lines of one passage (a table row's cells) whose
        labels name what the question asks, where it asks for two or more ("Algorithm:
        SHA-1", "Digits: 6", "Period: 30" for "which algorithm, digit count and period do
        I enter?"), in their order. A row's first cell names the row; it is a field only
        where the question asks which one ("CVE ID: CVE-2023-32731" for "*which CVE* ...
        and in which image?", not "Plan: Standard" for "the deductible on the Plus plan")."""
        q_terms = self.overlap.question_terms(" ".join(asked.parts))
        which = self.overlap.terms(" ".join(WHICH.findall(" ".join(asked.parts))))
        firsts = [_first_cell(c) for c in everything if c.kind == "row"]
        lines = [*everything, *(c for c in firsts if which & self.overlap.terms(c.text))]
        by_hit: dict[int, list[tuple[frozenset[int], Candidate]]] = {}
        for c in sorted(lines, key=lambda c: (c.hit, c.start, -len(c.text))):
            if _asked_field(c.text, q_terms, self.overlap):
                # Each line names another thing asked: "Programmer (L2): ..." and "Lead
                # Programmer (L4): ..." both name the question's subject, not two fields
                # (and a later row's cells repeat the first row's labels).
                named = q_terms & self.overlap.terms(c.text.partition(":")[0])
                kept = by_hit.setdefault(c.hit, [])
                if not any(named & other for other, _ in kept):
                    kept.append((named, c))
        best = max(by_hit.values(), key=len, default=[])
        return [c for _, c in best] if len(best) >= ASKED_FIELDS else []

    def _complement(
        self,
        chosen: list[Candidate],
        everything: list[Candidate],
        hits: list[Hit],
        asked: Asked,
        room: Callable[[Candidate], bool],
    ) -> Candidate | None:
        """The unit that holds the most question terms no chosen unit (or its heading)
        holds, among units scoring at least ``COMPLEMENT`` of the best: "what *handles
        credentials* and what *controls access*?" answered by a sentence about one gets
        the sentence about the other. A list only where the question asks for one."""
        missing = self.overlap.question_terms(" ".join(asked.parts)) - self._said(chosen, hits)
        if not missing:
            return None
        floor = COMPLEMENT * chosen[0].score
        pool = [
            (len(missing & self.overlap.terms(c.text)), c)
            for c in everything
            if c.score >= floor and (c.kind != "list" or "list" in asked.kinds) and room(c)
        ]
        new, cand = max(
            pool, key=lambda x: (x[0], x[1].score, -x[1].hit, -x[1].start), default=(0, None)
        )
        return cand if new else None

    def _unstated(
        self,
        asked: Asked,
        hits: list[Hit],
        candidates: list[Candidate],
        set_aside: set[int] | frozenset[int] = frozenset(),
    ) -> list[str]:
        """The parts asking for a sum of money, or for a number of days (weeks, ...), that
        no passage states, or that only units holding under ``SUM_COVER`` of the part's
        terms (under their headings) state: a figure about something else is no answer
        ("$250 for mental health apps" to "the deductible on the PPO 250 plan"; "8 weeks
        of unpaid leave" to "how many days of jury duty leave?")."""
        counted = [p for p in asked.parts if COUNTED.search(p)]
        out = self._stated_apart(asked, hits, candidates, counted, KIND_VALUE["duration"])
        money, figures = amount_parts(asked)
        figures += [
            p
            for p, kind in zip(asked.parts, asked.kinds, strict=True)
            if kind == "number" and VALUE_ASKED.search(p) and p not in figures
        ]
        for asking_parts, value in ((money, SUM_STATED), (figures, FIGURE_STATED)):
            left = [p for p in asking_parts if p not in out and not COUNTED.search(p)]
            out += self._stated_apart(asked, hits, candidates, left, value)
        # "How long are alerts kept?", "how often are inspections?": a span of time, a
        # cadence or a date ("the deadline") answers it, and where no passage read states
        # any, the documents do not say.
        timed = [
            p
            for p, kind in zip(asked.parts, asked.kinds, strict=True)
            if kind in ("duration", "frequency") and p not in out
        ]
        if timed and not any(TIMED.search(h.chunk.text) for h in hits):
            out += timed
        # A value of one form asked for where no passage read holds one: "What's the phone
        # number for the hotline?" is not answered by the hotline's web form (an e-mail
        # address likewise), "What time does the planning meeting start?" by its weekday,
        # nor "Which day of the week is the team meeting?" by "weekly". Passages of a
        # look-alike of the document the question names (``set_aside``) are not read for
        # it: the other team's meeting day is no answer. A day counts only in a unit
        # holding ``SUM_COVER`` of the part's words (``_stated_apart``): "Which weekday is
        # the TA team's meeting?" is not answered by the Monday another page's on-call
        # shift starts on.
        read = [i for i in range(len(hits)) if i not in set_aside]
        for kind_asked, asks, holds in (
            ("contact", PHONE_ASKED, PHONE),
            ("contact", EMAIL_ASKED, EMAIL_STATED),
            ("date", CLOCK_ASKED, CLOCK_STATED),
            ("date", DAY_ASKED, DAY_STATED),
        ):
            parts = [
                p
                for p, kind in zip(asked.parts, asked.kinds, strict=True)
                if kind == kind_asked and asks.search(p) and p not in out
            ]
            if asks is DAY_ASKED and parts:
                kept = [c for c in candidates if c.hit in read]
                out += self._stated_apart(asked, hits, kept, parts, holds)
            else:
                out += [p for p in parts if not any(holds.search(hits[i].chunk.text) for i in read)]
        asking = sum_parts(asked)
        if not asking:
            return out
        parts = unstated_sums(asked, [h.chunk.text for h in hits])
        if not parts:
            parts = self._stated_apart(asked, hits, candidates, asking, SUM_STATED)
        return out + [p for p in parts if p not in out]

    def _stated_apart(
        self,
        asked: Asked,
        hits: list[Hit],
        candidates: list[Candidate],
        asking: list[str],
        value: re.Pattern[str],
    ) -> list[str]:
        """Of ``asking``, the parts no unit stating ``value`` holds ``SUM_COVER`` of (the
        part's terms with the question's scene, or without it), counting only units from
        passages that hold each word of a name of several capitalised words the part uses."""
        if not asking:
            return []
        stating = [  # each unit stating the value, read under its heading; its hit
            (f"{_context(hits[c.hit], c.unit)}\n{c.text}", c.hit)
            for c in candidates
            if value.search(c.text)
        ]
        passages = {i: _passage(hits[i]) for _, i in stating}
        out = []
        for part in asking:
            named = sum_of(part) if value is SUM_STATED else None
            # Each word of a name of several words the part uses inside it ("the
            # *Resident Architect* service") is held by the passage stating the figure, or
            # its document.
            names = [
                re.compile(rf"\b{re.escape(w.casefold())}\b")
                for run in name_runs(part)
                for w in run
            ]
            naming = {i for i, p in passages.items() if all(n.search(p) for n in names)}
            of_it = [
                read for read, i in stating if (named is None or named.search(read)) and i in naming
            ]
            # The part read with the scene it is set in, or alone: "My dad just passed
            # away. How many days off can I take?" is answered by "ten days of
            # bereavement leave", which holds none of the scene's words.
            readings = [
                self.overlap.question_terms(f"{asked.context} {part}"),
                self.overlap.question_terms(part),
            ]
            cover = max(
                (self.overlap.coverage(p_terms, read) for read in of_it for p_terms in readings),
                default=0.0,
            )
            if cover < SUM_COVER:
                out.append(part)
        return out

    def _said(self, chosen: list[Candidate], hits: list[Hit]) -> set[int]:
        """The terms the chosen units (read under their headings) hold."""
        return set().union(
            *(self.overlap.terms(f"{hits[c.hit].chunk.section}\n{c.text}") for c in chosen)
        )

    def _evidence(
        self,
        question: str,
        q_terms: frozenset[int],
        best: Candidate,
        hits: list[Hit],
        value_coverage: float,
    ) -> Evidence:
        chunk = hits[best.hit].chunk.text
        return Evidence(
            question=question,
            q_terms=q_terms,
            sentence=best.text,
            sentence_terms=self.overlap.terms(best.text),
            sentence_coverage=best.overlap,
            chunk=chunk,
            chunk_terms=self.overlap.terms(chunk),
            all_terms=set().union(*(self.overlap.terms(h.chunk.text) for h in hits)),
            similarity=best.similarity,
            scores=[h.score for h in hits],
            best_rank=best.hit,
            value_coverage=value_coverage,
            heading=hits[best.hit].chunk.section,
        )

    def _scoped(self, hits: list[Hit], q_terms: frozenset[int]) -> set[int]:
        """Where the question names no document by a capitalised word: the hits whose
        title, section or path holds a question word that names only some of the
        retrieved documents (the question's scope)."""
        labels = [
            self.overlap.terms(
                f"{h.chunk.title} {h.chunk.section} {h.chunk.source}".replace("/", " ")
                .replace("_", " ")
                .replace("-", " ")
            )
            for h in hits
        ]
        scope = {t for t in q_terms if 0 < sum(t in label for label in labels) < len(labels)}
        return {i for i, label in enumerate(labels) if scope & label}

    def _candidates(
        self,
        question: str,
        hits: list[Hit],
        q_terms: frozenset[int],
        asked: Asked,
        scoped: set[int],
    ) -> list[Candidate]:
        kinds = {k for k in asked.kinds if k}
        names = set(scope_names(question))  # "SMS", "Colorado", "Northwind"
        asks_questions = bool(ASKS_QUESTIONS.search(question))  # "what should I ask myself?"
        told = spans(question)  # "I've been here about 8 months": one span the case is in
        days = next(iter(told)) if len(told) == 1 else None
        out = []
        for rank, hit in enumerate(hits):
            text = hit.chunk.text
            headings = {hit.chunk.title, *hit.chunk.section.split(" > ")}
            label = document_label(hit)
            for unit in units(text):
                quote = text[unit.start : unit.end]
                valued = any(k in PREFER and PREFER[k].search(quote) for k in kinds)
                # A "Field: value" line is quoted however short, and even where the
                # parser took it for a heading, when it holds what the question asks for
                # or its label names what the question asks about (only those lines are
                # looked at: a longer unit is a unit anyway).
                if (len(quote.split()) < MIN_WORDS or quote in headings) and not (
                    (
                        ":" in quote.rstrip(":")
                        and (
                            unit.kind == "item"
                            or valued
                            or _asked_field(quote, q_terms, self.overlap)
                        )
                    )
                    # A short line holding the address asked for: "Google Group
                    # (technicaladvisors@sourcegraph.com)" under "Team communication".
                    or ("contact" in kinds and KIND_VALUE["contact"].search(quote))
                ):
                    continue
                overlap = self.overlap.coverage(q_terms, f"{_context(hit, unit)}\n{quote}")
                if overlap <= 0 or self.overlap.terms(quote) <= q_terms:
                    continue  # shares nothing, or says nothing the question does not
                bonus = sum(
                    KIND_BONUS
                    for k in kinds
                    if (k == "list" and unit.kind == "list")
                    or (k in PREFER and PREFER[k].search(quote))
                )
                bonus += SCOPE_BONUS if rank in scoped else 0.0
                # A name is held in the quote or in the document's title or path:
                # "Standard" by every unit of Northwind_Standard_Benefits_Details.pdf.
                held = names and all(n in quote or n in label for n in names)
                bonus += NAME_BONUS if held else 0.0
                # "If you've been with us for less than 1 year, ..." for someone here 8 months
                bonus += CONDITION_BONUS if days is not None and meets(days, quote) else 0.0
                words = len(shown(quote).split())
                score = 0.5 * overlap - 0.03 * rank + bonus - 0.002 * max(0, words - 40)
                if quote.rstrip().endswith("?") and not asks_questions:
                    score -= QUESTION_PENALTY  # a question in the text asks, it does not answer
                out.append(
                    Candidate(rank, unit.start, quote, overlap, unit.kind, unit.more, score=score)
                )
        if days is not None and any(meets(days, c.text) for c in out):
            for c in out:
                if violates(days, c.text):
                    c.score -= CONDITION_BONUS
        return out


def _first_cell(row: Candidate) -> Candidate:
    """A row's first cell, which names the row ("CVE ID: CVE-2023-32731"): a line of its
    own only where fields are asked together (alone, "Plan: Plus" says nothing)."""
    return replace(row, text=row.text.split("; ", 1)[0], kind="cell", more=0)


def _asked_field(quote: str, q_terms: frozenset[int], overlap: Overlap) -> bool:
    """A "Field: value" line whose field names what the question asks ("DUNS number:
    117775232" for "DUNS number?"): a short label before the colon holding question
    terms, and a value after it that the question does not already say ("COVERED
    SERVICES: Gender Affirming Care" only repeats "does it cover gender affirming care?").
    A value may repeat its own label's word: "CVE ID: CVE-2023-32731" answers "which CVE?"."""
    label, _, value = quote.partition(":")
    named = q_terms & overlap.terms(label)
    return (
        0 < len(label.split()) <= FIELD_LABEL
        and bool(value.strip())
        and bool(named)
        and not (q_terms & overlap.terms(value)) - named
    )


def _value_coverage(
    answerer: ExtractiveAnswerer, asked: Asked, candidates: list[Candidate]
) -> float:
    """For each part asking for a kind of value: the share of the part's terms in the best
    unit (its own words) holding such a value; the lowest over those parts. A question
    asking for no value kind: the share of its terms in the best unit."""
    terms = answerer.overlap.question_terms
    asking = [
        (terms(p), KIND_VALUE[k])
        for p, k in zip(asked.parts, asked.kinds, strict=True)
        if k in KIND_VALUE
    ]
    if not asking:
        q_terms = terms(" ".join(asked.parts))
        return max((answerer.overlap.coverage(q_terms, c.text) for c in candidates), default=0.0)
    return min(
        max(
            (
                answerer.overlap.coverage(p_terms, c.text)
                for c in candidates
                if value.search(c.text)
            ),
            default=0.0,
        )
        for p_terms, value in asking
    )


def _valued(
    kind: str,
    chosen: list[Candidate],
    everything: list[Candidate],
    room: Callable[[Candidate], bool],
    hits: list[Hit],
    holding: list[Candidate] | None = None,
) -> Candidate | None:
    """For a part asking for a kind of value (an amount, a duration, a frequency, a date, a
    number, a contact) that no unit ``holding`` (the chosen ones that answer this part
    rather than another; all chosen by default) holds: the best-scoring unit holding one, if it
    scores at least ``VALUED`` of the best unit or is of the best unit's document, and
    fits. A part too terse to be matched by its own words ("which address does it go
    to?") is still answered by its value, which the page answering the rest most likely
    holds ("All invoices should be sent to ap@…", further down the invoicing page)."""
    value = KIND_VALUE.get(kind)
    held = chosen if holding is None else holding
    # A long list shown as its heads ("Stick to a schedule; Triage; Timebox") shows no
    # value its items hold ("I work from around 8:30am to 5:30pm").
    if value is None or any(value.search(shown(c.text)) for c in held):
        return None
    floor = VALUED * chosen[0].score
    doc = hits[chosen[0].hit].chunk.doc_id
    pool = [
        c
        for c in everything
        if c.kind != "list"
        and (c.score >= floor or hits[c.hit].chunk.doc_id == doc)
        and value.search(c.text)
        and room(c)
    ]
    return max(pool, key=lambda c: (c.score, -c.hit, -c.start), default=None)


def _asked_item(
    cand: Candidate, hits: list[Hit], missing: set[int] | frozenset[int], overlap: Overlap
) -> Candidate | None:
    """Of the items a quoted list leaves out, the one holding the most question terms
    that no chosen unit and no other left-out item holds (however short: "Rock
    climbing"); None when none holds any."""
    if cand.kind != "list" or not cand.more or not missing:
        return None
    text = hits[cand.hit].chunk.text
    items = [(u, missing & overlap.terms(text[u.start : u.end])) for u in left_out(text, cand.unit)]
    # A term several of the items hold ("Paid Family Leave for ...") singles none out.
    counts = Counter(t for _, terms in items for t in terms)
    held = [(sum(counts[t] == 1 for t in terms), u) for u, terms in items]
    new, found = max(held, key=lambda x: (x[0], -x[1].start), default=(0, None))
    if not new or found is None:
        return None
    return Candidate(cand.hit, found.start, text[found.start : found.end], 0.0, "item")


def _context(hit: Hit, unit: Unit) -> str:
    """What a unit is read under: its heading trail ("Lyon office guide > Badges"); a
    table cell also under its row's first cell; a list also under the sentence before
    its lead-in ("If you witness misconduct, report it. You can do this by: ...")."""
    text, context = hit.chunk.text, hit.chunk.section
    header = record(text, unit.start)
    if header:
        context += "\n" + header
    if unit.kind == "cell":
        row_start = text.rfind("\n", 0, unit.start) + 1
        context += "\n" + text[row_start : text.find("; ", row_start)]
    elif unit.kind == "list":
        context += (
            "\n" + text[max(text.rfind("\n", 0, unit.start) + 1, unit.start - 300) : unit.start]
        )
    return context


def _repeats(cand: Candidate, chosen: Candidate) -> bool:
    """``cand`` is ``chosen``'s text, alone or after a short sentence ("Travel rules."
    read with the sentence after it): quoting it would say the same again."""
    text, said = _norm(cand.text), _norm(chosen.text)
    before = text[: -len(said)].rstrip()
    return text.endswith(said) and (
        not before or (before[-1] in ".!?" and len(before.split()) < SHORT_SENTENCE)
    )


def _compact(cand: Candidate) -> bool:
    """A headed list shown as its heads only: its items' explanations are not quoted."""
    return cand.kind == "list" and shown(cand.text) != cand.text


def _passage(hit: Hit) -> str:
    """A passage with its document's name and heading trail, case-folded."""
    return f"{document_label(hit)} {hit.chunk.section}\n{hit.chunk.text}".casefold()


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _words(hit: Hit) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", f"{hit.chunk.title} {Path(hit.chunk.source).stem}".lower()))


def _lookalikes(a: Hit, b: Hit) -> bool:
    """Two documents on one topic for different scopes: different titles sharing at least
    half their words ("Northwind Standard Benefits" and "Northwind Health Plus Benefits")."""
    wa, wb = _words(a), _words(b)
    if a.chunk.doc_id == b.chunk.doc_id or not wa or not wb or wa == wb:
        return False
    return len(wa & wb) / len(wa | wb) >= LOOKALIKE


def _following_list(
    best: Candidate, candidates: list[Candidate], hits: list[Hit]
) -> Candidate | None:
    """The list (with its lead-in) that directly follows the best sentence: the sentence
    introduces what the list spells out."""
    if best.kind != "sentence":
        return None
    text, end = hits[best.hit].chunk.text, best.start + len(best.text)
    return next(
        (
            c
            for c in candidates
            if c.kind == "list"
            and c.hit == best.hit
            and c.start >= end
            and not text[end : c.start].strip()
        ),
        None,
    )


def _next_unit(best: Candidate, hits: list[Hit]) -> Candidate | None:
    """The sentence (or list item) that directly follows the best unit, in its paragraph
    or at the start of the next one, unless a heading comes first."""
    if best.kind not in ("sentence", "item"):
        return None
    text, end = hits[best.hit].chunk.text, best.start + len(best.text)
    follows = next(_units_from(best, hits, end), None)
    if follows is None or text[end : follows.start].strip():
        return None  # a heading, or another kind of unit, comes first
    return follows


def _units_from(cand: Candidate, hits: list[Hit], start: int) -> Iterator[Candidate]:
    """The sentences and list items of ``cand``'s chunk from ``start`` on, in reading
    order, up to a heading (a short unit without a colon: the next section starts)."""
    text = hits[cand.hit].chunk.text
    for unit in units(text):
        if unit.start >= start and unit.kind in ("sentence", "item"):
            quote = text[unit.start : unit.end]
            if len(quote.split()) < MIN_WORDS and ":" not in quote:
                return
            yield Candidate(cand.hit, unit.start, quote, 0.0, unit.kind)


def _previous_sentence(best: Candidate, hits: list[Hit]) -> Candidate | None:
    """The sentence before the best one, in its paragraph, when the best one opens by
    pointing back at it ("*Here* you'll find dashboards", "*This* means ...")."""
    if best.kind != "sentence" or not BACK_REFERENCE.match(best.text):
        return None
    text = hits[best.hit].chunk.text
    before = [u for u in units(text) if u.kind == "sentence" and u.end <= best.start]
    if not before:
        return None
    unit = before[-1]
    if "\n" in text[unit.end : best.start]:
        return None  # another paragraph
    return Candidate(best.hit, unit.start, text[unit.start : unit.end], 0.0, unit.kind)


def _with_list(cand: Candidate, candidates: list[Candidate]) -> Candidate:
    """A list's lead-in ("What is in the kit:", or an item leading into its sub-items) is
    never quoted without its items."""
    if not cand.text.rstrip().endswith(":"):
        return cand
    end = cand.start + len(cand.text)
    lists = [  # the lists whose lead-in ends with this unit (an item's, the nearest)
        c
        for c in candidates
        if c.kind == "list"
        and c.hit == cand.hit
        and c.start <= cand.start
        and c.start + c.text.find("\n\n") == end
    ]
    if not lists:
        return cand
    found = max(lists, key=lambda c: c.start)
    found.similarity, found.score = cand.similarity, cand.score
    return found


def _announced(cand: Candidate, hits: list[Hit]) -> list[Candidate]:
    """The units a unit announces: after the paragraph of one that says so ("use the
    formula *below*", "as follows:"), the first two, unless a heading comes first; after a
    question the text itself asks, the sentence that follows it, its answer."""
    out: list[Candidate] = []
    if cand.kind in ("sentence", "item") and FORWARD.search(cand.text):
        end = hits[cand.hit].chunk.text.find("\n\n", cand.start + len(cand.text))
        if end >= 0:
            out += islice(_units_from(cand, hits, end + 1), 2)
    if cand.text.rstrip().endswith("?"):
        answer = _next_unit(cand, hits)
        if answer is not None:
            out.append(answer)
    return out
