"""SQL validation: one read-only SELECT over known tables and columns the caller may see,
with a row limit. Planner SQL and model-proposed (LLM) SQL go through the same checks.
"""

from __future__ import annotations

import sqlglot
from sqlglot import exp

from core.errors import AccessDenied, BadRequest
from tables.model import ROW_LIMIT, SemanticModel

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
