"""The lock: scripts/setup installs exactly requirements/*.lock, and the suite runs on that set."""

from __future__ import annotations

import importlib.metadata
import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s\\]+)")


def pins(name: str) -> dict[str, str]:
    """{normalized name: version} of a lock file; every pin carries at least one hash."""
    text = (ROOT / "requirements" / name).read_text()
    out = {}
    for block in re.split(r"\n(?=\S)", text):
        m = PIN.match(block)
        if m:
            assert "--hash=sha256:" in block, f"{m.group(1)} in {name} has no hash"
            out[re.sub(r"[-_.]+", "-", m.group(1)).lower()] = m.group(2)
    return out


def test_the_suite_runs_on_the_locked_versions():
    """What is installed is what the lock says (a hand-installed upgrade would show here)."""
    locked = pins("test.lock")
    assert len(locked) > 60
    moved = {
        name: (version, importlib.metadata.version(name))
        for name, version in locked.items()
        if importlib.metadata.version(name) != version
    }
    assert not moved, f"installed versions differ from requirements/test.lock: {moved}"


def test_the_runtime_lock_is_the_tested_set():
    run, test = pins("run.lock"), pins("test.lock")
    assert {"numpy", "onnxruntime", "ctranslate2", "faster-whisper", "tokenizers"} <= run.keys()
    assert {n: v for n, v in run.items() if test.get(n) != v} == {}


def test_floors_in_pyproject_admit_the_locked_versions():
    """`pip install .` keeps ranges: each admits the tested version."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    locked = pins("test.lock")
    for spec in project["dependencies"] + project["optional-dependencies"]["test"]:
        req = Requirement(spec)
        name = re.sub(r"[-_.]+", "-", req.name).lower()
        assert name in locked, f"{name} is not in requirements/test.lock: run scripts/lock"
        assert req.specifier.contains(Version(locked[name])), f"{spec} does not admit {locked[name]}"
