"""Ingest keeps structure in the text: table rows with headers, bulleted items, fields."""

from __future__ import annotations

from pathlib import Path

from ingest.parse import parse
from ingest.sources import SourceFile
from ingest.structure import mark_field_runs, table_rows

MARKDOWN = """# Perks

Rates by perk:

| Perk | Amount | Approver |
|---|---|---|
| Gym | €30 / month | Manager |
| **Books** | [$100](books.md) a year | |

Office: Berlin
Reports to: Head of Finance

Eligible items include:

- Monitor
- Keyboard

```yaml
key: value
other: value
```
"""


def _parse(tmp_path: Path, name: str, text: str) -> list[tuple[str, str]]:
    path = tmp_path / name
    path.write_text(text)
    blocks = parse(SourceFile(path, name, path.stat().st_size, 0.0), path.read_bytes()).blocks
    return [(b.kind, b.text) for b in blocks]


def test_markdown_tables_lists_and_fields_keep_their_structure(tmp_path: Path) -> None:
    blocks = _parse(tmp_path, "perks.md", MARKDOWN)
    assert ("tablerow", "Perk: Gym; Amount: €30 / month; Approver: Manager") in blocks
    assert ("tablerow", "Perk: Books; Amount: $100 a year") in blocks
    assert ("listitem", "• Office: Berlin") in blocks
    assert ("listitem", "• Reports to: Head of Finance") in blocks
    assert ("listitem", "• Monitor") in blocks and ("listitem", "• Keyboard") in blocks
    assert not any("key: value" in text and kind == "listitem" for kind, text in blocks)


def test_html_tables_become_rows_with_headers(tmp_path: Path) -> None:
    page = (
        "<html><body><h1>Plans</h1><table><tr><th>Plan</th><th>Deductible</th></tr>"
        "<tr><td>Standard</td><td>$2,000</td></tr><tr><td>Plus</td><td>$1,500</td></tr>"
        "</table></body></html>"
    )
    blocks = _parse(tmp_path, "plans.html", page)
    assert ("tablerow", "Plan: Plus; Deductible: $1,500") in blocks


def test_helpers_on_their_own() -> None:
    assert table_rows("<table><tr><td>a</td><td>b</td></tr></table>") == ["a; b"]
    assert mark_field_runs("Note: one line alone") == "Note: one line alone"


def test_pdf_bullets_stay_one_item_each() -> None:
    from ingest.parse import rejoin_lines

    text = (
        "The plan covers the cost of certain clinical trial services, and the most common include:\n"
        "• Treatment of the condition or disease being studied\n• Medications\n• Lab services\n"
        "Any other services may be covered case by case."
    )
    paragraphs = rejoin_lines(text).split("\n\n")
    assert paragraphs[1:4] == [
        "• Treatment of the condition or disease being studied",
        "• Medications",
        "• Lab services",
    ]
