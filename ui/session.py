"""Per-browser-session state: the API client built from the sign-in box."""

from __future__ import annotations

import os
from typing import Any

import streamlit as st

from ui.client import ApiError, CairnClient


def client() -> CairnClient:
    """The client for the current sign-in."""
    return CairnClient(st.session_state.get("api_url"), st.session_state.get("api_key"))


def sign_in_box() -> dict[str, Any] | None:
    """Sidebar: API URL + key; returns the principal (None when the API refuses)."""
    st.session_state.setdefault("api_url", os.environ.get("CAIRN_API_URL", "http://127.0.0.1:8000"))
    st.session_state.setdefault("api_key", os.environ.get("CAIRN_UI_API_KEY", ""))
    with st.sidebar:
        st.markdown("### :material/landscape: Cairn")
        st.caption("Answers only from your documents, with sources.")
        with st.expander("Sign in", expanded=not st.session_state.get("principal")):
            st.text_input("API URL", key="api_url")
            st.text_input(
                "API key", key="api_key", type="password", help="Empty = anonymous (if enabled)"
            )
    try:
        principal = client().me()
    except ApiError as exc:
        st.sidebar.error(str(exc))
        st.session_state["principal"] = None
        return None
    st.session_state["principal"] = principal
    badge = "admin" if principal["is_admin"] else ", ".join(principal["groups"])
    st.sidebar.caption(f"Signed in as **{principal['name']}** · {badge}")
    return principal
