"""Offline evaluation suite (datasets, metrics, runner, report, gate, per-corpus suites)."""

from __future__ import annotations

from eval.golden import GoldenCase, load
from eval.runner import CaseResult, evaluation_engine, run
from eval.suite import Suite

__all__ = ["CaseResult", "GoldenCase", "Suite", "evaluation_engine", "load", "run"]
