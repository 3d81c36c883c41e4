"""The format zoo end to end: slides, sheets, CSV, mail with an attachment, a photo of a
notice and a scanned PDF, built at test time, ingested with the real parsers, the real
tesseract and the real MiniLM, then asked a question only that file can answer; the
answer must hold the fact and cite the right file and page (slide, sheet, scanned page)."""

from __future__ import annotations

import pytest

from answer import build_engine
from core.access import Principal
from core.settings import Settings
from ingest.ocr import unavailable
from tests.api.conftest import torch_embedder
from tests.conftest import make_settings
from tests.ingest import zoo
from tests.ingest.helpers import run_ingest

pytestmark = pytest.mark.integration

ASKER = Principal(name="zoo", groups=["everyone"])
OCR_MISSING = unavailable(Settings().ingest)

# question, fact the answer must quote, cited source, cited page (None: the format has none)
QUESTIONS = [
    ("What is the bike cage code?", "4471", "onboarding.pptx", 2),
    ("What is the nightly hotel cap in Reykjavik?", "240", "rates.xlsx", 2),
    ("Which laptop model do designers get?", "MacBook Pro 16", "laptops.csv", None),
    (
        "When is the Lyon office closed for the floor renovation?",
        "16 to 20 March",
        "closure.eml",
        None,
    ),
    ("On which floor is desk C-104?", "Floor: 3", "closure.eml/desks.csv", None),
]
OCR_QUESTIONS = [
    ("What is the server room door code?", "5829", "notice.png", 1),
    (
        "Must visitors be escorted in the lab?",
        "escorted in the lab at all times",
        "visitors.pdf",
        2,
    ),
]


@pytest.fixture(scope="module")
def zoo_engine(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("zoo")
    corpus = root / "corpus"
    corpus.mkdir()
    zoo.build_pptx(corpus / "onboarding.pptx")
    zoo.build_xlsx(corpus / "rates.xlsx")
    zoo.build_csv(corpus / "laptops.csv")
    zoo.build_eml(corpus / "closure.eml", ("desks.csv", b"Desk,Floor\nC-104,3\nC-220,4\n"))
    if OCR_MISSING is None:
        zoo.build_png(corpus / "notice.png")
        zoo.build_scanned_pdf(corpus / "visitors.pdf")
    settings = make_settings(root / "home", embedding={"backend": "torch"})  # type: ignore[arg-type]
    report, _, store = run_ingest(settings, corpus, embedder=torch_embedder())
    store.close()
    engine = build_engine(settings, torch_embedder(), audit=False)
    yield engine, report
    engine.close()


def _ask(engine, question: str, fact: str, source: str, page: int | None) -> None:  # type: ignore[no-untyped-def]
    answer = engine.ask.ask(question, ASKER)
    assert not answer.refused, (question, answer.refusal_reason, answer.answer)
    assert fact in answer.answer, (question, answer.answer)
    cited = [(c.source, c.page) for c in answer.citations if fact in c.quote]
    assert (source, page) in cited, (question, cited, answer.answer)


@pytest.mark.parametrize(("question", "fact", "source", "page"), QUESTIONS)
def test_each_office_format_answers_its_question(zoo_engine, question, fact, source, page) -> None:  # type: ignore[no-untyped-def]
    engine, report = zoo_engine
    assert not report.problems, [(f.path, f.reason) for f in report.problems]
    _ask(engine, question, fact, source, page)


@pytest.mark.skipif(OCR_MISSING is not None, reason=f"OCR unavailable: {OCR_MISSING}")
@pytest.mark.parametrize(("question", "fact", "source", "page"), OCR_QUESTIONS)
def test_scans_and_photos_answer_through_ocr(zoo_engine, question, fact, source, page) -> None:  # type: ignore[no-untyped-def]
    engine, report = zoo_engine
    scanned = next(f for f in report.files if f.path == source)
    assert scanned.ocr and all(p.confidence > 80 for p in scanned.ocr)
    _ask(engine, question, fact, source, page)


def test_the_attachment_is_its_own_document_linked_to_its_mail(zoo_engine) -> None:  # type: ignore[no-untyped-def]
    engine, report = zoo_engine
    attached = next(f for f in report.files if f.path == "closure.eml/desks.csv")
    assert attached.parent == "closure.eml" and attached.status == "ok"
    manifest = engine.records.manifest(report.version)
    assert (
        "attached to “Lyon office closed for the floor renovation”" in manifest[attached.path].title
    )
    assert "Attachments: desks.csv" in manifest["closure.eml"].text
