"""CairnError → RFC 9457 problem JSON, or OpenAI's error shape under ``/v1/``. The only
place errors become HTTP."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from core.errors import (
    AccessDenied,
    AuthError,
    AuthUnavailable,
    BadRequest,
    CairnError,
    Conflict,
    GateFailed,
    IndexMismatch,
    IndexNotFound,
    NotFound,
    RateLimited,
    RecordsUnavailable,
    SourceBusy,
    StoreError,
    SyncUnavailable,
    UnknownAnswerer,
    UpstreamError,
)

log = logging.getLogger("cairn.api")
STATUS: list[tuple[type[CairnError], int, str]] = [
    (AuthError, 401, "Unauthorized"),
    (AuthUnavailable, 503, "Identity Provider Unavailable"),
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
    (SourceBusy, 409, "Sync Already Running"),
    (SyncUnavailable, 503, "Sync Unavailable"),
    (RateLimited, 429, "Too Many Requests"),
]
OPENAI_PREFIX = "/v1/"
# OpenAI's error ``type`` by status; its clients map the status to an exception class.
OPENAI_TYPES = {401: "authentication_error", 403: "permission_error", 429: "rate_limit_error"}
OPENAI_CODES: list[tuple[type[CairnError], str, str | None]] = [
    (UnknownAnswerer, "model_not_found", "model"),
    (AuthError, "invalid_api_key", None),
    (RateLimited, "rate_limit_exceeded", None),
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


def openai_body(
    status: int, message: str, code: str | None = None, param: str | None = None
) -> dict[str, Any]:
    """OpenAI's error object: ``{"error": {"message", "type", "param", "code"}}``."""
    kind = OPENAI_TYPES.get(status, "server_error" if status >= 500 else "invalid_request_error")
    return {"error": {"message": message, "type": kind, "param": param, "code": code}}


def openai_error(
    status: int,
    message: str,
    code: str | None = None,
    param: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """An error in OpenAI's shape, for the OpenAI-compatible routes."""
    if status == 401:
        headers = {**(headers or {}), "WWW-Authenticate": "Bearer"}
    return JSONResponse(openai_body(status, message, code, param), status, headers=headers)


def is_openai(path: str) -> bool:
    """Whether ``path`` is one of the OpenAI-compatible routes."""
    return path.startswith(OPENAI_PREFIX)


def error_response(path: str, exc: CairnError) -> JSONResponse:
    """A CairnError as the response for ``path``: problem JSON, or OpenAI's shape."""
    status, title = next(((s, t) for cls, s, t in STATUS if isinstance(exc, cls)), (400, ""))
    retry = getattr(exc, "retry_after", None)
    headers = {"Retry-After": str(retry)} if retry is not None else None
    if is_openai(path):
        status = 400 if status == 422 else status  # OpenAI's clients know 400, not 422
        code, param = next(
            ((c, p) for cls, c, p in OPENAI_CODES if isinstance(exc, cls)), (None,) * 2
        )
        return openai_error(status, str(exc), code, param, headers)
    return problem(status, title or "Bad Request", str(exc), headers)


def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = [
        {"loc": list(e.get("loc", [])), "msg": e.get("msg", ""), "type": e.get("type", "")}
        for e in exc.errors()
    ]
    if is_openai(request.url.path):
        first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
        param = ".".join(str(part) for part in first["loc"] if part != "body") or None
        message = f"{param}: {first['msg']}" if param else str(first["msg"])
        return openai_error(400, message, "invalid_request", param)
    return problem(422, "Unprocessable Content", "the request is invalid", errors=errors)


def install(app: FastAPI) -> None:
    """Register the handlers."""

    @app.exception_handler(CairnError)
    async def cairn_error(request: Request, exc: CairnError) -> JSONResponse:
        return error_response(request.url.path, exc)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return _invalid(request, exc)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        if is_openai(request.url.path):
            return openai_error(exc.status_code, str(exc.detail))
        return problem(exc.status_code, str(exc.detail), str(exc.detail))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s", request.url.path)
        message = "unexpected error; see the server log"
        if is_openai(request.url.path):
            return openai_error(500, message)
        return problem(500, "Internal Server Error", message)
