"""Shared fixtures: isolated data folders, the shared real-speech audio, a PulseAudio virtual sound card."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


FUZZ_COUNTS: dict[str, int] = {}


def record_fuzz(target: str, n: int) -> None:
    """Count inputs tried per fuzz target; the totals print at the end of the run."""
    FUZZ_COUNTS[target] = FUZZ_COUNTS.get(target, 0) + n


def pytest_terminal_summary(terminalreporter) -> None:
    if FUZZ_COUNTS:
        terminalreporter.section("inputs fuzzed")
        for target, n in FUZZ_COUNTS.items():
            terminalreporter.write_line(f"{target}: {n}")
        terminalreporter.write_line(f"total: {sum(FUZZ_COUNTS.values())}")


def need_shared(name: str) -> Path:
    """A file from ../shared, or a visible skip where that folder is absent."""
    path = SHARED / name
    if not path.exists():
        pytest.skip(f"{path} is absent: this test reads the project's shared audio/notes")
    return path


def normalize(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9' ]", " ", text.lower().replace("-", " ")).split())


def wer(reference: str, hypothesis: str) -> float:
    import jiwer

    return jiwer.wer(normalize(reference), normalize(hypothesis))


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory) -> Path:
    """One model cache for the whole run (joining the base model once)."""
    return tmp_path_factory.mktemp("cache")


def render_fresh(texts: dict[str, str], folder: Path, voice: str | None = None, rate: int = 165) -> dict:
    """Each text spoken by espeak-ng into folder/<key>.wav, all in one fresh process.

    espeak-ng renders a text a little differently on each call within a process (its noise
    generator runs on), so audio made in the test process would depend on the tests before it; in
    a fresh process the same calls give the same audio every run."""
    import json

    code = (
        "import json, sys; from pathlib import Path; from voice_coach.speech.tts import synthesize\n"
        "texts, folder, voice, rate = json.loads(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] or None, "
        "int(sys.argv[4])\n"
        "for key, text in texts.items(): synthesize(text, folder / f'{key}.wav', rate=rate, voice=voice)\n"
    )
    folder.mkdir(parents=True, exist_ok=True)
    args = [json.dumps(texts), str(folder), voice or "", str(rate)]
    subprocess.run([sys.executable, "-c", code, *args], check=True, timeout=600)
    return {key: folder / f"{key}.wav" for key in texts}


@pytest.fixture(scope="session")
def shipped_bank():
    """The shipped example bank, read once (the labelled answers refer to its stories)."""
    from voice_coach.bank.files import load_dirs
    from voice_coach.config import shipped_bank_dir

    return load_dirs([shipped_bank_dir()])


@pytest.fixture(scope="session")
def engines(cache_dir):
    """faster-whisper engines, each model loaded once for the whole run: engines('base')."""
    from voice_coach.speech.engines import FasterWhisperEngine

    loaded: dict[tuple[str, str], FasterWhisperEngine] = {}

    def get(model: str, compute_type: str = "int8") -> FasterWhisperEngine:
        if (model, compute_type) not in loaded:
            loaded[(model, compute_type)] = FasterWhisperEngine(model, cache_dir, compute_type=compute_type)
        return loaded[(model, compute_type)]

    return get


@pytest.fixture
def vc_env(tmp_path, cache_dir, monkeypatch) -> dict:
    """Private data, config and recordings folders; returns the env for subprocesses too."""
    env = {
        "VOICE_COACH_DATA_DIR": str(tmp_path / "data"),
        "VOICE_COACH_CACHE_DIR": str(cache_dir),
        "VOICE_COACH_RECORDINGS_DIR": str(tmp_path / "recordings"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "VOICE_COACH_MODEL": "tiny.en",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return {**os.environ, **env}


def invoke_cli(args: list[str], env: dict[str, str] | None = None):
    """The CLI run in this process (click's CliRunner): for a command that needs no audio device
    and loads no speech model, a fraction of run_cli's interpreter start. Call it from a test that
    uses vc_env (its folders are in os.environ); env holds extra variables, set for this call only.
    The result has .exit_code, .stdout and .stderr; an exception the CLI does not turn into a
    message is raised, never hidden in the result."""
    from click.testing import CliRunner

    from voice_coach.cli import cli

    return CliRunner().invoke(cli, args, env=env, catch_exceptions=False, prog_name="voice-coach")


def run_cli(args: list[str], env: dict, timeout: float = 300, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "voice_coach", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=kw.pop("cwd", ROOT),
        **kw,
    )


@pytest.fixture(scope="session")
def pulse():
    """A PulseAudio server with a null speaker 'spk' and a virtual microphone 'mic' fed by sink 'micfeed'."""
    if not shutil.which("pulseaudio") or not shutil.which("paplay"):
        message = (
            "PulseAudio is not installed (apt-get install pulseaudio pulseaudio-utils libasound2-plugins)"
        )
        if IN_CI:
            pytest.fail(message + ": CI must exercise the real audio path")
        pytest.skip(message)
    runtime = tempfile.mkdtemp(prefix="vc-pulse-")
    env = {**os.environ, "XDG_RUNTIME_DIR": runtime}
    env.pop("PULSE_SERVER", None)
    subprocess.run(
        [
            "pulseaudio",
            "--daemonize=yes",
            "--exit-idle-time=-1",
            "-n",
            "--load=module-native-protocol-unix",
            "--load=module-null-sink sink_name=spk",
            "--load=module-null-sink sink_name=micfeed",
            "--load=module-remap-source master=micfeed.monitor source_name=mic",
        ],
        env=env,
        check=True,
        capture_output=True,
        timeout=30,
    )
    for _ in range(50):
        if subprocess.run(["pactl", "info"], env=env, capture_output=True).returncode == 0:
            break
        time.sleep(0.1)
    subprocess.run(["pactl", "set-default-source", "mic"], env=env, check=True)
    subprocess.run(["pactl", "set-default-sink", "spk"], env=env, check=True)
    old = os.environ.get("XDG_RUNTIME_DIR")
    os.environ["XDG_RUNTIME_DIR"] = runtime
    try:
        yield env
    finally:
        subprocess.run(["pulseaudio", "--kill"], env=env, capture_output=True)
        if old is None:
            os.environ.pop("XDG_RUNTIME_DIR", None)
        else:
            os.environ["XDG_RUNTIME_DIR"] = old
        shutil.rmtree(runtime, ignore_errors=True)


def pytest_collection_modifyitems(items) -> None:
    """`audio` on every test that uses the virtual sound card; `slow` on every test that uses it, a
    speech model (the `engines` fixture) or starts what is slow itself: a CLI process, a synthesized
    voice, a fuzzer (`pytest -m "not slow"`: the inner loop). Read off what the test calls, so a new
    test is marked by what it does, not by a list kept by hand."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if "pulse" in fixtures:
            item.add_marker(pytest.mark.audio)
        if fixtures & SLOW_FIXTURES or _calls(getattr(item, "function", None)) & SLOW_CALLS:
            item.add_marker(pytest.mark.slow)


SLOW_FIXTURES = {"pulse", "engines", "wheel_venv", "browser", "room"}
# what a test calls that takes seconds: a process (the CLI, a demo, the browser), speech synthesis,
# Whisper, a fuzzer's run
SLOW_CALLS = {
    "run_cli",
    "start_demo",
    "subprocess",
    "Popen",
    "speak",
    "synthesize",
    "spoken",
    "reply_source",
    "transcribe",
    "given",
    "Fuzz",
    "atheris",
    "render_fresh",
    "sync_playwright",
}


def _calls(function, depth: int = 3) -> set[str]:
    """Names a test function refers to, and those of the test helpers it calls (`analyze_jfk`
    running the CLI), a few calls deep; a property test (hypothesis) is slow by its many examples."""
    if function is None:
        return set()
    if hasattr(function, "hypothesis"):
        return {"given"}
    code = getattr(function, "__code__", None)
    names: set[str] = set()
    stack = [code] if code else []
    while stack:
        c = stack.pop()
        names.update(c.co_names)
        stack.extend(k for k in c.co_consts if hasattr(k, "co_names"))
    if depth:
        scope = getattr(function, "__globals__", {})
        for name in list(names):
            helper = scope.get(name)
            module = getattr(helper, "__module__", "") or ""
            if callable(helper) and (module.startswith("test_") or module == "conftest"):
                names |= _calls(helper, depth - 1)
    return names
