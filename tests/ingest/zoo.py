"""The format zoo: office files built at test time with the real libraries (python-pptx,
openpyxl, the standard library's email package, Pillow), each holding facts that only it
holds, so a question answered from the index proves that format was read."""

from __future__ import annotations

import io
from email.message import EmailMessage
from pathlib import Path


def build_pptx(path: Path) -> Path:
    """Three slides; slide 2 holds the bike-cage facts (body, table, speaker notes)."""
    from pptx import Presentation
    from pptx.util import Inches

    deck = Presentation()
    title = deck.slides.add_slide(deck.slide_layouts[0])
    title.shapes.title.text = "Welcome to Larkspur onboarding"
    title.placeholders[1].text = "Your first week at the Lyon office"
    bikes = deck.slides.add_slide(deck.slide_layouts[1])
    bikes.shapes.title.text = "Cycling to work"
    body = bikes.placeholders[1].text_frame
    body.text = "The bike cage is in the basement of building C."
    body.add_paragraph().text = "Showers are next to the cage, open from 6:30 to 21:00."
    table = bikes.shapes.add_table(3, 2, Inches(1), Inches(4.5), Inches(6), Inches(1)).table
    for r, (a, b) in enumerate(
        [("Item", "Where"), ("Pump", "Locker 7"), ("Repair kit", "Desk C-104")]
    ):
        table.cell(r, 0).text, table.cell(r, 1).text = a, b
    bikes.notes_slide.notes_text_frame.text = (
        "Tell new starters that the bike cage code is 4471 and changes every quarter."
    )
    last = deck.slides.add_slide(deck.slide_layouts[1])
    last.shapes.title.text = "Questions"
    last.placeholders[1].text = "Ask your onboarding buddy anything."
    group = last.shapes.add_group_shape()
    box = group.shapes.add_textbox(Inches(1), Inches(5), Inches(6), Inches(1))
    box.text_frame.text = "The fire assembly point is the north car park."
    deck.save(str(path))
    return path


def build_xlsx(path: Path, extra_rows: int = 0) -> Path:
    """Two sheets: "Contacts", then "Travel rates" (the city caps); ``extra_rows`` pads the
    rates sheet with filler cities after the real ones."""
    from openpyxl import Workbook

    book = Workbook()
    contacts = book.active
    contacts.title = "Contacts"
    contacts.append(["Team", "Contact", "Extension"])
    contacts.append(["Facilities", "Jonas Berg", 2210])
    rates = book.create_sheet("Travel rates")
    rates.append(["City", "Nightly hotel cap (EUR)", "Per diem (EUR)"])
    rates.append(["Reykjavik", 240, 85])
    rates.append(["Lisbon", 150, 60])
    for n in range(extra_rows):
        rates.append([f"Filler town {n}", 100, 40])
    book.save(str(path))
    return path


def build_csv(path: Path) -> Path:
    """Laptop models and their refresh cycle."""
    path.write_text(
        "Role,Laptop model,Refresh cycle\n"
        "Engineer,Framework 16,3 years\n"
        "Designer,MacBook Pro 16,4 years\n"
    )
    return path


def build_eml(path: Path, attachment: tuple[str, bytes] | None = None) -> Path:
    """A facilities announcement; optionally with one attached file."""
    msg = EmailMessage()
    msg["Subject"] = "Lyon office closed for the floor renovation"
    msg["From"] = "Facilities <facilities@larkspur.example>"
    msg["To"] = "all-lyon@larkspur.example"
    msg["Date"] = "Mon, 02 Mar 2026 09:15:00 +0100"
    msg.set_content(
        "Hello all,\n\nThe Lyon office is closed from 16 to 20 March for the floor\n"
        "renovation. Please work from home that week; the Villeurbanne coworking space\n"
        "has twelve desks booked for anyone who needs one.\n\nThanks,\nFacilities\n"
    )
    if attachment:
        name, data = attachment
        msg.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    path.write_bytes(bytes(msg))
    return path


def text_image(lines: list[str], width: int = 1700, size: int = 40):  # type: ignore[no-untyped-def]
    """Black text on white, as a scanner would see a printed page (Pillow's own font)."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.load_default(size=size)
    image = Image.new("RGB", (width, 200 + len(lines) * int(size * 1.8)), "white")
    draw = ImageDraw.Draw(image)
    for n, line in enumerate(lines):
        draw.text((100, 100 + n * int(size * 1.8)), line, fill="black", font=font)
    return image


def build_png(path: Path) -> Path:
    """A photo of a notice pinned on a door."""
    text_image(
        [
            "NOTICE",
            "The server room door code is 5829.",
            "Report a lost badge to reception at once.",
        ]
    ).save(path)
    return path


def build_scanned_pdf(path: Path) -> Path:
    """A two-page image-only PDF (no text layer): page 2 holds the signed-policy fact."""
    pages = [
        text_image(["Visitor policy", "Visitors sign in at the front desk."]),
        text_image(
            [
                "Visitor policy, continued",
                "Visitors must be escorted in the lab at all times.",
                "Signed by the Head of Security.",
            ]
        ),
    ]
    buffer = io.BytesIO()
    pages[0].save(buffer, "PDF", resolution=150, save_all=True, append_images=pages[1:])
    path.write_bytes(buffer.getvalue())
    return path
