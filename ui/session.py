"""Per-browser-session state: the API client built from the sign-in box."""

from __future__ import annotations

import os
from typing import Any

import streamlit as st

from ui.client import ApiError, CairnClient
from ui.sso import SsoError, finish, login_url


def client() -> CairnClient:
    """The client for the current sign-in."""
    return CairnClient(st.session_state.get("api_url"), st.session_state.get("api_key"))


def _single_sign_on(sso: dict[str, Any] | None) -> str | None:
    """Back from the provider (``?code=…&state=…``): the ID token becomes the session's
    key, before the key box is drawn. Returns an error for the page, if any."""
    params = st.query_params
    if "code" not in params or "state" not in params:
        return None
    code, state = params["code"], params["state"]
    st.query_params.clear()  # the code is single-use: keep it out of the address bar
    if sso is None:
        return "Single sign-on is not configured on this Cairn API."
    try:
        st.session_state["api_key"] = finish(sso, code, state)
    except SsoError as exc:
        return f"Single sign-on failed: {exc}"
    return None


def sign_in_box() -> dict[str, Any] | None:
    """Sidebar: API URL + key, or single sign-on through the identity provider when the
    API has it; returns the principal (None when the API refuses)."""
    st.session_state.setdefault("api_url", os.environ.get("CAIRN_API_URL", "http://127.0.0.1:8000"))
    st.session_state.setdefault("api_key", os.environ.get("CAIRN_UI_API_KEY", ""))
    sso = client().sso()
    problem = _single_sign_on(sso)
    # Ask who this is before drawing the box, so the box opens or folds the same way on
    # every run of the script (folding it on the second run hides a field being typed in).
    refused: str | None = None
    principal: dict[str, Any] | None = None
    try:
        principal = client().me()
    except ApiError as exc:
        refused = str(exc)
    st.session_state["principal"] = principal
    with st.sidebar:
        st.markdown("### :material/landscape: Cairn")
        st.caption("Answers only from your documents, with sources.")
        with st.expander("Sign in", expanded=principal is None):
            if sso is not None:
                try:
                    if "sso_login" not in st.session_state:
                        st.session_state["sso_login"] = login_url(sso)
                    st.link_button("Sign in with SSO", st.session_state["sso_login"])
                except SsoError as exc:
                    st.error(f"Single sign-on is unavailable: {exc}")
            st.text_input("API URL", key="api_url")
            st.text_input(
                "API key or token",
                key="api_key",
                type="password",
                help="Empty = anonymous (if enabled)",
            )
    if problem:
        st.sidebar.error(problem)
    if principal is None:
        st.sidebar.error(refused or "The API did not say who this is.")
        return None
    badge = "admin" if principal["is_admin"] else ", ".join(principal["groups"])
    st.sidebar.caption(f"Signed in as **{principal['name']}** · {badge}")
    return principal
