"""Expert lookup: ranked passages with scores and filters."""

from __future__ import annotations

import streamlit as st

from ui.client import ApiError
from ui.render import STYLE, section_label
from ui.session import client

st.markdown(STYLE, unsafe_allow_html=True)
st.title("Expert lookup")
st.caption("Hybrid search (meaning + exact terms) over the documents you may see.")
with st.form("lookup"):
    query = st.text_input("Search", placeholder="e.g. on-call allowance, VPN, parental leave")
    c1, c2, c3 = st.columns([2, 2, 1])
    source = c1.text_input("Only this file", placeholder="policies/expenses.md")
    section = c2.text_input("Section contains", placeholder="Vacation")
    limit = c3.number_input("Results", min_value=1, max_value=50, value=10)
    submitted = st.form_submit_button("Search", type="primary")

if submitted:
    if not query.strip():
        st.warning("Type something to search for.")
        st.stop()
    try:
        hits = client().search(query, int(limit), source.strip() or None, section.strip() or None)
    except ApiError as exc:
        st.error(str(exc))
        st.stop()
    if not hits:
        st.info("Nothing visible to you matches.")
    for hit in hits:
        page = f" · p. {hit['page']}" if hit.get("page") else ""
        with st.container(border=True):
            label = section_label(hit["title"], hit["section"], hit["source"])
            st.markdown(f"**{hit['rank']}.** {label}{page}")
            span = f"{hit['span'][0]}-{hit['span'][1]}"
            where = f"`{hit['source']}` · score {hit['score']:.3f} · chars {span}"
            st.caption(f"{where} · chunk `{hit['chunk_id']}`")
            st.markdown(hit["text"])
