"""The Markdown-to-HTML site renderer the web connector's tests and the sync benchmark use."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from tools.site import CHROME, FOOTER, render_page, render_site

PAGE = """---
description: front matter is not content
---

# Travel policy

Book trains for trips under four hours. See [expenses](../money/expenses.md#claims),
[the intranet](https://intranet.example/a.md) and [home](/index.md).

| class | allowed |
|---|---|
| second | yes |
"""


def test_page_drops_front_matter_takes_its_title_and_links_html_pages() -> None:
    title, body = render_page(PAGE, "fallback")
    assert title == "Travel policy"
    assert "front matter" not in body and "<h1>Travel policy</h1>" in body
    assert 'href="../money/expenses.html#claims"' in body  # a page of the site: its .html
    assert 'href="https://intranet.example/a.md"' in body  # other sites are left alone
    assert 'href="/index.md"' in body
    assert "<table>" in body and "<td>second</td>" in body


def test_site_has_every_page_in_chrome_and_a_sitemap(tmp_path: Path) -> None:
    pages = tmp_path / "md"
    (pages / "a").mkdir(parents=True)
    (pages / "a" / "travel.md").write_text(PAGE)
    (pages / "index.md").write_text("No heading here, just text.\n")
    (pages / "notes.txt").write_text("not a page")
    urls = render_site(pages, tmp_path / "site", "http://127.0.0.1:9/")
    assert urls == ["http://127.0.0.1:9/a/travel.html", "http://127.0.0.1:9/index.html"]
    html = (tmp_path / "site" / "a" / "travel.html").read_text()
    assert "<title>Travel policy</title>" in html and CHROME in html and FOOTER in html
    assert "<title>index</title>" in (tmp_path / "site" / "index.html").read_text()
    sitemap = ET.parse(tmp_path / "site" / "sitemap.xml").getroot()
    assert [el.text for el in sitemap.iter() if el.tag.endswith("loc")] == urls
    assert render_site(pages, tmp_path / "one", "http://h", limit=1) == ["http://h/a/travel.html"]
