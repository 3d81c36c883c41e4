"""The semantic layer: planning, SQL validation, read-only execution (DuckDB + Postgres)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pytest
import sqlalchemy
import sqlglot
import yaml

from core.errors import AccessDenied, BadRequest, ConfigError
from core.records import driver_url
from tables import SemanticModel, TableRunner, plan, to_sql, validate
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
        "How many vacation days do new employees get?",  # counts days, not employees
        "How many parking spaces do employees in Porto have?",
        "Where is the Lyon office?",
        "How do I request VPN access?",
    ):
        assert plan(model, q, values) is None, q
    for q in (  # the counted thing is a value or a word of the model
        "How many high priority tickets were opened in 2025?",
        "How many laptop tickets were opened per month this year?",
        "How many new hires by location this year?",
        "What is the number of employees in Porto?",
    ):
        assert plan(model, q, values) is not None, q


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


TABLE_QUESTIONS = [
    case["question"]
    for case in map(json.loads, (ROOT / "eval" / "golden" / "tables.jsonl").open())
    if "tables" in case.get("tags", [])
]
DATABASE_TABLES = {
    "employees": (
        "hr_employees",
        "employee_id int, name varchar(100), department varchar(50), location varchar(50),"
        " level varchar(20), start_date date, salary_eur int",
    ),
    "tickets": (
        "it_tickets",
        "ticket_id int, opened_on date, closed_on date NULL, category varchar(20),"
        " priority varchar(20), department varchar(50)",
    ),
}


def _all_answers(model: SemanticModel, runner: TableRunner) -> dict[str, list[tuple]]:  # type: ignore[type-arg]
    everyone = ["everyone", "people-ops"]
    return {q: sorted(map(tuple, _ask(model, runner, q, everyone))) for q in TABLE_QUESTIONS}


def _model_with(tmp_path: Path, tables: dict[str, dict[str, object]]) -> SemanticModel:
    data = yaml.safe_load(MODEL.read_text())
    for name, source in tables.items():
        data["tables"][name] = {**data["tables"][name], "file": None, **source}
    (tmp_path / "model.yaml").write_text(yaml.safe_dump(data, default_flow_style=False))
    return SemanticModel.load(tmp_path / "model.yaml")


def test_table_questions_cover_both_tables() -> None:
    assert len(TABLE_QUESTIONS) >= 6
    assert any("ticket" in q.lower() for q in TABLE_QUESTIONS)


def test_same_answers_from_parquet(
    tmp_path: Path, model: SemanticModel, runner: TableRunner
) -> None:
    con = duckdb.connect()
    for name in DATABASE_TABLES:
        src, dst = MODEL.parent / f"{name}.csv", tmp_path / f"{name}.parquet"
        con.execute(f"COPY (SELECT * FROM read_csv_auto('{src}')) TO '{dst}' (FORMAT parquet)")
    parquet = _model_with(tmp_path, {n: {"file": f"{n}.parquet"} for n in DATABASE_TABLES})
    assert _all_answers(parquet, TableRunner(parquet)) == _all_answers(model, runner)


@pytest.mark.integration
@pytest.mark.parametrize("backend", ["postgres", "mariadb"])
def test_same_answers_from_a_database(
    backend: str,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    model: SemanticModel,
    runner: TableRunner,
) -> None:
    url: str = request.getfixturevalue(f"{backend}_url")
    engine = sqlalchemy.create_engine(driver_url(url))
    with engine.begin() as conn:
        for name, (db_name, columns) in DATABASE_TABLES.items():
            rows = list(csv.DictReader((MODEL.parent / f"{name}.csv").open()))
            rows = [{k: v or None for k, v in row.items()} for row in rows]
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {db_name}")
            conn.exec_driver_sql(f"CREATE TABLE {db_name} ({columns})")
            names = list(rows[0])
            conn.execute(
                sqlalchemy.text(
                    f"INSERT INTO {db_name} ({', '.join(names)}) VALUES ({', '.join(':' + n for n in names)})"
                ),
                rows,
            )
    db_model = _model_with(
        tmp_path,
        {n: {"database_url": url, "name": db_name} for n, (db_name, _) in DATABASE_TABLES.items()},
    )
    db_runner = TableRunner(db_model)
    assert _all_answers(db_model, db_runner) == _all_answers(model, runner)
    # The connection Cairn opens is read-only: a write that got past validation still fails.
    with pytest.raises(BadRequest, match=r"(?i)read.only"):
        db_runner.run(sqlglot.parse_one("DELETE FROM employees", read="duckdb"))
    with engine.connect() as conn:
        count = conn.exec_driver_sql("SELECT COUNT(*) FROM hr_employees").scalar()
    assert count == len(list(csv.DictReader((MODEL.parent / "employees.csv").open())))
    # ... and time-limited.
    sleep = "pg_sleep(3)" if backend == "postgres" else "SLEEP(3)"
    slow = TableRunner(db_model, timeout_s=0.5)
    with pytest.raises(BadRequest, match=r"longer than 0\.5 s"):
        slow.run(sqlglot.parse_one(f"SELECT {sleep} AS x FROM employees LIMIT 1", read="duckdb"))
    engine.dispose()


def test_duckdb_queries_are_time_limited_and_cannot_touch_files(model: SemanticModel) -> None:
    slow = TableRunner(model, timeout_s=0.3)
    huge = "SELECT COUNT(*) FROM range(100000000000) AS a, range(10) AS b"
    with pytest.raises(BadRequest, match=r"longer than 0\.3 s"):
        slow.run(sqlglot.parse_one(huge, read="duckdb"))
    for escape in (
        "SELECT * FROM read_csv_auto('/etc/passwd')",
        "COPY employees TO '/tmp/cairn-leak.csv'",
        "SET enable_external_access = true",
    ):
        with pytest.raises(BadRequest):
            slow.run(sqlglot.parse_one(escape, read="duckdb"))
    assert slow.run(sqlglot.parse_one("SELECT COUNT(*) FROM employees"))[1][0][0] > 0


def test_proposed_sql_is_held_to_the_model(model: SemanticModel, runner: TableRunner) -> None:
    """What an LLM might propose: only SELECTs over visible, known columns and joins run."""
    everyone = ["everyone"]
    joined = validate(
        model,
        "SELECT t.priority, COUNT(*) AS n FROM tickets t JOIN employees e"
        " ON e.department = t.department WHERE e.location = 'Porto' GROUP BY t.priority",
        everyone,
    )
    assert joined.args["limit"].expression.name == "100" and runner.run(joined)[1]
    clamped = validate(model, "SELECT name FROM employees LIMIT 100000", everyone)
    assert len(runner.run(clamped)[1]) == 100
    rejected = {
        "SELECT * FROM employees": "SELECT \\*",
        "SELECT e.* FROM employees e": "SELECT \\*",
        "SELECT COUNT(*) FROM read_csv('/etc/passwd')": "function",
        "SELECT pg_read_file('/etc/passwd') AS x FROM employees": "function",
        "SELECT COUNT(*) FROM main.employees": "schema-qualified",
        "SELECT name INTO leaked FROM employees": "plain SELECT",
        "SELECT COUNT(*) FROM employees, tickets": "joins need ON",
        "SELECT COUNT(*) FROM employees e JOIN tickets t ON e.name = t.category": "join not allowed",
        "SELECT COUNT(*) FROM employees JOIN tickets USING (department)": "joins need ON",
        "WITH x AS (SELECT name FROM employees) SELECT name FROM x": "unknown table",
        "SELECT e.name FROM employees e WHERE t.priority = 'high'": "unknown table",
        "UPDATE employees SET salary_eur = 0": "single SELECT",
    }
    for sql, reason in rejected.items():
        with pytest.raises(BadRequest, match=reason):
            validate(model, sql, everyone)
    for hidden in (
        "SELECT name, salary_eur FROM employees",
        "SELECT name AS salary_eur, salary_eur FROM employees",
        "SELECT x FROM (SELECT salary_eur AS x FROM employees) AS s",
        "SELECT AVG(e.salary_eur) AS v FROM tickets t JOIN employees e ON e.department = t.department",
    ):
        with pytest.raises(AccessDenied, match="salary_eur"):
            validate(model, hidden, everyone)


def test_bad_join_in_model_is_a_config_error(tmp_path: Path) -> None:
    data = yaml.safe_load(MODEL.read_text())
    data["joins"] = ["employees.department = tickets.team"]
    (tmp_path / "m.yaml").write_text(yaml.safe_dump(data))
    with pytest.raises(ConfigError, match="join"):
        SemanticModel.load(tmp_path / "m.yaml")
