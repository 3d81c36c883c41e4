"""What the API needs to start a source sync: one small protocol.

The API does not import ``ingest`` (they are peer layers). Whoever builds the app passes
a factory that makes a runner from the answer engine (``cairn serve`` passes
``ingest.background.BackgroundSyncs.for_engine``); without one, the sync endpoint
answers 503.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from answer import Engine


class SourceSyncs(Protocol):
    """Starts syncs of named sources in the background."""

    def start(self, name: str) -> int:
        """Start a sync of ``name``; its run id. Raises NotFound for an undeclared
        source and SourceBusy when a sync of it is already running."""
        ...

    def close(self) -> None:
        """Stop running syncs at a safe point and wait for them (server shutdown)."""
        ...


SyncsFactory = Callable[[Engine], SourceSyncs]
