"""Run the real `cairn` CLI in a subprocess with an isolated home."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def cairn_env(home: Path, **extra: str) -> dict[str, str]:
    """Environment for a CLI subprocess: fake embedder unless overridden."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAIRN_")}
    env.update({"CAIRN_HOME": str(home), "CAIRN_EMBEDDING__BACKEND": "fake", "COLUMNS": "200"})
    env.update(extra)
    return env


def cairn(home: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    """Run `python -m cairn ARGS` and capture output."""
    return subprocess.run(
        [sys.executable, "-m", "cairn", *args],
        cwd=ROOT,
        env=cairn_env(home, **extra),
        capture_output=True,
        text=True,
        timeout=300,
    )
