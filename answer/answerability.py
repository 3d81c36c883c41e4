"""Does the chosen passage actually answer the question? A small fitted model.

Retrieval scores cannot tell a question the documents answer from a near miss: SQuAD2's
unanswerable questions are written against the very paragraph that is retrieved, with
one detail changed ("When did Washington learn about Trent's *advance*?" against "...
learned of Trent's *retreat*"). The extractive answerer therefore describes each draft
with a few corpus-independent features of the question, the best sentence and its
chunk, and a logistic model turns them into ``evidence`` (0..1, the estimated chance
that the passage answers). The signals that carry the weight: question terms, numbers
and names the passage lacks; a negation the question adds ("Who does *not* ..."); a
word whose opposite the sentence uses; how strongly the passage was retrieved; how
close the best sentence is to the question in embedding space.

The weights live in ``answerability.json`` next to this file; ``python -m
tools.fit_answerability`` fits them on SQuAD2-dev questions outside the sample the
benchmark reports on, and writes the file. Fitting is plain Newton/IRLS with an L2
penalty: deterministic, numpy only.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from answer.overlap import to_base
from answer.question import KIND_VALUE, analyse, scope_names
from core.sparse import Bm25Encoder

WEIGHTS = Path(__file__).parent / "data" / "answerability.json"
WORDNET = Path(__file__).parent / "data" / "opposites.json"  # tools/build_opposites.py

NEGATION = re.compile(r"\b(?:not|never|no|none|neither|nor|without|cannot)\b|n't\b", re.I)
WORD = re.compile(r"[a-z]+(?:'[a-z]+)?|\d+(?:[.,]\d+)*")
NUMBER = re.compile(r"\b\d[\d,.]*\b")
# Number words and the digits a document may write them with ("first" is "1st").
NUMBER_FORMS = {
    **{
        w: (str(i),)
        for i, w in enumerate(
            ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"], 1
        )
    },
    "eleven": ("11",),
    "twelve": ("12",),
    "twenty": ("20",),
    **{
        w: (d,)
        for w, d in zip(
            ("first", "second", "third", "fourth", "fifth"),
            ("1st", "2nd", "3rd", "4th", "5th"),
            strict=True,
        )
    },
    "thousand": ("000",),  # "a thousand dollars" is "$1,000"
    "million": ("000,000",),
    **{w: () for w in ("hundred", "billion")},
}
NUMBER_WORDS = frozenset(NUMBER_FORMS) - {"one"}  # mostly a pronoun: "add one", "which one"


def _written(number: str, text: str) -> bool:
    """Whether ``text`` (lower case) holds ``number`` as written or in digits."""
    if number not in NUMBER_FORMS:
        return number in text
    return bool(re.search(rf"\b(?:{'|'.join((number, *NUMBER_FORMS[number]))})\b", text))


_PAIRS = (
    "first last|largest smallest|biggest smallest|most least|more less|higher lower|"
    "highest lowest|before after|increase decrease|increased decreased|north south|"
    "east west|northern southern|eastern western|early late|earlier later|earliest latest|"
    "begin end|began ended|start end|started ended|win lose|won lost|accept reject|"
    "accepted rejected|allow forbid|allowed banned|advance retreat|rise fall|rose fell|"
    "open close|opened closed|major minor|maximum minimum|positive negative|public private|"
    "internal external|inside outside|upper lower|old new|older newer|oldest newest|"
    "young old|strong weak|stronger weaker|long short|longer shorter|longest shortest|"
    "high low|large small|big small|wide narrow|true false|success failure|"
    "successful unsuccessful|legal illegal|modern ancient|left right|above below|"
    "over under|top bottom|import export|imports exports|buy sell|bought sold|gain loss|"
    "born died|birth death|support oppose|supported opposed|agree disagree|approve reject|"
    "approved rejected|include exclude|included excluded|always never|same different|"
    "common rare|hot cold|warm cool|light heavy|fast slow|faster slower|cheap expensive|"
    "rich poor|increase reduce|heat cool|enter leave|entered left|add remove|added removed|"
    "appear disappear|dark bright|best worst|better worse|future past|male female|"
    "men women|similar different|primary secondary|permanent temporary|domestic foreign|"
    "urban rural|military civilian|northwest southeast|northeast southwest|wet dry|"
    "full empty|winter summer|spring autumn|day night|morning evening|paid unpaid|"
    "mandatory optional|required optional|employee contractor|manager employee"
)


@lru_cache(maxsize=1)
def opposite_terms() -> Mapping[int, frozenset[int]]:
    """Opposites as stemmed BM25 terms ("increased" finds "decrease"): WordNet's direct
    antonyms plus the hand-written pairs above (workplace words WordNet lacks). Words go
    through the same irregular-form mapping as question and sentence terms ("paid" is
    "pay" there)."""
    pairs = [p.split() for p in _PAIRS.split("|")]
    pairs += json.loads(WORDNET.read_text())["pairs"]
    encoder, out = Bm25Encoder(), dict[int, frozenset[int]]()
    for a, b in pairs:
        ta, tb = to_base(encoder.terms(a)), to_base(encoder.terms(b))
        if len(ta) == 1 and len(tb) == 1 and ta != tb:
            (x,), (y,) = ta, tb
            out[x] = out.get(x, frozenset()) | {y}
            out[y] = out.get(y, frozenset()) | {x}
    return out


FEATURES = (
    "top_score",
    "second_score",
    "similarity",
    "sentence_coverage",
    "chunk_coverage",
    "retrieved_coverage",
    "numbers_missing_chunk",
    "numbers_missing_sentence",
    "names_missing_chunk",
    "names_missing_sentence",
    "negation_question",
    "negation_sentence",
    "negation_added",
    "opposite_word",
    "one_term_missing_sentence",
    "one_term_missing_chunk",
    "best_rank",
    "wh_which",
    "wh_when",
    "wh_how_many",
    "kind_missing_sentence",
    "kind_missing_chunk",
    "value_coverage",
)


@dataclass(frozen=True)
class Evidence:
    """What the answerer knows about its best sentence, in the model's terms."""

    question: str
    q_terms: frozenset[int]
    sentence: str
    sentence_terms: set[int]
    sentence_coverage: float
    chunk: str
    chunk_terms: set[int]
    all_terms: set[int]
    similarity: float
    scores: Sequence[float]
    best_rank: int
    # Share of the question's terms in the best unit that holds the kind of value asked
    # for (its own words, not its heading); for a question asking no value kind, in the
    # best unit. "What's the deductible on the PPO?" answered by "$400,000 life
    # insurance through the PPO" has an amount, but not with "deductible".
    value_coverage: float = 1.0
    # The best unit's heading trail: a unit is read under it ("Countries where we *cannot*
    # support employees > • Cuba • Iran"; "Flexible Spending Account (*FSA*) > Open
    # enrollment is in December"), so a negation or a name there counts as the unit's.
    heading: str = ""


