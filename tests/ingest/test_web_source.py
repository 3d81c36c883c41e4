"""The web connector against a real site served by http.server on loopback."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import Settings
from tests.conftest import SAMPLES
from tests.ingest.helpers import CountingEmbedder
from tests.ingest.live_helpers import by_source, cited, live_chunks, sync
from tools.site import (
    CHROME,
    FOOTER,
    QuietHandler,
    page_html,
    render_site,
    static_site,
    write_sitemap,
)

pytestmark = pytest.mark.integration

PAGES = {
    "index.html": (
        "Welcome",
        "The intranet home page lists the teams and the policies.",
        [
            "travel.html",
            "security.html",
            "missing.html",
            "logo.png",
            "https://elsewhere.example/x.html",
            "private/secret.html",
        ],
    ),
    "travel.html": (
        "Travel policy",
        "Employees book trains for trips under four hours. Flights need approval from a director.",
        [],
    ),
    "security.html": (
        "Security policy",
        "Laptops lock after five minutes. Report a lost badge to the front desk within one day.",
        ["deep/one.html"],
    ),
    "deep/one.html": (
        "Deep page",
        "The quarterly planning offsite happens in the mountain lodge.",
        [],
    ),
    "private/secret.html": ("Secret", "The acquisition target is called Project Walrus.", []),
}


def page(title: str, body: str, links: list[str]) -> str:
    nav = f"<p>{CHROME}</p><ul>" + "".join(f'<li><a href="{h}">{h}</a></li>' for h in links)
    paragraphs = "".join(f"<p>{body} {body}</p>" for _ in range(3))
    return page_html(title, f"<h1>{title}</h1>{paragraphs}", nav + "</ul>")


def build_site(root: Path, sitemap: bool = False, base: str = "") -> None:
    for name, (title, body, links) in PAGES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page(title, body, links))
    (root / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n")
    if sitemap:
        write_sitemap(root, [f"{base}/{n}" for n in ("index.html", "travel.html", "security.html")])


class Recording(QuietHandler):
    """Static files, recording each status; every GET answers 503 while ``broken``."""

    statuses: list[tuple[str, int]] = []
    broken = False

    def send_response(self, code: int, message: str | None = None) -> None:
        Recording.statuses.append((self.path, code))
        super().send_response(code, message)

    def do_GET(self) -> None:
        if Recording.broken:
            self.send_error(503)
            return
        super().do_GET()


def test_crawl_extracts_main_content_obeys_robots_and_reports_bad_pages(
    settings: Settings, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    build_site(site)
    with static_site(site) as url:
        outcome = sync(settings, name="intranet", type="web", url=url + "/index.html", max_depth=2)
        assert outcome.report is not None
        failures = {f.path.removeprefix(url): f.reason for f in outcome.report.problems}
        assert failures == {
            "/missing.html": "HTTP 404",
            "/logo.png": "not a text document (media type image/png)",
        }
        chunks = live_chunks(settings)
        pages = {c.source.removeprefix(url) for c in chunks}
        assert pages == {"/index.html", "/travel.html", "/security.html", "/deep/one.html"}
        assert all(c.link == c.source for c in chunks)  # the page URL is the citation link
        assert not any(CHROME in c.text or FOOTER in c.text for c in chunks)
        assert {c.title for c in chunks if c.source.endswith("travel.html")} == {"Travel policy"}
        assert url + "/travel.html" in cited(
            settings, "Do flights need approval from a director?", ["everyone"]
        )
        # Re-sync with nothing changed re-embeds nothing.
        again = CountingEmbedder()
        second = sync(
            settings, again, name="intranet", type="web", url=url + "/index.html", max_depth=2
        )
        assert second.ok and again.embedded == 0 and second.report.count("unchanged") == 4


def test_sitemap_uses_conditional_get_and_deleted_pages_leave_answers(
    settings: Settings, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    Recording.statuses, Recording.broken = [], False
    with static_site(site, Recording) as url:
        build_site(site, sitemap=True, base=url)
        spec = dict(name="intranet", type="web", url=url + "/")
        assert sync(settings, **spec).ok
        assert set(by_source(settings)) == {
            f"{url}/{n}" for n in ("index.html", "travel.html", "security.html")
        }
        Recording.statuses = []
        again = CountingEmbedder()
        assert sync(settings, again, **spec).ok and again.embedded == 0
        pages = [code for path, code in Recording.statuses if path.endswith(".html")]
        assert pages == [304, 304, 304]  # If-Modified-Since answered "not modified"

        question = "Do flights need approval from a director?"
        assert f"{url}/travel.html" in cited(settings, question, ["everyone"])
        (site / "sitemap.xml").write_text(
            (site / "sitemap.xml")
            .read_text()
            .replace(f"<url><loc>{url}/travel.html</loc></url>", "")
        )
        (site / "travel.html").unlink()
        outcome = sync(settings, **spec)
        assert outcome.ok and outcome.report.removed == [f"{url}/travel.html"]
        assert f"{url}/travel.html" not in cited(settings, question, ["everyone"])
        assert f"{url}/travel.html" not in by_source(settings)

        # A site answering 5xx while listing deletes nothing: the run fails, the index stays.
        before = by_source(settings)
        Recording.broken = True
        failed = sync(settings, **spec)
        assert not failed.ok and "HTTP 503" in (failed.error or "")
        assert by_source(settings) == before
        Recording.broken = False
    # The host is down: same.
    down = sync(settings, **spec)
    assert not down.ok and "ConnectError" in (down.error or "")
    assert by_source(settings) == before


def test_rendered_markdown_site_syncs_and_an_unchanged_resync_costs_only_304s(
    settings: Settings, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    Recording.statuses, Recording.broken = [], False
    with static_site(site, Recording) as url:
        urls = render_site(SAMPLES, site, url)
        spec = dict(name="handbook", type="web", url=url + "/")
        first = sync(settings, **spec)
        assert first.report is not None and first.report.count("added") == len(urls) > 5
        chunks = live_chunks(settings)
        assert {c.source for c in chunks} == set(urls)
        assert not any(CHROME in c.text or FOOTER in c.text for c in chunks)
        Recording.statuses = []
        again = CountingEmbedder()
        second = sync(settings, again, **spec)
        assert second.report is not None and again.embedded == 0
        assert second.report.count("unchanged") == len(urls)
        assert sorted(code for path, code in Recording.statuses if path.endswith(".html")) == [
            304
        ] * len(urls)
