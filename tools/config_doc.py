"""Generate docs/configuration.md from the ``Settings`` field descriptions.

    python -m tools.config_doc          # rewrite docs/configuration.md
    python -m tools.config_doc --check  # exit 1 when the file is out of date

``tests/test_docs.py`` runs the check, so a setting added without updating the page fails.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from core.settings import Settings

DOC = Path(__file__).resolve().parent.parent / "docs" / "configuration.md"
HEAD = """# Configuration

Cairn reads one settings tree from environment variables named `CAIRN_*`. Nested
settings use a double underscore: `CAIRN_QDRANT__URL`, `CAIRN_ANSWER__TOP_K`. Lists are
JSON: `CAIRN_API__CORS_ORIGINS='["https://intranet.example"]'`. Values are validated at
start-up; an out-of-range value stops the command with one line naming the setting.

This page is generated from the descriptions in `core/settings.py`
(`python -m tools.config_doc`); a test fails when it is out of date.
"""


def _default(field: FieldInfo) -> str:
    if field.default_factory is not None:
        value: Any = field.default_factory()  # type: ignore[call-arg]
    elif field.default is PydanticUndefined:
        return "required"
    else:
        value = field.default
    if value is None:
        return "unset"
    if isinstance(value, Path):
        return f"`{value}`"
    return f"`{json.dumps(value)}`"


def _table(model: type[BaseModel], prefix: str) -> list[str]:
    lines = ["| Variable | Default | Meaning |", "|---|---|---|"]
    for name, field in model.model_fields.items():
        if _nested(field) is None:
            meaning = (field.description or "").replace("|", "\\|")
            lines.append(f"| `{prefix}{name.upper()}` | {_default(field)} | {meaning} |")
    return lines


def _nested(field: FieldInfo) -> type[BaseModel] | None:
    kind = field.annotation
    return kind if isinstance(kind, type) and issubclass(kind, BaseModel) else None


def _groups(model: type[BaseModel], prefix: str) -> list[str]:
    """One table per nested group, depth first (``CAIRN_AUTH__*``, ``CAIRN_AUTH__OIDC__*``)."""
    lines: list[str] = []
    for name, field in model.model_fields.items():
        group = _nested(field)
        if group is None:
            continue
        inner = f"{prefix}{name.upper()}__"
        title = (group.__doc__ or name).strip().rstrip(".").replace("``", "`")
        lines += ["", f"## `{inner}*`", "", title + ".", "", *_table(group, inner)]
        lines += _groups(group, inner)
    return lines


def render() -> str:
    """The whole page: top-level settings, then one table per nested group."""
    lines = [HEAD, "## General", "", *_table(Settings, "CAIRN_"), *_groups(Settings, "CAIRN_")]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the page is stale")
    args = parser.parse_args()
    page = render()
    if args.check:
        if not DOC.exists() or DOC.read_text() != page:
            print(f"{DOC} is out of date: run python -m tools.config_doc", file=sys.stderr)
            sys.exit(1)
        return
    DOC.write_text(page)
    print(f"wrote {DOC}")


if __name__ == "__main__":
    main()
