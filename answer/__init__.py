"""The answer engine, free of any web framework.

``build_engine(settings)`` is the composition root every caller shares (API, eval, CLI,
benchmarks). A question becomes a ``Query``; answer sources (tables, approved answers)
may answer it outright; otherwise ``Retriever`` finds passages (dense | bm25 | hybrid |
hybrid+rerank), an ``Answerer`` (extractive by default, or an OpenAI-compatible LLM)
drafts sentences, the grounding check keeps the supported ones, and assembly numbers the
citations — or the answer is a refusal that lists the closest sources.
"""

from __future__ import annotations

from answer.ask import Answerer, AskService, Listener
from answer.assemble import REFUSAL, citation_of
from answer.cache import AnswerCache
from answer.chat import split_turns
from answer.documents import DocumentInfo, Documents, Passage
from answer.engine import Engine, build_engine, preflight
from answer.ground import MARKER
from answer.query import Query
from answer.retrieval import MODES, Mode, Retriever, fuse, hybrid_search

__all__ = [
    "MARKER",
    "MODES",
    "REFUSAL",
    "AnswerCache",
    "Answerer",
    "AskService",
    "DocumentInfo",
    "Documents",
    "Engine",
    "Listener",
    "Mode",
    "Passage",
    "Query",
    "Retriever",
    "build_engine",
    "citation_of",
    "fuse",
    "hybrid_search",
    "preflight",
    "split_turns",
]
