"""/ask routes number questions to the tables (real DuckDB) and others to the documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.app import build_services
from eval import golden
from eval.runner import run
from tests.api.conftest import prepare, running_api, torch_embedder
from tests.conftest import ROOT

pytestmark = pytest.mark.integration
MODEL = ROOT / "samples" / "tables" / "semantic.yaml"


def test_ask_answers_numbers_with_sql_and_source(tmp_path: Path, corpus: Path) -> None:
    settings = prepare(tmp_path, corpus, tables={"model": str(MODEL)})
    with running_api(settings) as api:
        with api.client(api.user_key) as http:
            body = http.post(
                "/ask", json={"question": "How many people joined Engineering last quarter?"}
            ).json()
            docs = http.post(
                "/ask", json={"question": "How many days of paid vacation do I get?"}
            ).json()
            denied = http.post(
                "/ask", json={"question": "What is the average salary in Sales?"}
            ).json()
            hacked = http.post(
                "/ask",
                json={"question": "How many employees are in Lyon'; DELETE FROM employees; --"},
            ).json()
        with api.client(api.hr_key) as http:
            hr = http.post("/ask", json={"question": "What is the average salary in Sales?"}).json()
    assert body["answerer"] == "tables" and body["answer"].startswith(
        "New hires, Engineering, Q3 2026: 2."
    )
    assert body["table"]["sql"].startswith("SELECT COUNT(*) AS value FROM employees WHERE")
    assert body["table"]["rows"] == [[2]] and body["citations"][0]["source"] == "employees.csv"
    assert docs["answerer"] == "extractive" and "27 days" in docs["answer"]
    assert denied["refused"] and "salary_eur" in denied["refusal_reason"]
    assert hacked["answerer"] == "tables" and "DELETE" not in hacked["table"]["sql"]
    assert not hr["refused"] and "60,056" in hr["answer"]


def test_table_golden_set_exact_match(tmp_path: Path, corpus: Path) -> None:
    settings = prepare(tmp_path, corpus, tables={"model": str(MODEL)})
    services = build_services(settings, torch_embedder())
    try:
        result = run(services, golden.load(ROOT / "eval" / "golden" / "tables.jsonl"), repeats=2)
    finally:
        services.store.close()
    metrics = result["metrics"]
    assert metrics["answer.fact_recall"] == 1.0 and metrics["answer.correct"] == 1.0
    assert metrics["refusal.recall"] == 1.0 and metrics["access.leaks"] == 0
