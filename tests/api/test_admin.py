"""Admin endpoints: ingest status, promote/rollback, the feedback queue."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.api.conftest import Api, prepare, running_api, torch_embedder
from tests.conftest import make_settings
from tests.ingest.helpers import run_ingest

pytestmark = pytest.mark.integration


def test_admin_endpoints_need_the_admin_key(api: Api) -> None:
    with api.client(api.user_key) as http:
        for path in ("/admin/sources", "/admin/feedback"):
            assert http.get(path).status_code == 403
        assert http.post("/admin/index/rollback").status_code == 403


def test_sources_and_feedback_queue(api: Api) -> None:
    with api.client(api.user_key) as http:
        answer = http.post("/ask", json={"question": "How often are laptops replaced?"}).json()
        http.post(
            f"/answers/{answer['answer_id']}/feedback",
            json={"helpful": False, "comment": "we use 3 years now"},
        )
    with api.client(api.admin_key) as http:
        status = http.get("/admin/sources").json()
        queue = http.get("/admin/feedback", params={"helpful": "false"}).json()
    files = {f["path"]: f for f in status["files"]}
    assert files["people-ops/salary-bands.md"]["groups"] == ["people-ops"]
    assert all(f["status"] == "ok" and f["chunks"] > 0 for f in files.values())
    assert (
        queue[0]["answer_id"] == answer["answer_id"] and queue[0]["comment"] == "we use 3 years now"
    )


def test_promote_and_rollback_over_http(tmp_path: Path, corpus: Path) -> None:
    settings = prepare(tmp_path, corpus)
    shutil.rmtree(corpus / "office")
    run_ingest(settings, corpus, embedder=torch_embedder(), rebuild=True)[2].close()
    with running_api(settings) as api, api.client(api.admin_key) as http:
        assert http.post("/admin/index/2/promote").json() == {"live": 2}
        assert http.get("/readyz").json()["checks"]["index"] == "v2"
        assert http.post("/admin/index/rollback").json() == {"live": 1}
        missing = http.post("/admin/index/9/promote")
        assert missing.status_code == 404 and "does not exist" in missing.json()["detail"]
        assert http.post("/admin/index/rollback").status_code == 200  # back to v2
        assert http.post("/admin/index/rollback").json() == {"live": 1}


def test_monitor_and_latest_eval_endpoints(api: Api, tmp_path: Path) -> None:
    with api.client(api.user_key) as http:
        http.post("/ask", json={"question": "What is the boiling point of mercury?"})
        assert http.get("/admin/monitor").status_code == 403
    with api.client(api.admin_key) as http:
        mon = http.get("/admin/monitor").json()
        latest = http.get("/admin/eval/latest")
        metrics = http.get("/metrics").text
    assert mon["daily"][-1]["questions"] >= 1 and "drift" in mon["drift"]
    assert mon["top_unanswered"][0]["question"] == "What is the boiling point of mercury?"
    assert latest.status_code == 404 and "cairn eval" in latest.json()["detail"]
    assert "cairn_knowledge_gaps_total 1.0" in metrics


def test_sources_list_every_data_quality_finding(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in range(7):
        (corpus / f"page-{n}.md").write_text(
            f"# Page {n}\n\nThe parking rule number {n} applies.\n"
        )
    (corpus / "copy.md").write_text((corpus / "page-0.md").read_text())
    (corpus / "stub.md").write_text("# Stub\n")
    (corpus / "tool.exe").write_bytes(b"MZ")
    settings = make_settings(
        tmp_path / "home", auth={"admin_key": Api.admin_key}, embedding={"backend": "torch"}
    )  # type: ignore[arg-type]
    run_ingest(settings, corpus, embedder=torch_embedder())[2].close()
    with running_api(settings) as api, api.client(api.admin_key) as http:
        status = http.get("/admin/sources").json()
    found = status["findings"]
    indexed = [f"page-{n}.md" for n in range(7)] + ["copy.md", "stub.md"]
    assert found["no_access_rule_anywhere"] and sorted(found["no_access_rule"]) == sorted(indexed)
    assert found["duplicates"] == [["copy.md", "page-0.md"]]
    assert found["near_empty"] == ["stub.md"] and found["not_indexed"] == ["tool.exe"]
    assert all(f["access_defaulted"] for f in status["files"] if f["path"] != "tool.exe")
