"""The MCP server (``server``, ``tools``) and its streamable HTTP endpoint (``http``);
``cairn mcp`` serves the same server over stdio."""

from api.mcp.http import McpEndpoint
from api.mcp.server import DOCUMENT_URI, PrincipalOf, build_server

__all__ = ["DOCUMENT_URI", "McpEndpoint", "PrincipalOf", "build_server"]
