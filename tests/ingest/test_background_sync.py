"""Syncs the API starts (``ingest.background``): sliced embedding, and a clean stop when
the server shuts down in the middle of a sync."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from core.embed import FakeEmbedder
from core.errors import NotFound
from core.records import Records
from core.records.runs import get_run
from core.store import open_store
from ingest.background import BackgroundSyncs, SlicedEmbedder
from ingest.syncrun import SourceLock
from tests.conftest import make_settings
from tests.ingest.helpers import CountingEmbedder
from tools.site import HeldSitemap, render_site, static_site


def test_sliced_embedder_gives_the_same_vectors_in_slices() -> None:
    inner = CountingEmbedder()
    calls: list[int] = []
    embed = inner.embed
    inner.embed = lambda texts: calls.append(len(texts)) or embed(texts)  # type: ignore[method-assign]
    texts = [f"passage number {i}" for i in range(10)]
    sliced = SlicedEmbedder(inner, 4)
    assert np.array_equal(sliced.embed(texts), FakeEmbedder().embed(texts))
    assert calls == [4, 4, 2]
    assert (sliced.model_id, sliced.dim) == (inner.model_id, inner.dim)


@pytest.mark.integration
def test_shutdown_stops_a_running_sync_and_frees_its_source(tmp_path: Path) -> None:
    pages, root = tmp_path / "pages", tmp_path / "site"
    pages.mkdir()
    root.mkdir()
    (pages / "a.md").write_text("# A\n\nThe first page says something about lamps.\n")
    HeldSitemap.gate = threading.Event()
    with static_site(root, HeldSitemap) as url:
        render_site(pages, root, url)
        config = tmp_path / "sources.yaml"
        config.write_text(f"sources:\n  - {{name: site, type: web, url: '{url}/'}}\n")
        settings = make_settings(tmp_path / "home", sources=str(config))
        records, store = Records(settings.records_url), open_store(settings)
        try:
            syncs = BackgroundSyncs(settings, records, store, CountingEmbedder())
            with pytest.raises(NotFound, match="known: site"):
                syncs.start("other")
            run_id = syncs.start("site")
            closing = threading.Thread(target=syncs.close)
            closing.start()  # the server shuts down while the sync waits for the sitemap
            HeldSitemap.gate.set()
            closing.join(60)
            assert not closing.is_alive()
            run = get_run(records, run_id)
            assert run.status == "failed" and "shutting down" in run.error
            assert run.finished_at is not None
            with SourceLock(settings, "site"):  # released: the next sync may run
                pass
        finally:
            store.close()
            records.engine.dispose()
