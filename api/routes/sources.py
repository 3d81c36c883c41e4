"""GET /sources/{doc_id}: the parsed document a citation points into."""

from __future__ import annotations

from fastapi import APIRouter, Query

from api.deps import EngineDep, PrincipalDep
from api.responses import SourceDocument
from core.errors import BadRequest, NotFound

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
    version = engine.ask.live()
    row = engine.records.document(version.version, doc_id)
    if row is None or row.status != "ok" or not principal.can_see(list(row.groups)):
        raise NotFound(f"no document {doc_id}")
    doc = SourceDocument(
        doc_id=row.doc_id,
        source=row.path,
        title=row.title,
        groups=row.groups,
        text=row.text,
        length=len(row.text),
    )
    if start is not None or end is not None:
        a, b = start or 0, end if end is not None else len(row.text)
        if a >= b or b > len(row.text):
            raise BadRequest(f"span {a}-{b} is outside the document (length {len(row.text)})")
        doc.span, doc.passage = (a, b), row.text[a:b]
    return doc
