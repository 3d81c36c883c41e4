"""The deterministic planner: question → metric, dimensions, filters and period → SQL.

The SQL is never free text: the planner maps the question onto what the model file
defines, and the query is built with sqlglot (then validated, ``tables.validate``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import sqlglot
from sqlglot import exp

from tables.model import ROW_LIMIT, SemanticModel


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
