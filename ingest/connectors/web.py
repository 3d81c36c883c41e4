"""A web site as a connector: its sitemap.xml, else same-origin links from the start URL.

Pages are read during listing (one GET each; the body is kept for ``fetch``). With a
sitemap, each page is asked for conditionally (``If-None-Match`` / ``If-Modified-Since``
from the stored version token), so an unchanged site costs 304s. robots.txt is obeyed.
A connection error, timeout or 5xx anywhere while listing fails the sync (nothing is
deleted); a 404, redirect loop, oversized or non-text page is one failed item.
"""

from __future__ import annotations

import hashlib
import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from core.errors import IngestError, SourceUnavailable
from ingest.connectors.base import Fetched, Item, check_size

AGENT = "CairnBot"
TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "text/markdown")
TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs += [v for k, v in attrs if k == "href" and v]


class WebConnector:
    """Pages of the site under ``url`` (same scheme, host and path prefix)."""

    def __init__(
        self,
        url: str,
        max_pages: int = 500,
        max_depth: int = 3,
        timeout_s: float = 20.0,
        max_mb: float = 20.0,
        client: httpx.Client | None = None,
    ) -> None:
        self.start = url if urlsplit(url).path else url + "/"
        parts = urlsplit(self.start)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.prefix = self.start if self.start.endswith("/") else self.start.rsplit("/", 1)[0] + "/"
        self.max_pages, self.max_depth, self.max_mb = max_pages, max_depth, max_mb
        self.client = client or httpx.Client(
            timeout=timeout_s, follow_redirects=True, max_redirects=5, headers={"User-Agent": AGENT}
        )
        self.bodies: dict[str, tuple[bytes, str]] = {}

    # -- listing -------------------------------------------------------------------------
    def list_items(self, known: Mapping[str, str]) -> Sequence[Item]:
        """Every page of the site, with ETag/Last-Modified/content hash as version."""
        robots = self._robots()
        urls = self._sitemap()
        if urls is not None:
            items = []
            for url in urls[: self.max_pages]:
                if not self.inside(url):
                    items.append(Item(url, url, "", link=url, error="outside the declared site"))
                elif robots.can_fetch(AGENT, url):
                    items.append(self._page(url, known.get(url))[0])
            return items
        return self._crawl(robots)

    def inside(self, url: str) -> bool:
        """Whether ``url`` belongs to the declared site."""
        return url.startswith(self.prefix) or url == self.prefix.rstrip("/")

    def _get(self, url: str, headers: dict[str, str] | None = None) -> httpx.Response:
        try:
            response = self.client.get(url, headers=headers or {})
        except httpx.TooManyRedirects:
            raise
        except httpx.HTTPError as exc:
            raise SourceUnavailable(f"{url}: {type(exc).__name__}: {exc}") from exc
        if response.status_code >= 500:
            raise SourceUnavailable(f"{url}: HTTP {response.status_code}")
        return response

    def _robots(self) -> RobotFileParser:
        parser = RobotFileParser()
        response = self._get(self.origin + "/robots.txt")
        parser.parse(response.text.splitlines() if response.status_code == 200 else [])
        return parser

    def _sitemap(self) -> list[str] | None:
        response = self._get(self.prefix + "sitemap.xml")
        if response.status_code != 200:
            return None
        try:
            root = ET.fromstring(response.content)
        except ET.ParseError as exc:
            raise SourceUnavailable(f"{response.url}: unreadable sitemap ({exc})") from exc
        return [el.text.strip() for el in root.iter() if el.tag.endswith("loc") and el.text]

    def _page(self, url: str, token: str | None) -> tuple[Item, list[str]]:
        """One page: its item (with the body kept for fetch) and its same-site links."""
        headers = {}
        if token and token.startswith("etag:"):
            headers["If-None-Match"] = token[5:]
        elif token and token.startswith("lm:"):
            headers["If-Modified-Since"] = token[3:]
        try:
            response = self._get(url, headers)
        except httpx.TooManyRedirects:
            return Item(url, url, "", link=url, error="redirect loop"), []
        if response.status_code == 304 and token:
            return Item(url, url, token, link=url), []
        if response.status_code != 200:
            return Item(url, url, "", link=url, error=f"HTTP {response.status_code}"), []
        final = str(response.url)
        if not self.inside(final):
            return Item(url, url, "", link=url, error=f"redirected outside the site: {final}"), []
        body = response.content
        media = response.headers.get("content-type", "").split(";")[0].strip().lower()
        error = check_size(len(body), self.max_mb)
        if error is None and media not in TEXT_TYPES:
            error = f"not a text document (media type {media or 'unknown'})"
        if error:
            return Item(url, url, "", link=url, size=len(body), error=error), []
        self.bodies[url] = (body, media)
        version = _token(response, body)
        text = body.decode(response.encoding or "utf-8", errors="replace")
        found = TITLE.search(text)
        title = html.unescape(found.group(1)).strip() if found else None
        item = Item(url, url, version, title=title or None, link=url, size=len(body))
        return item, self._links(final, text) if media != "text/plain" else []

    def _links(self, base: str, text: str) -> list[str]:
        parser = _Links()
        parser.feed(text)
        out = []
        for href in parser.hrefs:
            url = urldefrag(urljoin(base, href))[0]
            if url.startswith(("http://", "https://")) and self.inside(url):
                out.append(url)
        return out

    def _crawl(self, robots: RobotFileParser) -> list[Item]:
        start = self._get(self.start)
        if start.status_code != 200:
            raise SourceUnavailable(f"{self.start}: HTTP {start.status_code} (start page)")
        queue, seen = [(self.start, 0)], {self.start}
        items: list[Item] = []
        while queue and len(items) < self.max_pages:
            url, depth = queue.pop(0)
            if not robots.can_fetch(AGENT, url):
                continue
            item, links = self._page(url, None)
            items.append(item)
            if depth >= self.max_depth:
                continue
            for link in links:
                if link not in seen:
                    seen.add(link)
                    queue.append((link, depth + 1))
        return items

    # -- fetching -----------------------------------------------------------------------
    def fetch(self, item: Item) -> Fetched:
        """The page's main content (trafilatura, as Markdown) or, without it, its HTML."""
        if item.id not in self.bodies:
            self._page(item.id, None)
        if item.id not in self.bodies:
            raise IngestError("page could not be read")
        body, media = self.bodies.pop(item.id)
        if media in ("text/html", "application/xhtml+xml"):
            main = _main_content(body)
            if main:
                return Fetched(main.encode("utf-8"), "text/markdown")
        return Fetched(body, media)


def _token(response: httpx.Response, body: bytes) -> str:
    if response.headers.get("etag"):
        return "etag:" + response.headers["etag"]
    if response.headers.get("last-modified"):
        return "lm:" + response.headers["last-modified"]
    return "sha:" + hashlib.sha256(body).hexdigest()


def _main_content(body: bytes) -> str | None:
    """The page without its chrome (navigation, footer), as Markdown; None without
    trafilatura or when it finds nothing."""
    try:
        import trafilatura
    except ImportError:
        return None
    text = trafilatura.extract(
        body.decode("utf-8", errors="replace"),
        output_format="markdown",
        include_tables=True,
        include_links=False,
        include_comments=False,
    )
    return text or None
