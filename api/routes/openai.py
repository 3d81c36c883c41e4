"""The OpenAI-compatible API: ``GET /v1/models`` and ``POST /v1/chat/completions``.

Chat front ends (Open WebUI, LibreChat, IDE assistants) list the models first, then chat
with one. Each model is an answerer: ``cairn`` is the configured one, ``cairn-<name>``
picks one by name. Errors under ``/v1/`` take OpenAI's shape (``api/errors.py``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from answer import Engine, split_turns
from api.deps import EngineDep, PrincipalDep
from api.models import OpenAIChatRequest
from api.responses import ChatCompletion, ChatMessage, Choice, ModelCard, ModelList
from api.routes.chat import pieces
from core.errors import UnknownAnswerer
from core.schema import Answer

router = APIRouter(prefix="/v1", tags=["openai"])
MODEL = "cairn"


def _models(engine: Engine) -> list[ModelCard]:
    """``cairn`` (the configured answerer), then ``cairn-<name>`` for every answerer."""
    created = int(time.time())
    default = engine.ask.answerer.name
    cards = [ModelCard(id=MODEL, created=created, answerer=default)]
    for name, answerer in engine.ask.answerers.items():
        cards.append(ModelCard(id=f"{MODEL}-{name}", created=created, answerer=answerer.name))
    return cards


def _answerer(model: str, engine: Engine) -> str | None:
    """The answerer name a model id stands for (None: the default); UnknownAnswerer."""
    if model == MODEL:
        return None
    name = model.removeprefix(f"{MODEL}-")
    if name == model or name not in engine.ask.answerers:
        known = ", ".join(card.id for card in _models(engine))
        raise UnknownAnswerer(f"the model {model!r} does not exist; available: {known}")
    return name


@router.get("/models", response_model=ModelList)
def models(principal: PrincipalDep, engine: EngineDep) -> ModelList:
    """The models (answerers) you may chat with."""
    return ModelList(data=_models(engine))


@router.get("/models/{model}", response_model=ModelCard)
def model(model: str, principal: PrincipalDep, engine: EngineDep) -> ModelCard:
    """One model, or 404 ``model_not_found``."""
    _answerer(model, engine)
    return next(card for card in _models(engine) if card.id == model)


def _with_sources(answer: Answer) -> str:
    if not answer.citations:
        return answer.answer
    label = "Closest sources" if answer.refused else "Sources"
    lines = [f"[{c.n}] {c.title} — {c.section or c.source} ({c.source})" for c in answer.citations]
    return f"{answer.answer}\n\n{label}:\n" + "\n".join(lines)


@router.post(
    "/chat/completions",
    response_model=ChatCompletion,
    responses={200: {"content": {"text/event-stream": {}}}},
)
def completions(
    body: OpenAIChatRequest, principal: PrincipalDep, engine: EngineDep
) -> ChatCompletion | StreamingResponse:
    """OpenAI-compatible chat completions (stream or not); citations ride along."""
    answerer = _answerer(body.model, engine)
    question, context = split_turns([(m.role, m.text) for m in body.messages])
    answer = engine.ask.ask(question, principal, context=context, answerer=answerer)
    content = _with_sources(answer)
    created, ident = int(time.time()), f"chatcmpl-{answer.answer_id}"
    if not body.stream:
        return ChatCompletion(
            id=ident,
            created=created,
            model=body.model,
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
    head: dict[str, Any] = {
        "id": ident,
        "object": "chat.completion.chunk",
        "created": created,
        "model": body.model,
    }
    citations = [c.model_dump(mode="json") for c in answer.citations]

    def chunks() -> Iterator[str]:
        first = {"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}
        yield f"data: {json.dumps({**head, 'choices': [first]})}\n\n"
        for piece in pieces(content):
            choice = {"index": 0, "delta": {"content": piece}, "finish_reason": None}
            yield f"data: {json.dumps({**head, 'choices': [choice]})}\n\n"
        last = {"index": 0, "delta": {}, "finish_reason": "stop"}
        yield f"data: {json.dumps({**head, 'choices': [last], 'citations': citations})}\n\n"
        yield "data: [DONE]\n\n"

    return StreamingResponse(chunks(), media_type="text/event-stream")
