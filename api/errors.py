"""CairnError → RFC 9457 problem JSON. The only place errors become HTTP."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from core.errors import (
    AccessDenied,
    AuthError,
    BadRequest,
    CairnError,
    Conflict,
    GateFailed,
    IndexMismatch,
    IndexNotFound,
    NotFound,
    RateLimited,
    RecordsUnavailable,
    StoreError,
    UpstreamError,
)

log = logging.getLogger("cairn.api")
STATUS: list[tuple[type[CairnError], int, str]] = [
    (AuthError, 401, "Unauthorized"),
    (AccessDenied, 403, "Forbidden"),
    (NotFound, 404, "Not Found"),
    (BadRequest, 422, "Unprocessable Content"),
    (IndexNotFound, 503, "Index Unavailable"),
    (IndexMismatch, 503, "Index Mismatch"),
    (StoreError, 503, "Vector Store Unavailable"),
    (RecordsUnavailable, 503, "Records Unavailable"),
    (UpstreamError, 502, "Upstream Failure"),
    (GateFailed, 409, "Eval Gate Failed"),
    (Conflict, 409, "Conflict"),
    (RateLimited, 429, "Too Many Requests"),
]


def problem(
    status: int, title: str, detail: str, headers: dict[str, str] | None = None, **extra: object
) -> JSONResponse:
    """A problem+json response."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    if status == 401:
        headers = {**(headers or {}), "WWW-Authenticate": "Bearer"}
    return JSONResponse(
        body, status_code=status, media_type="application/problem+json", headers=headers
    )


def install(app: FastAPI) -> None:
    """Register the handlers."""

    @app.exception_handler(CairnError)
    async def cairn_error(request: Request, exc: CairnError) -> JSONResponse:
        for cls, status, title in STATUS:
            if isinstance(exc, cls):
                retry = getattr(exc, "retry_after", None)
                headers = {"Retry-After": str(retry)} if retry is not None else None
                return problem(status, title, str(exc), headers)
        return problem(400, "Bad Request", str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": list(e.get("loc", [])), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        return problem(422, "Unprocessable Content", "the request is invalid", errors=errors)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        return problem(exc.status_code, str(exc.detail), str(exc.detail))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s", request.url.path)
        return problem(500, "Internal Server Error", "unexpected error; see the server log")
