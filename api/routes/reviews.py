"""Review queue for reviewers (group ``reviewers``) and admins: approve, correct, dismiss."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi import Path as PathParam
from pydantic import Field

from api.deps import PrincipalDep, ServicesDep
from api.models import Strict
from api.services.ask import citation_of
from core import review
from core.access import Principal
from core.errors import BadRequest
from core.schema import Hit

router = APIRouter(prefix="/reviews", tags=["review"])
UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


def reviewer(principal: PrincipalDep) -> Principal:
    """Only reviewers and admins."""
    review.require_reviewer(principal.groups, principal.is_admin)
    return principal


ReviewerDep = Annotated[Principal, Depends(reviewer)]
ItemId = Annotated[int, PathParam(ge=1, le=2**31 - 1)]


class Correction(Strict):
    """A corrected answer and the chunk ids it cites (chosen from the index)."""

    answer: str = Field(..., min_length=1, max_length=5000)
    chunk_ids: list[Annotated[str, Field(pattern=UUID_PATTERN)]] = Field(
        ..., min_length=1, max_length=20
    )


class Dismissal(Strict):
    """Why an item is dismissed."""

    note: str = Field("", max_length=2000)


@router.get("")
def list_items(services: ServicesDep, _: ReviewerDep, status: str = "open") -> list[dict[str, Any]]:
    """Open (or other status) items with the question, reason and original answer id."""
    return [
        {
            "id": i.id,
            "created_at": i.created_at.isoformat(),
            "question": i.question,
            "groups": i.groups,
            "reason": i.reason,
            "status": i.status,
            "answer_id": i.answer_id,
            "reviewer": i.reviewer,
            "note": i.note,
        }
        for i in review.queue(services.records, status)
    ]


@router.post("/{item_id}/approve")
def approve(item_id: ItemId, services: ServicesDep, who: ReviewerDep) -> dict[str, Any]:
    """Approve the answer that was given; it is then served for this question."""
    item = next((i for i in review.queue(services.records) if i.id == item_id), None)
    vector = services.retriever.embedder.embed([item.question if item else ""])[0]
    row = review.approve(services.records, item_id, who.name, vector.tolist())
    return {"approved": row.id, "status": "approved"}


@router.post("/{item_id}/correct")
def correct(
    item_id: ItemId, body: Correction, services: ServicesDep, who: ReviewerDep
) -> dict[str, Any]:
    """Replace the answer with a corrected one citing chunks picked from the live index."""
    item = next((i for i in review.queue(services.records) if i.id == item_id), None)
    if item is None:
        raise BadRequest(f"review item {item_id} is not open")
    collection = services.ask.live().collection
    chunks = {c.id: c for c in services.store.get(collection, body.chunk_ids)}
    missing = [cid for cid in body.chunk_ids if cid not in chunks]
    if missing:
        raise BadRequest(f"unknown chunk ids: {', '.join(missing)}")
    askers = Principal(name="asker", groups=item.groups)
    if not all(askers.can_see(chunks[cid].groups) for cid in body.chunk_ids):
        raise BadRequest("a cited chunk is not visible to the people who asked")
    citations = [
        citation_of(n + 1, Hit(chunk=chunks[cid], score=1.0)).model_dump(mode="json")
        for n, cid in enumerate(body.chunk_ids)
    ]
    vector = services.retriever.embedder.embed([item.question])[0]
    row = review.approve(
        services.records, item_id, who.name, vector.tolist(), body.answer, citations
    )
    return {"approved": row.id, "status": "corrected"}


@router.post("/{item_id}/dismiss")
def dismiss(
    item_id: ItemId, body: Dismissal, services: ServicesDep, who: ReviewerDep
) -> dict[str, Any]:
    """Close without changing answers."""
    review.dismiss(services.records, item_id, who.name, body.note)
    return {"status": "dismissed"}
