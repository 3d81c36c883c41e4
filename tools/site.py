"""A Markdown corpus as a web site on loopback, for the web connector's tests and the
sync benchmark.

``render_site`` writes each page as HTML (the Markdown rendered by markdown-it, inside
navigation and footer chrome that the connector must strip), links between pages
rewritten to the ``.html`` files, and a ``sitemap.xml`` listing every page.
``static_site`` serves a folder with ``http.server`` in a thread of this process;
``site_process`` serves it from a child process (``python -m http.server``), so a
benchmark's own process does not share its interpreter with the server. Both answer
``If-Modified-Since`` with 304, as a real web server does.
"""

from __future__ import annotations

import functools
import html
import http.server
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from tools.testserver import free_port, wait_ready

CHROME = "Site navigation: home, teams, policies, search"
FOOTER = "Copyright footer of every page"
MD_LINK = re.compile(r'href="(?![a-z]+:|/|#)([^"#?]+)\.md([#?][^"]*)?"')
FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
HEADING = re.compile(r"^#\s+(.+)$", re.M)


def page_html(title: str, body_html: str, nav_html: str = f"<p>{CHROME}</p>") -> str:
    """A page: title, navigation, the article, a footer."""
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"</head><body><nav>{nav_html}</nav><main><article>{body_html}</article></main>"
        f"<footer><p>{FOOTER}</p></footer></body></html>"
    )


def render_page(markdown: str, fallback_title: str) -> tuple[str, str]:
    """A Markdown page's title and HTML body (front matter dropped, ``.md`` links made
    ``.html``)."""
    from markdown_it import MarkdownIt

    text = FRONT_MATTER.sub("", markdown)
    found = HEADING.search(text)
    title = found.group(1).strip() if found else fallback_title
    body = MarkdownIt("commonmark", {"html": True}).enable("table").render(text)
    body = MD_LINK.sub(lambda m: f'href="{m.group(1)}.html{m.group(2) or ""}"', body)
    return title, body


def render_site(pages: Path, out: Path, base_url: str, limit: int | None = None) -> list[str]:
    """Render the first ``limit`` Markdown files under ``pages`` (sorted) into ``out``
    with a sitemap of their URLs under ``base_url``; returns those URLs."""
    sources = sorted(pages.rglob("*.md"))[:limit]
    urls = []
    for source in sources:
        rel = source.relative_to(pages).with_suffix(".html")
        title, body = render_page(source.read_text("utf-8"), rel.stem)
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page_html(title, body), "utf-8")
        urls.append(f"{base_url.rstrip('/')}/{rel.as_posix()}")
    write_sitemap(out, urls)
    return urls


def write_sitemap(out: Path, urls: list[str]) -> None:
    """``out/sitemap.xml`` listing ``urls``."""
    entries = "".join(f"<url><loc>{escape(u)}</loc></url>" for u in urls)
    (out / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>',
        "utf-8",
    )


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, no request log."""

    def log_message(self, *args: Any) -> None:
        pass


class HeldSitemap(QuietHandler):
    """Static files; ``sitemap.xml`` waits for ``gate`` (at most ``hold_s``), so a sync
    of the site provably stays in its listing until a test lets it go on."""

    gate = threading.Event()
    hold_s = 120.0

    def do_GET(self) -> None:
        if self.path == "/sitemap.xml":
            type(self).gate.wait(self.hold_s)
        super().do_GET()


@contextmanager
def static_site(
    root: Path, handler: type[http.server.SimpleHTTPRequestHandler] = QuietHandler
) -> Iterator[str]:
    """Serve ``root`` over HTTP on loopback from a thread; yields the base URL."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(root))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def site_process(root: Path, log: Path | None = None, start_timeout_s: float = 30) -> Iterator[str]:
    """Serve ``root`` from a ``python -m http.server`` child; yields the base URL. Its
    request log (one line per request, with the status) goes to ``log`` when given."""
    port = free_port()
    sink = log.open("wb") if log else subprocess.DEVNULL
    proc = subprocess.Popen(
        [sys.executable, "-u", "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=sink,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        if not wait_ready(url, start_timeout_s, path="/"):
            raise RuntimeError(f"http.server did not start on {url}")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if log:
            sink.close()  # type: ignore[union-attr]
