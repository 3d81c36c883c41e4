"""HTTP client for the Cairn API — the UI's only way to reach Cairn.

Every failure becomes an ``ApiError`` whose message is written for people (the pages
show it with ``st.error``); nothing here raises a library exception at the UI.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx

DEFAULT_URL = "http://127.0.0.1:8000"


class ApiError(Exception):
    """The API could not be reached or refused the request; the message is for people."""


class CairnClient:
    """Thin wrapper over the REST API."""

    def __init__(self, base_url: str | None = None, api_key: str | None = None) -> None:
        self.base_url = (base_url or os.environ.get("CAIRN_API_URL") or DEFAULT_URL).rstrip("/")
        self.api_key = api_key or None

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}

    def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = httpx.request(
                method, self.base_url + path, headers=self._headers(), timeout=60, **kwargs
            )
        except httpx.HTTPError as exc:
            raise ApiError(
                f"The Cairn API at {self.base_url} is not reachable. Is it running?"
            ) from exc
        if response.status_code >= 400:
            raise ApiError(_explain(response))
        return response.json()

    def me(self) -> dict[str, Any]:
        """The signed-in principal."""
        result: dict[str, Any] = self._request("GET", "/me")
        return result

    def sso(self) -> dict[str, Any] | None:
        """The single sign-on provider and client id, or None (off, or an older API)."""
        try:
            result: dict[str, Any] = self._request("GET", "/auth/oidc")
        except ApiError:
            return None
        return result if result.get("issuer") and result.get("client_id") else None

    def ready(self) -> dict[str, Any]:
        """Readiness report (a 503 is still an answer here)."""
        try:
            response = httpx.get(self.base_url + "/readyz", timeout=10)
        except httpx.HTTPError as exc:
            raise ApiError(
                f"The Cairn API at {self.base_url} is not reachable. Is it running?"
            ) from exc
        result: dict[str, Any] = response.json()
        return result

    def chat_stream(self, messages: list[dict[str, str]]) -> Iterator[tuple[str, Any]]:
        """(event, data) pairs from POST /chat/stream: citations, delta…, done."""
        try:
            with httpx.stream(
                "POST",
                self.base_url + "/chat/stream",
                json={"messages": messages},
                headers=self._headers(),
                timeout=120,
            ) as response:
                if response.status_code >= 400:
                    response.read()
                    raise ApiError(_explain(response))
                event = "message"
                for line in response.iter_lines():
                    if line.startswith("event: "):
                        event = line[7:]
                    elif line.startswith("data: "):
                        yield event, json.loads(line[6:])
        except httpx.HTTPError as exc:
            raise ApiError(
                f"The Cairn API at {self.base_url} is not reachable. Is it running?"
            ) from exc

    def search(
        self, query: str, limit: int, source: str | None, section: str | None
    ) -> list[dict[str, Any]]:
        """POST /search."""
        body: dict[str, Any] = {"query": query, "limit": limit}
        if source:
            body["source"] = source
        if section:
            body["section"] = section
        result: list[dict[str, Any]] = self._request("POST", "/search", json=body)
        return result

    def source(self, doc_id: str, start: int, end: int) -> dict[str, Any]:
        """GET /sources/{doc_id} with the cited span."""
        result: dict[str, Any] = self._request(
            "GET", f"/sources/{doc_id}", params={"start": start, "end": end}
        )
        return result

    def feedback(self, answer_id: str, helpful: bool, comment: str) -> None:
        """POST /answers/{id}/feedback."""
        self._request(
            "POST", f"/answers/{answer_id}/feedback", json={"helpful": helpful, "comment": comment}
        )

    def index_versions(self) -> list[dict[str, Any]]:
        """GET /index/versions."""
        result: list[dict[str, Any]] = self._request("GET", "/index/versions")
        return result

    def admin_sources(self) -> dict[str, Any]:
        """GET /admin/sources."""
        result: dict[str, Any] = self._request("GET", "/admin/sources")
        return result

    def sync_source(self, name: str) -> dict[str, Any]:
        """POST /admin/sources/{name}/sync: start a sync in the background (its run)."""
        result: dict[str, Any] = self._request("POST", f"/admin/sources/{quote(name)}/sync")
        return result

    def promote(self, version: int) -> None:
        """POST /admin/index/{version}/promote."""
        self._request("POST", f"/admin/index/{version}/promote")

    def rollback(self) -> None:
        """POST /admin/index/rollback."""
        self._request("POST", "/admin/index/rollback")

    def answers(
        self, principal: str | None, since: str | None, refused: bool | None
    ) -> list[dict[str, Any]]:
        """GET /answers (admin)."""
        params = {
            k: v
            for k, v in {"principal": principal, "since": since, "refused": refused}.items()
            if v not in (None, "")
        }
        result: list[dict[str, Any]] = self._request("GET", "/answers", params=params)
        return result

    def reviews(self) -> list[dict[str, Any]]:
        """GET /reviews (open items)."""
        result: list[dict[str, Any]] = self._request("GET", "/reviews")
        return result

    def review_action(self, item_id: int, action: str, body: dict[str, Any] | None = None) -> None:
        """POST /reviews/{id}/approve|correct|dismiss."""
        self._request("POST", f"/reviews/{item_id}/{action}", json=body or {})

    def replay(self, answer_id: str) -> dict[str, Any]:
        """GET /answers/{id}."""
        result: dict[str, Any] = self._request("GET", f"/answers/{answer_id}")
        return result

    def monitoring(self) -> dict[str, Any]:
        """GET /admin/monitor."""
        result: dict[str, Any] = self._request("GET", "/admin/monitor")
        return result

    def latest_eval(self) -> dict[str, Any] | None:
        """GET /admin/eval/latest (None when there is no report yet)."""
        try:
            result: dict[str, Any] = self._request("GET", "/admin/eval/latest")
        except ApiError as exc:
            if "no evaluation report" in str(exc):
                return None
            raise
        return result

    def feedback_queue(self) -> list[dict[str, Any]]:
        """GET /admin/feedback?helpful=false."""
        result: list[dict[str, Any]] = self._request(
            "GET", "/admin/feedback", params={"helpful": False}
        )
        return result


def _explain(response: httpx.Response) -> str:
    try:
        detail = response.json().get("detail", response.text)
    except ValueError:
        detail = response.text[:200]
    if response.status_code == 401:
        return f"Your API key was not accepted ({detail}). Check it in the sidebar."
    if response.status_code == 403:
        return "This page needs the admin key."
    if response.status_code == 409:
        return str(detail)
    if response.status_code == 503:
        return f"Cairn is not ready: {detail}"
    return f"The API answered {response.status_code}: {detail}"
