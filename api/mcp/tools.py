"""The MCP tools: typed arguments and results, each a thin call into the engine's services
(the same ones ``/search``, ``/ask`` and ``/sources`` call), run as the caller."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import mcp_types as types
from pydantic import BaseModel, ConfigDict, Field

from answer import Engine
from api.models import SearchHit
from core.access import Principal
from core.schema import Answer

__all__ = ["TOOLS", "Tool"]


class Arguments(BaseModel):
    """Tool arguments: unknown fields are an error the calling model can read."""

    model_config = ConfigDict(extra="forbid")


class SearchArgs(Arguments):
    query: str = Field(..., min_length=1, max_length=2000, description="what to look for")
    limit: int = Field(5, ge=1, le=50, description="how many passages (1-50)")


class AskArgs(Arguments):
    question: str = Field(..., min_length=1, max_length=20000, description="a question")


class SourceArgs(Arguments):
    doc_id: str = Field(..., min_length=1, max_length=64, description="a cited doc_id")
    start: int | None = Field(None, ge=0, description="first character of the passage")
    end: int | None = Field(None, ge=0, description="character after the passage")


class SearchResults(BaseModel):
    """Ranked passages, each with where it comes from (source, section, page, span, url)."""

    results: list[SearchHit]


class SourcePassage(BaseModel):
    """A document you may see: the passage ``span`` (or the whole text when no span)."""

    doc_id: str
    source: str
    title: str
    length: int
    span: tuple[int, int] | None
    text: str


def _search(engine: Engine, principal: Principal, args: SearchArgs) -> BaseModel:
    hits = engine.ask.search(args.query, principal, args.limit)
    return SearchResults(
        results=[SearchHit.of(i + 1, h.score, h.chunk) for i, h in enumerate(hits)]
    )


def _ask(engine: Engine, principal: Principal, args: AskArgs) -> BaseModel:
    answer: Answer = engine.ask.ask(args.question, principal)
    return answer


def _get_source(engine: Engine, principal: Principal, args: SourceArgs) -> BaseModel:
    found = engine.documents.get(args.doc_id, principal, args.start, args.end)
    return SourcePassage(
        doc_id=found.info.doc_id,
        source=found.info.source,
        title=found.info.title,
        length=len(found.text),
        span=found.span,
        text=found.text if found.passage is None else found.passage,
    )


@dataclass(frozen=True)
class Tool:
    """One MCP tool: its name, what it is for, its argument and result models."""

    name: str
    description: str
    arguments: type[Arguments]
    result: type[BaseModel]
    call: Callable[[Engine, Principal, Any], BaseModel]

    def describe(self) -> types.Tool:
        """The tool as ``tools/list`` shows it."""
        return types.Tool(
            name=self.name,
            description=self.description,
            input_schema=self.arguments.model_json_schema(),
            output_schema=self.result.model_json_schema(),
            annotations=types.ToolAnnotations(read_only_hint=True, open_world_hint=False),
        )

    def run(self, engine: Engine, principal: Principal, args: Arguments) -> dict[str, Any]:
        """Call the engine as ``principal``; the result as JSON-ready data."""
        result: dict[str, Any] = self.call(engine, principal, args).model_dump(mode="json")
        return result


TOOLS = {
    tool.name: tool
    for tool in (
        Tool(
            "search",
            "Ranked passages from the documents you may see (hybrid dense + BM25), each "
            "with its doc_id, source file, title, section, page, character span and url.",
            SearchArgs,
            SearchResults,
            _search,
        ),
        Tool(
            "ask",
            "A grounded answer quoted from the documents you may see, every sentence "
            "citing its passage ([n] markers, `citations`), or a refusal that lists the "
            "closest sources when the documents do not say. Audited like the HTTP API.",
            AskArgs,
            Answer,
            _ask,
        ),
        Tool(
            "get_source",
            "The text a citation points into: a document by doc_id, the passage between "
            "start and end (character offsets, as in a citation's span), or all of it.",
            SourceArgs,
            SourcePassage,
            _get_source,
        ),
    )
}
