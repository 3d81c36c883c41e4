"""Processes that share a models folder quantize the int8 model once and all load it
(model-free: the quantizer is a stand-in that writes a placeholder IR)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import pytest

from core.embed.openvino import CACHE_NAME, ensure_model
from core.errors import EmbedderError


def test_a_shared_models_folder_is_quantized_once(tmp_path: Path) -> None:
    entered, release = threading.Event(), threading.Event()
    calls: list[list[str]] = []

    def quantizer(target: Path, texts: Sequence[str]) -> None:
        calls.append(list(texts))
        entered.set()
        release.wait(30)
        target.mkdir(parents=True)
        (target / "model.xml").write_text("placeholder IR")

    first = [f"passage a{i} of the first worker" for i in range(20)]
    second = [f"passage b{i} of the second worker" for i in range(20)]
    found: dict[str, Path] = {}

    def worker(name: str, texts: list[str]) -> threading.Thread:
        def run() -> None:
            found[name] = ensure_model(tmp_path, lambda: texts, 300, quantizer)

        thread = threading.Thread(target=run)
        thread.start()
        return thread

    a = worker("a", first)
    assert entered.wait(30)
    b = worker("b", second)
    b.join(0.5)  # b waits for the lock (without it, it would quantize on its own texts)
    release.set()
    a.join(30)
    b.join(30)
    assert calls == [first]
    assert found == {"a": tmp_path / CACHE_NAME, "b": tmp_path / CACHE_NAME}


def test_too_few_calibration_passages_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(EmbedderError, match="fewer than 16 calibration passages"):
        ensure_model(tmp_path, lambda: ["only one"], 300)
