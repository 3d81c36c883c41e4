"""Questions about numbers, answered from tables through the semantic layer.

The answer carries the number, a small result table, the exact SQL and the table as its
citation. A question the model can express but the caller may not see (a restricted
table or column) is refused with the reason; anything else goes to the documents.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from core.access import Principal
from core.errors import AccessDenied
from core.schema import Answer, Citation
from core.semantic import Plan, SemanticModel, plan, to_sql, validate
from core.semantic_run import TableRunner


class TableService:
    """Plans, validates and runs table questions."""

    def __init__(self, model_path: Path) -> None:
        self.model = SemanticModel.load(model_path)
        self.runner = TableRunner(self.model)
        self.values = self.runner.distinct_values()

    def answer(
        self, question: str, principal: Principal, version: int, revision: int
    ) -> Answer | None:
        """A structured answer, a refusal for what the caller may not see, or None."""
        p = plan(self.model, question, self.values)
        if p is None:
            return None
        metric = self.model.metrics[p.metric]
        sql = to_sql(self.model, p)
        groups = ["*"] if principal.is_admin else principal.groups
        try:
            tree = validate(self.model, sql, self._all_groups() if principal.is_admin else groups)
        except AccessDenied as exc:
            return self._answer(
                question,
                version,
                revision,
                refused=True,
                text="The documents don't cover this.",
                reason=str(exc),
            )
        columns, rows = self.runner.run(tree)
        table = self.model.tables[metric.table]
        cite = Citation(
            n=1,
            chunk_id=f"table:{metric.table}",
            doc_id=f"table:{metric.table}",
            source=table.file or f"{metric.table} (database)",
            title=metric.table,
            section=p.metric,
            page=None,
            span=(0, 0),
            quote=sql,
            highlight=(0, 0),
            content_hash=hashlib.sha256(sql.encode()).hexdigest(),
            url=f"/tables/{metric.table}",
            score=1.0,
        )
        result = self._answer(
            question, version, revision, refused=False, text=f"{self._sentence(p, rows)} [1]"
        )
        result.citations = [cite]
        result.table = {
            "sql": sql,
            "columns": columns,
            "rows": [list(r) for r in rows],
            "source": cite.source,
            "metric": p.metric,
        }
        return result

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
        if not p.group_by:
            value = rows[0][0] if rows else 0
            return f"{label.capitalize()}{where}{when}: {_fmt(value)}."
        parts = "; ".join(f"{' / '.join(str(x) for x in r[:-1])}: {_fmt(r[-1])}" for r in rows[:10])
        return (
            f"{label.capitalize()} by {', '.join(p.group_by)}{where}{when}: {parts or 'no rows'}."
        )

    @staticmethod
    def _answer(
        question: str,
        version: int,
        revision: int,
        refused: bool,
        text: str,
        reason: str | None = None,
    ) -> Answer:
        return Answer(
            question=question,
            answer=text,
            refused=refused,
            refusal_reason=reason,
            citations=[],
            sentences=[],
            grounded=True,
            confidence=1.0 if not refused else 0.0,
            answerer="tables",
            index_version=version,
            index_revision=revision,
        )


def _fmt(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}"
    return f"{value:,}" if isinstance(value, int | float) else str(value)
