"""A `cairn worker` for the kill -9 test: the same Celery app, with a hook that records
each batch a process starts (``<marks>/<pid>-<n>.json``) and holds the batch holding
``CAIRN_TEST_SLOW_KEY`` until ``<marks>/released`` exists, so the test can kill the
process while the batch is in flight."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from core.settings import Settings
from ingest.queue import make_app

MARKS = Path(os.environ["CAIRN_TEST_MARKS"])
SLOW_KEY = os.environ.get("CAIRN_TEST_SLOW_KEY", "")


def on_batch(payload: dict[str, Any]) -> None:
    keys = [job["key"] for job in payload["jobs"]]
    n = len(list(MARKS.glob(f"{os.getpid()}-*.json")))
    (MARKS / f"{os.getpid()}-{n}.json").write_text(json.dumps(keys))
    while SLOW_KEY in keys and not (MARKS / "released").exists():
        time.sleep(0.05)


if __name__ == "__main__":
    app = make_app(Settings(), on_batch=on_batch)
    app.worker_main(
        [
            "worker",
            "--loglevel=INFO",
            "--concurrency=1",
            "--pool=prefork",
            f"--hostname={sys.argv[1]}",
            f"--queues={Settings().queue.queue_name}",
            "--without-gossip",
            "--without-mingle",
        ]
    )