# The measure a "how" question asks about ("how *long*", "how *far* ahead") names what
# is wanted, not a claim the passage must share: "Demos should be *short*" answers it.
MEASURE = re.compile(r"\bhow ([a-z]+)", re.I)
# A negation in a clause that only qualifies the question ("where do I get help *if I
# can't get online*", "a sabbatical *I haven't taken*") does not negate what is asked.
SUBORDINATE = re.compile(
    r"\s(?:if|unless|because|although|though|once|whether)\b[^?]*"
    r"|\([^)]*\)"  # an aside: "For profit sharing (*not* the liquidity pool), when ...?"
    r"|\bwithout \w+ing\b",  # a manner: "report it *without giving* my name"
    re.I,
)
DECLARATIVE_NEGATION = re.compile(
    r"\b(?:i|you|we|they|he|she|my|our|your)\s+(?:\w+n't|not|never|cannot)\b"
    r"|\b(?:not (?:sure|certain|clear)|no idea)\b",  # a hedge: "Not sure whether ... — who?"
    re.I,
)
# An ordinal inside a compound names no number: "the *first-half* trip" is "1H"; nor does
# one after "a" ("a *second* job" is another job) or in "third party".
ORDINAL_COMPOUND = re.compile(
    r"\b(?:first|second|third|fourth|fifth)-[a-z]+|\ban? (?:second|third|fourth|fifth)\b"
    r"|\bthird[- ]part(?:y|ies)\b",
    re.I,
)
ACRONYM_PLURAL = re.compile(r"^([A-Z]{2,})s$")  # "FSAs" is found as "FSA"


