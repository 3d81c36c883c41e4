"""``sources.yaml``: the named live sources Cairn syncs, and when each one is due.

A top-level ``sources:`` list; each entry has ``name``, ``type``, the type's location
field(s), optional ``include``/``exclude`` globs, default ``groups`` and a ``schedule``
(an interval such as ``30m`` or a five-field cron line). Credentials are never in the
file: an entry names the environment variables that hold them (``*_env`` fields).
A bad file fails as one line naming the entry and the field, before anything runs.
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from core.errors import ConfigError, NotFound

__all__ = ["LOCATION", "SOURCE_MARK", "SourceSpec", "interval_of", "load_sources", "next_run"]

# Each type's required location fields (the registry of types lives in ingest.connectors;
# this table is what the file is checked against, so the API can read the file too).
LOCATION: dict[str, tuple[str, ...]] = {
    "folder": ("path",),
    "web": ("url",),
    "s3": ("bucket",),
    "webdav": ("url",),
    "git": ("repo",),
}
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
INTERVAL = re.compile(r"^(\d+)\s*([smhd])$")
# Manifest keys of a named source's documents are ``_<source>/<item id>``: a folder's
# relative paths never start with "_" (the folder walk skips every such path).
SOURCE_MARK = "_"
UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


class SourceSpec(BaseModel):
    """One entry of ``sources.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    type: str
    path: str | None = None
    url: str | None = None
    bucket: str | None = None
    prefix: str = ""
    endpoint_url: str | None = None
    region: str = "us-east-1"
    repo: str | None = None
    branch: str = "main"
    link_template: str | None = Field(
        None, description="git: deep link, e.g. https://host/org/repo/blob/{commit}/{path}"
    )
    include: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    groups: list[str] = Field(default_factory=list)
    schedule: str | None = None
    max_pages: int = Field(500, ge=1)
    max_depth: int = Field(3, ge=0)
    timeout_s: float = Field(20.0, gt=0)
    username_env: str | None = None
    password_env: str | None = None
    access_key_env: str | None = None
    secret_key_env: str | None = None

    @property
    def location(self) -> str:
        """Where the source lives, in one line (its path, URL, bucket or repository)."""
        if self.type == "s3":
            endpoint = f" @ {self.endpoint_url}" if self.endpoint_url else ""
            return f"s3://{self.bucket}/{self.prefix}{endpoint}"
        if self.type == "git":
            return f"{self.repo} ({self.branch})"
        return self.url or self.path or ""

    def secret(self, field: str) -> str | None:
        """The value of the environment variable named by ``field`` (e.g. ``password_env``)."""
        var = getattr(self, field)
        if not var:
            return None
        value = os.environ.get(var)
        if value is None:
            raise ConfigError(f"source '{self.name}': environment variable {var} is not set")
        return value


def load_sources(path: Path) -> list[SourceSpec]:
    """Read and check ``sources.yaml``; any problem is one ConfigError line."""
    try:
        data = yaml.safe_load(path.read_text("utf-8")) or {}
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: invalid YAML ({exc})") from exc
    entries = data.get("sources") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise ConfigError(f"{path}: expected a top-level 'sources:' list")
    specs: list[SourceSpec] = []
    for number, entry in enumerate(entries, start=1):
        specs.append(_spec(path, number, entry))
    names = [s.name for s in specs]
    for name in names:
        if names.count(name) > 1:
            raise ConfigError(f"{path}: entry '{name}': field 'name': used more than once")
    return specs


def find_source(path: Path | None, name: str) -> SourceSpec:
    """The source called ``name`` in the sources file ``path`` (NotFound without one)."""
    if path is None:
        raise NotFound(f"no source '{name}': no sources.yaml is configured (CAIRN_SOURCES)")
    specs = {s.name: s for s in load_sources(path)}
    if name not in specs:
        known = ", ".join(specs) or "none"
        raise NotFound(f"no source '{name}' in {path} (known: {known})")
    return specs[name]


def _spec(path: Path, number: int, entry: Any) -> SourceSpec:
    label = f"entry #{number}"
    if not isinstance(entry, dict):
        raise ConfigError(f"{path}: {label}: expected a mapping of fields")
    if entry.get("name"):
        label = f"entry '{entry['name']}'"

    def fail(field: str, why: str) -> ConfigError:
        return ConfigError(f"{path}: {label}: field '{field}': {why}")

    for field in ("name", "type"):
        if not entry.get(field):
            raise fail(field, "missing")
    if not NAME.match(str(entry["name"])):
        raise fail("name", "use letters, digits, '.', '_' or '-' (at most 64)")
    kind = entry["type"]
    if kind not in LOCATION:
        raise fail("type", f"unknown type {kind!r} (known: {', '.join(sorted(LOCATION))})")
    for field in LOCATION[kind]:
        if not entry.get(field):
            raise fail(field, f"missing (a {kind} source needs {' and '.join(LOCATION[kind])})")
    try:
        spec = SourceSpec.model_validate(entry)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "?"
        raise fail(where, first["msg"].lower()) from None
    if spec.schedule is not None:
        try:
            next_run(spec.schedule, None, datetime(2000, 1, 1))
        except ConfigError as exc:
            raise fail("schedule", str(exc)) from None
    return spec


def interval_of(schedule: str) -> timedelta | None:
    """``30m`` → 30 minutes; None when ``schedule`` is not an interval (a cron line)."""
    match = INTERVAL.match(schedule.strip())
    if not match:
        return None
    amount = int(match.group(1))
    if amount <= 0:
        raise ConfigError("an interval must be positive")
    return timedelta(**{UNITS[match.group(2)]: amount})


def next_run(schedule: str, last_start: datetime | None, now: datetime) -> datetime:
    """When a source is next due: an interval counts from the last run's start (due at
    once when it never ran); a cron line gives its next time after the last run (or
    after ``now`` when it never ran, i.e. a new source waits for its first slot)."""
    interval = interval_of(schedule)
    if interval is not None:
        return now if last_start is None else last_start + interval
    try:
        from croniter import croniter
    except ImportError as exc:  # pragma: no cover - croniter ships with the connectors extra
        raise ConfigError("cron schedules need croniter (pip install 'cairn[connectors]')") from exc
    if not croniter.is_valid(schedule):
        raise ConfigError(f"{schedule!r} is neither an interval (30m, 2h, 1d) nor a cron line")
    base = last_start or now
    nxt: datetime = croniter(schedule, base).get_next(datetime)
    return nxt
