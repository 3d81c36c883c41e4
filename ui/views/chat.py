"""Chat: ask in plain words; streamed answers with numbered, openable sources."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import streamlit as st

from ui.client import ApiError
from ui.render import STYLE, answer_markdown, badge, sources
from ui.session import client

STARTERS = [
    q.strip()
    for q in os.environ.get(
        "CAIRN_UI_STARTERS",
        "How many days of paid vacation do I get?|How do I request VPN access?|"
        "How long do I have to submit an expense?|What happens in my first week?",
    ).split("|")
    if q.strip()
]

st.markdown(STYLE, unsafe_allow_html=True)
st.title("Ask the handbook")
st.caption("Answers come only from your company's documents. Every sentence cites its source.")
history: list[dict[str, Any]] = st.session_state.setdefault("history", [])


def show_answer(answer: dict[str, Any], index: int) -> None:
    """Badge, sources and feedback under an assistant message."""
    badge(answer)
    sources(client(), answer, key=f"a{index}")
    if answer["refused"] or not answer.get("answer_id"):
        return
    sent = st.session_state.setdefault("feedback_sent", {})
    if answer["answer_id"] in sent:
        st.caption("Thanks for the feedback.")
        return
    rating = st.feedback("thumbs", key=f"fb-{answer['answer_id']}")
    if rating is not None:
        comment = st.text_input(
            "What was wrong or missing? (optional)", key=f"fbc-{answer['answer_id']}"
        )
        if st.button("Send feedback", key=f"fbs-{answer['answer_id']}"):
            try:
                client().feedback(answer["answer_id"], helpful=rating == 1, comment=comment)
                sent[answer["answer_id"]] = rating
                st.rerun()
            except ApiError as exc:
                st.error(str(exc))


for i, turn in enumerate(history):
    with st.chat_message(turn["role"]):
        st.markdown(
            answer_markdown(turn["content"]) if turn["role"] == "assistant" else turn["content"]
        )
        if turn.get("answer"):
            show_answer(turn["answer"], i)

question = st.chat_input("Ask a question about policies, benefits, tools…")
if not history and not question:
    st.markdown("**New here? Try one of these:**")
    columns = st.columns(len(STARTERS))
    for column, starter in zip(columns, STARTERS, strict=True):
        if column.button(starter, use_container_width=True):
            question = starter

if question is not None and not question.strip():
    st.warning("Type a question first.")
elif question:
    history.append({"role": "user", "content": question})
    with st.chat_message("user"):
        st.markdown(question)
    messages = [{"role": t["role"], "content": t["content"]} for t in history]
    with st.chat_message("assistant"):
        final: dict[str, Any] = {}

        def stream() -> Iterator[str]:
            for event, data in client().chat_stream(messages):
                if event == "delta":
                    yield data["text"]
                elif event == "done":
                    final.update(data)

        try:
            st.write_stream(stream())
        except ApiError as exc:
            history.pop()
            st.error(str(exc))
            st.stop()
        history.append({"role": "assistant", "content": final["answer"], "answer": final})
    st.rerun()