@lru_cache(maxsize=1)
def _encoder() -> Bm25Encoder:
    return Bm25Encoder()


def _measures(question: str) -> frozenset[int]:
    return frozenset(
        t for word in MEASURE.findall(question) for t in to_base(_encoder().terms(word))
    )


# A yes/no question is answered by the opposite of what it ends on as much as by that
# word: "Is reading the guidelines *optional*?" by "It is *mandatory*", "As a new
# engineer, is it *optional*?" too. An opposite elsewhere still marks a near miss: "Does
# the *long*-term policy replace my salary?" is not answered by the short-term one.
POLAR = re.compile(
    r"(?:^|,\s*)(?:is|are|was|were|does|do|did|can|could|will|would|should|must|may|has|have)\b",
    re.I,
)


def _polar_ends(parts: Sequence[str]) -> frozenset[int]:
    """The terms of the last word of each part that asks yes or no."""
    return frozenset(
        t
        for p in parts
        if POLAR.search(p) and p.split()
        for t in to_base(_encoder().terms(p.split()[-1]))
    )


def features(ev: Evidence) -> dict[str, float]:
    """The model's inputs for one draft (all corpus-independent). Negations and numbers
    are read from the parts that ask (``analyse``), not from a sentence that sets the
    scene ("My manager *hasn't* approved it. What happens next?")."""
    q, s = ev.question, ev.sentence
    asked = analyse(q)
    asking = " ".join(asked.parts)
    main = DECLARATIVE_NEGATION.sub(" ", " ".join(SUBORDINATE.sub("", p) for p in asked.parts))
    ql, cl = q.lower(), ev.chunk.lower()
    read = f"{ev.heading}\n{s}".lower()  # the unit under its heading
    q_words = set(WORD.findall(ORDINAL_COMPOUND.sub(" ", asking.lower())))
    opposites = opposite_terms()
    missing = ev.q_terms - ev.sentence_terms
    long_question = len(ev.q_terms) >= 3
    numbers = set(NUMBER.findall(asking)) | (q_words & NUMBER_WORDS)
    # Names, like numbers, of the parts that ask: "I just joined in *June*. Am I on
    # four-day weeks right away?" needs no passage naming June.
    names = {ACRONYM_PLURAL.sub(r"\1", x) for p in asked.parts for x in scope_names(p)}
    neg_q, neg_s = bool(NEGATION.search(main)), bool(NEGATION.search(read))
    measures = _measures(asking)
    n = max(1, len(ev.q_terms))
    kinds = {k for k in asked.kinds if k in KIND_VALUE}  # the value kinds asked for
    return {
        "top_score": min(ev.scores[0], 2.0),
        "second_score": min(ev.scores[1], 2.0) if len(ev.scores) > 1 else 0.0,
        "similarity": ev.similarity,
        "sentence_coverage": ev.sentence_coverage,
        "chunk_coverage": len(ev.q_terms & ev.chunk_terms) / n,
        "retrieved_coverage": len(ev.q_terms & ev.all_terms) / n,
        "numbers_missing_chunk": float(sum(not _written(x, cl) for x in numbers)),
        "numbers_missing_sentence": float(sum(not _written(x, read) for x in numbers)),
        "names_missing_chunk": float(sum(x not in ev.chunk for x in names)),
        "names_missing_sentence": float(sum(x.lower() not in read for x in names)),
        "negation_question": float(neg_q),
        "negation_sentence": float(neg_s),
        "negation_added": float(neg_q and not neg_s),
        # "long" missing and "short" in the sentence counts only when the question
        # does not itself use "short" ("short-term disability ... for how long?").
        "opposite_word": float(
            any(
                (opposites.get(t, frozenset()) & ev.sentence_terms) - ev.q_terms
                for t in missing - measures - _polar_ends(asked.parts)
            )
        ),
        "one_term_missing_sentence": float(long_question and len(missing) == 1),
        "one_term_missing_chunk": float(long_question and len(ev.q_terms - ev.chunk_terms) == 1),
        "best_rank": float(ev.best_rank),
        "wh_which": float(bool(re.search(r"\bwhich\b", ql))),
        "wh_when": float(bool(re.search(r"\bwhen\b|\bwhat year\b", ql))),
        "wh_how_many": float(bool(re.search(r"\bhow (?:many|much)\b", ql))),
        "kind_missing_sentence": float(any(not KIND_VALUE[k].search(s) for k in kinds)),
        "kind_missing_chunk": float(any(not KIND_VALUE[k].search(ev.chunk) for k in kinds)),
        "value_coverage": ev.value_coverage,
    }


