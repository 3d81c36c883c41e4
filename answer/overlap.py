"""Question-term overlap with single sentences — the lexical signal shared by the
retriever's reranker and the extractive answerer.

SQuAD-style questions are answered by one sentence that repeats most of the question's
content words; a chunk whose best sentence covers more of them is likelier to answer.
Terms are BM25's stemmed, stop-word-free tokens; asking verbs ("how do I *get*", "what
*happens* if") are ignored because they carry the asking, not the topic. Irregular
inflections, which no stemmer joins, are mapped to their base form first (WordNet's
exception lists and adjectives' degrees, ``irregular.json``): "What if I *lose* my
laptop?" finds "Report a *lost* laptop", "Who *pays*?" finds "is *paid* by the team", and
"the *earliest* day" finds "as *early* as the 20th".
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

from core.sparse import Bm25Encoder
from core.text import split_sentences

FILLER = re.compile(
    r"\b(get|gets|got|need|needs|want|wants|know|tell|find|give|let|please|happen|happens)\b",
    re.I,
)

IRREGULAR = Path(__file__).parent / "data" / "irregular.json"  # tools/build_opposites.py
# Forms the stemmer keeps apart that name one thing: "what *percentage* ..." is answered
# by "32.9 *%* of the eligible voting population" (a "%" is read as the word "percent"),
# "Skilled nursing stay *cap*?" by "a *maximum* of 100 days".
SAME_AS = {
    "percentage": "percent",
    "percentages": "percent",
    **{w: "maximum" for w in ("cap", "caps", "capped")},
}
PERCENT = ("%", " percent ")


@lru_cache(maxsize=1)
def base_terms() -> Mapping[int, int]:
    """BM25 term of an irregular form -> term of its base form ("lost" -> "lose",
    "children" -> "child"). Mapping terms, not text, keeps it to a dict lookup per term.
    The table leaves out forms the stemmer already joins with another word ("leaves"
    stays with "leave", not "leaf")."""
    encoder, out = Bm25Encoder(), dict[int, int]()
    forms = {**json.loads(IRREGULAR.read_text())["forms"], **SAME_AS}
    for form, base in forms.items():
        tf, tb = encoder.terms(form), encoder.terms(base)
        if len(tf) == 1 and len(tb) == 1 and tf != tb:
            (f,), (b,) = tf, tb
            out.setdefault(f, b)
    return out


@lru_cache(maxsize=1)
def lexicon() -> str:
    """Digest of what decides question and sentence terms (the irregular-form table and
    the asking verbs). It is part of the answer cache key, so a change to either cannot
    serve answers cached under the old terms."""
    digest = hashlib.sha256(IRREGULAR.read_bytes())
    digest.update(FILLER.pattern.encode())
    digest.update(json.dumps(SAME_AS, sort_keys=True).encode())
    digest.update("".join(PERCENT).encode())
    return f"lexicon-{digest.hexdigest()[:12]}"


def to_base(terms: Iterable[int]) -> set[int]:
    """Terms with irregular forms replaced by their base form's term."""
    table = base_terms()
    return {table.get(t, t) for t in terms}


class Overlap:
    """Computes question terms and sentence coverage, memoising sentence terms."""

    def __init__(self, sparse: Bm25Encoder) -> None:
        self.sparse = sparse
        self.terms = lru_cache(maxsize=50_000)(self._terms)

    def _terms(self, text: str) -> set[int]:
        return to_base(self.sparse.terms(text.replace(*PERCENT)))

    def question_terms(self, question: str) -> frozenset[int]:
        """Content terms of a question."""
        return frozenset(self._terms(FILLER.sub(" ", question)))

    def coverage(self, q_terms: frozenset[int], sentence: str) -> float:
        """Share of the question's terms found in one sentence."""
        if not q_terms:
            return 0.0
        return len(q_terms & self.terms(sentence)) / len(q_terms)

    def best_sentence(self, q_terms: frozenset[int], text: str) -> float:
        """Coverage of the best sentence of a passage."""
        return max(
            (self.coverage(q_terms, text[a:b]) for a, b in split_sentences(text)), default=0.0
        )
