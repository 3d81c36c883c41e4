"""Run each source's sync when its schedule says so.

When a source is due is computed from its last recorded run in the records DB (see
``core.sources.next_run``), so a restarted scheduler picks up where it left off instead
of running everything again, and several schedulers never run one source at once (the
per-source lock refuses the second).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from core.errors import SourceBusy
from core.records import Records
from core.records.runs import due_times
from core.sources import SourceSpec
from ingest.syncrun import SourceOutcome

log = logging.getLogger("cairn.scheduler")


class Scheduler:
    """Polls the schedule and runs due sources one after another."""

    def __init__(
        self,
        records: Records,
        specs: Sequence[SourceSpec],
        run: Callable[[SourceSpec], SourceOutcome],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.records, self.specs, self.run, self.clock = records, list(specs), run, clock

    def tick(self) -> list[SourceOutcome]:
        """Run every source that is due now; returns their outcomes."""
        now = self.clock()
        due = due_times(self.records, self.specs, now)
        outcomes = []
        for spec in self.specs:
            when = due[spec.name]
            if when is None or when > now:
                continue
            try:
                outcome = self.run(spec)
            except SourceBusy as exc:
                log.info("%s", exc)
                continue
            log.info("synced %s: %s", spec.name, "ok" if outcome.ok else outcome.error)
            outcomes.append(outcome)
        return outcomes

    def run_forever(self, poll_s: float, stop: threading.Event) -> None:
        """Tick every ``poll_s`` seconds until ``stop`` is set."""
        while not stop.is_set():
            self.tick()
            stop.wait(poll_s)
