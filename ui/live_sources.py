"""The admin page's live sources: each source of sources.yaml with its last run, its
failed items and a "Sync now" button (``POST /admin/sources/{name}/sync``)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ui.client import ApiError, CairnClient

STATUS_BADGE = {
    "ok": ":green-badge[ok]",
    "failed": ":red-badge[failed]",
    "running": ":blue-badge[running]",
    "never": ":gray-badge[never synced]",
}


def _when(moment: str | None) -> str:
    return moment[:19].replace("T", " ") if moment else "—"


def source_rows(sources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One table row per source."""
    return [
        {
            "name": s["name"],
            "type": s["type"],
            "location": s["location"],
            "schedule": s["schedule"] or "by hand",
            "last run (UTC)": _when(s["last_run"]),
            "outcome": s["status"],
            "items": s["items"],
            "failed": s["failed"],
            "next run (UTC)": _when(s["next_run"]),
        }
        for s in sources
    ]


def live_sources(api: CairnClient, sources: list[dict[str, Any]]) -> None:
    """The live sources table, then one line per source with its outcome and Sync now."""
    st.subheader("Live sources")
    if not sources:
        st.caption(
            "No live sources: declare web sites, buckets, shares or repositories in a "
            "sources.yaml and point CAIRN_SOURCES at it."
        )
        return
    st.dataframe(source_rows(sources), hide_index=True, use_container_width=True)
    for source in sources:
        _source_line(api, source)


def _source_line(api: CairnClient, source: dict[str, Any]) -> None:
    name = source["name"]
    with st.container(border=True):
        left, right = st.columns([5, 1])
        counts = (
            f"{source['items']} items · {source['added']} added · {source['updated']} updated"
            f" · {source['removed']} removed · {source['failed']} failed"
        )
        left.markdown(f"**{name}** {STATUS_BADGE.get(source['status'], source['status'])} {counts}")
        if source["error"]:
            left.error(f"Last run failed, nothing was changed: {source['error']}")
        if right.button("Sync now", key=f"sync-{name}", disabled=source["status"] == "running"):
            try:
                run = api.sync_source(name)
                st.success(f"Sync of {name} started (run {run['id']}); refresh to follow it.")
            except ApiError as exc:
                st.error(str(exc))
        if source["failures"]:
            with st.expander(f"Items not indexed: {len(source['failures'])}"):
                st.dataframe(source["failures"], hide_index=True, use_container_width=True)
