"""POST /admin/sources/{name}/sync: start a sync of a live source in the background."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from fastapi import Path as PathParam

from api.deps import AdminDep, EngineDep, SyncsDep
from api.responses import SyncStarted
from core.errors import SyncUnavailable
from core.records import runs
from core.sources import NAME, find_source

router = APIRouter(prefix="/admin/sources", tags=["admin"])
SourceName = Annotated[str, PathParam(pattern=NAME.pattern)]


@router.post(
    "/{name}/sync",
    status_code=202,
    response_model=SyncStarted,
    responses={404: {"description": "no such source"}, 409: {"description": "already syncing"}},
)
def sync_source(name: SourceName, _: AdminDep, engine: EngineDep, syncs: SyncsDep) -> SyncStarted:
    """Start syncing ``name`` (a source of sources.yaml) and answer at once (202) with the
    run; answering goes on while it syncs. 404 for an unknown source, 409 while a sync of
    it is already running (here, from `cairn sync` or from the scheduler)."""
    if syncs is None:
        find_source(engine.settings.sources, name)  # an unknown source is 404 here too
        raise SyncUnavailable(
            "this server cannot start syncs: start it with `cairn serve`, or run `cairn sync`"
        )
    run_id = syncs.start(name)  # looks the source up: NotFound (404) for an unknown one
    return SyncStarted.model_validate(runs.get_run(engine.records, run_id))
