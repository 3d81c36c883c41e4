"""The Contoso benefits PDF (../shared/data) holds its cost-per-paycheck table only as a
picture on page 4, beside that page's text: OCR makes it searchable, cited on page 4,
while the page's own text layer is kept as it is and the logos add nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from answer import hybrid_search
from core.settings import IngestSettings, Settings
from core.sparse import Bm25Encoder
from ingest.ocr import unavailable
from tests.conftest import SHARED_DATA
from tests.ingest.helpers import run_ingest

PDF = SHARED_DATA / "contoso-hr" / "docs" / "Benefit_Options.pdf"
OCR_MISSING = unavailable(IngestSettings())

pytestmark = [
    pytest.mark.skipif(not PDF.exists(), reason=f"{PDF} not found (needs ../shared/data)"),
    pytest.mark.skipif(OCR_MISSING is not None, reason=f"OCR unavailable: {OCR_MISSING}"),
]


def test_the_picture_of_the_cost_table_becomes_searchable(
    settings: Settings, tmp_path: Path
) -> None:
    corpus = tmp_path / "contoso"
    corpus.mkdir()
    shutil.copy(PDF, corpus)
    report, _, store = run_ingest(settings, corpus)
    query = Bm25Encoder().encode_query("employee +1 cost per paycheck Northwind Health Plus $71.00")
    hits = hybrid_search(store, "cairn_v1", None, query, ["everyone"], 3)
    store.close()
    top = hits[0].chunk
    assert "$71.00" in top.text and "Employee +1" in top.text
    assert (top.source, top.page) == ("Benefit_Options.pdf", 4)
    assert top.ocr_confidence is not None and top.ocr_confidence > 80
    assert not report.files[0].ocr  # no page was OCR'd as a page: each has a text layer
