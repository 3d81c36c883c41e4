"""Rendering helpers shared by the pages: answers, badges, sources with highlights."""

from __future__ import annotations

import html
import re
from typing import Any

import streamlit as st

from ui.client import ApiError, CairnClient

MARKER = re.compile(r"\[(\d+)\]")
CONTEXT_CHARS = 240


def answer_markdown(text: str) -> str:
    """Inline [n] markers as superscript badges."""
    return MARKER.sub(lambda m: f" :blue-badge[{m.group(1)}]", text)


def badge(answer: dict[str, Any]) -> None:
    """Grounded / confidence / refusal line."""
    if answer["refused"]:
        st.warning(f"**No answer in the documents.** {answer.get('refusal_reason') or ''}".strip())
        return
    grounded = (
        ":green-badge[✔ grounded]" if answer["grounded"] else ":orange-badge[⚠ partly grounded]"
    )
    cached = " · :gray-badge[cached]" if answer.get("cached") else ""
    st.markdown(f"{grounded} · :blue-badge[confidence {answer['confidence']:.2f}]{cached}")


def highlighted(text: str, start: int, end: int) -> str:
    """HTML: the passage marked inside some context around it."""
    before = text[max(0, start - CONTEXT_CHARS) : start]
    after = text[end : end + CONTEXT_CHARS]
    return (
        "<div class='cairn-source'>"
        + ("…" if start > CONTEXT_CHARS else "")
        + html.escape(before)
        + f"<mark>{html.escape(text[start:end])}</mark>"
        + html.escape(after)
        + ("…" if end + CONTEXT_CHARS < len(text) else "")
        + "</div>"
    ).replace("\n", "<br>")


def section_label(title: str, section: str, source: str) -> str:
    """Title — section trail without repeating the title."""
    trail = section.removeprefix(f"{title} > ") if section != title else ""
    return f"{title} — {trail}" if trail else title or source


def sources(client: CairnClient, answer: dict[str, Any], key: str) -> None:
    """Numbered sources; each opens the document with the quoted passage highlighted."""
    cites = answer.get("citations") or []
    if not cites:
        return
    st.caption("Closest sources" if answer["refused"] else "Sources")
    for cite in cites:
        page = f" · p. {cite['page']}" if cite.get("page") else ""
        label = (
            f"[{cite['n']}] {section_label(cite['title'], cite['section'], cite['source'])}{page}"
        )
        start, end = cite.get("highlight") or cite["span"]
        with st.expander(label):
            st.caption(f"`{cite['source']}` · chars {start}-{end}")
            if st.toggle("Open in document", key=f"{key}-open-{cite['n']}"):
                try:
                    doc = client.source(cite["doc_id"], start, end)
                    st.markdown(highlighted(doc["text"], start, end), unsafe_allow_html=True)
                except ApiError as exc:
                    st.error(str(exc))
            else:
                st.markdown(f"> {cite['quote']}")


STYLE = """
<style>
.cairn-source { font-size: 0.92rem; line-height: 1.5; padding: 0.6rem 0.8rem;
  border-left: 3px solid #4c78a8; background: rgba(76,120,168,0.06); border-radius: 4px; }
.cairn-source mark { background: #ffe58f; padding: 0 2px; border-radius: 2px; }
</style>
"""
