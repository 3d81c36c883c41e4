"""A WebDAV share (SharePoint, Nextcloud, ownCloud) as a connector: PROPFIND listing,
the ETag (else Last-Modified) as version token, groups from ``_access.yaml`` files."""

from __future__ import annotations

import posixpath
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from urllib.parse import unquote, urljoin, urlsplit

import httpx

from core.errors import IngestError, SourceUnavailable
from ingest.connectors.base import Fetched, Item, check_size
from ingest.sources import ACCESS_FILE, _groups_from, _load_yaml

DAV = "{DAV:}"
PROPFIND = b"""<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:"><d:prop><d:resourcetype/><d:getetag/><d:getlastmodified/>
<d:getcontentlength/><d:getcontenttype/><d:displayname/></d:prop></d:propfind>"""


class WebDavConnector:
    """Files under the collection ``url`` (walked with Depth: 1 PROPFINDs)."""

    def __init__(
        self,
        url: str,
        username: str | None = None,
        password: str | None = None,
        timeout_s: float = 20.0,
        max_mb: float = 20.0,
        max_items: int = 100_000,
    ) -> None:
        self.base = url.rstrip("/") + "/"
        self.root_path = unquote(urlsplit(self.base).path)
        auth = (username, password or "") if username else None
        self.client = httpx.Client(timeout=timeout_s, auth=auth, follow_redirects=True)
        self.max_mb, self.max_items = max_mb, max_items

    def list_items(self, known: Mapping[str, str]) -> Sequence[Item]:
        """Every file of the share, depth-first, sorted."""
        files: list[dict[str, str]] = []
        folders = [self.base]
        while folders and len(files) < self.max_items:
            folders_found, found = self._propfind(folders.pop())
            folders += folders_found
            files += found
        rules = self._rules(files)
        items = []
        for f in sorted(files, key=lambda f: f["rel"]):
            rel = f["rel"]
            if any(part.startswith((".", "_")) for part in rel.split("/")):
                continue
            size = int(f["size"]) if f.get("size", "").isdigit() else None
            items.append(
                Item(
                    id=rel,
                    path=rel,
                    version=f.get("etag") or f.get("modified") or "",
                    groups=_nearest(rules, rel),
                    link=urljoin(self.base, f["href"]),
                    size=size,
                    error=check_size(size, self.max_mb),
                )
            )
        return items

    def _propfind(self, url: str) -> tuple[list[str], list[dict[str, str]]]:
        try:
            response = self.client.request(
                "PROPFIND", url, content=PROPFIND, headers={"Depth": "1"}
            )
        except httpx.HTTPError as exc:
            raise SourceUnavailable(f"{url}: {type(exc).__name__}: {exc}") from exc
        if response.status_code != 207:
            raise SourceUnavailable(f"{url}: PROPFIND answered HTTP {response.status_code}")
        try:
            tree = ET.fromstring(response.content)
        except ET.ParseError as exc:
            raise SourceUnavailable(f"{url}: unreadable PROPFIND response ({exc})") from exc
        folders, files = [], []
        here = unquote(urlsplit(url).path).rstrip("/")
        for resp in tree.iter(f"{DAV}response"):
            href = resp.findtext(f"{DAV}href") or ""
            path = unquote(urlsplit(href).path)
            if path.rstrip("/") == here or not path.startswith(self.root_path):
                continue
            prop = resp.find(f"{DAV}propstat/{DAV}prop")
            if prop is None:
                continue
            if prop.find(f"{DAV}resourcetype/{DAV}collection") is not None:
                folders.append(urljoin(url, href))
                continue
            files.append(
                {
                    "href": href,
                    "rel": path[len(self.root_path) :].lstrip("/"),
                    "etag": (prop.findtext(f"{DAV}getetag") or "").strip('"'),
                    "modified": prop.findtext(f"{DAV}getlastmodified") or "",
                    "size": prop.findtext(f"{DAV}getcontentlength") or "",
                }
            )
        return folders, files

    def _rules(self, files: list[dict[str, str]]) -> dict[str, list[str]]:
        rules = {}
        for f in files:
            if posixpath.basename(f["rel"]) == ACCESS_FILE:
                body = self._get(urljoin(self.base, f["href"]), SourceUnavailable)
                rules[posixpath.dirname(f["rel"])] = _groups_from(
                    _load_yaml(body.decode("utf-8"), f["rel"]), f["rel"]
                )
        return rules

    def _get(self, url: str, error: type[IngestError]) -> bytes:
        try:
            response = self.client.get(url)
        except httpx.HTTPError as exc:
            raise error(f"{url}: {type(exc).__name__}: {exc}") from exc
        if response.status_code != 200:
            raise error(f"{url}: HTTP {response.status_code}")
        return response.content

    def fetch(self, item: Item) -> Fetched:
        """The file's bytes (GET)."""
        assert item.link is not None
        return Fetched(self._get(item.link, IngestError), "")


def _nearest(rules: dict[str, list[str]], rel: str) -> list[str] | None:
    folder = posixpath.dirname(rel)
    while True:
        if folder in rules:
            return rules[folder]
        if not folder:
            return None
        folder = posixpath.dirname(folder)
