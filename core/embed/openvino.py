"""Fast embedder: MiniLM converted to OpenVINO and int8-quantized with NNCF.

Quantization runs once (about half a minute) on calibration passages from the user's own
corpus and is cached under ``<home>/models``. NNCF's transformer preset matters: the
default preset wrecks MiniLM (cosine 0.56); ``ModelType.TRANSFORMER`` keeps it at 0.996.
Where the CPU has bf16 units the remaining float ops run in bf16 (a hint, not a must).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from core.embed.base import (
    MINILM_ID,
    Coalescer,
    Vectors,
    minilm_path,
    normalize,
)
from core.errors import EmbedderError

log = logging.getLogger(__name__)
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
MAX_TOKENS = 256
CACHE_NAME = "minilm-openvino-int8"


PAD_MULTIPLE = 32


def padded_length(tokens: int) -> int:
    """The input length OpenVINO sees for ``tokens`` real tokens: one of 12 fixed lengths.

    OpenVINO keeps compiled kernels for every input shape it has seen: with exact batch
    lengths RSS grew by ~80 MB per 1,000 passages and never came back (200 MB → 1 GB over
    10k texts). A few fixed lengths keep memory flat (378 MB). Short inputs get finer
    steps: a question (~10-20 tokens) padded to 32 did twice the work it needed
    (9.4 → 6.8 ms per question at steps of 8, on a 2-core AVX2 machine).
    Padding is masked out: the vectors are the same.
    """
    step = 8 if tokens <= 32 else 16 if tokens <= 64 else PAD_MULTIPLE
    return max(step, -(-tokens // step) * step)


def batch_sizes(rows: int, largest: int) -> list[int]:
    """How ``rows`` inputs of one padded length are cut into inference batches: full
    batches of ``largest``, then powers of two. A remainder is padded up to the next power
    of two when that adds at most 3 rows or an eighth (small batches cost mostly the call:
    6 questions run faster as one batch of 8 than as 4 + 2).

    The batch size is part of the input shape too: with every remainder (1 to 31 rows)
    as its own size, ingesting the Sourcegraph handbook (9,815 chunks) met 204 shapes and
    the embedder's RSS grew from about 330 to 820 MiB; with powers of two it meets at most
    6 sizes per length, and stayed near 400 MiB. Rows do not depend on the batch they are
    in (measured: bit-identical), so this changes memory, not vectors.
    """
    out = [largest] * (rows // largest)
    rest = rows % largest
    while rest:
        up = 1 << (rest - 1).bit_length()
        if up <= largest and up - rest <= max(up // 8, 3):
            return [*out, up]
        out.append(up // 2)
        rest -= up // 2
    return out


def _tokenizer() -> Any:
    """The model's fast tokenizer straight from tokenizer.json: the same normaliser,
    word pieces and [CLS]/[SEP] as transformers' AutoTokenizer, without importing
    transformers (and with it torch, ~0.5 GB of RSS) on the serving and ingest path."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(minilm_path() / "tokenizer.json"))
    tok.enable_truncation(max_length=MAX_TOKENS)
    tok.no_padding()  # tokenizer.json pads to 128; _pad pads to a few lengths itself
    return tok


def _pad(encodings: Sequence[Any], length: int) -> dict[str, np.ndarray]:
    out = {name: np.zeros((len(encodings), length), dtype=np.int64) for name in INPUTS}
    for row, e in enumerate(encodings):
        n = len(e.ids)
        out["input_ids"][row, :n] = e.ids
        out["attention_mask"][row, :n] = e.attention_mask
        out["token_type_ids"][row, :n] = e.type_ids
    return out


def _tokenize(tok: Any, texts: Sequence[str]) -> dict[str, np.ndarray]:
    """Token ids of ``texts`` padded to ``padded_length`` of the longest."""
    encodings = tok.encode_batch(list(texts))
    return _pad(encodings, padded_length(max(len(e.ids) for e in encodings)))


def _convert() -> Any:
    """Trace the BERT module of the sentence-transformers model into an OpenVINO model."""
    import openvino as ov
    import torch
    from sentence_transformers import SentenceTransformer

    st = SentenceTransformer(str(minilm_path()), device="cpu")

    class _Bert(torch.nn.Module):
        def __init__(self, bert: torch.nn.Module) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    example = {k: torch.from_numpy(v) for k, v in _tokenize(_tokenizer(), ["a b", "c"]).items()}
    bert = st[0].auto_model
    assert isinstance(bert, torch.nn.Module)
    with torch.no_grad():
        return ov.convert_model(_Bert(bert).eval(), example_input=example)


def quantize(target: Path, texts: Sequence[str]) -> None:
    """Convert + int8-quantize MiniLM on ``texts`` and save the IR to ``target`` atomically."""
    import nncf
    import openvino as ov

    tok = _tokenizer()
    samples = [_tokenize(tok, [t]) for t in texts]
    model = _convert()
    quantized = nncf.quantize(
        model,
        nncf.Dataset(samples),
        model_type=nncf.ModelType.TRANSFORMER,
        subset_size=len(samples),
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=".tmp-"))
    ov.save_model(quantized, str(tmp / "model.xml"))
    digest = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]
    meta = {"model_id": MINILM_ID, "calibration_passages": len(texts), "calibration": digest}
    (tmp / "meta.json").write_text(json.dumps(meta, indent=2))
    if target.exists():
        shutil.rmtree(target)
    tmp.rename(target)


