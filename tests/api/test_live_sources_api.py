"""GET /admin/sources lists the sources of sources.yaml with their last and next run."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.api.conftest import Api, prepare, running_api, torch_embedder
from tests.ingest.live_helpers import sync

pytestmark = pytest.mark.integration


def test_admin_sources_shows_live_sources(tmp_path: Path, corpus: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "n.md").write_text("# Roof\n\nThe roof of the annex is painted green.\n")
    config = tmp_path / "sources.yaml"
    config.write_text(
        f"sources:\n  - {{name: notes, type: folder, path: {notes}, schedule: 1h}}\n"
        "  - {name: site, type: web, url: 'http://127.0.0.1:9/'}\n"
    )
    settings = prepare(tmp_path, corpus, sources=str(config))
    assert sync(settings, torch_embedder(), name="notes", type="folder", path=str(notes)).ok  # type: ignore[arg-type]
    with running_api(settings) as api:
        with api.client(api.user_key) as http:
            assert http.get("/admin/sources").status_code == 403
        with api.client(Api.admin_key) as http:
            body = http.get("/admin/sources").json()
    sources = {s["name"]: s for s in body["sources"]}
    assert sources["notes"]["status"] == "ok" and sources["notes"]["items"] == 1
    assert sources["notes"]["next_run"] > sources["notes"]["last_run"]
    assert sources["site"]["status"] == "never" and sources["site"]["next_run"] is None
    assert "_notes/n.md" in {f["path"] for f in body["files"]}
