"""POST /ask and POST /search."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import EngineDep, PrincipalDep
from api.models import AskRequest, SearchHit, SearchRequest
from core.schema import Answer

router = APIRouter(tags=["answers"])


@router.post("/ask", response_model=Answer)
def ask(body: AskRequest, principal: PrincipalDep, engine: EngineDep) -> Answer:
    """A grounded answer with citations from documents you may see, or a refusal."""
    return engine.ask.ask(body.question, principal)


@router.post("/search", response_model=list[SearchHit])
def search(body: SearchRequest, principal: PrincipalDep, engine: EngineDep) -> list[SearchHit]:
    """Ranked chunks (hybrid dense + BM25) visible to you, with scores and locations."""
    hits = engine.ask.search(body.query, principal, body.limit, body.source, body.section)
    return [SearchHit.of(i + 1, h.score, h.chunk) for i, h in enumerate(hits)]
