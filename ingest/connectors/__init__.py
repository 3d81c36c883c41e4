"""Live-source connectors: one small protocol, one module per kind of source.

``build_connector(spec, settings)`` turns a ``sources.yaml`` entry into a connector by
its ``type`` (a name → factory registry; a new kind of source is one module and one
line here). Connector libraries (boto3, trafilatura) are imported by the factory.
"""

from __future__ import annotations

from collections.abc import Callable

from core.settings import Settings
from core.sources import SourceSpec
from ingest.connectors.base import Connector, Fetched, Item, selected, suffix_for

__all__ = [
    "CONNECTORS",
    "Connector",
    "Fetched",
    "Item",
    "build_connector",
    "selected",
    "suffix_for",
]


def _folder(spec: SourceSpec, settings: Settings) -> Connector:
    from pathlib import Path

    from ingest.connectors.folder import FolderConnector

    return FolderConnector(Path(spec.path or "."), settings.ingest.access)


def _web(spec: SourceSpec, settings: Settings) -> Connector:
    from ingest.connectors.web import WebConnector

    return WebConnector(
        spec.url or "",
        max_pages=spec.max_pages,
        max_depth=spec.max_depth,
        timeout_s=spec.timeout_s,
        max_mb=settings.ingest.max_file_mb,
    )


def _s3(spec: SourceSpec, settings: Settings) -> Connector:
    from ingest.connectors.s3 import S3Connector

    return S3Connector(
        spec.bucket or "",
        spec.prefix,
        spec.endpoint_url,
        spec.region,
        access_key=spec.secret("access_key_env"),
        secret_key=spec.secret("secret_key_env"),
        timeout_s=spec.timeout_s,
        max_mb=settings.ingest.max_file_mb,
    )


def _webdav(spec: SourceSpec, settings: Settings) -> Connector:
    from ingest.connectors.webdav import WebDavConnector

    return WebDavConnector(
        spec.url or "",
        username=spec.secret("username_env"),
        password=spec.secret("password_env"),
        timeout_s=spec.timeout_s,
        max_mb=settings.ingest.max_file_mb,
    )


def _git(spec: SourceSpec, settings: Settings) -> Connector:
    from ingest.connectors.git import GitConnector

    return GitConnector(
        spec.repo or "",
        spec.branch,
        settings.home / "sources" / f"{spec.name}.git",
        link_template=spec.link_template,
        timeout_s=max(spec.timeout_s, 120.0),
        max_mb=settings.ingest.max_file_mb,
    )


CONNECTORS: dict[str, Callable[[SourceSpec, Settings], Connector]] = {
    "folder": _folder,
    "web": _web,
    "s3": _s3,
    "webdav": _webdav,
    "git": _git,
}


def build_connector(spec: SourceSpec, settings: Settings) -> Connector:
    """The connector for a ``sources.yaml`` entry."""
    return CONNECTORS[spec.type](spec, settings)
