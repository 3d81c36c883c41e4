"""Cairn UI entry point: `cairn ui` (or `streamlit run ui/app.py`).

Pages: Chat and Expert lookup for everyone; admin pages for the admin key. The UI talks
to the API over HTTP only (ui/client.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `streamlit run ui/app.py`

from ui.session import sign_in_box

st.set_page_config(page_title="Cairn", page_icon=":material/landscape:", layout="wide")
HERE = Path(__file__).parent / "views"

principal = sign_in_box()
pages = [
    st.Page(str(HERE / "chat.py"), title="Ask", icon=":material/chat:", default=True),
    st.Page(str(HERE / "lookup.py"), title="Expert lookup", icon=":material/search:"),
]
if principal and principal.get("is_admin"):
    pages.append(st.Page(str(HERE / "admin.py"), title="Admin", icon=":material/settings:"))
st.navigation(pages).run()
