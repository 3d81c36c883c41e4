"""``cairn worker``: a Celery worker that runs queued sync batches (docs/sources.md)."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from core.errors import ConfigError
from core.settings import get_settings


def worker(
    concurrency: Annotated[
        int, typer.Option(help="Batches run at once (processes); 1 per core is a good start")
    ] = 1,
    pool: Annotated[str, typer.Option(help="Celery pool: prefork or solo")] = "prefork",
    name: Annotated[
        str | None, typer.Option(help="Worker node name (default: cairn-<pid>@<host>)")
    ] = None,
    loglevel: Annotated[str, typer.Option(help="Celery log level")] = "INFO",
) -> None:
    """Run sync batches from CAIRN_QUEUE__BROKER_URL until interrupted."""
    from ingest.queue import make_app

    settings = get_settings()
    if not settings.queue.broker_url:
        raise ConfigError("no broker: set CAIRN_QUEUE__BROKER_URL (docs/sources.md, Scaling out)")
    make_app(settings).worker_main(
        [
            "worker",
            f"--loglevel={loglevel}",
            f"--concurrency={concurrency}",
            f"--pool={pool}",
            f"--hostname={name or f'cairn-{os.getpid()}@%h'}",
            f"--queues={settings.queue.queue_name}",
            "--without-gossip",
            "--without-mingle",
        ]
    )
