"""Release gate: compare metrics with a baseline; any regression beyond tolerance fails.

Baseline file (``cairn eval --save-baseline``): {"metrics": {...}, "tolerances": {...}}.
Higher is better except for the names in LOWER_IS_BETTER; ``access.leaks`` must be 0.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from core.errors import CairnError

LOWER_IS_BETTER = {"refusal.false_rate", "access.leaks", "latency.p50_ms", "latency.p95_ms"}
DEFAULT_TOLERANCE = 0.05
SKIP = {"cases", "latency.p50_ms", "latency.p95_ms"}  # timings are benchmarked, not gated


def baseline_from(
    metrics: dict[str, float], tolerance: float = DEFAULT_TOLERANCE
) -> dict[str, Any]:
    """A baseline document for these metrics."""
    gated = {k: v for k, v in metrics.items() if k not in SKIP}
    return {
        "metrics": gated,
        "tolerances": {k: (0.0 if k == "access.leaks" else tolerance) for k in gated},
    }


def load(path: Path) -> dict[str, Any]:
    """Read a baseline file."""
    try:
        data: dict[str, Any] = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise CairnError(f"cannot read baseline {path}: {exc}") from exc
    if "metrics" not in data:
        raise CairnError(f"{path} is not a baseline (no 'metrics')")
    return data


def compare(metrics: dict[str, float], baseline: dict[str, Any]) -> dict[str, Any]:
    """{'passed': bool, 'failures': [readable lines], 'checked': n}."""
    failures = []
    tolerances = baseline.get("tolerances", {})
    checked = 0
    for name, base in baseline["metrics"].items():
        if name in SKIP:
            continue
        if name not in metrics:
            failures.append(f"{name}: missing from this run (baseline {base:g})")
            continue
        checked += 1
        value, tol = metrics[name], tolerances.get(name, DEFAULT_TOLERANCE)
        if name in LOWER_IS_BETTER:
            if value > base + tol:
                failures.append(f"{name}: {value:g} > baseline {base:g} + tolerance {tol:g}")
        elif value < base - tol:
            failures.append(f"{name}: {value:g} < baseline {base:g} - tolerance {tol:g}")
    if metrics.get("access.leaks", 0) > 0:
        failures.append(f"access.leaks: {metrics['access.leaks']:g} (must be 0)")
    return {"passed": not failures, "failures": sorted(set(failures)), "checked": checked}
