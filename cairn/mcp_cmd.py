"""``cairn mcp``: the MCP server over stdio, for desktop clients (Claude Desktop, IDEs).

The caller is the key (or OIDC token) in ``CAIRN_API_KEY``, checked at start and again on
every call, so a revoked key stops working at once. stdout carries the protocol only:
anything else goes to stderr.
"""

from __future__ import annotations

import contextlib
import sys
from typing import Annotated, Any

import anyio
import typer

from core.settings import get_settings


def mcp(
    key: Annotated[
        str | None,
        typer.Option(
            envvar="CAIRN_API_KEY",
            help="API key or OIDC token of the caller (prefer the CAIRN_API_KEY variable)",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Serve the MCP server (search, ask, get_source, documents) over stdio."""
    from mcp.server.stdio import stdio_server

    from answer import build_engine
    from api.mcp import build_server
    from core.access import Authenticator
    from core.records import Records

    settings = get_settings()
    records = Records(settings.records_url)
    authenticator = Authenticator(records, settings)
    authenticator.authenticate(key)  # fail fast, before loading the model: one clear line
    with contextlib.redirect_stdout(sys.stderr):  # nothing but the protocol on stdout
        engine = build_engine(settings)
    try:

        def principal_of(_: Any) -> Any:
            return authenticator.authenticate(key)

        server = build_server(lambda: engine, principal_of)

        async def serve() -> None:
            async with stdio_server() as (read, write):
                await server.run(read, write, server.create_initialization_options())

        anyio.run(serve)
    finally:
        engine.close()
        records.engine.dispose()
