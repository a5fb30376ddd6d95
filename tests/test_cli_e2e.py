"""Real processes end to end: demo, analyze and practice through the CLI, on the real stack."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import soundfile as sf

from conftest import ROOT, need_shared, run_cli, wer
from contract import assert_contract


def attempts(env: dict) -> list[sqlite3.Row]:
    db = sqlite3.connect(Path(env["VOICE_COACH_DATA_DIR"]) / "history.sqlite3")
    db.row_factory = sqlite3.Row
    return list(db.execute("SELECT * FROM attempts ORDER BY id"))


def test_demo_end_to_end(vc_env):
    env = {**vc_env, "VOICE_COACH_MODEL": "base"}
    out = run_cli(["demo", "--question", "backbone-disagree-manager"], env)
    assert out.returncode == 0, out.stderr + out.stdout
    rows = attempts(env)
    assert len(rows) == 1
    row = rows[0]
    assert row["status"] == "done" and row["model"] == "base" and row["engine"] == "faster-whisper"
    wav = Path(row["audio_path"])
    assert wav.is_file() and wav.parent.parent == Path(env["VOICE_COACH_RECORDINGS_DIR"])
    assert sf.info(str(wav)).duration > 20
    assert (wav.parent / "q1-question.wav").is_file()
    script = (wav.parent / "q1-script.txt").read_text()
    assert wer(script, row["transcript"]) <= 0.15, row["transcript"]
    report = json.loads(row["report_json"])
    assert_contract(report)
    assert report["story"]["id"] == "pricing-test"
    assert report["coverage"] >= 0.7
    assert str(wav.parent) in out.stdout  # it says where its files are


def analyze_jfk(vc_env, *options: str) -> tuple[dict, list[str]]:
    """`analyze jfk.flac --json` with options: the report (checked against the contract), its words."""
    jfk = need_shared("audio/jfk.flac")
    out = run_cli(["analyze", str(jfk), "--json", *options], vc_env)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert_contract(report)
    return report, [w["word"].strip(",.").lower() for w in report["transcript"]["words"]]


def test_analyze_jfk_json(vc_env):
    report, words = analyze_jfk(vc_env, "--model", "tiny.en")
    assert words[:5] == ["and", "so", "my", "fellow", "americans"]
    assert 10.5 < report["audio"]["duration_s"] < 11.5
    assert all(w["start"] is not None and w["end"] >= w["start"] for w in report["transcript"]["words"])
    assert report["model"]["name"] == "tiny.en"


def test_practice_through_the_virtual_microphone(pulse, vc_env, tmp_path):
    from voice_coach.speech.tts import synthesize

    answer = synthesize(
        "I organized ten calls of twenty minutes with existing customers to compare the two "
        "product visions. Only one of the ten customers could use the new vision.",
        tmp_path / "spoken.wav",
    )
    env = {**vc_env, **{"XDG_RUNTIME_DIR": pulse["XDG_RUNTIME_DIR"]}}
    proc = subprocess.Popen(
        [sys.executable, "-m", "voice_coach", "practice", "-q", "backbone-disagree-manager"]
        + ["--follow-ups", "0"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    # wait until it listens, then speak into the virtual microphone
    assert proc.stderr is not None
    seen = []
    deadline = time.time() + 60
    while time.time() < deadline:
        line = proc.stderr.readline()
        seen.append(line)
        if "recording (microphone)" in line:
            break
    else:
        proc.kill()
        raise AssertionError("practice never started recording:\n" + "".join(seen))
    time.sleep(1.5)  # the virtual device takes a moment to start delivering
    subprocess.run(["paplay", "--device=micfeed", str(answer)], env=pulse, check=True, timeout=60)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, "".join(seen) + stderr
    assert "(silence)" in stderr  # stopped by the silence after the answer
    rows = attempts(env)
    assert len(rows) == 1 and rows[0]["status"] == "done"
    text = rows[0]["transcript"].lower()
    assert "customers" in text and "vision" in text, text
    assert "Tell me about a time you strongly disagreed" in stdout
    assert Path(rows[0]["audio_path"]).with_name("q1-question.wav").is_file()


def test_demo_killed_while_recording_leaves_a_readable_wav(vc_env):
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "voice_coach",
            "demo",
            "--speed",
            "1",
            "--question",
            "backbone-disagree-manager",
        ],
        env=vc_env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    deadline = time.time() + 60
    while time.time() < deadline and "recording (file)" not in proc.stderr.readline():
        pass
    time.sleep(4.0)
    proc.kill()
    proc.wait()
    rows = attempts(vc_env)
    assert len(rows) == 1 and rows[0]["status"] == "recording"  # the row was written before the audio
    data, sr = sf.read(rows[0]["audio_path"], dtype="float32")
    assert len(data) / sr >= 3.0  # at most a second lost of the 4 s spoken
    assert os.stat(rows[0]["audio_path"]).st_mode & 0o077 == 0  # private
    # the next start offers recovery; recover transcribes, scores and stores what was captured
    offer = run_cli(["demo", "--question", "dive-deep-metric"], vc_env)
    assert "1 earlier answer(s) were interrupted" in offer.stderr
    out = run_cli(["recover"], vc_env)
    assert out.returncode == 0 and "recovered 1 answer(s)" in out.stdout, out.stderr
    row = attempts(vc_env)[0]
    assert row["status"] == "done" and len(row["transcript"].split()) >= 5
    assert json.loads(row["report_json"])["question"]["id"] == "backbone-disagree-manager"
    assert "nothing to recover" in run_cli(["recover"], vc_env).stdout


def test_analyze_with_the_openai_whisper_engine(vc_env):
    pytest.importorskip("whisper", reason="the openai-whisper extra (scripts/setup test installs it)")
    report, words = analyze_jfk(vc_env, "--engine", "openai-whisper")
    assert report["model"]["engine"] == "openai-whisper" and words[:5] == [
        "and",
        "so",
        "my",
        "fellow",
        "americans",
    ]
