"""Request and response bodies of the HTTP API (unknown fields are rejected)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from core.schema import Chunk


class Strict(BaseModel):
    """Base for request bodies: unknown fields are a 422, not silently ignored."""

    model_config = ConfigDict(extra="forbid")


class AskRequest(Strict):
    """POST /ask."""

    question: str = Field(..., min_length=1, max_length=20000)


class SearchRequest(Strict):
    """POST /search."""

    query: str = Field(..., min_length=1, max_length=20000)
    limit: int = Field(10, ge=1, le=100)
    source: str | None = Field(None, description="only chunks of this file (relative path)")
    section: str | None = Field(None, description="only chunks whose section contains this")


class SearchHit(BaseModel):
    """One ranked chunk."""

    rank: int
    score: float
    chunk_id: str
    doc_id: str
    source: str
    title: str
    section: str
    page: int | None
    span: tuple[int, int]
    text: str
    url: str

    @classmethod
    def of(cls, rank: int, score: float, c: Chunk) -> SearchHit:
        """From a chunk."""
        return cls(
            rank=rank,
            score=round(score, 6),
            chunk_id=c.id,
            doc_id=c.doc_id,
            source=c.source,
            title=c.title,
            section=c.section,
            page=c.page,
            span=c.span,
            text=c.text,
            url=c.url,
        )


class Message(Strict):
    """A chat message."""

    role: Literal["system", "user", "assistant"]
    content: str = Field(..., max_length=20000)


class ChatRequest(Strict):
    """POST /chat and /chat/stream."""

    messages: list[Message] = Field(..., min_length=1, max_length=100)


class FeedbackRequest(Strict):
    """POST /answers/{id}/feedback."""

    helpful: bool
    comment: str = Field("", max_length=5000)


class TextPart(BaseModel):
    """One part of an OpenAI message's content; only text parts are read."""

    type: Literal["text"]
    text: str = Field(..., max_length=20000)


class OpenAIMessage(BaseModel):
    """An OpenAI chat message: content as a string or a list of text parts."""

    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: Annotated[str, Field(max_length=20000)] | list[TextPart] | None = None

    @property
    def text(self) -> str:
        """The content as one string."""
        if isinstance(self.content, list):
            return "\n".join(part.text for part in self.content)
        return self.content or ""


class OpenAIChatRequest(BaseModel):
    """POST /v1/chat/completions (extra OpenAI fields are accepted and ignored)."""

    model: str = Field(..., min_length=1, max_length=200)
    messages: list[OpenAIMessage] = Field(..., min_length=1, max_length=100)
    stream: bool = False
