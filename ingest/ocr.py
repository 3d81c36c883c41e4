"""OCR, offline: Debian's tesseract through pytesseract.

``recognize`` reads one image and returns its text (tesseract's paragraphs and lines)
with the mean confidence of its words; ``read_image`` is the reader of image files (PNG,
JPEG, TIFF — every frame a page). Images are measured before they are decoded, so a
20,000 x 20,000 pixel "image bomb" is refused without allocating it. When tesseract or a
language pack is missing, ``unavailable`` says so and image files are skipped with that
reason (``make ocr`` installs it).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from typing import Any

from core.errors import IngestError, Unsupported
from core.settings import IngestSettings
from ingest.blocks import page_blocks
from ingest.parsed import OcrPage, Parsed
from ingest.sources import SourceFile

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
IMAGE_FORMATS = ("PNG", "JPEG", "TIFF")  # the decoders Pillow may use on our input
MAX_FRAMES = 500  # pages of one multi-page TIFF


@dataclass
class OcrText:
    """Text read from one image: paragraphs separated by blank lines, lines by newlines."""

    text: str
    confidence: float
    words: int


@cache
def _missing(command: str, languages: tuple[str, ...]) -> str | None:
    import pytesseract

    pytesseract.pytesseract.tesseract_cmd = command
    try:
        have = set(pytesseract.get_languages(config=""))
    except (pytesseract.TesseractNotFoundError, OSError, RuntimeError):
        return f"tesseract is not installed ({command!r} not found; `make ocr` installs it)"
    lacking = [lang for lang in languages if lang not in have]
    if lacking:
        return f"tesseract has no language data for {', '.join(lacking)} (apt-get install " + (
            " ".join(f"tesseract-ocr-{lang}" for lang in lacking) + ")"
        )
    return None


def unavailable(cfg: IngestSettings) -> str | None:
    """Why OCR cannot run with these settings, or None when it can."""
    if not cfg.ocr:
        return "OCR is off (CAIRN_INGEST__OCR=false)"
    return _missing(cfg.ocr_command, tuple(cfg.ocr_languages))


def check_pixels(width: int, height: int, cfg: IngestSettings, what: str = "image") -> None:
    """Refuse an image over ``max_image_pixels`` before anything decodes it."""
    if width * height > cfg.max_image_pixels:
        raise IngestError(
            f"{what} of {width:,} x {height:,} pixels is over the limit of "
            f"{cfg.max_image_pixels:,} (CAIRN_INGEST__MAX_IMAGE_PIXELS): not read"
        )


def recognize(image: Any, cfg: IngestSettings) -> OcrText:
    """OCR one PIL image (already measured) with the configured languages."""
    import pytesseract

    pytesseract.pytesseract.tesseract_cmd = cfg.ocr_command
    try:
        data = pytesseract.image_to_data(
            image,
            lang="+".join(cfg.ocr_languages),
            output_type=pytesseract.Output.DICT,
            timeout=cfg.ocr_timeout_s,
        )
    except RuntimeError as exc:  # pytesseract's timeout
        raise IngestError(f"OCR gave up after {cfg.ocr_timeout_s:g} s ({exc})") from exc
    except pytesseract.TesseractError as exc:
        raise IngestError(f"OCR failed: {exc}") from exc
    return _assemble(data)


def _assemble(data: dict[str, list[Any]]) -> OcrText:
    """Words → lines → paragraphs, in tesseract's reading order; mean word confidence."""
    paragraphs: dict[tuple[int, int], dict[int, list[str]]] = {}
    confidences: list[float] = []
    for i, word in enumerate(data["text"]):
        conf = float(data["conf"][i])
        if not str(word).strip() or conf < 0:
            continue
        confidences.append(conf)
        para = paragraphs.setdefault((data["block_num"][i], data["par_num"][i]), {})
        para.setdefault(data["line_num"][i], []).append(str(word).strip())
    text = "\n\n".join(
        "\n".join(" ".join(words) for words in lines.values()) for lines in paragraphs.values()
    )
    mean = sum(confidences) / len(confidences) if confidences else 0.0
    return OcrText(text=text, confidence=round(mean, 1), words=len(confidences))


def ocr_page(found: OcrText, page: int, cfg: IngestSettings, parsed: Parsed) -> None:
    """Add one OCR'd page to ``parsed``: its blocks and its confidence, flagged for the
    data-quality report when low or when nothing at all could be read."""
    low = found.words == 0 or found.confidence < cfg.ocr_min_confidence
    parsed.ocr.append(OcrPage(page=page, confidence=found.confidence, low=low))
    parsed.blocks += page_blocks(found.text, cfg.languages, page, found.confidence)


def read_image(src: SourceFile, data: bytes, cfg: IngestSettings) -> Parsed:
    """An image file: every frame is a page, read by OCR."""
    from PIL import Image, ImageSequence, UnidentifiedImageError

    why = unavailable(cfg)
    if why:
        raise Unsupported(f"image file not read: {why}")
    try:
        image = Image.open(io.BytesIO(data), formats=IMAGE_FORMATS)
    except Image.DecompressionBombError as exc:  # Pillow's own guard, above ours
        raise IngestError(f"image too large to read safely: {exc}") from exc
    except (UnidentifiedImageError, OSError) as exc:
        raise IngestError(f"unreadable image: {exc}") from exc
    parsed = Parsed(blocks=[], meta={"pages": getattr(image, "n_frames", 1)})
    with image:
        for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
            if number > MAX_FRAMES:
                parsed.warnings.append(f"only the first {MAX_FRAMES} frames were read")
                break
            check_pixels(*frame.size, cfg)
            try:
                found = recognize(frame.convert("RGB"), cfg)
            except (OSError, ValueError) as exc:  # truncated or corrupt pixel data
                raise IngestError(f"unreadable image (page {number}): {exc}") from exc
            ocr_page(found, number, cfg, parsed)
    return parsed
