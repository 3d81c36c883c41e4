"""Deterministic hashing embedder for model-free unit tests."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from core.embed.base import Vectors, normalize


class FakeEmbedder:
    """Deterministic bag-of-words hashing embedder for model-free tests.

    Texts sharing words get similar vectors, so retrieval tests are meaningful.
    """

    backend = "fake"

    def __init__(self, dim: int = 64, model_id: str = "fake-hash-embedder") -> None:
        self.dim = dim
        self.model_id = model_id

    def embed(self, texts: Sequence[str]) -> Vectors:
        """Hash each lower-cased word into a bucket; normalise."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                digest = hashlib.blake2b(word.strip(".,;:!?()[]\"'").encode(), digest_size=4)
                out[row, int.from_bytes(digest.digest(), "little") % self.dim] += 1.0
        return normalize(out)
