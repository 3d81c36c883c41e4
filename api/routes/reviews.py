"""Review queue for reviewers (group ``reviewers``) and admins: approve, correct, dismiss."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi import Path as PathParam
from pydantic import Field

from answer import citation_of
from api.deps import EngineDep, PrincipalDep
from api.models import Strict
from api.responses import ReviewItemPublic, ReviewOutcome
from core.access import Principal
from core.errors import BadRequest
from core.records import review
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


@router.get("", response_model=list[ReviewItemPublic])
def list_items(engine: EngineDep, _: ReviewerDep, status: str = "open") -> list[ReviewItemPublic]:
    """Open (or other status) items with the question, reason and original answer id."""
    return [ReviewItemPublic.model_validate(i) for i in review.queue(engine.records, status)]


@router.post("/{item_id}/approve", response_model=ReviewOutcome)
def approve(item_id: ItemId, engine: EngineDep, who: ReviewerDep) -> ReviewOutcome:
    """Approve the answer that was given; it is then served for this question."""
    item = next((i for i in review.queue(engine.records) if i.id == item_id), None)
    vector = engine.embedder.embed([item.question if item else ""])[0]
    row = review.approve(engine.records, item_id, who.name, vector.tolist())
    return ReviewOutcome(status="approved", approved=row.id)


@router.post("/{item_id}/correct", response_model=ReviewOutcome)
def correct(
    item_id: ItemId, body: Correction, engine: EngineDep, who: ReviewerDep
) -> ReviewOutcome:
    """Replace the answer with a corrected one citing chunks picked from the live index."""
    item = next((i for i in review.queue(engine.records) if i.id == item_id), None)
    if item is None:
        raise BadRequest(f"review item {item_id} is not open")
    collection = engine.ask.live().collection
    chunks = {c.id: c for c in engine.store.get(collection, body.chunk_ids)}
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
    vector = engine.embedder.embed([item.question])[0]
    row = review.approve(engine.records, item_id, who.name, vector.tolist(), body.answer, citations)
    return ReviewOutcome(status="corrected", approved=row.id)


@router.post("/{item_id}/dismiss", response_model=ReviewOutcome)
def dismiss(item_id: ItemId, body: Dismissal, engine: EngineDep, who: ReviewerDep) -> ReviewOutcome:
    """Close without changing answers."""
    review.dismiss(engine.records, item_id, who.name, body.note)
    return ReviewOutcome(status="dismissed")
