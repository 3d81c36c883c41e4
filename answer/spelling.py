"""Misspelt question words and unknown acronyms, read with the documents' spelling.

New hires type fast: "What typs of hearin servises are covered?". Dense retrieval
usually still finds the right passages, but lexical overlap (BM25, the answerer's unit
scores) misses every misspelt word. ``spelled`` rewrites such words to the spelling the
retrieved passages use; the ask service then retrieves once more with the corrected
question. A word is only ever corrected when it is not an English word: the whole-word
entries of the bundled MiniLM model's WordPiece vocabulary (about 20k common words) are
the list of known words, so "play" never becomes "plan" and "conditions" stays plural.
Deterministic, and corpus-free: the vocabulary is the retrieved passages. ``expanded``
does the same for an acronym the passages never use but spell out ("IVF" and "in vitro
fertilization").
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from core.embed.base import minilm_path
from core.schema import Hit

__all__ = ["expanded", "spelled"]

SPELLING = re.compile(r"\b[a-z]{4,}\b")


@lru_cache(maxsize=1)
def known_words() -> frozenset[str]:
    """English words: the whole-word, alphabetic entries of the MiniLM vocabulary."""
    lines = (minilm_path() / "vocab.txt").read_text(encoding="utf-8").split()
    return frozenset(w for w in lines if w.isalpha() and w.islower())


def spelled(question: str, hits: list[Hit]) -> str:
    """The question with misspelt words replaced by the passages' spelling ("hearin
    servises" reads "hearing services"): a lower-case word of four or more letters that no
    passage uses and that is no known English word becomes the one passage word one edit
    away (two for long words), when exactly one such word exists. Names (capitalised) and
    words the passages use stay as they are."""
    vocab = {w for h in hits for w in SPELLING.findall(f"{h.chunk.section} {h.chunk.text}".lower())}

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        if word in vocab or word in known_words():
            return word
        limit = 1 if len(word) < 8 else 2
        near = {
            w
            for w in vocab
            if w[0] == word[0]
            and abs(len(w) - len(word)) <= limit
            and Levenshtein.distance(word, w, score_cutoff=limit) <= limit
        }
        return near.pop() if len(near) == 1 else word

    return SPELLING.sub(fix, question)


ACRONYM = re.compile(r"\b([A-Z]{3,6})s?\b")  # "IVF", "FSAs"


def expanded(question: str, hits: list[Hit]) -> str:
    """The question with an acronym the passages never use but spell out read with that
    spelling: "Does maternity cover IVF?" against "... does not cover in vitro
    fertilization" reads "IVF (in vitro fertilization)". The spelling is a run of words
    whose initials are the acronym's letters, and there must be exactly one such run."""
    text = "\n".join(f"{h.chunk.section}\n{h.chunk.text}" for h in hits)

    def expand(match: re.Match[str]) -> str:
        acronym = match.group(1)
        if re.search(rf"\b{acronym}s?\b", text):
            return match.group(0)
        run = r"\s+".join(rf"{letter}[a-z]+" for letter in acronym.lower())
        found = {m.group(0).lower() for m in re.finditer(rf"\b{run}\b", text, re.I)}
        if len(found) != 1:
            return match.group(0)
        return f"{match.group(0)} ({' '.join(found.pop().split())})"

    return ACRONYM.sub(expand, question)
