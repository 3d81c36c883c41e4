"""POST /chat, POST /chat/stream (SSE) and the OpenAI-compatible /v1/chat/completions."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from answer import Engine, split_turns
from api.deps import EngineDep, PrincipalDep
from api.models import ChatRequest, OpenAIChatRequest
from api.responses import ChatCompletion, ChatMessage, Choice
from core.access import Principal
from core.schema import Answer

router = APIRouter(tags=["chat"])


def _answer(messages: list[Any], principal: Principal, engine: Engine) -> Answer:
    question, context = split_turns([(m.role, m.content) for m in messages])
    answer: Answer = engine.ask.ask(question, principal, context=context)
    return answer


def _pieces(text: str, size: int = 3) -> Iterator[str]:
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
        for piece in _pieces(answer.answer):
            yield f"event: delta\ndata: {json.dumps({'text': piece})}\n\n"
        yield f"event: done\ndata: {answer.model_dump_json()}\n\n"

    return StreamingResponse(events(), media_type="text/event-stream")


def _with_sources(answer: Answer) -> str:
    if not answer.citations:
        return answer.answer
    label = "Closest sources" if answer.refused else "Sources"
    lines = [f"[{c.n}] {c.title} — {c.section or c.source} ({c.source})" for c in answer.citations]
    return f"{answer.answer}\n\n{label}:\n" + "\n".join(lines)


@router.post(
    "/v1/chat/completions",
    response_model=ChatCompletion,
    responses={200: {"content": {"text/event-stream": {}}}},
)
def completions(
    body: OpenAIChatRequest, principal: PrincipalDep, engine: EngineDep
) -> ChatCompletion | StreamingResponse:
    """OpenAI-compatible chat completions (stream or not); citations ride along."""
    answer = _answer(body.messages, principal, engine)
    content = _with_sources(answer)
    base: dict[str, Any] = {
        "id": f"chatcmpl-{answer.answer_id}",
        "created": int(time.time()),
        "model": "cairn",
    }
    if not body.stream:
        return ChatCompletion(
            id=base["id"],
            created=base["created"],
            model="cairn",
            choices=[
                Choice(
                    index=0,
                    message=ChatMessage(role="assistant", content=content),
                    finish_reason="stop",
                )
            ],
            citations=answer.citations,
            cairn=answer.model_dump(mode="json", exclude={"citations"}),
        )
    citations = [c.model_dump(mode="json") for c in answer.citations]

    def chunks() -> Iterator[str]:
        head = {**base, "object": "chat.completion.chunk"}
        first = {"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}
        yield f"data: {json.dumps({**head, 'choices': [first]})}\n\n"
        for piece in _pieces(content):
            choice = {"index": 0, "delta": {"content": piece}, "finish_reason": None}
            yield f"data: {json.dumps({**head, 'choices': [choice]})}\n\n"
        last = {"index": 0, "delta": {}, "finish_reason": "stop"}
        yield f"data: {json.dumps({**head, 'choices': [last], 'citations': citations})}\n\n"
        yield "data: [DONE]\n\n"

    return StreamingResponse(chunks(), media_type="text/event-stream")
