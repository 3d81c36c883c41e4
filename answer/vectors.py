"""Unit vectors kept across requests: the answerer re-scores the same document text for
different questions, so each text is embedded once per model."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from core.embed import Embedder

__all__ = ["SentenceVectors"]


class SentenceVectors:
    """Embeddings of document sentences, kept in a bounded LRU across requests.

    Different questions about the same documents re-score the same sentences; their
    vectors depend only on the text and the model (one cache per answerer, so per
    model), so only unseen sentences are embedded. ``capacity`` 0 turns it off.
    """

    def __init__(self, embedder: Embedder, capacity: int) -> None:
        self.embedder = embedder
        self.capacity = capacity
        self._lru: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> list[np.ndarray]:
        """One vector per text, embedding only the ones not cached."""
        if self.capacity == 0:
            return list(self.embedder.embed(list(texts)))
        with self._lock:
            known = {t: self._lru[t] for t in texts if t in self._lru}
            for t in known:
                self._lru.move_to_end(t)
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if missing:
            fresh = dict(zip(missing, self.embedder.embed(missing), strict=True))
            known.update(fresh)
            with self._lock:
                self._lru.update(fresh)
                while len(self._lru) > self.capacity:
                    self._lru.popitem(last=False)
        return [known[t] for t in texts]
