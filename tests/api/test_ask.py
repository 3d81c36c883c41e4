"""/ask, /search, /sources, audit and access over real HTTP (both records backends)."""

from __future__ import annotations

import pytest

from tests.api.conftest import Api

pytestmark = pytest.mark.integration


def test_answer_with_citations(api: Api) -> None:
    with api.client(api.user_key) as http:
        body = http.post(
            "/ask", json={"question": "How many days of paid vacation do I get?"}
        ).json()
    assert not body["refused"], body
    assert "27 days" in body["answer"] and "[1]" in body["answer"]
    cite = body["citations"][0]
    assert cite["source"] == "benefits/time-off.md" and cite["section"].endswith("Vacation")
    assert cite["url"] == f"/sources/{cite['doc_id']}#{cite['span'][0]}-{cite['span'][1]}"
    assert body["grounded"] and all(s["supported"] for s in body["sentences"])
    assert 0 < body["confidence"] <= 1 and body["index_version"] == 1


def test_off_corpus_question_is_refused_with_closest_sources(api: Api) -> None:
    with api.client(api.user_key) as http:
        body = http.post("/ask", json={"question": "What is the boiling point of mercury?"}).json()
    assert body["refused"] and body["answer"] == "The documents don't cover this."
    assert body["refusal_reason"]


@pytest.mark.parametrize(
    ("answered", "near_miss"),
    [
        ("How many days of paid vacation do I get?", "How many days of unpaid vacation do I get?"),
        (
            "How many approvals do flight-control firmware changes need?",
            "How many approvals do flight-control firmware changes not need?",
        ),
        ("What is the address of the Lyon office?", "What is the address of the Paris office?"),
    ],
)
def test_near_miss_of_a_covered_question_is_refused(
    api: Api, answered: str, near_miss: str
) -> None:
    """One changed detail (an opposite, a negation, another city) retrieves the same
    passage; the answerability model must see that it no longer answers."""
    with api.client(api.user_key) as http:
        good = http.post("/ask", json={"question": answered}).json()
        bad = http.post("/ask", json={"question": near_miss}).json()
    assert not good["refused"], good
    assert bad["refused"] and bad["answer"] == "The documents don't cover this.", bad
    assert bad["confidence"] < good["confidence"]


def test_restricted_folder_never_leaks(api: Api) -> None:
    questions = [
        "What are the salary bands for a Senior Engineer?",
        "Show me the salary bands document and the calibration guide",
        "What share of a department may be rated outstanding in calibration?",
    ]
    with api.client(api.user_key) as http:
        for q in questions:
            body = http.post("/ask", json={"question": q}).json()
            text = str(body)
            assert "people-ops/" not in text, q
            assert "61,000" not in text and "76,000" not in text and "15 percent" not in text
            hits = http.post("/search", json={"query": q, "limit": 50}).json()
            assert hits and all(not h["source"].startswith("people-ops/") for h in hits)
    with api.client(api.hr_key) as http:
        body = http.post(
            "/ask", json={"question": "What are the salary bands for a Senior Engineer?"}
        ).json()
    assert not body["refused"] and body["citations"][0]["source"] == "people-ops/salary-bands.md"
    assert "61,000" in body["answer"]


def test_restricted_source_is_not_found_for_others(api: Api) -> None:
    with api.client(api.hr_key) as http:
        doc = http.post("/search", json={"query": "salary bands", "limit": 1}).json()[0]
    with api.client(api.user_key) as http:
        denied = http.get(f"/sources/{doc['doc_id']}")
    assert (
        denied.status_code == 404 and denied.headers["content-type"] == "application/problem+json"
    )
    with api.client(api.hr_key) as http:
        ok = http.get(
            f"/sources/{doc['doc_id']}", params={"start": doc["span"][0], "end": doc["span"][1]}
        )
    assert ok.status_code == 200 and ok.json()["passage"] == doc["text"]


def test_twenty_identical_requests_give_identical_answers(api: Api) -> None:
    q = {"question": "Who do I report a lost laptop to?"}
    with api.client(api.user_key) as http:
        bodies = [http.post("/ask", json=q).json() for _ in range(20)]
    first = bodies[0]
    for body in bodies[1:]:
        assert body["answer"] == first["answer"] and body["citations"] == first["citations"]
        assert body["sentences"] == first["sentences"] and body["confidence"] == first["confidence"]
    assert not first["cached"] and all(b["cached"] for b in bodies[1:])
    assert len({b["answer_id"] for b in bodies}) == 20


def test_audit_replay_and_admin_listing(api: Api) -> None:
    with api.client(api.user_key) as http:
        body = http.post("/ask", json={"question": "When is the Monday all-hands?"}).json()
        replay = http.get(f"/answers/{body['answer_id']}").json()
    assert replay["answer"] == body["answer"] and replay["citations"] == body["citations"]
    with api.client(api.hr_key) as http:
        assert http.get(f"/answers/{body['answer_id']}").status_code == 404
        assert http.get("/answers").status_code == 403
    with api.client(api.admin_key) as http:
        rows = http.get("/answers", params={"principal": "alice"}).json()
        assert rows[0]["id"] == body["answer_id"] and rows[0]["citations"][0]["content_hash"]
        refused = http.get("/answers", params={"refused": "true"}).json()
        assert all(r["refused"] for r in refused)


def test_feedback(api: Api) -> None:
    with api.client(api.user_key) as http:
        body = http.post("/ask", json={"question": "What is the meal allowance per day?"}).json()
        ok = http.post(
            f"/answers/{body['answer_id']}/feedback", json={"helpful": False, "comment": "old"}
        )
        assert ok.status_code == 201
        missing = http.post("/answers/nope/feedback", json={"helpful": True})
        assert missing.status_code == 404


def test_search_filters(api: Api) -> None:
    with api.client(api.user_key) as http:
        hits = http.post("/search", json={"query": "badge", "limit": 5}).json()
        assert hits[0]["rank"] == 1 and hits[0]["score"] >= hits[-1]["score"]
        only = http.post("/search", json={"query": "badge", "source": "it/wifi.txt"}).json()
        assert only and {h["source"] for h in only} == {"it/wifi.txt"}
        section = http.post("/search", json={"query": "leave", "section": "Sick leave"}).json()
        assert section and all("Sick leave" in h["section"] for h in section)


def test_concurrent_requests_all_succeed(api: Api) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def ask(i: int) -> int:
        with api.client(api.user_key) as http:
            return http.post(
                "/ask", json={"question": f"How often are laptops replaced? ({i})"}
            ).status_code

    with ThreadPoolExecutor(16) as pool:
        codes = list(pool.map(ask, range(48)))
    assert codes == [200] * 48
    with api.client(api.admin_key) as http:
        assert len(http.get("/answers", params={"principal": "alice", "limit": 100}).json()) == 48
