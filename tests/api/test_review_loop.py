"""Review loop end to end over HTTP: thumbs-down → queue → correction served to another
user for a near-duplicate question → expiry when the cited source changes."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from api.app import create_app
from core.access import create_key, server_secret
from core.records import ApprovedAnswer, Records, ReviewItem, review
from tests.api.conftest import Api, prepare, running_api, torch_embedder
from tests.ingest.helpers import run_ingest
from tools.testserver import background as serve

pytestmark = pytest.mark.integration


def _key(api: Api, name: str, groups: list[str]) -> str:
    records = Records(api.settings.records_url)
    key = create_key(records, server_secret(api.settings), name, groups)
    records.engine.dispose()
    return key


def test_corrected_answer_served_then_expired_on_change(tmp_path: Path, corpus: Path) -> None:
    settings = prepare(tmp_path, corpus)
    with running_api(settings) as api:
        reviewer_key, bob_key = _key(api, "rita", ["reviewers"]), _key(api, "bob", [])
        with api.client(api.user_key) as alice:
            first = alice.post("/ask", json={"question": "How often are laptops replaced?"}).json()
            alice.post(
                f"/answers/{first['answer_id']}/feedback",
                json={"helpful": False, "comment": "policy changed"},
            )
            assert alice.get("/reviews").status_code == 403
        with api.client(reviewer_key) as rita:
            items = rita.get("/reviews").json()
            item = next(i for i in items if i["answer_id"] == first["answer_id"])
            assert item["reason"] == "thumbs_down"
            chunk = rita.post(
                "/search", json={"query": "laptops are replaced every four years", "limit": 1}
            ).json()[0]
            fixed = rita.post(
                f"/reviews/{item['id']}/correct",
                json={
                    "answer": "Laptops are replaced every four years; ask IT for an early swap if yours fails. [1]",
                    "chunk_ids": [chunk["chunk_id"]],
                },
            )
            assert fixed.status_code == 200 and fixed.json()["status"] == "corrected"
            assert (
                rita.post(f"/reviews/{item['id']}/dismiss", json={}).status_code == 422
            )  # already closed
        with api.client(bob_key) as bob:
            served = bob.post(
                "/ask", json={"question": "How often do laptops get replaced?"}
            ).json()
        assert served["answerer"] == "reviewed" and served["reviewed_by"] == "rita"
        assert served["answer"].startswith("Laptops are replaced every four years; ask IT")
        assert served["citations"][0]["chunk_id"] == chunk["chunk_id"]
        with api.client(api.hr_key) as hana:  # other groups: not served the reviewed answer
            assert (
                hana.post("/ask", json={"question": "How often do laptops get replaced?"}).json()[
                    "answerer"
                ]
                == "extractive"
            )

    page = corpus / "it" / "laptop-and-accounts.md"
    page.write_text(
        page.read_text().replace("replaced every four years", "replaced every three years")
    )
    report = run_ingest(settings, corpus, embedder=torch_embedder())[0]
    assert report.approved_expired == 1
    records = Records(settings.records_url)
    with records.session() as s:
        assert s.scalar(select(ApprovedAnswer.status)) == "expired"
        assert s.scalar(select(ReviewItem).where(ReviewItem.reason == "expired")) is not None
    with (
        serve(create_app(settings, torch_embedder())) as url,
        httpx.Client(base_url=url, headers={"Authorization": f"Bearer {bob_key}"}) as bob,
    ):
        fresh = bob.post("/ask", json={"question": "How often do laptops get replaced?"}).json()
    assert fresh["answerer"] == "extractive" and "three years" in fresh["answer"]


def test_answer_time_expiry_and_low_confidence_queue(tmp_path: Path, corpus: Path) -> None:
    settings = prepare(tmp_path, corpus, answer={"review_below": 0.99})
    with running_api(settings) as api:
        with api.client(api.user_key) as alice:
            answer = alice.post("/ask", json={"question": "Where is the Lyon office?"}).json()
        records = Records(settings.records_url)
        low = [i for i in review.queue(records) if i.reason == "low_confidence"]
        assert low and low[0].answer_id == answer["answer_id"]
        vector = torch_embedder().embed([low[0].question])[0]
        row = review.approve(records, low[0].id, "rita", vector.tolist())
        with records.session() as s:  # simulate a source change the sync has not seen yet
            stored = s.get(ApprovedAnswer, row.id)
            stored.citations = [{**c, "content_hash": "0" * 64} for c in stored.citations]
        with api.client(api.user_key) as alice:
            again = alice.post("/ask", json={"question": "Where is the Lyon office?"}).json()
        assert again["answerer"] == "extractive"
        with records.session() as s:
            assert s.get(ApprovedAnswer, row.id).status == "expired"
