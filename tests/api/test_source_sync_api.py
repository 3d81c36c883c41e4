"""POST /admin/sources/{name}/sync on a real uvicorn server, against a real web site.

The site holds its sitemap until the test opens a gate, so the sync is provably still
running while the test asks for a second sync (409), takes the source's lock from
outside the server (as `cairn sync` would: refused) and asks a question (answered).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from cairn.serving import build_app
from core.errors import SourceBusy
from core.settings import Settings
from ingest.syncrun import SourceLock
from tests.api.conftest import Api, prepare, running_api, torch_embedder
from tools.site import HeldSitemap, render_site, static_site, write_sitemap

pytestmark = pytest.mark.integration
ROOF = "# Annex roof\n\nThe roof of the annex building is painted bright green.\n"


@pytest.fixture
def site(tmp_path: Path) -> Iterator[str]:
    """The gated site: one page and, in its sitemap, one page that does not exist."""
    pages, root = tmp_path / "pages", tmp_path / "site"
    pages.mkdir()
    root.mkdir()
    (pages / "roof.md").write_text(ROOF)
    HeldSitemap.gate = threading.Event()
    with static_site(root, HeldSitemap) as url:
        urls = render_site(pages, root, url)
        write_sitemap(root, [*urls, f"{url}/missing.html"])
        yield url
    HeldSitemap.gate.set()


def _settings(tmp_path: Path, corpus: Path, url: str) -> Settings:
    config = tmp_path / "sources.yaml"
    config.write_text(f"sources:\n  - {{name: site, type: web, url: '{url}/'}}\n")
    return prepare(tmp_path, corpus, sources=str(config))


def served(settings: Settings) -> FastAPI:
    """The app as `cairn serve` builds it (with background syncs), on the test model."""
    return build_app(settings, torch_embedder())


def _source(http: httpx.Client, name: str) -> dict[str, Any]:
    sources = http.get("/admin/sources").json()["sources"]
    return next(s for s in sources if s["name"] == name)


def _wait_until_done(http: httpx.Client, name: str, timeout_s: float = 180) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        source = _source(http, name)
        if source["status"] != "running":
            return source
        time.sleep(0.2)
    raise AssertionError(f"the sync of {name} did not end within {timeout_s} s")


def _cited(http: httpx.Client, question: str) -> set[str]:
    response = http.post("/ask", json={"question": question})
    assert response.status_code == 200, response.text
    return {c["source"] for c in response.json()["citations"]}


def test_sync_now_runs_in_the_background_once_per_source(
    tmp_path: Path, corpus: Path, site: str
) -> None:
    settings = _settings(tmp_path, corpus, site)
    with (
        running_api(settings, served) as api,
        api.client(api.user_key) as user,
        api.client(Api.admin_key) as admin,
    ):
        assert user.post("/admin/sources/site/sync").status_code == 403
        unknown = admin.post("/admin/sources/nope/sync")
        assert unknown.status_code == 404 and "known: site" in unknown.json()["detail"]
        assert admin.post("/admin/sources/-bad/sync").status_code == 422

        started = admin.post("/admin/sources/site/sync")
        assert started.status_code == 202, started.text
        run = started.json()
        assert run["source"] == "site" and run["trigger"] == "api"
        assert run["status"] == "running"
        busy = admin.post("/admin/sources/site/sync")  # the first is held at the sitemap
        assert busy.status_code == 409 and "already syncing" in busy.json()["detail"]
        with pytest.raises(SourceBusy):  # `cairn sync site` on this host is refused too
            SourceLock(settings, "site").acquire()
        assert _source(admin, "site")["status"] == "running"
        assert _cited(user, "How many days of paid vacation do I get?")  # answering goes on

        HeldSitemap.gate.set()
        done = _wait_until_done(admin, "site")
        assert done["status"] == "ok" and done["trigger"] == "api", done
        assert done["location"] == f"{site}/" and done["items"] == 2 and done["failed"] == 1
        assert done["failures"] == [{"item": f"{site}/missing.html", "reason": "HTTP 404"}]
        assert done["finished_at"] >= done["last_run"]
        assert f"{site}/roof.html" in _cited(user, "What colour is the annex roof painted?")

        again = admin.post("/admin/sources/site/sync")  # the lock was released
        assert again.status_code == 202 and again.json()["id"] > run["id"]
        assert _wait_until_done(admin, "site")["status"] == "ok"


def test_a_server_built_without_syncs_says_so(tmp_path: Path, corpus: Path, site: str) -> None:
    with running_api(_settings(tmp_path, corpus, site)) as api, api.client(Api.admin_key) as admin:
        response = admin.post("/admin/sources/site/sync")
        unknown = admin.post("/admin/sources/nowhere/sync")
    assert response.status_code == 503 and "cairn serve" in response.json()["detail"]
    assert unknown.status_code == 404  # an unknown source is not found on any server