def quantize_in_child(target: Path, texts: Sequence[str]) -> None:
    """``quantize`` in a fresh interpreter (``python -m core.embed.openvino``).

    Converting and quantizing loads torch, transformers and NNCF: about 760 MB that would
    stay resident in the ingest process for the rest of its run (measured on the
    Sourcegraph handbook, 883 pages). In a child, they are freed when it exits, and the
    ingest process only ever loads the OpenVINO runtime."""
    with tempfile.TemporaryDirectory(prefix="cairn-calibration-") as tmp:
        sample = Path(tmp) / "texts.json"
        sample.write_text(json.dumps(list(texts)))
        proc = subprocess.run(
            [sys.executable, "-m", "core.embed.openvino", str(target), str(sample)],
            capture_output=True,
            text=True,
            check=False,
        )
    if proc.returncode != 0 or not (target / "model.xml").exists():
        raise EmbedderError(f"int8 quantization failed: {proc.stderr.strip()[-1500:]}")


def ensure_model(
    models_path: Path,
    calibration: Callable[[], Sequence[str]] | None,
    calibration_size: int,
    quantizer: Callable[[Path, Sequence[str]], None] = quantize_in_child,
) -> Path:
    """The folder of the cached int8 IR, quantized first if missing.

    Processes that share a models folder (``cairn worker`` processes, the sync process)
    take a lock on it first: the first quantizes, the others wait and then load the same
    model, so every process embeds with identical vectors (each quantizing on its own
    texts would give each slightly different ones) and the work is done once."""
    ir_dir = models_path / CACHE_NAME
    if (ir_dir / "model.xml").exists():
        return ir_dir
    models_path.mkdir(parents=True, exist_ok=True)
    with (models_path / ".quantize.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        if (ir_dir / "model.xml").exists():  # quantized by another process meanwhile
            return ir_dir
        texts = [t for t in (calibration() if calibration else []) if t.strip()]
        if len(texts) < 16:
            raise EmbedderError(
                "no int8 model cached yet and fewer than 16 calibration passages given; "
                "run `cairn ingest` once (it calibrates on your corpus)"
            )
        step = max(1, len(texts) // calibration_size)
        log.info("quantizing MiniLM to int8 on %d passages", len(texts[::step]))
        quantizer(ir_dir, texts[::step][:calibration_size])
    return ir_dir


class OpenVinoEmbedder:
    """Embeds with a cached int8 OpenVINO IR of MiniLM; mean pooling + L2 norm like ST."""

    model_id = MINILM_ID
    dim = 384

    def __init__(self, ir_dir: Path, threads: int, batch_size: int, bf16: bool) -> None:
        import openvino as ov

        core = ov.Core()
        config: dict[str, Any] = {"INFERENCE_NUM_THREADS": threads}
        use_bf16 = bf16 and "BF16" in core.get_property("CPU", "OPTIMIZATION_CAPABILITIES")
        if use_bf16:
            config["INFERENCE_PRECISION_HINT"] = "bf16"
        else:
            config["INFERENCE_PRECISION_HINT"] = "f32"
        self.backend = "openvino-int8" + ("-bf16" if use_bf16 else "")
        self._compiled = core.compile_model(str(ir_dir / "model.xml"), "CPU", config)
        self._tok = _tokenizer()
        self.batch_size = batch_size
        # A compiled model's default infer request is not thread-safe: the Coalescer runs
        # one round at a time, and every inference goes through it.
        self._coalesce = Coalescer(self._embed_now)

    @classmethod
    def load_or_quantize(
        cls,
        models_path: Path,
        calibration: Callable[[], Sequence[str]] | None,
        threads: int,
        batch_size: int,
        bf16: bool,
        calibration_size: int,
    ) -> OpenVinoEmbedder:
        """Open the cached IR, quantizing it first (on ``calibration`` texts) if missing."""
        ir_dir = ensure_model(models_path, calibration, calibration_size)
        return cls(ir_dir, threads, batch_size, bf16)

    def embed(self, texts: Sequence[str]) -> Vectors:
        """Embed; concurrent callers share one batched inference (``Coalescer``)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._coalesce(list(texts))

    def _embed_now(self, texts: list[str]) -> Vectors:
        """Batches of equal padded length (no text is padded to a longer neighbour), in
        the few batch sizes of ``batch_sizes``."""
        encodings = self._tok.encode_batch(texts)
        groups: dict[int, list[int]] = {}
        for i, e in enumerate(encodings):
            groups.setdefault(padded_length(len(e.ids)), []).append(i)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for length, rows in sorted(groups.items()):
            start = 0
            for size in batch_sizes(len(rows), self.batch_size):
                part = rows[start : start + size]
                filler = [encodings[part[-1]]] * (size - len(part))  # rows dropped below
                vectors = self._infer(_pad([encodings[i] for i in part] + filler, length))
                out[part] = vectors[: len(part)]
                start += size
        return out

    def _infer(self, inputs: dict[str, np.ndarray]) -> Vectors:
        hidden = np.asarray(self._compiled(inputs)[0], dtype=np.float32)
        mask = inputs["attention_mask"][..., None].astype(np.float32)
        pooled = (hidden * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1e-9)
        return normalize(pooled)


if __name__ == "__main__":  # the child of quantize_in_child: TARGET TEXTS_JSON
    quantize(Path(sys.argv[1]), json.loads(Path(sys.argv[2]).read_text()))
