"""Chat with follow-ups and SSE streaming (the OpenAI-compatible routes: test_openai)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.conftest import Api, prepare, running_api

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    import shutil

    from tests.conftest import SAMPLES

    tmp = tmp_path_factory.mktemp("chat")
    shutil.copytree(SAMPLES, tmp / "corpus")
    with running_api(prepare(tmp, tmp / "corpus")) as running:
        yield running


def _sse(text: str) -> list[tuple[str, str]]:
    events = []
    for block in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((lines.get("event", "message"), lines["data"]))
    return events


def test_follow_up_uses_the_conversation(api: Api) -> None:
    messages = [
        {"role": "user", "content": "How long do I have to submit an expense in Ledgerly?"},
        {"role": "assistant", "content": "Within 30 days [1]"},
        {"role": "user", "content": "And what is the daily meal limit abroad?"},
    ]
    with api.client(api.user_key) as http:
        body = http.post("/chat", json={"messages": messages}).json()
    assert not body["refused"] and "70 euros" in body["answer"]
    assert body["question"] == "And what is the daily meal limit abroad?"
    assert body["citations"][0]["source"] == "policies/expenses.md"


def test_sse_stream_carries_citations_text_and_final_answer(api: Api) -> None:
    messages = [{"role": "user", "content": "How often are laptops replaced?"}]
    with api.client(api.user_key) as http:
        response = http.post("/chat/stream", json={"messages": messages})
    assert response.headers["content-type"].startswith("text/event-stream")
    events = _sse(response.text)
    assert events[0][0] == "citations" and json.loads(events[0][1])
    text = "".join(json.loads(d)["text"] for e, d in events if e == "delta")
    done = json.loads(events[-1][1])
    assert events[-1][0] == "done" and text == done["answer"] and "four years" in text


def test_metrics_and_readiness(api: Api) -> None:
    with api.client(api.user_key) as http:
        http.post("/ask", json={"question": "What is the guest wifi password policy?"})
        http.post("/ask", json={"question": "Who won the 1998 football world cup?"})
        metrics = http.get("/metrics").text
        ready = http.get("/readyz").json()
    assert 'cairn_answers_total{outcome="answered"}' in metrics
    assert 'cairn_answers_total{outcome="refused"}' in metrics
    assert "cairn_request_seconds_bucket" in metrics and "cairn_retrieval_top_score" in metrics
    assert ready["ready"] and ready["checks"]["model"].endswith("(torch-fp32)")


def test_refuses_to_start_on_embedder_mismatch(tmp_path: Path, corpus: Path) -> None:
    from answer import build_engine
    from core.embed import FakeEmbedder
    from core.errors import IndexMismatch
    from tests.cli.helpers import cairn

    settings = prepare(tmp_path, corpus)  # built with torch MiniLM
    with pytest.raises(IndexMismatch, match=r"all-MiniLM-L6-v2.*fake-hash-embedder"):
        build_engine(settings, FakeEmbedder())
    run = cairn(settings.home, "serve", "--port", "1", CAIRN_EMBEDDING__BACKEND="fake")
    assert run.returncode == 1 and "fake-hash-embedder" in run.stderr
    assert "Traceback" not in run.stderr
