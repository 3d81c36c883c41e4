"""HTTP client for the Cairn API — the UI's only way to reach Cairn."""

from __future__ import annotations

import os
from typing import Any

import httpx


class ApiError(Exception):
    """The API could not be reached or answered with an error; the message is for people."""


class CairnClient:
    """Thin wrapper over the REST API."""

    def __init__(self, base_url: str | None = None, api_key: str | None = None) -> None:
        self.base_url = base_url or os.environ.get("CAIRN_API_URL", "http://127.0.0.1:8000")
        self.api_key = api_key

    def _get(self, path: str) -> Any:
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        try:
            response = httpx.get(self.base_url + path, headers=headers, timeout=10)
        except httpx.HTTPError as exc:
            raise ApiError(f"The Cairn API at {self.base_url} is not reachable ({exc}).") from exc
        if response.status_code >= 400:
            raise ApiError(f"The API answered {response.status_code}: {response.text[:200]}")
        return response.json()

    def ready(self) -> dict[str, Any]:
        """Readiness report (503 is still a valid answer here)."""
        try:
            response = httpx.get(self.base_url + "/readyz", timeout=10)
        except httpx.HTTPError as exc:
            raise ApiError(f"The Cairn API at {self.base_url} is not reachable ({exc}).") from exc
        result: dict[str, Any] = response.json()
        return result

    def index_versions(self) -> list[dict[str, Any]]:
        """All index versions."""
        result: list[dict[str, Any]] = self._get("/index/versions")
        return result
