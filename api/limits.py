"""Request body size limit (ASGI middleware) and a per-caller rate limiter.

The limiter is a fixed one-minute window per principal, in process memory: with several
API workers each enforces its own window (documented in README; put a shared limiter in
the load balancer, or Redis, for a strict global limit).
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

from api.errors import is_openai, openai_body
from core.errors import RateLimited

Scope = dict[str, Any]


class BodyLimit:
    """Reject request bodies larger than ``max_bytes`` with a 413 problem response."""

    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._reject(scope, send)
            return
        # Read the body first (never more than max_bytes of it), then replay it.
        chunks: list[bytes] = []
        total = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            total += len(message.get("body", b""))
            if total > self.max_bytes:
                await self._reject(scope, send)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Any:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _reject(self, scope: Scope, send: Any) -> None:
        detail = f"request body over {self.max_bytes} bytes"
        if is_openai(scope.get("path", "")):
            body = json.dumps(openai_body(413, detail)).encode()
            media = b"application/json"
        else:
            problem = {"type": "about:blank", "title": "Content Too Large", "status": 413}
            body = json.dumps({**problem, "detail": detail}).encode()
            media = b"application/problem+json"
        headers = [
            (b"content-type", media),
            (b"content-length", str(len(body)).encode()),
        ]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class RateLimiter:
    """At most ``per_minute`` requests per caller per clock minute (0 = unlimited)."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._windows: dict[str, tuple[int, int]] = {}
        self._lock = threading.Lock()

    def check(self, caller: str) -> None:
        """Count one request; raise RateLimited over the allowance."""
        if self.per_minute <= 0:
            return
        now = time.time()
        window = int(now // 60)
        with self._lock:
            start, count = self._windows.get(caller, (window, 0))
            if start != window:
                start, count = window, 0
            if count >= self.per_minute:
                raise RateLimited(retry_after=max(1, int(60 - now % 60)))
            self._windows[caller] = (start, count + 1)
