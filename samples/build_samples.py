"""Regenerate the PDF and DOCX documents of the sample corpus (run: `make samples`).

The generated files are committed, so `make up` needs neither fpdf2 nor python-docx;
this script documents where they came from and rebuilds them deterministically.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).parent / "handbook"
FIXED_DATE = datetime(2026, 1, 5, tzinfo=UTC)

CODE_OF_CONDUCT = [
    ("h1", "Code of Conduct"),
    (
        "p",
        "Larkspur Robotics expects everyone to treat colleagues, customers and partners "
        "with respect. Harassment, discrimination and retaliation are not tolerated, "
        "in the office, on the test range, at events or online.",
    ),
    ("h2", "Raising a concern"),
    (
        "p",
        "Raise concerns with your manager, with People Operations, or anonymously "
        "through the EthicsLine web form. EthicsLine reports are read by the ethics "
        "committee within 3 working days.",
    ),
    ("h2", "Gifts and hospitality"),
    (
        "p",
        "You may accept gifts from suppliers or customers worth up to 75 euros per "
        "year per relationship. Anything above that must be declared to the ethics "
        "committee and is usually returned.",
    ),
    ("page", ""),
    ("h2", "Conflicts of interest"),
    (
        "p",
        "Declare any side business, investment or family relationship that could "
        "influence your decisions at work. Declarations are made in the HR portal and "
        "reviewed by your director.",
    ),
    ("h2", "Export control"),
    (
        "p",
        "Some drone components are dual-use goods. Never ship hardware, firmware or "
        "technical drawings outside the European Union without a written clearance "
        "from the compliance team.",
    ),
]

PARENTAL_LEAVE = [
    ("h1", "Parental leave policy"),
    (
        "p",
        "Larkspur tops up statutory parental leave so that every new parent, of any "
        "gender and including adoptive parents, receives full pay during the leave.",
    ),
    ("h2", "Birth parent"),
    (
        "p",
        "The birth parent receives 20 weeks of fully paid leave, which can start up to "
        "6 weeks before the expected due date.",
    ),
    ("h2", "Second parent"),
    (
        "p",
        "The second parent receives 8 weeks of fully paid leave, to be taken within "
        "12 months of the birth or adoption, in at most two blocks.",
    ),
    ("page", ""),
    ("h2", "Returning to work"),
    (
        "p",
        "After parental leave you may work 80 percent of your hours at full pay for "
        "the first 4 weeks back. Tell People Operations at least 8 weeks before your "
        "leave starts so payroll can be adjusted.",
    ),
]

RELEASE_PROCESS = [
    ("h1", "Firmware release process"),
    (
        "p",
        "Flight-control firmware is released every second Wednesday. The release "
        "manager for each cycle is chosen from the firmware team rota.",
    ),
    ("h2", "Release checklist"),
    ("li", "All hardware-in-the-loop tests pass on the release candidate."),
    ("li", "Two test-range flights of at least 20 minutes each complete without a fault."),
    ("li", "The safety officer signs the release note."),
    ("h2", "Rollback"),
    (
        "p",
        "If a released firmware causes a Severity 1 incident, the release manager "
        "rolls the fleet back to the previous version within 4 hours and opens a "
        "post-incident review.",
    ),
]

FACILITIES = [
    ("h1", "Facilities requests"),
    (
        "p",
        "Request desk changes, broken-equipment repairs and meeting-room setups "
        "through the Facilities form on the intranet. Urgent safety issues such as a "
        "water leak or a blocked fire exit are reported by phone to reception on "
        "extension 2100.",
    ),
    ("h2", "Meeting rooms"),
    (
        "p",
        "Rooms are booked in the calendar. Bookings longer than 4 hours need approval "
        "from the office manager. The large Rhône room seats 24 people and has a "
        "video-conferencing system.",
    ),
]


def build_pdf(path: Path, blocks: list[tuple[str, str]], title: str) -> None:
    """A text PDF with real headings and page breaks."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_title(title)
    pdf.set_creation_date(FIXED_DATE)  # deterministic output
    pdf.add_page()
    for kind, text in blocks:
        if kind == "page":
            pdf.add_page()
            continue
        size = {"h1": 18, "h2": 14}.get(kind, 11)
        pdf.set_font("Helvetica", "B" if kind in ("h1", "h2") else "", size)
        pdf.multi_cell(0, size * 0.55, text)
        pdf.ln(3)
    pdf.output(str(path))


def build_docx(path: Path, blocks: list[tuple[str, str]]) -> None:
    """A DOCX with heading styles and bullet lists."""
    import docx

    document = docx.Document()
    document.core_properties.created = FIXED_DATE
    for kind, text in blocks:
        if kind in ("h1", "h2"):
            document.add_heading(text, level=1 if kind == "h1" else 2)
        elif kind == "li":
            document.add_paragraph(text, style="List Bullet")
        else:
            document.add_paragraph(text)
    document.save(str(path))


def main() -> None:
    """Write the four binary sample documents."""
    build_pdf(HERE / "policies" / "code-of-conduct.pdf", CODE_OF_CONDUCT, "Code of Conduct")
    build_pdf(HERE / "benefits" / "parental-leave.pdf", PARENTAL_LEAVE, "Parental leave")
    build_docx(HERE / "engineering" / "release-process.docx", RELEASE_PROCESS)
    build_docx(HERE / "office" / "facilities-requests.docx", FACILITIES)


if __name__ == "__main__":
    main()
