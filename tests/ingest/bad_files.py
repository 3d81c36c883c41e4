"""Hostile and broken office files, built at test time: each must be refused or truncated
with a reason, quickly and without the memory its content claims, and the run go on."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from tests.ingest import zoo

MB = 1024 * 1024
PADDED_PARTS = ("ppt/slides/slide", "xl/worksheets/sheet", "word/document")


def encrypted_pdf(path: Path) -> Path:
    """A PDF that opens only with a password."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt(user_password="secret", owner_password="owner")
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def encrypted_office(path: Path, plain: Path) -> Path:
    """``plain`` (a .docx/.xlsx/.pptx) password-protected by msoffcrypto-tool, as Office
    itself does it (an OLE container holding the encrypted package)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    with plain.open("rb") as fh:
        OOXMLFile(fh).encrypt("secret", out)
    path.write_bytes(out.getvalue())
    return path


def zip_bomb(path: Path, inflated_mb: int, base: Path | None = None) -> Path:
    """A zip bomb dressed as an Office file: ``base`` (a real .docx/.xlsx/.pptx, or none)
    with one slide or sheet padded by ``inflated_mb`` of blanks, about a thousandth of
    that on disk; still valid XML, so a reader without a size check would inflate it."""
    chunk = b" " * MB
    source = zipfile.ZipFile(base) if base else None
    names = source.namelist() if source else ["xl/worksheets/sheet1.xml"]
    target = next(n for n in names if n.startswith(PADDED_PARTS))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name in names:
            data = source.read(name) if source else b"<worksheet>"
            if name != target:
                archive.writestr(name, data)
                continue
            cut = (
                data.index(b">", data.index(b"<", data.index(b"?>") + 2 if b"?>" in data else 0))
                + 1
            )
            with archive.open(name, "w", force_zip64=True) as fh:
                fh.write(data[:cut])
                for _ in range(inflated_mb):
                    fh.write(chunk)
                fh.write(data[cut:] if source else b"</worksheet>")
    return path


def huge_png(path: Path, side: int) -> Path:
    """A ``side`` x ``side`` bilevel PNG: tiny on disk, ``side²`` pixels when decoded."""
    from PIL import Image

    Image.new("1", (side, side), 1).save(path, optimize=False)
    return path


def many_part_mail(path: Path, parts: int) -> Path:
    """A multipart e-mail with ``parts`` small text parts."""
    boundary = "==cairn-many-parts=="
    out = [
        "From: noise@example.com",
        "Subject: A very long thread",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/mixed; boundary="{boundary}"',
        "",
    ]
    for n in range(parts):
        out += [f"--{boundary}", "Content-Type: text/plain", "", f"part {n}"]
    out.append(f"--{boundary}--")
    path.write_text("\r\n".join(out) + "\r\n")
    return path


def million_row_csv(path: Path, rows: int = 1_000_000) -> Path:
    """A CSV with a header and ``rows`` rows (about 20 MB at a million)."""
    with path.open("w") as fh:
        fh.write("Id,Amount\n")
        fh.writelines(f"{n},{n % 997}\n" for n in range(rows))
    return path


def long_xlsx(path: Path, rows: int) -> Path:
    """The zoo workbook with ``rows`` filler rows on its rates sheet."""
    return zoo.build_xlsx(path, extra_rows=rows)


OLE_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)  # the start of a legacy file
