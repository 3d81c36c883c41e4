"""Embedders: the fake one (unit) and the real MiniLM backends (integration)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.embed import Coalescer, FakeEmbedder, build_embedder, encode_bucketed
from core.errors import EmbedderError
from tests.conftest import SAMPLES, make_settings


def test_fake_embedder_is_deterministic_and_normalised() -> None:
    emb = FakeEmbedder()
    a = emb.embed(["vacation days per year", "laptop replacement"])
    b = emb.embed(["vacation days per year", "laptop replacement"])
    assert np.array_equal(a, b)
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0)
    q = emb.embed(["how many vacation days"])[0]
    assert q @ a[0] > q @ a[1]


def test_bucketed_encoding_keeps_input_order() -> None:
    texts = ["ccc ccc ccc", "a", "bb bb", "dddd dddd dddd dddd"]
    seen: list[list[str]] = []

    def encode(batch: list[str]) -> np.ndarray:
        seen.append(batch)
        return np.array([[len(t), 0.0] for t in batch], dtype=np.float32)

    out = encode_bucketed(texts, 2, encode, 2)
    assert out[:, 0].tolist() == [len(t) for t in texts]
    assert seen == [["a", "bb bb"], ["ccc ccc ccc", "dddd dddd dddd dddd"]]


def _sample_passages() -> list[str]:
    texts = []
    for path in sorted(SAMPLES.rglob("*.md")):
        texts += [p for p in path.read_text().split("\n\n") if len(p) > 40]
    return texts


@pytest.mark.integration
def test_openvino_int8_matches_torch_fp32(tmp_path: Path) -> None:
    passages = _sample_passages()
    assert len(passages) >= 16
    torch_emb = build_embedder(make_settings(tmp_path, embedding={"backend": "torch"}))
    ov_settings = make_settings(tmp_path, embedding={"backend": "openvino"})
    ov_emb = build_embedder(ov_settings, calibration=lambda: passages)
    assert torch_emb.backend == "torch-fp32" and ov_emb.backend.startswith("openvino-int8")
    assert (ov_settings.models_path / "minilm-openvino-int8" / "model.xml").exists()
    a, b = torch_emb.embed(passages), ov_emb.embed(passages)
    cosine = (a * b).sum(axis=1)
    assert a.shape == b.shape == (len(passages), 384)
    assert cosine.mean() > 0.99 and cosine.min() > 0.97
    again = build_embedder(ov_settings)  # cached IR: no calibration needed the second time
    assert np.allclose(again.embed(passages[:4]), b[:4], atol=1e-5)
    for n in (3, 13, 27):  # cut into batches of 16, 8, 4 and padded: the same rows
        assert np.allclose(again.embed(passages[:n]), b[:n], atol=1e-5)
    alone, padded = again.embed([passages[0]])[0], again.embed([passages[0], "word " * 200])[0]
    assert float(alone @ padded) > 0.9999  # padding (to the batch's length) is masked out
    question = "How many vacation days do I get?"  # padded to 16 alone, to 64 beside the other
    assert np.allclose(
        again.embed([question]), again.embed([question, "word " * 40])[:1], atol=1e-6
    )

    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(8) as pool:  # the API calls embed from many threads at once
        parallel = list(pool.map(lambda t: again.embed([t])[0], passages[:32]))
    sequential = [again.embed([t])[0] for t in passages[:32]]
    # Concurrent calls are coalesced into shared batches: each row is still its own.
    assert np.allclose(np.stack(parallel), np.stack(sequential), atol=1e-6)


def test_openvino_inputs_have_few_shapes() -> None:
    """Padded to one of 12 lengths (steps of 8 up to 32, 16 up to 64, then 32): OpenVINO
    compiles a handful of shapes, not one per batch length (which grew RSS without bound
    during large ingests), and a question is not padded to 32 tokens."""
    from core.embed.openvino import _tokenize, _tokenizer

    tok = _tokenizer()
    lengths = {_tokenize(tok, ["word " * n])["input_ids"].shape[1] for n in range(1, 300)}
    assert lengths == {8, 16, 24, 32, 48, 64, 96, 128, 160, 192, 224, 256}
    ids = _tokenize(tok, ["a short one", "word " * 40])
    assert ids["input_ids"].shape == (2, 48) and ids["attention_mask"][0].sum() == 5
    question = _tokenize(tok, ["How many vacation days do I get?"])
    assert question["input_ids"].shape == (1, 16)
    assert question["attention_mask"].sum() == 10


def test_openvino_batches_come_in_few_sizes() -> None:
    """The batch size is part of the input shape, and OpenVINO keeps memory for every
    shape it has run: batches are powers of two (up to the configured size), padded by at
    most 3 rows or an eighth, so an ingest meets at most 6 sizes per padded length."""
    from core.embed.openvino import batch_sizes

    seen: set[int] = set()
    for rows in range(1, 300):
        sizes = batch_sizes(rows, 32)
        seen.update(sizes)
        padding = sum(sizes) - rows
        assert 0 <= padding <= max(3, sizes[-1] // 8) and sum(sizes[:-1]) < rows
    assert seen == {1, 2, 4, 8, 16, 32}
    assert batch_sizes(1, 32) == [1] and batch_sizes(6, 32) == [8]  # questions: one call
    assert batch_sizes(24, 32) == [16, 8] and batch_sizes(70, 32) == [32, 32, 8]
    assert batch_sizes(50, 24) == [24, 24, 2]  # a size that is not a power of two stays


@pytest.mark.integration
def test_openvino_without_cache_or_calibration_is_clear(tmp_path: Path) -> None:
    with pytest.raises(EmbedderError, match="calibration"):
        build_embedder(make_settings(tmp_path, embedding={"backend": "openvino"}))
    fallback = build_embedder(make_settings(tmp_path, embedding={"backend": "auto"}))
    assert fallback.backend == "torch-fp32"


def test_coalescer_batches_callers_that_queue_behind_a_busy_model() -> None:
    """While one round runs, the callers that arrive queue; the next round embeds them all
    at once, and each caller gets exactly the rows of its own texts."""
    import threading
    import time

    fake = FakeEmbedder()
    first_round = threading.Event()
    rounds: list[int] = []

    def encode(texts: list[str]) -> np.ndarray:
        rounds.append(len(texts))
        if len(rounds) == 1:  # hold the model until the seven others have queued
            first_round.set()
            deadline = time.monotonic() + 10
            while len(coalesce._queue) < 7 and time.monotonic() < deadline:
                time.sleep(0.001)
        return fake.embed(texts)

    coalesce = Coalescer(encode)
    texts = [[f"question {i} about topic {i % 3}", f"sentence {i}"] for i in range(8)]
    results: dict[int, np.ndarray] = {}

    def call(i: int) -> None:
        results[i] = coalesce(texts[i])

    threads = [threading.Thread(target=call, args=(0,))]
    threads[0].start()
    assert first_round.wait(10)
    threads += [threading.Thread(target=call, args=(i,)) for i in range(1, 8)]
    for t in threads[1:]:
        t.start()
    for t in threads:
        t.join(10)
    assert rounds == [2, 14] and coalesce.batches == 2  # 8 callers, 2 inference rounds
    for i in range(8):
        assert np.array_equal(results[i], fake.embed(texts[i]))


def test_coalescer_gives_a_failure_to_every_caller_of_the_round() -> None:
    def encode(texts: list[str]) -> np.ndarray:
        raise ValueError("model crashed")

    coalesce = Coalescer(encode)
    with pytest.raises(ValueError, match="model crashed"):
        coalesce(["a question"])
    ok = Coalescer(FakeEmbedder().embed)
    assert ok(["a question"]).shape == (1, 64)
    assert ok([]).shape == (0, 64)
