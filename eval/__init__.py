"""Offline evaluation suite (datasets, metrics, runner, report, gate)."""
