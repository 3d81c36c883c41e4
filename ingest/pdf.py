"""PDF reader: pypdf's text layer per page; OCR where a page has none.

- A page with a text layer is read from it (wrapped lines and line-break hyphens joined
  back) and is never OCR'd itself. Pictures of text placed on it (a pricing table pasted
  as an image) are read by OCR, one block per line (a table's row stays whole), and kept
  when they add words the page's text lacks (a logo repeating the title adds nothing).
- A page with no text layer but an image (a scan) is rendered with pdfium and OCR'd:
  its text carries the page number and the OCR confidence.
- Without tesseract, such pages are listed in the report as not read, with the reason.
"""

from __future__ import annotations

import io
import re
from typing import Any

from core.errors import IngestError
from core.schema import Block
from core.settings import IngestSettings
from ingest.blocks import page_blocks
from ingest.ocr import OcrText, check_pixels, ocr_page, recognize, unavailable
from ingest.parsed import Parsed
from ingest.sources import SourceFile

MIN_PAGE_TEXT = 40  # characters: a page with less text and an image is "image only" in spirit
MIN_PICTURE_PX = 64 * 64  # smaller pictures are icons and bullets: not worth reading
MIN_NEW_WORDS = 3  # a picture's OCR text is kept when it adds this many words to the page
WORD = re.compile(r"\w[\w.,$%+-]*\w|\w\w")


def read_pdf(src: SourceFile, data: bytes, cfg: IngestSettings) -> Parsed:
    """Blocks of every page, each with its page number."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise IngestError("encrypted PDF (needs a password): not read")
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise IngestError(f"unreadable PDF: {exc}") from exc
    parsed = Parsed(blocks=[], meta={"pages": len(pages)})
    pictures = _Pictures(data, cfg)
    try:
        for number, raw in enumerate(pages, start=1):
            if raw.strip():
                _text_page(parsed, raw, number, pictures, cfg)
            elif pictures.count(number):
                _scanned_page(parsed, number, pictures, cfg)
    finally:
        pictures.close()
    _heading_levels(parsed.blocks)
    return parsed


FIELD_HEADING = re.compile(r"^[^\W\d_][^:]{0,40}:\s+\S")  # "Location: Anywhere"


def _heading_levels(blocks: list[Block]) -> None:
    """PDFs carry no heading depth: a leading heading is the title (0), others are 1. A
    label heading ("Qualifications:", "Exceptions:") and a run of "Field: value"
    headings ("Job Title: ...", "Location: ...") are 2: they belong to the heading before
    them ("Chief Technology Officer > Qualifications:", "COVERED SERVICES: Ambulance >
    Exceptions:"), which they would otherwise replace."""
    first = _first_heading(blocks)
    titled = False  # a level-1 heading came before
    for i, block in enumerate(blocks):
        if block.kind != "heading":
            continue
        if block is first:
            block.heading_level = 0
            continue
        text = block.text.strip()
        near = [blocks[j] for j in (i - 1, i + 1) if 0 <= j < len(blocks)]
        field = bool(FIELD_HEADING.match(text)) and any(
            b.kind == "heading" and FIELD_HEADING.match(b.text.strip()) for b in near
        )
        sub = titled and (text.endswith(":") or field)
        block.heading_level = 2 if sub else 1
        titled = titled or not sub


def _first_heading(blocks: list[Block]) -> Block | None:
    return blocks[0] if blocks and blocks[0].kind == "heading" else None


def _text_page(
    parsed: Parsed, raw: str, number: int, pictures: _Pictures, cfg: IngestSettings
) -> None:
    found = page_blocks(raw, cfg.languages, number)
    parsed.blocks += found
    why = pictures.why_not
    if why is not None:
        if len(raw.strip()) < MIN_PAGE_TEXT and pictures.count(number):
            parsed.warnings.append(f"page {number}: image with little or no text (not read: {why})")
        return
    known = {w.lower() for b in found for w in WORD.findall(b.text)}
    for text in pictures.texts(number, parsed):
        if text.confidence < cfg.ocr_min_confidence:
            continue  # a photo, a logo: tesseract's guesses are noise
        new = [w for w in WORD.findall(text.text) if w.lower() not in known]
        if len(new) >= MIN_NEW_WORDS:
            lines = page_blocks(text.text, cfg.languages, number, text.confidence, unwrap=False)
            for line in lines:  # a picture's lines are content, never the page's headings
                line.kind, line.heading_level = "text", None
            parsed.blocks += lines


def _scanned_page(parsed: Parsed, number: int, pictures: _Pictures, cfg: IngestSettings) -> None:
    if pictures.why_not is not None:
        parsed.warnings.append(
            f"page {number}: scanned image, no text (not read: {pictures.why_not})"
        )
        return
    ocr_page(pictures.render(number, parsed), number, cfg, parsed)


class _Pictures:
    """The images of a PDF's pages (through pdfium), measured before they are decoded."""

    def __init__(self, data: bytes, cfg: IngestSettings) -> None:
        self.cfg = cfg
        self.why_not = unavailable(cfg)
        self._data = data
        self._pdf: Any = None

    def _doc(self) -> Any:
        if self._pdf is None:
            import pypdfium2 as pdfium

            try:
                self._pdf = pdfium.PdfDocument(self._data)
            except pdfium.PdfiumError as exc:
                raise IngestError(f"unreadable PDF (pdfium): {exc}") from exc
        return self._pdf

    def _images(self, number: int) -> list[Any]:
        import pypdfium2.raw as pdfium_c

        page = self._doc()[number - 1]
        return list(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2))

    def count(self, number: int) -> int:
        """How many images the page holds."""
        return len(self._images(number))

    def texts(self, number: int, parsed: Parsed) -> list[OcrText]:
        """OCR of each picture on the page large enough to hold text."""
        out = []
        for image in self._images(number):
            width, height = image.get_px_size()
            if width * height < MIN_PICTURE_PX:
                continue
            if width * height > self.cfg.max_image_pixels:
                parsed.warnings.append(
                    f"page {number}: a picture of {width:,} x {height:,} pixels is over the "
                    "limit (CAIRN_INGEST__MAX_IMAGE_PIXELS): not read"
                )
                continue
            out.append(recognize(image.get_bitmap(render=False).to_pil(), self.cfg))
        return out

    def render(self, number: int, parsed: Parsed) -> OcrText:
        """OCR of the whole page, rendered at ``ocr_dpi`` (less when that would exceed the
        pixel limit: a huge page is scaled down to fit, and the report says so)."""
        page = self._doc()[number - 1]
        width, height = page.get_size()  # points: 1/72 inch
        scale = self.cfg.ocr_dpi / 72
        fit = (self.cfg.max_image_pixels / max(width * height, 1.0)) ** 0.5
        if fit < scale:
            scale = fit
            parsed.warnings.append(
                f"page {number}: rendered at {scale * 72:.0f} dpi to stay under the pixel limit"
            )
        check_pixels(int(width * scale), int(height * scale), self.cfg, "page")
        return recognize(page.render(scale=scale).to_pil(), self.cfg)

    def close(self) -> None:
        if self._pdf is not None:
            self._pdf.close()
