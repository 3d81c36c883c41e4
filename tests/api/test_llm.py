"""The LLM answerer against a scripted OpenAI-compatible server started by the test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import Api, prepare, running_api, scripted_llm, serve

pytestmark = pytest.mark.integration

SCRIPT = {
    "How often are laptops replaced?": "Laptops are replaced every four years, or earlier if they fail [1].",
    "How many vacation days do full-time employees get?": (
        "Full-time employees have 27 days of paid vacation per year [1]. "
        "Unused days can be sold back for 500 euros each [1]."
    ),
    "What is the salary of a Senior Engineer?": (
        "A Senior Engineer earns 61,000 to 76,000 euros [1]. The bands are reviewed in January [2]."
    ),
    "What colour is the CEO's car?": "NOT IN DOCUMENTS",
}


@pytest.fixture
def llm_api(tmp_path: Path, corpus: Path) -> Iterator[tuple[Api, list[dict[str, Any]]]]:
    seen: list[dict[str, Any]] = []
    with serve(scripted_llm(seen, SCRIPT, "NOT IN DOCUMENTS")) as llm_url:
        settings = prepare(
            tmp_path,
            corpus,
            answer={"answerer": "llm", "min_confidence": 0.1},
            llm={"base_url": llm_url + "/v1", "model": "scripted"},
        )
        with running_api(settings) as api:
            yield api, seen


def test_llm_answer_is_cited_and_grounded(llm_api: tuple[Api, list[dict[str, Any]]]) -> None:
    api, seen = llm_api
    with api.client(api.user_key) as http:
        body = http.post("/ask", json={"question": "How often are laptops replaced?"}).json()
    assert not body["refused"] and body["answerer"] == "llm:scripted"
    assert body["answer"].startswith("Laptops are replaced every four years")
    assert body["citations"][0]["source"] == "it/laptop-and-accounts.md" and body["grounded"]
    request = seen[-1]
    assert request["temperature"] == 0 and request["model"] == "scripted"
    assert "[1]" in request["messages"][1]["content"]


def test_invented_sentence_is_dropped(llm_api: tuple[Api, list[dict[str, Any]]]) -> None:
    api, _ = llm_api
    with api.client(api.user_key) as http:
        body = http.post(
            "/ask", json={"question": "How many vacation days do full-time employees get?"}
        ).json()
    assert "27 days" in body["answer"] and "500 euros" not in body["answer"]
    assert not body["grounded"] and len(body["sentences"]) == 1


def test_model_leaking_restricted_numbers_is_refused(
    llm_api: tuple[Api, list[dict[str, Any]]],
) -> None:
    api, seen = llm_api
    with api.client(api.user_key) as http:
        body = http.post(
            "/ask", json={"question": "What is the salary of a Senior Engineer?"}
        ).json()
    assert body["refused"] and "61,000" not in str(body)
    prompt = seen[-1]["messages"][1]["content"]
    assert "61,000" not in prompt and "people-ops" not in prompt


def test_not_in_documents_is_a_refusal(llm_api: tuple[Api, list[dict[str, Any]]]) -> None:
    api, _ = llm_api
    with api.client(api.user_key) as http:
        body = http.post("/ask", json={"question": "What colour is the CEO's car?"}).json()
    assert body["refused"] and body["refusal_reason"] == "the model found no answer in the sources"


def test_llm_down_is_a_502_problem(tmp_path: Path, corpus: Path) -> None:
    from tools.testserver import free_port

    settings = prepare(
        tmp_path,
        corpus,
        answer={"answerer": "llm"},
        llm={"base_url": f"http://127.0.0.1:{free_port()}"},
    )
    with running_api(settings) as api, api.client(api.user_key) as http:
        response = http.post("/ask", json={"question": "How often are laptops replaced?"})
    assert response.status_code == 502 and "LLM endpoint" in response.json()["detail"]


def test_llm_garbage_is_a_502_and_nothing_is_audited(tmp_path: Path, corpus: Path) -> None:
    from fastapi import FastAPI
    from fastapi.responses import PlainTextResponse

    garbage = FastAPI()

    @garbage.post("/v1/chat/completions")
    async def completions() -> PlainTextResponse:
        return PlainTextResponse("<html>upstream proxy error</html>")

    with serve(garbage) as llm_url:
        settings = prepare(
            tmp_path, corpus, answer={"answerer": "llm"}, llm={"base_url": llm_url + "/v1"}
        )
        with running_api(settings) as api, api.client(api.user_key) as http:
            response = http.post("/ask", json={"question": "How often are laptops replaced?"})
            with api.client(api.admin_key) as admin:
                audited = admin.get("/answers").json()
    assert response.status_code == 502 and "LLM endpoint failed" in response.json()["detail"]
    assert response.headers["content-type"] == "application/problem+json"
    assert audited == []
