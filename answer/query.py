"""One question's state as it passes through the stages: a ``Query`` value.

It carries the text, the conversation context, the asking principal, the index version
the answer is made from, and the query vector, computed on first use and reused by every
stage after (reviewed-answer matching, retrieval, the answerer).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from core.access import Principal
from core.embed import Embedder
from core.records import IndexVersion

__all__ = ["Query"]


@dataclass
class Query:
    """A question asked by a principal against one index version."""

    text: str
    principal: Principal
    context: str = ""  # earlier turns of a conversation: used for retrieval only
    version: IndexVersion | None = None
    _vector: np.ndarray | None = field(default=None, repr=False)

    @property
    def search_text(self) -> str:
        """What retrieval searches for: the context, then the question."""
        return f"{self.context} {self.text}".strip()

    @property
    def groups(self) -> list[str] | None:
        """The access filter of the vector query (None: an admin sees everything)."""
        return None if self.principal.is_admin else self.principal.groups

    @property
    def cache_groups(self) -> list[str]:
        """The groups part of the answer cache key."""
        return ["*admin*"] if self.principal.is_admin else self.principal.groups

    def vector(self, embedder: Embedder) -> np.ndarray:
        """The embedding of ``search_text``, computed once."""
        if self._vector is None:
            self._vector = embedder.embed([self.search_text])[0]
        return self._vector
