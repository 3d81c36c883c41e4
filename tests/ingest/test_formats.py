"""Each office format read by its real library, at the block level: what becomes a
heading, a page, a labelled row; what is refused or truncated, and why (model-free)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from core.errors import IngestError, Unsupported
from core.settings import IngestSettings
from ingest.legacy import soffice
from ingest.ocr import unavailable
from ingest.parse import Parsed, parse
from ingest.sources import SourceFile
from tests.ingest import bad_files, zoo

OCR_MISSING = unavailable(IngestSettings())
needs_ocr = pytest.mark.skipif(OCR_MISSING is not None, reason=f"OCR unavailable: {OCR_MISSING}")


def _parse(path: Path, **limits: object) -> Parsed:
    src = SourceFile(path, path.name, path.stat().st_size, 0.0)
    return parse(src, path.read_bytes(), IngestSettings.model_validate(limits))


def _texts(parsed: Parsed, page: int | None = None) -> list[str]:
    return [b.text for b in parsed.blocks if page is None or b.page == page]


def test_slides_are_pages_with_title_text_table_and_notes(tmp_path: Path) -> None:
    parsed = _parse(zoo.build_pptx(tmp_path / "deck.pptx"))
    assert parsed.meta == {"pages": 3, "title": "Welcome to Larkspur onboarding"}
    headings = [(b.text, b.page) for b in parsed.blocks if b.kind == "heading"]
    assert headings == [
        ("Welcome to Larkspur onboarding", 1),
        ("Cycling to work", 2),
        ("Questions", 3),
    ]
    slide2 = _texts(parsed, page=2)
    assert "• The bike cage is in the basement of building C." in slide2
    assert "Item: Repair kit; Where: Desk C-104" in slide2
    assert any(t.startswith("Speaker notes: ") and "4471" in t for t in slide2)
    assert "The fire assembly point is the north car park." in _texts(parsed, page=3)  # a group


def test_each_sheet_is_a_section_and_rows_keep_their_header(tmp_path: Path) -> None:
    parsed = _parse(zoo.build_xlsx(tmp_path / "rates.xlsx"))
    assert [(b.text, b.page) for b in parsed.blocks if b.kind == "heading"] == [
        ("Contacts", 1),
        ("Travel rates", 2),
    ]
    assert "City: Reykjavik; Nightly hotel cap (EUR): 240; Per diem (EUR): 85" in _texts(parsed, 2)
    assert "Team: Facilities; Contact: Jonas Berg; Extension: 2210" in _texts(parsed, 1)
    assert parsed.meta["title"] == "rates" and not parsed.warnings


def test_a_long_sheet_is_truncated_and_summarised(tmp_path: Path) -> None:
    parsed = _parse(bad_files.long_xlsx(tmp_path / "long.xlsx", rows=300), max_sheet_rows=100)
    rates = [b for b in parsed.blocks if b.page == 2 and b.kind == "tablerow"]
    assert len(rates) == 100 and rates[0].text.startswith("City: Reykjavik")
    summary = next(t for t in _texts(parsed, 2) if t.startswith("This sheet has"))
    assert "302 rows" in summary and "City, Nightly hotel cap (EUR), Per diem (EUR)" in summary
    assert parsed.warnings == [
        "sheet 'Travel rates': 302 rows, truncated to the first 100 (CAIRN_INGEST__MAX_SHEET_ROWS)"
    ]


@pytest.mark.timeout(60)
def test_a_million_row_csv_is_read_up_to_the_limit(tmp_path: Path) -> None:
    parsed = _parse(bad_files.million_row_csv(tmp_path / "ledger.csv"))
    rows = [b for b in parsed.blocks if b.kind == "tablerow"]
    assert len(rows) == 5000 and rows[0].text == "Id: 0; Amount: 0"
    assert parsed.warnings == [
        "file: 1,000,000 rows, truncated to the first 5,000 (CAIRN_INGEST__MAX_SHEET_ROWS)"
    ]


def test_csv_rows_are_labelled_by_the_header(tmp_path: Path) -> None:
    parsed = _parse(zoo.build_csv(tmp_path / "laptops.csv"))
    assert _texts(parsed) == [
        "Role: Engineer; Laptop model: Framework 16; Refresh cycle: 3 years",
        "Role: Designer; Laptop model: MacBook Pro 16; Refresh cycle: 4 years",
    ]


def test_mail_has_subject_fields_body_and_attachments(tmp_path: Path) -> None:
    parsed = _parse(zoo.build_eml(tmp_path / "m.eml", ("desks.csv", b"Desk,Floor\nC-104,3\n")))
    texts = _texts(parsed)
    assert parsed.blocks[0].kind == "heading"
    assert texts[0] == parsed.meta["title"] == "Lyon office closed for the floor renovation"
    assert "• From: Facilities <facilities@larkspur.example>" in texts
    assert "• Date: Mon, 02 Mar 2026 09:15:00 +0100" in texts
    assert "• Attachments: desks.csv" in texts
    assert any("closed from 16 to 20 March for the floor renovation. Please" in t for t in texts)
    assert [(a.name, a.data) for a in parsed.attachments] == [
        ("desks.csv", b"Desk,Floor\nC-104,3\n")
    ]


def test_a_forwarded_mail_is_one_attachment_and_names_are_made_safe(tmp_path: Path) -> None:
    import email
    from email import policy
    from email.message import EmailMessage

    inner = zoo.build_eml(tmp_path / "inner.eml", ("rota.csv", b"Week,Who\n14,Priya\n"))
    outer = EmailMessage()
    outer["Subject"] = "Fwd: rota"
    outer.set_content("See below.")
    outer.add_attachment(email.message_from_bytes(inner.read_bytes(), policy=policy.default))
    outer.add_attachment(b"x", maintype="text", subtype="plain", filename="../../etc/passwd")
    (tmp_path / "outer.eml").write_bytes(bytes(outer))
    parsed = _parse(tmp_path / "outer.eml")
    names = [a.name for a in parsed.attachments]
    assert names == ["attachment-1.eml", "passwd"]  # the rota stays inside the forwarded mail
    assert (
        _parse_bytes(tmp_path, names[0], parsed.attachments[0].data).attachments[0].name
        == "rota.csv"
    )


def _parse_bytes(tmp_path: Path, name: str, data: bytes) -> Parsed:
    (tmp_path / name).write_bytes(data)
    return _parse(tmp_path / name)


def test_a_mail_with_ten_thousand_parts_is_refused_before_parsing(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="10,001 MIME parts, over the limit of 500"):
        _parse(bad_files.many_part_mail(tmp_path / "thread.eml", 10_000))


@pytest.mark.parametrize("suffix", [".xlsx", ".pptx", ".docx"])
def test_a_zip_bomb_dressed_as_an_office_file_is_refused(tmp_path: Path, suffix: str) -> None:
    plain = _plain_office(tmp_path / f"plain{suffix}")
    bomb = bad_files.zip_bomb(tmp_path / f"bomb{suffix}", 8, plain)
    with pytest.raises(IngestError, match=r"unpacks to [89] MB .* over the 4 MB limit"):
        _parse(bomb, max_uncompressed_mb=4)
    assert _parse(bomb, max_uncompressed_mb=16).blocks  # a valid file under a higher limit


def _plain_office(path: Path) -> Path:
    if path.suffix == ".xlsx":
        return zoo.build_xlsx(path)
    if path.suffix == ".pptx":
        return zoo.build_pptx(path)
    from docx import Document

    doc = Document()
    doc.add_paragraph("The archive room is on the second floor.")
    doc.save(str(path))
    return path


@pytest.mark.parametrize("suffix", [".xlsx", ".docx", ".pptx"])
def test_a_password_protected_office_file_is_refused(tmp_path: Path, suffix: str) -> None:
    plain = _plain_office(tmp_path / f"plain{suffix}")
    locked = bad_files.encrypted_office(tmp_path / f"locked{suffix}", plain)
    with pytest.raises(IngestError, match="password-protected Office file"):
        _parse(locked)


def test_a_password_protected_pdf_is_refused(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="encrypted PDF"):
        _parse(bad_files.encrypted_pdf(tmp_path / "locked.pdf"))


@needs_ocr
def test_an_image_over_the_pixel_limit_is_refused_before_decoding(tmp_path: Path) -> None:
    big = bad_files.huge_png(tmp_path / "big.png", 2000)
    with pytest.raises(IngestError, match="2,000 x 2,000 pixels is over the limit of 1,000,000"):
        _parse(big, max_image_pixels=1_000_000)
    with pytest.raises(IngestError, match="too large to read safely"):
        _parse(bad_files.huge_png(tmp_path / "huge.png", 20_000))  # Pillow's own bomb guard


@needs_ocr
def test_an_image_is_read_by_ocr_with_page_and_confidence(tmp_path: Path) -> None:
    parsed = _parse(zoo.build_png(tmp_path / "notice.png"))
    assert "The server room door code is 5829." in _texts(parsed)
    assert [(p.page, p.low) for p in parsed.ocr] == [(1, False)] and parsed.ocr[0].confidence > 80
    assert all(b.page == 1 and b.ocr_confidence == parsed.ocr[0].confidence for b in parsed.blocks)


@needs_ocr
def test_a_poor_scan_is_flagged_low_confidence(tmp_path: Path) -> None:
    from PIL import ImageFilter

    small = zoo.text_image(["Quarterly figures are final and audited."], size=10)
    small.filter(ImageFilter.GaussianBlur(1)).save(tmp_path / "poor.png")
    parsed = _parse(tmp_path / "poor.png")  # tesseract reads "Quarterty hgures are inal ..."
    assert parsed.blocks and parsed.ocr[0].low and parsed.ocr[0].confidence < 60
    zoo.text_image([]).save(tmp_path / "blank.png")
    assert _parse(tmp_path / "blank.png").ocr[0].low  # nothing read at all is flagged too


@needs_ocr
def test_scanned_pdf_pages_are_ocrd_and_text_pages_never(tmp_path: Path) -> None:
    parsed = _parse(zoo.build_scanned_pdf(tmp_path / "scan.pdf"))
    assert [p.page for p in parsed.ocr] == [1, 2]
    assert "Visitors must be escorted in the lab at all times." in _texts(parsed, page=2)


@needs_ocr
def test_a_text_page_keeps_its_text_layer_and_reads_only_new_words_in_its_pictures(
    tmp_path: Path,
) -> None:
    from fpdf import FPDF

    zoo.text_image(["Parking permits cost 30 euros per month."]).save(tmp_path / "table.png")
    zoo.text_image(["Larkspur Robotics"]).save(tmp_path / "logo.png")
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 8, "Larkspur Robotics\nThe cafeteria opens at 8:00 and closes at 15:00.")
    pdf.image(str(tmp_path / "logo.png"), x=10, y=40, w=80)
    pdf.image(str(tmp_path / "table.png"), x=10, y=80, w=150)
    pdf.output(str(tmp_path / "mixed.pdf"))
    parsed = _parse(tmp_path / "mixed.pdf")
    layer = [b for b in parsed.blocks if b.ocr_confidence is None]
    pictures = [b for b in parsed.blocks if b.ocr_confidence is not None]
    assert any("cafeteria opens at 8:00" in b.text for b in layer)
    assert [b.text for b in pictures] == ["Parking permits cost 30 euros per month."]
    assert not parsed.ocr  # the page itself was not OCR'd
    assert not _parse(tmp_path / "mixed.pdf", ocr=False).ocr  # and with OCR off, nothing is


def test_without_tesseract_images_are_skipped_with_the_reason(tmp_path: Path) -> None:
    png = zoo.build_png(tmp_path / "notice.png")
    with pytest.raises(Unsupported, match="tesseract is not installed"):
        _parse(png, ocr_command=str(tmp_path / "no-tesseract"))
    scan = _parse(
        zoo.build_scanned_pdf(tmp_path / "scan.pdf"), ocr_command="/nonexistent/tesseract"
    )
    assert not scan.blocks and len(scan.warnings) == 2
    assert scan.warnings[0].startswith(
        "page 1: scanned image, no text (not read: tesseract is not installed"
    )


def test_legacy_files_without_libreoffice_are_unsupported(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice on it
    legacy = tmp_path / "old.xls"
    legacy.write_bytes(bad_files.OLE_HEADER)
    with pytest.raises(Unsupported, match="needs LibreOffice, which is not installed"):
        _parse(legacy)


@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed: make office")
@pytest.mark.timeout(300)
def test_legacy_office_files_are_converted_by_libreoffice(tmp_path: Path) -> None:
    modern = zoo.build_xlsx(tmp_path / "rates.xlsx")
    subprocess.run(
        [soffice(), f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless",
         "--convert-to", "xls", "--outdir", str(tmp_path / "old"), str(modern)],
        check=True, capture_output=True, timeout=240,
    )  # fmt: skip
    parsed = _parse(tmp_path / "old" / "rates.xls")
    assert "City: Reykjavik; Nightly hotel cap (EUR): 240; Per diem (EUR): 85" in _texts(parsed, 2)
    locked = bad_files.encrypted_pdf(tmp_path / "locked.doc")  # not a Word file at all
    with pytest.raises(IngestError, match=r"LibreOffice could not convert the \.doc file"):
        _parse(locked)


def test_pdf_label_headings_belong_to_the_heading_before_them(tmp_path: Path) -> None:
    """PDFs carry no heading depth. "Qualifications:" and a run of "Field: value" lines
    are sub-headings of the role above them, so a chunk of qualifications keeps the
    role's name in its heading trail instead of losing it."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    for role, city in [("Director of Sales", "Berlin"), ("Director of Marketing", "Lyon")]:
        pdf.multi_cell(
            0,
            8,
            f"{role}\nJob Title: {role}\nLocation: {city}\nQualifications:\n"
            "- At least five years of experience leading a regional team.\n"
            "- Fluent written and spoken English.",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    pdf.output(str(tmp_path / "roles.pdf"))
    levels = {
        b.text: b.heading_level
        for b in _parse(tmp_path / "roles.pdf").blocks
        if b.kind == "heading"
    }
    assert levels["Director of Marketing"] == 1
    assert levels["Qualifications:"] == 2
    assert levels["Location: Lyon"] == 2 and levels["Job Title: Director of Marketing"] == 2
