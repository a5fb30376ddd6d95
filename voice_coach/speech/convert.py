"""Convert CTranslate2 Whisper weights (model.bin) into an openai-whisper checkpoint.

model.bin is a flat binary: uint32 version; string spec name; uint32 revision; uint32 variable
count; per variable: string name, uint8 rank, rank x uint32 dims, uint8 dtype id, uint32 byte
count, raw bytes; then uint32 alias count and (alias, target) string pairs. A string is a uint16
length that counts a trailing NUL, the bytes, and the NUL.

CTranslate2 stacks self-attention q, k and v in one matrix and cross-attention k and v in one;
openai-whisper keeps them apart, and its key projection has no bias (CTranslate2 stores zeros).
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from pathlib import Path

import numpy as np

from voice_coach.errors import UserError

# CTranslate2 dtype ids (ctranslate2/types.h)
_DTYPES = {0: np.float32, 1: np.int8, 2: np.int16, 3: np.int32, 4: np.float16}


def read_model_bin(path: Path) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """Every variable of a CTranslate2 model.bin as a numpy array (memory-mapped), plus aliases."""
    raw = np.memmap(path, dtype=np.uint8, mode="r")
    buf = memoryview(raw)
    off = 0

    def take(fmt: str):
        nonlocal off
        value = struct.unpack_from(fmt, buf, off)[0]
        off += struct.calcsize(fmt)
        return value

    def string() -> str:
        nonlocal off
        n = take("<H")
        text = bytes(buf[off : off + n - 1]).decode("utf-8")
        off += n
        return text

    version = take("<I")
    if version < 5:
        raise UserError(f"unsupported CTranslate2 model version {version}", where=str(path))
    spec = string()
    if spec != "WhisperSpec":
        raise UserError(f"not a Whisper model ({spec})", where=str(path))
    take("<I")  # spec revision
    out: dict[str, np.ndarray] = {}
    for _ in range(take("<I")):
        name = string()
        dims = [take("<I") for _ in range(take("<B"))]
        dtype_id = take("<B")
        nbytes = take("<I")
        if dtype_id not in _DTYPES:
            raise UserError(f"variable {name} has an unsupported dtype id {dtype_id}", where=str(path))
        out[name] = np.frombuffer(
            raw, dtype=_DTYPES[dtype_id], count=nbytes // np.dtype(_DTYPES[dtype_id]).itemsize, offset=off
        ).reshape(dims)
        off += nbytes
    aliases = {}
    for _ in range(take("<I")):
        alias = string()
        aliases[alias] = string()
    return out, aliases


def _layers(variables: dict[str, np.ndarray], prefix: str) -> int:
    import re

    found = (re.match(rf"{prefix}/layer_(\d+)/", k) for k in variables)
    return len({m.group(1) for m in found if m})


def to_openai_state(variables: dict[str, np.ndarray]) -> tuple[dict, dict[str, np.ndarray]]:
    """(dims, state) for openai-whisper's Whisper model, from CTranslate2 variables (float32)."""
    v = {k: np.asarray(a, dtype=np.float32) for k, a in variables.items() if a.ndim > 0}
    state: dict[str, np.ndarray] = {}

    def linear(dst: str, src: str, bias: bool = True) -> None:
        state[f"{dst}.weight"] = v[f"{src}/weight"]
        if bias:
            state[f"{dst}.bias"] = v[f"{src}/bias"]

    def norm(dst: str, src: str) -> None:
        state[f"{dst}.weight"] = v[f"{src}/gamma"]
        state[f"{dst}.bias"] = v[f"{src}/beta"]

    def split(dst: str, src: str, names: list[str]) -> None:
        w = np.split(v[f"{src}/weight"], len(names))
        b = np.split(v[f"{src}/bias"], len(names))
        for name, wi, bi in zip(names, w, b, strict=True):
            state[f"{dst}.{name}.weight"] = wi
            if name != "key":  # openai-whisper's key has no bias; CTranslate2 stores zeros
                state[f"{dst}.{name}.bias"] = bi

    def block(dst: str, src: str, cross: bool) -> None:
        split(f"{dst}.attn", f"{src}/self_attention/linear_0", ["query", "key", "value"])
        linear(f"{dst}.attn.out", f"{src}/self_attention/linear_1")
        norm(f"{dst}.attn_ln", f"{src}/self_attention/layer_norm")
        if cross:
            linear(f"{dst}.cross_attn.query", f"{src}/attention/linear_0")
            split(f"{dst}.cross_attn", f"{src}/attention/linear_1", ["key", "value"])
            linear(f"{dst}.cross_attn.out", f"{src}/attention/linear_2")
            norm(f"{dst}.cross_attn_ln", f"{src}/attention/layer_norm")
        linear(f"{dst}.mlp.0", f"{src}/ffn/linear_0")
        linear(f"{dst}.mlp.2", f"{src}/ffn/linear_1")
        norm(f"{dst}.mlp_ln", f"{src}/ffn/layer_norm")

    linear("encoder.conv1", "encoder/conv1")
    linear("encoder.conv2", "encoder/conv2")
    state["encoder.positional_embedding"] = v["encoder/position_encodings/encodings"]
    n_audio = _layers(variables, "encoder")
    for i in range(n_audio):
        block(f"encoder.blocks.{i}", f"encoder/layer_{i}", cross=False)
    norm("encoder.ln_post", "encoder/layer_norm")
    state["decoder.token_embedding.weight"] = v["decoder/embeddings/weight"]
    state["decoder.positional_embedding"] = v["decoder/position_encodings/encodings"]
    n_text = _layers(variables, "decoder")
    for i in range(n_text):
        block(f"decoder.blocks.{i}", f"decoder/layer_{i}", cross=True)
    norm("decoder.ln", "decoder/layer_norm")

    vocab, width = state["decoder.token_embedding.weight"].shape
    dims = {
        "n_mels": int(state["encoder.conv1.weight"].shape[1]),
        "n_audio_ctx": int(state["encoder.positional_embedding"].shape[0]),
        "n_audio_state": int(state["encoder.positional_embedding"].shape[1]),
        "n_audio_head": int(np.asarray(variables["encoder/num_heads"]).reshape(-1)[0]),
        "n_audio_layer": n_audio,
        "n_vocab": int(vocab),
        "n_text_ctx": int(state["decoder.positional_embedding"].shape[0]),
        "n_text_state": int(width),
        "n_text_head": int(np.asarray(variables["decoder/num_heads"]).reshape(-1)[0]),
        "n_text_layer": n_text,
    }
    return dims, state


def openai_checkpoint(
    model_folder: Path, cache_dir: Path, name: str, progress: Callable[[str], None] | None = None
) -> Path:
    """The converted checkpoint for this model, made once and cached beside the joined weights."""
    import torch

    target = cache_dir / "models" / f"{name}-openai-whisper.pt"
    source = model_folder / "model.bin"
    if target.is_file() and target.stat().st_mtime >= source.stat().st_mtime:
        return target
    if progress:
        progress(f"converting Whisper {name} to an openai-whisper checkpoint (once)")
    variables, _aliases = read_model_bin(source)
    dims, state = to_openai_state(variables)
    checkpoint = {
        "dims": dims,
        "model_state_dict": {k: torch.from_numpy(np.ascontiguousarray(a)) for k, a in state.items()},
    }
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    torch.save(checkpoint, tmp)
    tmp.replace(target)
    return target
