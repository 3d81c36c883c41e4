"""POST /chat and POST /chat/stream (SSE); the OpenAI-compatible routes are in ``openai``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from answer import Engine, split_turns
from api.deps import EngineDep, PrincipalDep
from api.models import ChatRequest
from core.access import Principal
from core.schema import Answer

router = APIRouter(tags=["chat"])


def _answer(messages: list[Any], principal: Principal, engine: Engine) -> Answer:
    question, context = split_turns([(m.role, m.content) for m in messages])
    answer: Answer = engine.ask.ask(question, principal, context=context)
    return answer


def pieces(text: str, size: int = 3) -> Iterator[str]:
    """The text in pieces of ``size`` words, as streams send it."""
    words = text.split(" ")
    for i in range(0, len(words), size):
        yield " ".join(words[i : i + size]) + (" " if i + size < len(words) else "")


@router.post("/chat", response_model=Answer)
def chat(body: ChatRequest, principal: PrincipalDep, engine: EngineDep) -> Answer:
    """Answer the last user message; earlier turns resolve follow-up questions."""
    return _answer(body.messages, principal, engine)


@router.post("/chat/stream")
def chat_stream(body: ChatRequest, principal: PrincipalDep, engine: EngineDep) -> StreamingResponse:
    """Server-sent events: ``citations``, ``delta`` text pieces, ``done`` (the full answer)."""
    answer = _answer(body.messages, principal, engine)

    def events() -> Iterator[str]:
        cites = [c.model_dump(mode="json") for c in answer.citations]
        yield f"event: citations\ndata: {json.dumps(cites)}\n\n"
        for piece in pieces(answer.answer):
            yield f"event: delta\ndata: {json.dumps({'text': piece})}\n\n"
        yield f"event: done\ndata: {answer.model_dump_json()}\n\n"

    return StreamingResponse(events(), media_type="text/event-stream")
