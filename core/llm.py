"""A client for one OpenAI-compatible chat endpoint, shared by the LLM answerer and the
table layer's optional SQL writer."""

from __future__ import annotations

import httpx

from core.errors import UpstreamError
from core.settings import LlmSettings

__all__ = ["LlmClient"]


class LlmClient:
    """One OpenAI-compatible endpoint: ``{base_url}/chat/completions`` at temperature 0."""

    def __init__(self, cfg: LlmSettings, client: httpx.Client | None = None) -> None:
        if not cfg.base_url:
            raise UpstreamError("CAIRN_LLM__BASE_URL is not set")
        self.cfg = cfg
        self.url = cfg.base_url.rstrip("/") + "/chat/completions"
        self.name = f"llm:{cfg.model}"
        self.client = client or httpx.Client(timeout=cfg.timeout_s)

    def complete(self, messages: list[dict[str, str]]) -> str:
        """One deterministic chat completion (temperature 0, fixed seed): the reply's text."""
        body = {
            "model": self.cfg.model,
            "messages": messages,
            "temperature": 0,
            "seed": 0,
            "max_tokens": self.cfg.max_tokens,
        }
        key = self.cfg.api_key
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        try:
            response = self.client.post(self.url, json=body, headers=headers)
            response.raise_for_status()
            return str(response.json()["choices"][0]["message"]["content"]).strip()
        except (httpx.HTTPError, KeyError, IndexError, TypeError, ValueError) as exc:
            raise UpstreamError(f"the LLM endpoint failed: {exc}") from exc
