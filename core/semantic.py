"""Structured data: a small semantic layer over tables (CSV/Parquet via DuckDB, or a SQL
database via SQLAlchemy), so questions about numbers get a number, the SQL and the table.

The SQL is never free text: a deterministic planner maps the question onto a metric,
dimensions, filters and a time range defined in the model file, the query is built with
sqlglot and validated (a single SELECT over known tables and columns the caller may see,
with a row limit) before it runs on a read-only connection.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

import sqlglot
import yaml
from pydantic import BaseModel, Field, ValidationError
from sqlglot import exp

from core.errors import AccessDenied, BadRequest, ConfigError

ROW_LIMIT = 100
Grain = Literal["week", "month", "quarter", "year"]
DEFAULT_GRAINS: tuple[Grain, ...] = ("month", "quarter", "year")


class Column(BaseModel):
    """A column and who may see it (None: the table's groups)."""

    description: str = ""
    type: str = "text"
    groups: list[str] | None = None


class Table(BaseModel):
    """A file (DuckDB) or a database table (SQLAlchemy URL)."""

    file: str | None = None
    database_url: str | None = None
    name: str | None = None  # table name in the database (default: the key)
    description: str = ""
    groups: list[str] = Field(default_factory=lambda: ["everyone"])
    time_column: str | None = None
    time_grains: list[Grain] = Field(default_factory=lambda: list(DEFAULT_GRAINS))
    columns: dict[str, Column]


class Metric(BaseModel):
    """An aggregate expression over one table."""

    table: str
    sql: str
    description: str
    time: str = "none"


class Dimension(BaseModel):
    """A column people group or filter by."""

    column: str
    description: str = ""


class SemanticModel(BaseModel):
    """The whole model file."""

    reference_date: date | None = None
    tables: dict[str, Table]
    metrics: dict[str, Metric]
    dimensions: dict[str, Dimension] = Field(default_factory=dict)
    joins: list[str] = Field(default_factory=list)  # "employees.department = tickets.department"
    root: Path = Path(".")

    def allowed_joins(self) -> set[frozenset[str]]:
        """The joins the model allows, each as {"table.column", "table.column"}."""
        return {frozenset(p.strip() for p in j.split("=")) for j in self.joins}

    @classmethod
    def load(cls, path: Path) -> SemanticModel:
        """Read and check the YAML model (every metric parses and uses known columns)."""
        try:
            data = yaml.safe_load(path.read_text()) or {}
            model = cls.model_validate({**data, "root": path.parent})
        except (OSError, yaml.YAMLError, ValidationError) as exc:
            raise ConfigError(f"invalid semantic model {path}: {exc}") from exc
        for name, metric in model.metrics.items():
            table = model.tables.get(metric.table)
            if table is None:
                raise ConfigError(f"metric {name}: unknown table {metric.table}")
            used = {
                c.name for c in sqlglot.parse_one(metric.sql, read="duckdb").find_all(exp.Column)
            }
            if not used <= set(table.columns):
                raise ConfigError(
                    f"metric {name}: unknown columns {sorted(used - set(table.columns))}"
                )
        for join in model.joins:
            sides = [side.strip().partition(".") for side in join.split("=")]
            known = [model.tables.get(t) for t, _, _ in sides]
            if len(sides) != 2 or any(
                table is None or c not in table.columns
                for table, (_, _, c) in zip(known, sides, strict=True)
            ):
                raise ConfigError(f"join {join!r}: use table.column = table.column")
        return model


@dataclass
class Plan:
    """What the question asks for, in model terms."""

    metric: str
    group_by: list[str] = field(default_factory=list)
    filters: dict[str, str] = field(default_factory=dict)
    period: tuple[date, date, str] | None = None
    grain: tuple[str, str] | None = None  # (week|month|quarter|year, time column)


AGGREGATE = re.compile(
    r"\b(how many|how much|number of|count|average|mean|total|headcount)\b", re.I
)
BY = re.compile(r"\b(?:by|per|for each|broken down by)\s+(\w+)", re.I)
GRAIN = re.compile(
    r"\b(?:by|per|each|every)\s+(week|month|quarter|year)\b|\b(week|month|quarter|year)ly\b", re.I
)


QUESTION_WORDS = {
    "how",
    "many",
    "much",
    "number",
    "what",
    "are",
    "there",
    "the",
    "and",
    "was",
    "were",
    "did",
    "does",
    "which",
    "who",
    "with",
    "for",
    "that",
    "this",
    "get",
    "have",
    "has",
}


def _words(text: str) -> set[str]:
    """Content words, crudely singularised."""
    return {
        w.rstrip("s")
        for w in re.findall(r"[a-z]+", text.lower())
        if len(w) > 2 and w not in QUESTION_WORDS
    }


ANALYTIC = re.compile(
    r"\b(how many|how much|number of|count|average|mean|median|total|sum|most|least|"
    r"highest|lowest|top|list|which|percentage|share|ratio)\b",
    re.I,
)


def about_tables(model: SemanticModel, question: str) -> bool:
    """Whether a question both asks for figures and names what some table is about."""
    if not ANALYTIC.search(question):
        return False
    words = _words(question)
    return any(words & _words(f"{n} {t.description}") for n, t in model.tables.items())


COUNTED = re.compile(r"\b(?:how many|number of)\s+([a-z][a-z\s-]*)", re.I)


def _vocabulary(model: SemanticModel, values: dict[str, set[str]]) -> set[str]:
    """Every word the model knows: names, descriptions, columns and column values."""
    texts = [f"{n} {t.description} {' '.join(t.columns)}" for n, t in model.tables.items()]
    texts += [f"{n} {m.description}" for n, m in model.metrics.items()]
    texts += [f"{n} {d.column} {d.description}" for n, d in model.dimensions.items()]
    texts += [v for known in values.values() for v in known]
    return set().union(*(_words(t.replace("_", " ")) for t in texts))


def _counts_something_else(
    model: SemanticModel, question: str, values: dict[str, set[str]]
) -> bool:
    """ "How many vacation days do new employees get?" counts vacation days, not employees:
    the first content word after "how many" / "number of" names what is counted, and when
    the model does not know it, the question is not about the tables."""
    match = COUNTED.search(question)
    if match is None:
        return False
    for word in re.findall(r"[a-z]+", match.group(1).lower()):
        if len(word) > 2 and word not in QUESTION_WORDS:
            return word.rstrip("s") not in _vocabulary(model, values)
    return False


def plan(model: SemanticModel, question: str, values: dict[str, set[str]]) -> Plan | None:
    """Map a question onto the model, or None when it is not a question about numbers."""
    if not AGGREGATE.search(question):
        return None
    if _counts_something_else(model, question, values):
        return None
    words = _words(question)
    # A metric is a candidate only when the question names what its table is about
    # ("tickets", "people", "headcount"), so "how many vacation days" stays with documents.
    subjects = {name: _words(f"{name} {t.description}") for name, t in model.tables.items()}
    scored = sorted(
        (
            (len(words & _words(f"{name} {m.description}")), name)
            for name, m in model.metrics.items()
            if words & subjects[m.table]
        ),
        key=lambda x: (-x[0], x[1]),
    )
    if not scored or scored[0][0] < 1:
        return None
    metric = scored[0][1]
    table = model.metrics[metric].table
    result = Plan(metric=metric)
    for match in BY.finditer(question):
        for dim_name, dim in model.dimensions.items():
            if dim.column in model.tables[table].columns and match.group(1).lower().rstrip(
                "s"
            ) in _words(f"{dim_name} {dim.description}"):
                result.group_by.append(dim.column)
    lowered = question.lower()
    for column, known in values.items():
        if column in model.tables[table].columns:
            for value in sorted(known, key=len, reverse=True):
                if (
                    re.search(rf"\b{re.escape(value.lower())}\b", lowered)
                    and column not in result.group_by
                ):
                    result.filters[column] = value
                    break
    time_column = model.metrics[metric].time
    if time_column != "none":
        result.period = period_of(question, model.reference_date or date.today())
    grain = GRAIN.search(question)
    if grain and time_column != "none":
        unit = (grain.group(1) or grain.group(2)).lower()
        if unit in model.tables[table].time_grains:
            result.grain = (unit, time_column)
    return result


def _quarter(d: date) -> int:
    return (d.month - 1) // 3


def grain_label(unit: str, value: object) -> str:
    """How a time bucket reads in an answer: 2026-07, Q3 2026, 2026, week of 2026-07-06."""
    text = str(value)[:10]
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return str(value)
    if unit == "month":
        return day.strftime("%Y-%m")
    if unit == "quarter":
        return f"Q{_quarter(day) + 1} {day.year}"
    if unit == "year":
        return str(day.year)
    return f"week of {text}"


def period_of(question: str, today: date) -> tuple[date, date, str] | None:
    """[start, end) of a relative or explicit period mentioned in the question."""
    q = question.lower()
    year, quarter = today.year, _quarter(today)
    if "last quarter" in q:
        year, quarter = (year, quarter - 1) if quarter else (year - 1, 3)
        start = date(year, quarter * 3 + 1, 1)
        return start, _add_months(start, 3), f"Q{quarter + 1} {year}"
    if "this quarter" in q:
        start = date(year, quarter * 3 + 1, 1)
        return start, _add_months(start, 3), f"Q{quarter + 1} {year}"
    if "last month" in q:
        start = _add_months(date(year, today.month, 1), -1)
        return start, _add_months(start, 1), start.strftime("%B %Y")
    if "this month" in q:
        start = date(year, today.month, 1)
        return start, _add_months(start, 1), start.strftime("%B %Y")
    if "last year" in q:
        return date(year - 1, 1, 1), date(year, 1, 1), str(year - 1)
    if "this year" in q:
        return date(year, 1, 1), date(year + 1, 1, 1), str(year)
    explicit = re.search(r"\bq([1-4])\s+(20\d\d)\b", q)
    if explicit:
        start = date(int(explicit.group(2)), (int(explicit.group(1)) - 1) * 3 + 1, 1)
        return start, _add_months(start, 3), f"Q{explicit.group(1)} {explicit.group(2)}"
    in_year = re.search(r"\b(?:in|during)\s+(20\d\d)\b", q)
    if in_year:
        y = int(in_year.group(1))
        return date(y, 1, 1), date(y + 1, 1, 1), str(y)
    return None


def _add_months(d: date, months: int) -> date:
    index = d.year * 12 + d.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def to_sql(model: SemanticModel, p: Plan) -> str:
    """The SELECT for a plan, built as a sqlglot expression (values are literals, quoted)."""
    metric = model.metrics[p.metric]
    value = sqlglot.parse_one(metric.sql, read="duckdb").as_("value")
    keys: list[exp.Expr | str] = list(p.group_by)
    bucket = None
    if p.grain is not None:
        unit, column = p.grain
        truncated = sqlglot.parse_one(f"DATE_TRUNC('{unit}', {column})", read="duckdb")
        bucket = exp.cast(truncated, "DATE")  # a date on every engine, not a timestamp
        keys.insert(0, bucket.as_(unit))
    query = exp.select(*keys, value).from_(metric.table)
    for column, literal in p.filters.items():
        query = query.where(exp.EQ(this=exp.column(column), expression=exp.Literal.string(literal)))
    if p.period is not None:
        col = exp.column(metric.time)
        start, end = (exp.cast(exp.Literal.string(d.isoformat()), "DATE") for d in p.period[:2])
        query = query.where(exp.GTE(this=col, expression=start)).where(
            exp.LT(this=col, expression=end)
        )
    if bucket is not None:
        query = query.group_by(bucket.copy(), *p.group_by).order_by(
            exp.Ordered(this=bucket.copy()), *p.group_by
        )
    elif p.group_by:
        query = query.group_by(*p.group_by).order_by(
            exp.Ordered(this=exp.column("value"), desc=True)
        )
    return query.limit(ROW_LIMIT).sql(dialect="duckdb")


# Functions a query may call; anything else (unknown functions such as pg_read_file or
# pg_sleep, table functions such as read_csv) is refused.
SAFE_FUNCTIONS: tuple[type, ...] = (
    exp.Binary,  # AND/OR and operators are Func subclasses in sqlglot, not calls
    exp.AggFunc,
    exp.Round,
    exp.Cast,
    exp.TryCast,
    exp.Coalesce,
    exp.Case,
    exp.If,
    exp.Extract,
    exp.DateTrunc,
    exp.TimestampTrunc,
    exp.Year,
    exp.Month,
    exp.Quarter,
    exp.Abs,
    exp.Lower,
    exp.Upper,
    exp.Length,
    exp.DateDiff,
    exp.CurrentDate,
    exp.Nullif,
    exp.Floor,
    exp.Ceil,
    exp.Least,
    exp.Greatest,
)


def validate(model: SemanticModel, sql: str, groups: list[str]) -> exp.Select:
    """One read-only SELECT over known tables and visible columns, with a row limit.

    Planner SQL and model-proposed (LLM) SQL go through the same checks: no other
    statement kind, no unknown or schema-qualified tables, no unknown functions, no
    ``SELECT *`` (it would show restricted columns), joins only where the model allows
    them, every column known and visible to ``groups``, at most ROW_LIMIT rows.
    """
    try:
        statements = sqlglot.parse(sql, read="duckdb")
    except sqlglot.errors.SqlglotError as exc:
        raise BadRequest(f"SQL does not parse: {exc}") from exc
    if len(statements) != 1 or not isinstance(statements[0], exp.Select):
        raise BadRequest("only a single SELECT is allowed")
    tree = statements[0]
    if tree.args.get("into") or tree.args.get("locks"):
        raise BadRequest("only a plain SELECT is allowed (no INTO, no locks)")
    for func in tree.find_all(exp.Func):
        if not isinstance(func, SAFE_FUNCTIONS):
            raise BadRequest(f"function not allowed: {func.sql(dialect='duckdb')[:60]}")
    for star in tree.find_all(exp.Star):
        if not isinstance(star.parent, exp.Count):
            raise BadRequest("SELECT * is not allowed: name the columns")
    aliases = _table_aliases(model, tree, groups)
    _check_joins(model, tree, aliases)
    _check_columns(model, tree, aliases, groups)
    limit = tree.args.get("limit")
    bound = limit.args.get("expression") if limit is not None else None
    if not (isinstance(bound, exp.Literal) and bound.is_int and int(bound.name) <= ROW_LIMIT):
        tree = tree.limit(ROW_LIMIT)
    return tree


def _table_aliases(model: SemanticModel, tree: exp.Select, groups: list[str]) -> dict[str, str]:
    """alias (or name) → model table, for every table the query reads; checks visibility."""
    aliases: dict[str, str] = {}
    for table in tree.find_all(exp.Table):
        if table.args.get("db") or table.args.get("catalog"):
            raise BadRequest(f"schema-qualified tables are not allowed: {table.sql()}")
        if table.name not in model.tables:
            raise BadRequest(f"unknown table: {table.name or table.sql()[:60]}")
        if not set(groups) & set(model.tables[table.name].groups):
            raise AccessDenied(f"table {table.name} is not visible to you")
        aliases[table.alias_or_name] = table.name
    return aliases


def _check_joins(model: SemanticModel, tree: exp.Select, aliases: dict[str, str]) -> None:
    """Every join is an equality the model lists under ``joins``."""
    for join in tree.find_all(exp.Join):
        on = join.args.get("on")
        if not (
            isinstance(on, exp.EQ)
            and isinstance(on.this, exp.Column)
            and isinstance(on.expression, exp.Column)
        ):
            raise BadRequest("joins need ON a.column = b.column")
        sides = []
        for col in (on.this, on.expression):
            if col.table not in aliases:
                raise BadRequest(f"qualify join columns with their table: {col.sql()}")
            sides.append(f"{aliases[col.table]}.{col.name}")
        if frozenset(sides) not in model.allowed_joins():
            raise BadRequest(f"join not allowed by the model: {' = '.join(sides)}")


def _check_columns(
    model: SemanticModel, tree: exp.Select, aliases: dict[str, str], groups: list[str]
) -> None:
    """Each column exists in a table the query reads and is visible to ``groups``."""
    derived = {s.alias for s in tree.find_all(exp.Subquery) if s.alias}
    output = {a.alias for a in tree.find_all(exp.Alias)}
    for column in tree.find_all(exp.Column):
        if column.table in derived:
            continue  # its columns were checked inside the subquery
        if column.table:
            if column.table not in aliases:
                raise BadRequest(f"unknown table: {column.table}")
            owners = [aliases[column.table]]
        else:
            owners = [t for t in set(aliases.values()) if column.name in model.tables[t].columns]
        if not owners or column.name not in model.tables[owners[0]].columns:
            if not column.table and column.name in output:
                continue  # an output alias (ORDER BY value)
            raise BadRequest(f"unknown column {column.sql()}")
        for owner in owners:
            spec = model.tables[owner].columns[column.name]
            if spec.groups is not None and not set(groups) & set(spec.groups):
                raise AccessDenied(f"column {owner}.{column.name} is not visible to you")
