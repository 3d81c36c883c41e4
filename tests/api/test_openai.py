"""The OpenAI-compatible API through the official ``openai`` client, against a real
uvicorn server: model discovery, chat (streamed and not) with citations, errors."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import openai
import pytest

from tests.api.conftest import Api, prepare, running_api, scripted_llm, serve
from tests.conftest import SAMPLES

pytestmark = pytest.mark.integration

LYON = [{"role": "user", "content": "Where is the Lyon office?"}]
LAPTOPS = "Laptops are replaced every four years, or earlier if they fail [1]."


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """The API over the samples; the extractive answerer is the default, and an LLM
    endpoint (scripted) is configured too, so both answerers are models."""
    tmp = tmp_path_factory.mktemp("openai")
    shutil.copytree(SAMPLES, tmp / "corpus")
    seen: list[dict[str, Any]] = []
    script = {"How often are laptops replaced?": LAPTOPS}
    with serve(scripted_llm(seen, script, "NOT IN DOCUMENTS")) as llm_url:
        settings = prepare(
            tmp, tmp / "corpus", llm={"base_url": llm_url + "/v1", "model": "scripted"}
        )
        with running_api(settings) as running:
            yield running


def client(api: Api, key: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=api.url + "/v1", api_key=key, max_retries=0, timeout=60)


def test_models_are_the_answerers(api: Api) -> None:
    ai = client(api, api.user_key)
    models = ai.models.list()
    assert [m.id for m in models.data] == ["cairn", "cairn-extractive", "cairn-llm"]
    assert all(m.owned_by == "cairn" and m.object == "model" for m in models.data)
    one = ai.models.retrieve("cairn-llm")
    assert one.id == "cairn-llm" and one.model_extra == {"answerer": "llm:scripted"}
    with pytest.raises(openai.NotFoundError) as caught:
        ai.models.retrieve("gpt-4o")
    assert caught.value.code == "model_not_found"


def test_chat_completion_carries_the_answer_and_its_citations(api: Api) -> None:
    done = client(api, api.user_key).chat.completions.create(model="cairn", messages=LYON)
    content = done.choices[0].message.content or ""
    assert done.object == "chat.completion" and done.model == "cairn"
    assert "Quai Perrache" in content and "Sources:" in content
    extra = done.model_extra or {}
    assert extra["citations"][0]["source"] == "office/office-guide.html"
    assert extra["cairn"]["grounded"] and extra["cairn"]["answerer"] == "extractive"


def test_streamed_completion_equals_the_whole_one(api: Api) -> None:
    ai = client(api, api.user_key)
    whole = ai.chat.completions.create(model="cairn", messages=LYON)
    chunks = list(ai.chat.completions.create(model="cairn", messages=LYON, stream=True))
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert text == whole.choices[0].message.content
    assert chunks[0].choices[0].delta.role == "assistant"
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert (chunks[-1].model_extra or {})["citations"] == (whole.model_extra or {})["citations"]


def test_the_model_picks_the_answerer(api: Api) -> None:
    question = [{"role": "user", "content": "How often are laptops replaced?"}]
    ai = client(api, api.user_key)
    llm = ai.chat.completions.create(model="cairn-llm", messages=question)
    extractive = ai.chat.completions.create(model="cairn-extractive", messages=question)
    assert (llm.model_extra or {})["cairn"]["answerer"] == "llm:scripted"
    assert (llm.choices[0].message.content or "").startswith(
        "Laptops are replaced every four years"
    )
    assert (extractive.model_extra or {})["cairn"]["answerer"] == "extractive"
    assert "four years" in (extractive.choices[0].message.content or "")


def test_text_parts_and_follow_ups(api: Api) -> None:
    messages: list[Any] = [
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": "How long do I have to submit an expense in Ledgerly?"},
        {"role": "assistant", "content": "Within 30 days [1]"},
        {
            "role": "user",
            "content": [{"type": "text", "text": "And what is the daily meal limit abroad?"}],
        },
    ]
    done = client(api, api.user_key).chat.completions.create(model="cairn", messages=messages)
    assert "70 euros" in (done.choices[0].message.content or "")


def test_restricted_documents_stay_restricted(api: Api) -> None:
    question = [{"role": "user", "content": "What are the salary bands for a Senior Engineer?"}]
    denied = client(api, api.user_key).chat.completions.create(model="cairn", messages=question)
    allowed = client(api, api.hr_key).chat.completions.create(model="cairn", messages=question)
    assert "61,000" not in denied.model_dump_json()
    assert "salary-bands.md" not in denied.model_dump_json()
    assert "61,000" in (allowed.choices[0].message.content or "")


def _shape(error: openai.APIStatusError) -> dict[str, Any]:
    body = error.response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"message", "type", "param", "code"}
    assert "Traceback" not in error.response.text
    return dict(body["error"])


def test_errors_take_openai_shape(api: Api) -> None:
    with pytest.raises(openai.AuthenticationError) as bad_key:
        client(api, "cairn_not-a-key").chat.completions.create(model="cairn", messages=LYON)
    assert _shape(bad_key.value)["type"] == "authentication_error"
    assert bad_key.value.code == "invalid_api_key"

    ai = client(api, api.user_key)
    with pytest.raises(openai.NotFoundError) as unknown:
        ai.chat.completions.create(model="gpt-4o", messages=LYON)
    body = _shape(unknown.value)
    assert body["code"] == "model_not_found" and body["param"] == "model"
    assert "cairn-extractive" in body["message"]

    with pytest.raises(openai.BadRequestError) as empty:
        ai.chat.completions.create(model="cairn", messages=[])
    assert _shape(empty.value)["param"] == "messages"

    with pytest.raises(openai.BadRequestError) as no_user:
        ai.chat.completions.create(model="cairn", messages=[{"role": "system", "content": "hi"}])
    assert _shape(no_user.value)["type"] == "invalid_request_error"

    with pytest.raises(openai.BadRequestError) as image:
        ai.chat.completions.create(
            model="cairn",
            messages=[
                {"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}
            ],
        )
    assert _shape(image.value)["param"].startswith("messages.0.content")

    with pytest.raises(openai.APIStatusError) as big:
        ai.chat.completions.create(
            model="cairn", messages=[{"role": "user", "content": "x" * 70_000}]
        )
    assert big.value.status_code == 413 and _shape(big.value)["type"] == "invalid_request_error"

    with pytest.raises(openai.NotFoundError) as route:
        ai.embeddings.create(model="cairn", input="hello")
    assert _shape(route.value)["message"] == "Not Found"
