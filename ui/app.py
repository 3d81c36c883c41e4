"""Cairn UI entry point (streamlit run ui/app.py)."""

from __future__ import annotations

import streamlit as st

from ui.client import ApiError, CairnClient

st.set_page_config(page_title="Cairn", page_icon="🪨", layout="wide")
st.title("Cairn")
st.caption("Answers taken only from your documents, with citations.")

client = CairnClient()
try:
    ready = client.ready()
    versions = client.index_versions()
except ApiError as exc:
    st.error(str(exc))
    st.stop()

if ready.get("ready"):
    st.success(f"Index ready: {ready['checks'].get('index')}")
else:
    st.warning(f"Not ready: {ready.get('checks')}")
st.subheader("Index versions")
st.dataframe(versions, use_container_width=True)
st.info("The chat assistant arrives with the answer service (issue 3); this page shows the index.")
