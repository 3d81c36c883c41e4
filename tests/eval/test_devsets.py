"""The development question sets over the shared corpora are sound: every fact is in its
source, verbatim, and the halves are split by document. Skipped without ``../shared``."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from eval import golden as golden_io
from eval import suite as suites
from tests.conftest import ROOT

SUITE = suites.Suite.load(ROOT / "eval" / "golden" / "dev.yaml")
CORPORA = SUITE.corpora


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


@cache
def _pages(path: Path) -> list[str]:
    """Each page's text, also with line-break hyphens joined ("in-\nnetwork", "1-\n800")."""
    from pypdf import PdfReader

    out = []
    for page in PdfReader(path).pages:
        raw = page.extract_text() or ""
        out.append(" ".join(_norm(t) for t in (raw, re.sub(r"-\s*\n\s*", "-", raw))))
    return out


def _text(folder: Path, source: str, pages: list[int]) -> str:
    path = folder / source
    if path.suffix.lower() != ".pdf":
        return _norm(path.read_text(encoding="utf-8", errors="replace"))
    found = _pages(path)
    return " ".join(found[p - 1] for p in pages) if pages else " ".join(found)


@pytest.mark.parametrize("corpus", CORPORA, ids=[c.name for c in CORPORA])
def test_every_fact_is_in_a_source_and_halves_share_no_document(
    corpus: suites.SuiteCorpus,
) -> None:
    if not corpus.path.is_dir():
        pytest.skip(f"{corpus.path} not found (the shared corpora sit beside the repository)")
    cases = golden_io.load(corpus.golden)
    half: dict[str, str] = {}
    for case in cases:
        assert case.split in ("tune", "report"), case.id
        if not case.answerable:
            assert not case.expected_facts, case.id
            continue
        assert case.expected_facts and case.expected_sources, case.id
        texts = " ".join(_text(corpus.path, s, case.expected_pages) for s in case.expected_sources)
        for alternatives in case.expected_facts:
            assert any(_norm(a) in texts for a in alternatives), (case.id, alternatives)
        for source in case.expected_sources:
            assert half.setdefault(source, case.split) == case.split, (case.id, source)
    assert len({c.id for c in cases}) == len(cases)
