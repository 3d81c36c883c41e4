"""Run validated semantic-layer queries: DuckDB over files, SQLAlchemy over databases.

Connections are read-only: DuckDB sees the files through views on an in-memory database
(nothing can be written back to them); a database runs the query in a READ ONLY
transaction with a statement timeout.
"""

from __future__ import annotations

from typing import Any

import duckdb
import sqlalchemy
from sqlglot import exp

from core.errors import BadRequest, ConfigError
from core.semantic import SemanticModel

TIMEOUT_MS = 5000


class TableRunner:
    """Executes SELECTs for one semantic model."""

    def __init__(self, model: SemanticModel) -> None:
        self.model = model
        self._duck = duckdb.connect(":memory:")
        self._engines: dict[str, sqlalchemy.Engine] = {}
        for name, table in model.tables.items():
            if table.file:
                path = (model.root / table.file).resolve()
                if not path.exists():
                    raise ConfigError(f"table {name}: {path} not found")
                reader = "read_parquet" if path.suffix == ".parquet" else "read_csv_auto"
                self._duck.execute(
                    f"CREATE VIEW {name} AS SELECT * FROM {reader}('{path.as_posix()}')"
                )
            elif table.database_url:
                self._engines[name] = sqlalchemy.create_engine(
                    table.database_url.replace("postgresql://", "postgresql+psycopg://", 1)
                )
            else:
                raise ConfigError(f"table {name}: give file or database_url")

    def run(self, tree: exp.Expression) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Column names and rows of a validated query."""
        tables = {t.name for t in tree.find_all(exp.Table)}
        on_db = [t for t in tables if t in self._engines]
        try:
            if not on_db:
                cursor = self._duck.execute(tree.sql(dialect="duckdb"))
                return [d[0] for d in cursor.description], [tuple(r) for r in cursor.fetchall()]
            engine = self._engines[on_db[0]]
            renamed = tree.transform(
                lambda n: (
                    exp.to_table(self.model.tables[n.name].name or n.name)
                    if isinstance(n, exp.Table)
                    else n
                )
            )
            sql = renamed.sql(
                dialect=engine.dialect.name if engine.dialect.name != "postgresql" else "postgres"
            )
            with engine.connect() as conn, conn.begin():
                if engine.dialect.name == "postgresql":
                    conn.exec_driver_sql("SET TRANSACTION READ ONLY")
                    conn.exec_driver_sql(f"SET LOCAL statement_timeout = {TIMEOUT_MS}")
                result = conn.exec_driver_sql(sql)
                return list(result.keys()), [tuple(r) for r in result.fetchall()]
        except (duckdb.Error, sqlalchemy.exc.SQLAlchemyError) as exc:
            raise BadRequest(f"the query failed: {exc}") from exc

    def distinct_values(self) -> dict[str, set[str]]:
        """Values of every dimension column, for matching filters in questions."""
        out: dict[str, set[str]] = {}
        for dim in self.model.dimensions.values():
            for name, table in self.model.tables.items():
                if dim.column in table.columns:
                    query = exp.select(dim.column).distinct().from_(name).limit(500)
                    _, rows = self.run(query)
                    out.setdefault(dim.column, set()).update(
                        str(r[0]) for r in rows if r[0] is not None
                    )
        return out
