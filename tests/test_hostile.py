"""Odd and hostile input through the real CLI: each gets a clear message (what, where, how to fix),
a non-zero exit, no traceback and bounded memory; odd but valid audio is simply transcribed."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from conftest import ROOT, invoke_cli, need_shared, run_cli, wer

JFK = (
    "And so my fellow Americans ask not what your country can do for you ask what you can do for your country"
)


def transcode(src: Path, dst: Path, rate: int, layout: str, codec: str) -> Path:
    """Re-encode with PyAV (what the product decodes with), no ffmpeg binary needed."""
    import av

    with av.open(str(src)) as inp, av.open(str(dst), "w") as out:
        stream = out.add_stream(codec, rate=rate, layout=layout)
        resampler = av.audio.resampler.AudioResampler(format=stream.format.name, layout=layout, rate=rate)
        for frame in [*inp.decode(audio=0), None]:
            for f in resampler.resample(frame):
                for packet in stream.encode(f):
                    out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return dst


def fails_clearly(out, *needles: str) -> None:
    """A run of the CLI (a process, or in this process) that ends non-zero with a message and a fix."""
    code = out.exit_code if hasattr(out, "exit_code") else out.returncode
    assert code != 0, out.stdout
    assert "Traceback" not in out.stderr, out.stderr
    assert "fix:" in out.stderr, out.stderr
    for needle in needles:
        assert needle in out.stderr, out.stderr


def analyze_json(path: Path, env: dict) -> dict:
    import json

    out = run_cli(["analyze", str(path), "--json", "--no-history"], env)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


@pytest.mark.parametrize(
    ("name", "rate", "layout", "codec"),
    [("stereo48k.wav", 48000, "stereo", "pcm_s16le"), ("phone8k.wav", 8000, "mono", "pcm_s16le")],
)
def test_odd_but_valid_audio_is_transcribed(vc_env, tmp_path, name, rate, layout, codec):
    path = transcode(need_shared("audio/jfk.flac"), tmp_path / name, rate, layout, codec)
    info = sf.info(path)
    assert (info.samplerate, info.channels) == (rate, 2 if layout == "stereo" else 1)
    report = analyze_json(path, vc_env)
    assert abs(report["audio"]["duration_s"] - 11.0) < 0.2
    assert wer(JFK, report["transcript"]["text"]) <= 0.15


def test_mp3_with_bad_frames_keeps_the_good_ones(vc_env, tmp_path):
    good = transcode(need_shared("audio/jfk.flac"), tmp_path / "jfk.mp3", 44100, "mono", "libmp3lame")
    data = bytearray(good.read_bytes())
    rng = np.random.default_rng(0)
    for i in range(20):  # 20 damaged stretches through the middle of the file
        at = int(len(data) * (0.2 + 0.03 * i))
        data[at : at + 200] = rng.integers(0, 256, 200, dtype=np.uint8).tobytes()
    bad = tmp_path / "bad-frames.mp3"
    bad.write_bytes(bytes(data))
    report = analyze_json(bad, vc_env)
    assert report["audio"]["duration_s"] >= 8.0  # the frames after the damage decode too
    assert wer(JFK, report["transcript"]["text"]) <= 0.35


def test_silence_only_says_no_speech(vc_env, tmp_path):
    path = tmp_path / "silence.wav"
    sf.write(path, np.zeros(16000 * 8, dtype=np.float32), 16000)
    fails_clearly(run_cli(["analyze", str(path)], vc_env), "no speech was heard", str(path))


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"", "the file is empty (0 bytes)"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", "cannot read audio file"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20, "cannot read audio file"),
    ],
    ids=["zero-bytes", "truncated-header", "not-audio"],
)
def test_broken_files_are_refused(vc_env, tmp_path, content, needle):
    path = tmp_path / "answer.wav"
    path.write_bytes(content)
    fails_clearly(invoke_cli(["analyze", str(path)]), needle, str(path))


def test_two_hour_file_is_refused_with_bounded_memory(vc_env, tmp_path):
    path = tmp_path / "whole-day.flac"
    with sf.SoundFile(path, "w", samplerate=16000, channels=1, subtype="PCM_16") as f:
        minute = np.zeros(16000 * 60, dtype=np.float32)
        minute[::1000] = 0.01
        for _ in range(120):
            f.write(minute)
    # VmHWM (this process image's peak RSS) read at exit: ru_maxrss of a child would include the
    # forked pytest image it started as.
    wrapper = (
        "import atexit, runpy, sys\n"
        "def hwm():\n"
        "    line = [x for x in open('/proc/self/status') if x.startswith('VmHWM')][0]\n"
        "    print('PEAK_KB', line.split()[1], file=sys.stderr)\n"
        "atexit.register(hwm)\n"
        "sys.argv = ['voice-coach', 'analyze', sys.argv[1]]\n"
        "runpy.run_module('voice_coach', run_name='__main__')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", wrapper, str(path)], env=vc_env, cwd=ROOT, capture_output=True, text=True
    )
    assert out.returncode == 2 and "Traceback" not in out.stderr, out.stderr
    assert "2:00:00 long or longer" in out.stderr and "ffmpeg -ss" in out.stderr, out.stderr
    peak_kb = int(out.stderr.split("PEAK_KB")[1].split()[0])
    assert peak_kb < 200_000, f"peak RSS {peak_kb} KB"  # decoded whole it would take over 450 MB


def test_decoding_stops_at_the_limit_when_the_header_does_not_say(monkeypatch):
    from voice_coach.audio import files
    from voice_coach.errors import UserError

    monkeypatch.setattr(files, "duration_s", lambda _p: None)
    with pytest.raises(UserError, match=r"0:1\d long or longer"):
        files.load_audio(need_shared("audio/jfk.flac"), max_s=5)


# -- notes ---------------------------------------------------------------------------------


def test_huge_notes_are_refused(vc_env, tmp_path):
    notes = tmp_path / "vault.md"
    notes.write_text("## Bias for Action\n" + "- A question about acting fast?\n" * 100_000, encoding="utf-8")
    fails_clearly(invoke_cli(["bank", "import", str(notes)]), "MB", str(notes))


def test_binary_notes_without_nul_bytes_are_refused(vc_env, tmp_path):
    notes = tmp_path / "notes.md"
    notes.write_bytes(bytes(np.random.default_rng(3).integers(1, 256, 50_000, dtype=np.uint8)))
    fails_clearly(invoke_cli(["bank", "import", str(notes)]), "not a text file")


def test_deeply_nested_notes_import_quickly(vc_env, tmp_path):
    lines = ["## Earn Trust", "### Story: Deep"] + ["  " * i + f"- level {i}" for i in range(1000)]
    notes = tmp_path / "deep.md"
    notes.write_text("\n".join(lines) + "\n", encoding="utf-8")
    started = time.monotonic()
    out = invoke_cli(["bank", "import", str(notes), "--into", str(tmp_path / "bank")])
    assert time.monotonic() - started < 60  # the limit the process run had
    assert out.exit_code == 0 and "Traceback" not in out.stderr, out.stderr
    assert "1000 bullets" in out.stdout, out.stdout


def test_html_script_and_markup_in_notes_are_shown_as_text(vc_env, tmp_path):
    notes = tmp_path / "evil.md"
    notes.write_text(
        "## Earn Trust\n"
        "- Tell me about [bold red]a time[/] you <b>won</b> trust <script>alert(1)</script>? [/]\n"
        '### Story: <img src=x onerror=alert(1)> Rollback\n- I rolled back & wrote "it" up\n',
        encoding="utf-8",
    )
    bank = tmp_path / "bank"
    out = invoke_cli(["bank", "import", str(notes), "--into", str(bank)])
    assert out.exit_code == 0, out.stderr
    env = {"VOICE_COACH_BANK_DIR": str(bank)}
    shown = invoke_cli(["bank", "list", "--principle", "earn-trust"], env)
    assert shown.exit_code == 0 and "Traceback" not in shown.stderr, shown.stderr
    assert "[bold red]a time[/]" in shown.stdout  # terminal markup printed, not interpreted
    assert "<script" not in shown.stdout and "onerror" not in (bank / "evil.yaml").read_text()
    assert invoke_cli(["bank", "validate"], env).exit_code == 0
    # the question spoken and printed in a session: its brackets are text, not terminal markup
    qid = next(line.split()[0] for line in shown.stdout.splitlines() if "[bold red]" in line)
    demo = run_cli(["demo", "--question", qid, "--follow-ups", "0"], {**vc_env, **env})
    assert demo.returncode == 0 and "Traceback" not in demo.stderr, demo.stderr[-2000:]
    assert "[bold red]a time[/]" in demo.stdout
