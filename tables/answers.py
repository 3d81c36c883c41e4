"""Questions about numbers, answered from tables through the semantic layer.

The answer carries the number, a small result table, the exact SQL and the table(s) as
its citations. The deterministic planner goes first; when it cannot express a question
that is about the tables and the optional LLM SQL path is on, the model proposes a
SELECT that runs only if it validates. A query the caller may not see (a restricted table
or column), or a proposed query that fails validation, is refused with the reason;
anything else goes to the documents.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from sqlglot import exp

from core.access import Principal
from core.errors import AccessDenied, BadRequest
from core.schema import Answer, Citation
from tables.llm_sql import SqlWriter
from tables.model import SemanticModel
from tables.planner import Plan, about_tables, grain_label, plan, to_sql
from tables.runner import TableRunner
from tables.validate import validate

REFUSAL = "The tables can't answer this."


class TableService:
    """Plans (or has the LLM propose), validates and runs table questions."""

    def __init__(self, model_path: Path, writer: SqlWriter | None = None) -> None:
        self.model = SemanticModel.load(model_path)
        self.runner = TableRunner(self.model)
        self.values = self.runner.distinct_values()
        self.writer = writer

    def answer(
        self, question: str, principal: Principal, version: int, revision: int
    ) -> Answer | None:
        """A structured answer, a refusal with its reason, or None (→ the documents)."""
        groups = self._all_groups() if principal.is_admin else principal.groups
        p = plan(self.model, question, self.values)
        if p is not None:
            sql, answerer = to_sql(self.model, p), "tables"
        elif self.writer is not None and about_tables(self.model, question):
            proposed = self.writer.write(question, self.model, set(groups))
            if proposed is None:
                return None
            sql, answerer = proposed, f"tables+{self.writer.name}"
        else:
            return None
        refused = _Refusal(question, version, revision, answerer)
        try:
            tree = validate(self.model, sql, groups)
        except AccessDenied as exc:
            return refused(str(exc))
        except BadRequest as exc:
            return refused(f"the proposed query was rejected: {exc}")
        try:
            columns, rows = self.runner.run(tree)
        except BadRequest as exc:
            return refused(str(exc))
        text = self._sentence(p, rows) if p is not None else _rows_sentence(columns, rows)
        ran = sql if p is not None else tree.sql(dialect="duckdb")  # the LIMIT may be lowered
        tables = sorted({t.name for t in tree.find_all(exp.Table)})
        citations = [self._cite(i + 1, name, ran, p) for i, name in enumerate(tables)]
        result = _answer(question, version, revision, answerer, refused=False)
        result.answer = f"{text} {''.join(f'[{c.n}]' for c in citations)}"
        result.citations = citations
        result.table = {
            "sql": ran,
            "columns": columns,
            "rows": [list(r) for r in rows],
            "source": ", ".join(c.source for c in citations),
            "metric": p.metric if p is not None else None,
            "generated_by": answerer,
        }
        return result

    def _cite(self, n: int, name: str, sql: str, p: Plan | None) -> Citation:
        table = self.model.tables[name]
        return Citation(
            n=n,
            chunk_id=f"table:{name}",
            doc_id=f"table:{name}",
            source=table.file or f"{name} (database)",
            title=name,
            section=p.metric if p is not None else "query",
            page=None,
            span=(0, 0),
            quote=sql,
            highlight=(0, 0),
            content_hash=hashlib.sha256(sql.encode()).hexdigest(),
            url=f"/tables/{name}",
            score=1.0,
        )

    def _all_groups(self) -> list[str]:
        groups = {g for t in self.model.tables.values() for g in t.groups}
        groups |= {
            g
            for t in self.model.tables.values()
            for c in t.columns.values()
            for g in (c.groups or [])
        }
        return sorted(groups)

    @staticmethod
    def _sentence(p: Plan, rows: list[tuple[Any, ...]]) -> str:
        label = p.metric.replace("_", " ")
        where = "".join(f", {v}" for v in p.filters.values())
        when = f", {p.period[2]}" if p.period else ""
        keys = ([p.grain[0]] if p.grain else []) + p.group_by
        if not keys:
            value = rows[0][0] if rows else 0
            return f"{label.capitalize()}{where}{when}: {_fmt(value)}."
        shown = [
            (grain_label(p.grain[0], r[0]), *r[1:]) if p.grain else r
            for r in rows[: 24 if p.grain else 10]
        ]
        parts = "; ".join(f"{' / '.join(str(x) for x in r[:-1])}: {_fmt(r[-1])}" for r in shown)
        return f"{label.capitalize()} by {', '.join(keys)}{where}{when}: {parts or 'no rows'}."


class _Refusal:
    """Builds the refusal answer for one question (the reason says why)."""

    def __init__(self, question: str, version: int, revision: int, answerer: str) -> None:
        self.args = (question, version, revision, answerer)

    def __call__(self, reason: str) -> Answer:
        result = _answer(*self.args, refused=True)
        result.answer, result.refusal_reason = REFUSAL, reason
        return result


def _answer(question: str, version: int, revision: int, answerer: str, refused: bool) -> Answer:
    return Answer(
        question=question,
        answer="",
        refused=refused,
        refusal_reason=None,
        citations=[],
        sentences=[],
        grounded=True,
        confidence=0.0 if refused else 1.0,
        answerer=answerer,
        index_version=version,
        index_revision=revision,
    )


def _rows_sentence(columns: list[str], rows: list[tuple[Any, ...]]) -> str:
    """A result of any shape as one sentence: one value, or the first rows."""
    if not rows:
        return "The query returned no rows."
    if len(rows) == 1 and len(columns) == 1:
        return f"{columns[0].replace('_', ' ').capitalize()}: {_fmt(rows[0][0])}."
    label = columns[-1].replace("_", " ").capitalize()
    if len(columns) > 1:
        label += f" by {', '.join(columns[:-1])}"
    parts = "; ".join(
        f"{' / '.join(_fmt(v) for v in r[:-1])}: {_fmt(r[-1])}" if len(r) > 1 else _fmt(r[0])
        for r in rows[:10]
    )
    more = f" (first 10 of {len(rows)} rows)" if len(rows) > 10 else ""
    return f"{label}: {parts}{more}."


def _fmt(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}"
    return f"{value:,}" if isinstance(value, int | float) else str(value)
