"""No network at any point: demo, analyze and bank import pass with sockets blocked in-process,
and (as root) inside a network namespace with no interfaces at all (`unshare -n`)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, need_shared

BLOCKER = """
import socket, sys

_LOG = {log!r}
_real_connect = socket.socket.connect


def _refuse(what, target):
    with open(_LOG, "a") as f:
        f.write(f"{{what}} {{target!r}}\\n")
    raise OSError(f"voice-coach test: network blocked ({{what}} {{target!r}})")


def connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _refuse("connect", address)
    return _real_connect(self, address)  # unix sockets (PulseAudio) are local


socket.socket.connect = connect
socket.socket.connect_ex = connect
socket.getaddrinfo = lambda host, *a, **k: _refuse("getaddrinfo", host)
socket.create_connection = lambda address, *a, **k: _refuse("create_connection", address)
"""


def commands(tmp_path: Path) -> list[list[str]]:
    return [
        ["demo", "--question", "backbone-disagree-manager"],
        ["analyze", str(need_shared("audio/jfk.flac")), "--json"],
        ["bank", "import", str(need_shared("user-notes/amazon-sdm-loop-prep.md")), "--into", str(tmp_path)],
    ]


def _namespace() -> str | None:
    """Why `unshare -n` cannot be used here, or None when it can."""
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return "unshare -n needs root"
    check = subprocess.run(["unshare", "-n", "true"], capture_output=True)
    return f"unshare -n is not permitted here: {check.stderr.decode().strip()}" if check.returncode else None


def test_offline_with_sockets_blocked_inside_a_network_namespace(vc_env, tmp_path):
    """One pass of the commands with both guards: Python's sockets refuse and log any attempt (so
    an attempt is seen even where it would fail quietly), and, as root, the process runs in a network
    namespace with no interfaces, so nothing below Python gets out either."""
    site = tmp_path / "site"
    site.mkdir()
    log = tmp_path / "network-attempts.log"
    (site / "sitecustomize.py").write_text(BLOCKER.format(log=str(log)), encoding="utf-8")
    env = {**vc_env, "PYTHONPATH": str(site), "HF_HUB_OFFLINE": ""}  # our code must not rely on the env
    probe = subprocess.run(
        [sys.executable, "-c", "import socket; socket.create_connection(('pypi.org', 443))"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert "network blocked" in probe.stderr  # the blocker is live in child processes
    log.unlink()
    why_not = _namespace()
    prefix = [] if why_not else ["unshare", "-n"]
    for args in commands(tmp_path):
        out = subprocess.run(
            [*prefix, sys.executable, "-m", "voice_coach", *args],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert out.returncode == 0, f"{args}: {out.stderr[-2000:]}"
    assert not log.exists(), log.read_text()
    if why_not:
        pytest.skip(f"{why_not}: ran with sockets blocked only")  # visible, after the checks passed
    loops = subprocess.run(["unshare", "-n", "ip", "-o", "link"], capture_output=True, text=True)
    if loops.returncode == 0:
        assert "eth" not in loops.stdout  # really no way out


def test_no_model_hub_download_code_is_reached(vc_env):
    """Weights are found in installed packages; the hub download helper is never called."""
    code = (
        "import faster_whisper.utils as u, sys\n"
        "u.download_model = lambda *a, **k: sys.exit('download_model called')\n"
        "import huggingface_hub as h\n"
        "h.snapshot_download = lambda *a, **k: sys.exit('snapshot_download called')\n"
        "from voice_coach.speech.engines import make_engine\n"
        "from voice_coach.config import load_settings\n"
        "s = load_settings()\n"
        "e = make_engine('faster-whisper', 'tiny.en', s.cache_dir, 'off'); e.load()\n"
        "print('loaded')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120, env=vc_env
    )
    assert out.returncode == 0 and "loaded" in out.stdout, out.stderr
