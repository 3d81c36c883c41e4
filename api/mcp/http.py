"""``/mcp``: the MCP server over the SDK's streamable HTTP transport, inside the API.

Each request is authenticated like every other route (bearer API key or OIDC token; 401
problem JSON otherwise) and rate limited, then handed to the SDK. Stateless JSON mode:
no session lives in one worker's memory, so several API workers can serve ``/mcp``.
"""

from __future__ import annotations

from typing import Any

from anyio import to_thread
from fastapi import FastAPI, Request
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from starlette.types import Receive, Scope, Send

from api.deps import get_principal
from api.errors import error_response
from api.mcp.server import Context, build_server
from core.access import Principal
from core.errors import AuthError, CairnError

__all__ = ["McpEndpoint"]

STATE_KEY = "mcp_principal"


def _principal_of(ctx: Context) -> Principal:
    """The principal the endpoint authenticated for this HTTP request."""
    request: Any = ctx.request
    principal = getattr(getattr(request, "state", None), STATE_KEY, None)
    if not isinstance(principal, Principal):
        raise AuthError("an API key is required (Authorization: Bearer <key>)")
    return principal


class McpEndpoint:
    """The ASGI endpoint mounted at ``/mcp``; ``run()`` belongs in the app's lifespan."""

    def __init__(self, app: FastAPI) -> None:
        server = build_server(lambda: app.state.engine, _principal_of)
        self.manager = StreamableHTTPSessionManager(server, json_response=True, stateless=True)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope)
        app = request.app
        try:
            principal = await to_thread.run_sync(
                get_principal, request, app.state.auth, app.state.limiter
            )
        except CairnError as exc:
            await error_response(request.url.path, exc)(scope, receive, send)
            return
        setattr(request.state, STATE_KEY, principal)
        await self.manager.handle_request(scope, receive, send)
