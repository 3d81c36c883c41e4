"""Chat turns: resolve a follow-up against the conversation, deterministically.

A follow-up such as "and for contractors?" or "how do I request it?" carries too few
terms to retrieve on its own; the previous user question then becomes retrieval
context (the answer is still built for the new question only).
"""

from __future__ import annotations

import re

from core.errors import BadRequest

FOLLOW_UP = re.compile(
    r"^(and|but|also|what about|how about|then|so|or)\b"
    r"|\b(it|that|this|they|them|those|these|there)\b",
    re.IGNORECASE,
)


def split_turns(messages: list[tuple[str, str]]) -> tuple[str, str]:
    """(question, retrieval context) from (role, content) pairs."""
    users = [content.strip() for role, content in messages if role == "user" and content.strip()]
    if not users:
        raise BadRequest("the conversation has no user message")
    question = users[-1]
    previous = users[-2] if len(users) > 1 else ""
    if previous and (FOLLOW_UP.search(question) or len(question.split()) <= 4):
        return question, previous
    return question, ""
