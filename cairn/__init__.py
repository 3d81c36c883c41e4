"""The ``cairn`` command line — the only package that imports all the others."""

from __future__ import annotations

from cairn.cli import main

__all__ = ["main"]
