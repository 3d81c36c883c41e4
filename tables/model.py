"""Structured data: a small semantic layer over tables (CSV/Parquet via DuckDB, or a SQL
database via SQLAlchemy), so questions about numbers get a number, the SQL and the table.

This module is the model file: tables, columns, metrics, dimensions, joins and who may
see what, loaded from YAML and checked when loaded.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

import sqlglot
import yaml
from pydantic import BaseModel, Field, ValidationError
from sqlglot import exp

from core.errors import ConfigError

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
