"""POST /ask and POST /search."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import PrincipalDep, ServicesDep
from api.models import AskRequest, SearchHit, SearchRequest
from core.errors import BadRequest
from core.schema import Answer

router = APIRouter(tags=["answers"])


@router.post("/ask", response_model=Answer)
def ask(body: AskRequest, principal: PrincipalDep, services: ServicesDep) -> Answer:
    """A grounded answer with citations from documents you may see, or a refusal."""
    return services.ask.ask(body.question, principal)


@router.post("/search", response_model=list[SearchHit])
def search(body: SearchRequest, principal: PrincipalDep, services: ServicesDep) -> list[SearchHit]:
    """Ranked chunks (hybrid dense + BM25) visible to you, with scores and locations."""
    if not body.query.strip():
        raise BadRequest("the query is empty")
    version = services.ask.live()
    limit = body.limit * 3 if body.section else body.limit
    hits = services.retriever.search(
        body.query, principal, version.collection, limit, source=body.source
    ).hits
    if body.section:
        needle = body.section.casefold()
        hits = [h for h in hits if needle in h.chunk.section.casefold()][: body.limit]
    return [SearchHit.of(i + 1, h.score, h.chunk) for i, h in enumerate(hits)]
