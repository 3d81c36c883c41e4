"""Files attached to a mail are documents of their own, synced with their mail: added
with it, kept while it is unchanged, replaced or dropped when it changes, removed with
it. Files skipped for a missing tool are read once the tool is there (model-free)."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import IngestSettings, Settings
from ingest.ocr import unavailable
from tests.conftest import make_settings
from tests.ingest import zoo
from tests.ingest.helpers import CountingEmbedder, run_ingest

DESKS = ("desks.csv", b"Desk,Floor\nC-104,3\n")


def _paths(records, version: int = 1) -> set[str]:  # type: ignore[no-untyped-def]
    return set(records.manifest(version, with_text=False))


def test_attachments_follow_their_mail(settings: Settings, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    mail = zoo.build_eml(corpus / "closure.eml", DESKS)
    report, records, store = run_ingest(settings, corpus)
    assert _paths(records) == {"closure.eml", "closure.eml/desks.csv"}
    desks = records.manifest(1)["closure.eml/desks.csv"]
    assert desks.groups == ["everyone"] and desks.text == "Desk: C-104; Floor: 3"
    attachment_ids = set(desks.chunk_ids)
    assert attachment_ids <= store.ids("cairn_v1")
    store.close()

    embedder = CountingEmbedder()
    report, records, store = run_ingest(settings, corpus, embedder=embedder)
    assert {f.path: f.action for f in report.files} == {
        "closure.eml": "unchanged",
        "closure.eml/desks.csv": "unchanged",
    }
    assert embedder.embedded == 0 and not report.removed
    store.close()

    zoo.build_eml(mail)  # the same mail, sent again without its attachment
    report, records, store = run_ingest(settings, corpus)
    assert report.removed == ["closure.eml/desks.csv"] and _paths(records) == {"closure.eml"}
    assert not attachment_ids & store.ids("cairn_v1")
    store.close()

    zoo.build_eml(mail, ("rota.csv", b"Week,Who\n14,Priya\n"))
    mail.rename(corpus / "moved.eml")
    report, records, store = run_ingest(settings, corpus)
    assert _paths(records) == {"moved.eml", "moved.eml/rota.csv"}
    assert sorted(report.removed) == ["closure.eml"]
    store.close()


def test_attachments_take_the_access_rule_of_their_mail(settings: Settings, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "hr").mkdir(parents=True)
    (corpus / "hr" / "_access.yaml").write_text("groups: [people-ops]\n")
    zoo.build_eml(corpus / "hr" / "closure.eml", DESKS)
    report, records, store = run_ingest(settings, corpus)
    store.close()
    assert records.manifest(1)["hr/closure.eml/desks.csv"].groups == ["people-ops"]
    assert not report.no_access_rule


@pytest.mark.skipif(unavailable(IngestSettings()) is not None, reason="tesseract is not installed")
def test_an_image_skipped_without_tesseract_is_read_once_it_is_installed(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    zoo.build_png(corpus / "notice.png")
    missing = make_settings(tmp_path / "home", ingest={"ocr_command": str(tmp_path / "none")})  # type: ignore[arg-type]
    report, _, store = run_ingest(missing, corpus)
    store.close()
    assert report.files[0].status == "skipped" and "tesseract is not installed" in (
        report.files[0].reason or ""
    )
    installed = make_settings(tmp_path / "home")
    report, records, store = run_ingest(installed, corpus)
    store.close()
    assert (report.files[0].action, report.files[0].status) == ("updated", "ok")
    assert "5829" in records.manifest(1)["notice.png"].text
