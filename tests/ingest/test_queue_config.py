"""The Celery app's settings that redelivery relies on, for RabbitMQ and Redis brokers
(no broker is contacted: building the app connects to nothing)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.queue import BATCH_TASK, make_app
from tests.conftest import make_settings


def test_redis_visibility_timeout_and_retry_backoff_fit_together(tmp_path: Path) -> None:
    pytest.importorskip("celery", reason="the queue extra is not installed")
    queue = {"broker_url": "redis://127.0.0.1:6379/5", "visibility_timeout_s": 120}
    app = make_app(make_settings(tmp_path, queue=queue))  # type: ignore[arg-type]
    assert app.conf.broker_transport_options == {"visibility_timeout": 120}
    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost
    assert app.conf.worker_prefetch_multiplier == 1
    task = app.tasks[BATCH_TASK]
    assert task.acks_late and task.reject_on_worker_lost
    # A retry waits unacknowledged: its countdown must end well before Redis redelivers.
    assert task.retry_backoff_max == 60
    default = make_app(make_settings(tmp_path, queue={"broker_url": "amqp://x//"}))  # type: ignore[arg-type]
    assert default.tasks[BATCH_TASK].retry_backoff_max == 300
    assert default.conf.broker_transport_options == {"visibility_timeout": 3600}
