"""The semantic layer: questions about numbers answered from tables.

A model file (``SemanticModel``) names tables, metrics and dimensions; the planner maps a
question onto it and builds SQL; validation admits one read-only SELECT the caller may
see; the runner executes it (DuckDB over files, SQLAlchemy over databases); the
``TableService`` turns the result into a cited answer. An optional LLM (``SqlWriter``)
may propose SQL the planner cannot express, held to the same validation.
"""

from __future__ import annotations

from tables.answers import REFUSAL, TableService
from tables.llm_sql import SqlWriter
from tables.model import ROW_LIMIT, SemanticModel
from tables.planner import Plan, about_tables, grain_label, period_of, plan, to_sql
from tables.runner import TableRunner, database_engine
from tables.validate import validate

__all__ = [
    "REFUSAL",
    "ROW_LIMIT",
    "Plan",
    "SemanticModel",
    "SqlWriter",
    "TableRunner",
    "TableService",
    "about_tables",
    "database_engine",
    "grain_label",
    "period_of",
    "plan",
    "to_sql",
    "validate",
]
