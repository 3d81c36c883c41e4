"""An S3-compatible bucket (AWS, MinIO, Ceph, R2) as a connector, through boto3.

Objects under ``prefix``; the ETag is the version token; an ``_access.yaml`` object
gives the groups of every object under its prefix (the nearest one wins), like the
folder connector's access files.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping, Sequence
from typing import Any

from core.errors import IngestError, SourceUnavailable
from ingest.connectors.base import Fetched, Item, check_size
from ingest.sources import ACCESS_FILE, _groups_from, _load_yaml


class S3Connector:
    """Objects of ``bucket`` under ``prefix``."""

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        endpoint_url: str | None = None,
        region: str = "us-east-1",
        access_key: str | None = None,
        secret_key: str | None = None,
        timeout_s: float = 20.0,
        max_mb: float = 20.0,
    ) -> None:
        import boto3
        from botocore.config import Config

        self.bucket, self.prefix, self.max_mb = bucket, prefix.lstrip("/"), max_mb
        self.endpoint = (endpoint_url or "https://s3.amazonaws.com").rstrip("/")
        self.client: Any = boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            region_name=region,
            aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
            config=Config(
                connect_timeout=timeout_s,
                read_timeout=timeout_s,
                retries={"max_attempts": 2, "mode": "standard"},
            ),
        )

    def list_items(self, known: Mapping[str, str]) -> Sequence[Item]:
        """Every object under the prefix (``_``/``.``-prefixed names are config, skipped)."""
        from botocore.exceptions import BotoCoreError, ClientError

        objects: list[dict[str, Any]] = []
        try:
            pages = self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=self.prefix
            )
            for page in pages:
                objects += page.get("Contents", [])
            rules = self._rules([o["Key"] for o in objects])
        except (BotoCoreError, ClientError) as exc:
            raise SourceUnavailable(f"s3://{self.bucket}/{self.prefix}: {exc}") from exc
        items = []
        for obj in objects:
            key = obj["Key"]
            rel = key[len(self.prefix) :].lstrip("/")
            if not rel or key.endswith("/") or _hidden(rel):
                continue
            items.append(
                Item(
                    id=rel,
                    path=f"s3://{self.bucket}/{key}",
                    version=str(obj.get("ETag", "")).strip('"'),
                    groups=_nearest(rules, key),
                    modified=obj.get("LastModified"),
                    link=f"{self.endpoint}/{self.bucket}/{key}",
                    size=int(obj.get("Size", 0)),
                    error=check_size(int(obj.get("Size", 0)), self.max_mb),
                )
            )
        return items

    def _rules(self, keys: list[str]) -> dict[str, list[str]]:
        """Folder prefix → groups, from each ``_access.yaml`` object."""
        rules = {}
        for key in keys:
            if posixpath.basename(key) == ACCESS_FILE:
                body = self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
                where = f"s3://{self.bucket}/{key}"
                rules[posixpath.dirname(key)] = _groups_from(
                    _load_yaml(body.decode(), where), where
                )
        return rules

    def fetch(self, item: Item) -> Fetched:
        """The object's bytes and Content-Type."""
        from botocore.exceptions import BotoCoreError, ClientError

        key = f"{self.prefix.rstrip('/')}/{item.id}" if self.prefix else item.id
        try:
            obj = self.client.get_object(Bucket=self.bucket, Key=key)
            return Fetched(obj["Body"].read(), obj.get("ContentType") or "")
        except (BotoCoreError, ClientError) as exc:
            raise IngestError(f"cannot read s3://{self.bucket}/{key}: {exc}") from exc


def _hidden(rel: str) -> bool:
    return any(part.startswith((".", "_")) for part in rel.split("/"))


def _nearest(rules: dict[str, list[str]], key: str) -> list[str] | None:
    folder = posixpath.dirname(key)
    while True:
        if folder in rules:
            return rules[folder]
        if not folder:
            return None
        folder = posixpath.dirname(folder)
