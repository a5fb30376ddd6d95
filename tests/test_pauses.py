"""Pauses come from the audio (voice activity), not from Whisper's word times, which stretch over
silence: measured on real speech (jfk.flac) with known silences inserted into its natural gaps."""

from __future__ import annotations

import numpy as np

from conftest import need_shared
from voice_coach.audio.files import load_audio
from voice_coach.scoring.analyze import analyze
from voice_coach.speech.vad import speech_regions

SR = 16000
INSERTED = [1.5, 3.0, 0.5]  # seconds of quiet room noise added in the middle of jfk's three gaps


def with_silences(audio: np.ndarray) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """The speech with silences inserted; the pauses it then holds: (start, length)."""
    regions = speech_regions(audio)
    gaps = [(a[1], b[0]) for a, b in zip(regions, regions[1:], strict=False)]
    assert len(gaps) == 3, regions
    noise = np.random.default_rng(0)
    out, prev, shift, pauses = [], 0, 0.0, []
    for (g0, g1), extra in zip(gaps, INSERTED, strict=True):
        mid = int((g0 + g1) / 2 * SR)
        out += [audio[prev:mid], noise.normal(0, 0.001, int(extra * SR)).astype(np.float32)]
        pauses.append((g0 + shift, g1 - g0 + extra))
        shift += extra
        prev = mid
    out.append(audio[prev:])
    return np.concatenate(out), pauses


def test_pauses_from_the_audio_within_a_fifth_of_a_second(engines, shipped_bank):
    audio, truth = with_silences(load_audio(need_shared("audio/jfk.flac")))
    transcript = engines("tiny.en").transcribe(audio)
    report = analyze(transcript, shipped_bank)
    found = [(p.start, p.end - p.start) for p in report.delivery.pauses]
    want = [(start, length) for start, length in truth if length >= 1.0]
    assert len(found) == len(want) == 2, (found, truth)
    for (start, length), (s, n) in zip(want, found, strict=True):
        assert abs(start - s) <= 0.2 and abs(length - n) <= 0.2, (found, truth)
    assert report.delivery.long_pauses == 1  # the 4 s one
    # word times alone put the pauses elsewhere and make them shorter
    words_only = analyze(type(transcript)(**{**transcript.__dict__, "speech_regions": None}), shipped_bank)
    lengths = [p.end - p.start for p in words_only.delivery.pauses]
    assert any(abs(a - b[1]) > 0.2 for a, b in zip(lengths, want, strict=False)) or len(lengths) != 2


def test_jfk_gaps_are_found_in_the_audio(engines, shipped_bank):
    audio = load_audio(need_shared("audio/jfk.flac"))
    regions = speech_regions(audio)
    assert len(regions) == 4 and regions[0][0] < 0.5 and regions[-1][1] > 10.0
    report = analyze(engines("tiny.en").transcribe(audio), shipped_bank)
    words = report.transcript.words
    inside = sum(any(a - 0.05 <= w.start <= b + 0.05 for a, b in regions) for w in words)
    assert inside == len(words)  # every word placed inside speech


STEREO_LEFT = (
    "He began a confused complaint against the wizard, who had vanished behind the curtain on the left."
)
STEREO_RIGHT = "The horizon seems extremely distant."


def test_stereo_with_a_voice_per_channel_transcribes_both(vc_env, capsys):
    """stereo_diarization.wav holds a different read sentence on each channel at the same time: a
    mix buries one; each channel is transcribed in turn, and the user is told."""
    import voice_coach as vc
    from conftest import wer

    notes: list[str] = []
    report = vc.analyze_file(
        need_shared("audio/stereo_diarization.wav"), model="tiny.en", progress=notes.append
    )
    assert any("two channels hold different speech" in n for n in notes), notes
    assert wer(f"{STEREO_LEFT} {STEREO_RIGHT}", report.transcript.text) <= 0.15, report.transcript.text


def test_a_silent_channel_is_not_mixed_in(tmp_path):
    import soundfile as sf

    from voice_coach.audio.files import load_channels, speech_channels

    mono = load_audio(need_shared("audio/jfk.flac"))
    path = tmp_path / "right-only.wav"
    sf.write(path, np.stack([np.zeros_like(mono), mono], axis=1), SR)
    which, audio = speech_channels(load_channels(path))
    n = min(len(audio), len(mono))
    assert which == "right" and float(np.corrcoef(audio[:n], mono[:n])[0, 1]) > 0.99
    which, _ = speech_channels(load_channels(need_shared("audio/jfk.flac")))
    assert which == "mix"  # the same sound on both channels
