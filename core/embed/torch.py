"""Reference embedder: sentence-transformers MiniLM in fp32 on torch, fully offline."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from core.embed.base import MINILM_ID, Vectors, encode_bucketed, minilm_path
from core.errors import EmbedderError


class TorchEmbedder:
    """all-MiniLM-L6-v2 via sentence-transformers, loaded from its wheel."""

    model_id = MINILM_ID
    backend = "torch-fp32"

    def __init__(self, threads: int = 2, batch_size: int = 32) -> None:
        try:
            import torch
            from sentence_transformers import SentenceTransformer

            torch.set_num_threads(threads)
            self._model = SentenceTransformer(str(minilm_path()), device="cpu")
        except Exception as exc:
            raise EmbedderError(f"cannot load the MiniLM model: {exc}") from exc
        self.dim = int(self._model.get_embedding_dimension() or 384)
        self.batch_size = batch_size

    def embed(self, texts: Sequence[str]) -> Vectors:
        """Embed with length-bucketed batches."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return encode_bucketed(texts, self.batch_size, self._encode, self.dim)

    def _encode(self, batch: list[str]) -> Vectors:
        vecs = self._model.encode(
            batch, batch_size=len(batch), normalize_embeddings=True, convert_to_numpy=True
        )
        return np.asarray(vecs, dtype=np.float32)
