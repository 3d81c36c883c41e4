"""Run validated semantic-layer queries: DuckDB over files, SQLAlchemy over databases.

Connections are read-only and time-limited. DuckDB sees the files through views on an
in-memory database whose file access is then locked to exactly those files (no COPY TO,
no ATTACH, no reading other paths, no extension installs), and a timer interrupts a query
that runs too long. A database connection (Postgres, MariaDB/MySQL) is put into read-only
mode with a statement timeout as soon as it is opened.
"""

from __future__ import annotations

import threading
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import duckdb
import sqlalchemy
from sqlglot import exp

from core.errors import BadRequest, ConfigError
from core.records import driver_url
from tables.model import SemanticModel

TIMEOUT_S = 5.0
SQLGLOT_DIALECT = {"postgresql": "postgres", "mysql": "mysql", "mariadb": "mysql"}


def database_engine(url: str, timeout_s: float = TIMEOUT_S) -> sqlalchemy.Engine:
    """An engine whose every connection is read-only and has a statement timeout."""
    url = driver_url(url)
    try:
        engine = sqlalchemy.create_engine(url, pool_pre_ping=True)
    except (sqlalchemy.exc.ArgumentError, ImportError) as exc:
        raise ConfigError(f"bad database_url: {exc}") from exc
    name = engine.dialect.name
    if name not in SQLGLOT_DIALECT:
        raise ConfigError(f"unsupported database {name}: use Postgres or MariaDB/MySQL")

    @sqlalchemy.event.listens_for(engine, "connect")
    def _read_only(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        if name == "postgresql":
            cursor.execute("SET default_transaction_read_only = on")
            cursor.execute(f"SET statement_timeout = {int(timeout_s * 1000)}")
        else:
            cursor.execute("SET SESSION TRANSACTION READ ONLY")
            try:
                cursor.execute(f"SET SESSION max_statement_time = {timeout_s}")  # MariaDB
            except Exception:  # noqa: BLE001 - MySQL names it differently (milliseconds)
                cursor.execute(f"SET SESSION max_execution_time = {int(timeout_s * 1000)}")
        cursor.close()
        dbapi_connection.commit()

    return engine


class TableRunner:
    """Executes SELECTs for one semantic model."""

    def __init__(self, model: SemanticModel, timeout_s: float = TIMEOUT_S) -> None:
        self.model = model
        self.timeout_s = timeout_s
        self._duck = duckdb.connect(":memory:")
        self._engines: dict[str, sqlalchemy.Engine] = {}
        files: dict[str, str] = {}  # table → absolute path
        for name, table in model.tables.items():
            if table.file:
                path = (model.root / table.file).resolve()
                if not path.exists():
                    raise ConfigError(f"table {name}: {path} not found")
                files[name] = path.as_posix()
            elif table.database_url:
                self._engines[name] = database_engine(table.database_url, timeout_s)
            else:
                raise ConfigError(f"table {name}: give file or database_url")
        quoted = ", ".join(exp.Literal.string(f).sql(dialect="duckdb") for f in files.values())
        self._duck.execute(f"SET allowed_paths = [{quoted}]")
        for name, file in files.items():
            reader = "read_parquet" if file.endswith(".parquet") else "read_csv_auto"
            view = exp.to_identifier(name, quoted=True).sql(dialect="duckdb")
            literal = exp.Literal.string(file).sql(dialect="duckdb")
            try:
                self._duck.execute(f"CREATE VIEW {view} AS SELECT * FROM {reader}({literal})")
            except duckdb.Error as exc:
                raise ConfigError(f"table {name}: {file} cannot be read: {exc}") from exc
        self._duck.execute("SET enable_external_access = false")
        self._duck.execute("SET lock_configuration = true")

    def run(self, tree: exp.Expression) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Column names and rows of a validated query (values made JSON-friendly)."""
        tables = {t.name for t in tree.find_all(exp.Table)}
        sources = {self.model.tables[t].database_url for t in tables if t in self.model.tables}
        if len(sources) > 1:
            raise BadRequest("a query can join tables of one source only")
        on_db = [t for t in tables if t in self._engines]
        try:
            if not on_db:
                columns, rows = self._run_duckdb(tree.sql(dialect="duckdb"))
            else:
                columns, rows = self._run_database(tree, on_db[0])
        except (duckdb.Error, sqlalchemy.exc.SQLAlchemyError) as exc:
            if "interrupt" in str(exc).lower() or "timeout" in str(exc).lower():
                raise BadRequest(f"the query ran longer than {self.timeout_s:g} s") from exc
            raise BadRequest(f"the query failed: {exc}") from exc
        return columns, [tuple(_plain(v) for v in row) for row in rows]

    def _run_duckdb(self, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        cursor = self._duck.cursor()  # one per query: the connection is shared by threads
        timer = threading.Timer(self.timeout_s, cursor.interrupt)
        timer.start()
        try:
            cursor.execute(sql)
            return [d[0] for d in cursor.description or []], [tuple(r) for r in cursor.fetchall()]
        finally:
            timer.cancel()
            cursor.close()

    def _run_database(
        self, tree: exp.Expression, table: str
    ) -> tuple[list[str], list[tuple[Any, ...]]]:
        engine = self._engines[table]
        renamed = tree.transform(
            lambda n: (
                exp.to_table(self.model.tables[n.name].name or n.name, alias=n.alias or None)
                if isinstance(n, exp.Table)
                else n
            )
        )
        sql = renamed.sql(dialect=SQLGLOT_DIALECT[engine.dialect.name])
        with engine.connect() as conn:
            result = conn.exec_driver_sql(sql)
            rows = [tuple(r) for r in result.fetchall()]
            conn.rollback()
            return list(result.keys()), rows

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


def _plain(value: Any) -> Any:
    """Decimal → int/float, dates → ISO text: what JSON and the answer sentence expect."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        return value.date().isoformat()  # DATE_TRUNC gives midnight timestamps
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value