# The direction each signal may push. Fitting keeps these signs (a feature whose fitted
# weight would point the other way is left out), so the model stays sane off SQuAD:
# more of the question found can never lower the estimate, a missing name never raise it.
SIGNS = {
    "top_score": 1,
    "similarity": 1,
    "sentence_coverage": 1,
    "chunk_coverage": 1,
    "retrieved_coverage": 1,
    "numbers_missing_chunk": -1,
    "numbers_missing_sentence": -1,
    "names_missing_chunk": -1,
    "names_missing_sentence": -1,
    "negation_added": -1,
    "opposite_word": -1,
    "one_term_missing_sentence": -1,
    "one_term_missing_chunk": -1,
    "kind_missing_sentence": -1,
    "kind_missing_chunk": -1,
    "value_coverage": 1,
}


@dataclass
class Model:
    """Standardised logistic regression over ``FEATURES``."""

    names: list[str]
    mean: list[float]
    scale: list[float]
    coef: list[float]
    intercept: float
    provenance: dict[str, Any] = field(default_factory=dict)

    def score(self, values: dict[str, float]) -> float:
        """Estimated chance (0..1) that the passage answers the question."""
        x = (np.array([values[n] for n in self.names]) - self.mean) / self.scale
        z = float(np.dot(x, self.coef) + self.intercept)
        return float(1.0 / (1.0 + np.exp(-np.clip(z, -30, 30))))

    def digest(self) -> str:
        """Short fingerprint of the weights (part of the answer cache key)."""
        material = json.dumps([self.names, self.mean, self.scale, self.coef, self.intercept])
        return hashlib.sha256(material.encode()).hexdigest()[:12]

    def save(self, path: Path = WEIGHTS) -> None:
        """Write the weights as JSON (stable key order, for reviewable diffs)."""
        path.write_text(json.dumps(asdict(self), indent=1) + "\n")

    @classmethod
    def load(cls, path: Path = WEIGHTS) -> Model:
        """Read weights; they must name exactly the features this code computes."""
        model = cls(**json.loads(path.read_text()))
        if tuple(model.names) != FEATURES:
            raise ValueError(f"{path} was fitted for other features: refit it")
        return model


def fit(
    rows: Sequence[dict[str, float]],
    labels: Sequence[int],
    l2: float = 1.0,
    iterations: int = 50,
) -> Model:
    """Fit the logistic model by Newton/IRLS with an L2 penalty (deterministic).

    Sign constraints (``SIGNS``) by elimination: while some constrained weight has the
    wrong sign, the worst one is fixed at 0 and the rest refitted.
    """
    x = np.array([[r[n] for n in FEATURES] for r in rows], dtype=float)
    y = np.asarray(labels, dtype=float)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    xs = np.c_[(x - mean) / scale, np.ones(len(x))]
    wanted = np.array([SIGNS.get(n, 0) for n in FEATURES] + [0])
    active = np.ones(xs.shape[1], dtype=bool)
    while True:
        w = _irls(xs[:, active], y, l2, iterations)
        full = np.zeros(xs.shape[1])
        full[active] = w
        wrong = full * wanted < 0
        if not wrong.any():
            break
        active[int(np.argmin(np.where(wrong, full * wanted, 0.0)))] = False
    return Model(
        names=list(FEATURES),
        mean=[round(float(v), 6) for v in mean],
        scale=[round(float(v), 6) for v in scale],
        coef=[round(float(v), 6) for v in full[:-1]],
        intercept=round(float(full[-1]), 6),
    )


def _irls(xs: np.ndarray, y: np.ndarray, l2: float, iterations: int) -> np.ndarray:
    """Penalised logistic regression; the last column is the unpenalised intercept."""
    w = np.zeros(xs.shape[1])
    penalty = np.full(xs.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(xs @ w, -30, 30)))
        grad = xs.T @ (p - y) + penalty * w
        hess = (xs * (p * (1 - p))[:, None]).T @ xs + np.diag(penalty)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-10:
            break
    return w
