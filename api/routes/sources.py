"""GET /sources/{doc_id}: the parsed document a citation points into."""

from __future__ import annotations

from fastapi import APIRouter, Query

from api.deps import EngineDep, PrincipalDep
from api.responses import SourceDocument

router = APIRouter(tags=["sources"])


@router.get("/sources/{doc_id}", response_model=SourceDocument, response_model_exclude_none=True)
def source(
    doc_id: str,
    principal: PrincipalDep,
    engine: EngineDep,
    start: int | None = Query(None, ge=0),
    end: int | None = Query(None, ge=0),
) -> SourceDocument:
    """The document text with metadata; ``start``/``end`` return the cited passage too.

    A document outside your groups is reported as not found (its existence is not leaked).
    """
    found = engine.documents.get(doc_id, principal, start, end)
    return SourceDocument(
        doc_id=found.info.doc_id,
        source=found.info.source,
        title=found.info.title,
        groups=found.info.groups,
        text=found.text,
        length=len(found.text),
        span=found.span,
        passage=found.passage,
    )
