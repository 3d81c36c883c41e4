"""The semantic layer: planning, SQL validation, read-only execution (DuckDB + Postgres)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
import sqlalchemy
import yaml

from core.errors import AccessDenied, BadRequest, ConfigError
from core.semantic import SemanticModel, plan, to_sql, validate
from core.semantic_run import TableRunner
from tests.conftest import ROOT

MODEL = ROOT / "samples" / "tables" / "semantic.yaml"


@pytest.fixture(scope="module")
def model() -> SemanticModel:
    return SemanticModel.load(MODEL)


@pytest.fixture(scope="module")
def runner(model: SemanticModel) -> TableRunner:
    return TableRunner(model)


def _count(path: Path, **where: str) -> int:
    with path.open() as fh:
        return sum(all(row[k] == v for k, v in where.items()) for row in csv.DictReader(fh))


def _ask(
    model: SemanticModel, runner: TableRunner, question: str, groups: list[str] | None = None
) -> list[tuple]:  # type: ignore[type-arg]
    p = plan(model, question, runner.distinct_values())
    assert p is not None, question
    return runner.run(validate(model, to_sql(model, p), groups or ["everyone"]))[1]


def test_counts_match_the_csv(model: SemanticModel, runner: TableRunner) -> None:
    employees = ROOT / "samples" / "tables" / "employees.csv"
    assert _ask(model, runner, "How many employees are in Porto?") == [
        (_count(employees, location="Porto"),)
    ]
    by_dept = dict(_ask(model, runner, "What is the headcount by department?"))
    assert by_dept["Engineering"] == _count(employees, department="Engineering")
    with employees.open() as fh:
        joined = sum(
            r["department"] == "Engineering" and "2026-07-01" <= r["start_date"] < "2026-10-01"
            for r in csv.DictReader(fh)
        )
    assert _ask(model, runner, "How many people joined Engineering last quarter?") == [(joined,)]


def test_documents_questions_are_not_planned(model: SemanticModel, runner: TableRunner) -> None:
    values = runner.distinct_values()
    for q in (
        "How many vacation days do I get?",
        "Where is the Lyon office?",
        "How do I request VPN access?",
    ):
        assert plan(model, q, values) is None, q


def test_restricted_column_and_validation(model: SemanticModel, runner: TableRunner) -> None:
    with pytest.raises(AccessDenied, match="salary_eur"):
        _ask(model, runner, "What is the average salary in Sales?")
    assert (
        _ask(model, runner, "What is the average salary in Sales?", ["everyone", "people-ops"])[0][
            0
        ]
        > 40000
    )
    for bad in (
        "DROP TABLE employees",
        "SELECT 1; DELETE FROM employees",
        "SELECT nope FROM employees",
        "SELECT * FROM secrets",
    ):
        with pytest.raises(BadRequest):
            validate(model, bad, ["everyone"])


def test_injection_in_the_question_never_reaches_sql(
    model: SemanticModel, runner: TableRunner
) -> None:
    q = "How many employees are in Lyon'; DROP TABLE employees; --"
    p = plan(model, q, runner.distinct_values())
    assert p is not None and p.filters == {"location": "Lyon"}
    assert "DROP" not in to_sql(model, p)
    assert _ask(model, runner, "How many employees are in Porto?")[0][0] > 0  # data intact


def test_bad_model_is_a_config_error(tmp_path: Path) -> None:
    data = yaml.safe_load(MODEL.read_text())
    data["metrics"]["broken"] = {"table": "employees", "sql": "SUM(bonus)", "description": "bonus"}
    (tmp_path / "m.yaml").write_text(yaml.safe_dump(data))
    with pytest.raises(ConfigError, match="bonus"):
        SemanticModel.load(tmp_path / "m.yaml")


@pytest.mark.integration
def test_same_answers_from_postgres(
    tmp_path: Path, postgres_url: str, model: SemanticModel, runner: TableRunner
) -> None:
    engine = sqlalchemy.create_engine(postgres_url)
    rows = list(csv.DictReader((ROOT / "samples" / "tables" / "employees.csv").open()))
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS hr_employees")
        conn.exec_driver_sql(
            "CREATE TABLE hr_employees (employee_id int, name text, department text, location text, level text, start_date date, salary_eur int)"
        )
        conn.execute(
            sqlalchemy.text(
                "INSERT INTO hr_employees VALUES (:employee_id, :name, :department, :location, :level, :start_date, :salary_eur)"
            ),
            rows,
        )
    data = yaml.safe_load(MODEL.read_text())
    data["tables"] = {
        "employees": {
            **data["tables"]["employees"],
            "file": None,
            "database_url": postgres_url,
            "name": "hr_employees",
        }
    }
    data["metrics"] = {k: v for k, v in data["metrics"].items() if v["table"] == "employees"}
    data["dimensions"] = {
        k: v for k, v in data["dimensions"].items() if k in ("department", "location", "level")
    }
    shutil.copy(MODEL.parent / "employees.csv", tmp_path / "employees.csv")
    (tmp_path / "pg.yaml").write_text(yaml.safe_dump(data, default_flow_style=False))
    pg_model = SemanticModel.load(tmp_path / "pg.yaml")
    pg_runner = TableRunner(pg_model)
    for q in (
        "How many employees are in Porto?",
        "What is the headcount by department?",
        "How many people joined Engineering last quarter?",
    ):
        assert sorted(_ask(pg_model, pg_runner, q)) == sorted(_ask(model, runner, q)), q
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE hr_employees")
