"""Audio files of every common kind decode to 16 kHz mono float32, streamed in chunks."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from conftest import need_shared
from voice_coach.audio.files import iter_audio, load_audio
from voice_coach.errors import UserError


@pytest.mark.parametrize(
    ("name", "seconds"), [("jfk.flac", 11.0), ("multilingual.mp3", 59.9), ("stereo_diarization.wav", 5.0)]
)
def test_shared_files_decode(name, seconds):
    audio = load_audio(need_shared(f"audio/{name}"))
    assert audio.dtype == np.float32 and audio.ndim == 1
    assert abs(len(audio) / 16000 - seconds) < 0.15
    assert 0.01 < float(np.abs(audio).max()) < 1.5  # resampling may overshoot full scale a little


def test_chunks_are_the_requested_size(tmp_path):
    wav = tmp_path / "tone.wav"
    t = np.arange(48000 * 2) / 48000
    sf.write(str(wav), np.stack([np.sin(2 * np.pi * 440 * t)] * 2, axis=1) * 0.5, 48000)  # stereo 48 kHz
    chunks = list(iter_audio(wav, chunk_s=0.25))
    assert all(len(c) == 4000 for c in chunks[:-1])
    assert abs(sum(len(c) for c in chunks) - 32000) <= 40


def test_truncated_wav_keeps_what_decodes(tmp_path):
    wav = tmp_path / "cut.wav"
    sf.write(str(wav), np.full(32000, 0.25, dtype="float32"), 16000)
    data = wav.read_bytes()
    wav.write_bytes(data[: len(data) // 2])  # header claims 2 s, half is there
    audio = load_audio(wav)
    assert 0.9 < len(audio) / 16000 < 1.1


def test_not_audio(tmp_path):
    bogus = tmp_path / "notes.mp3"
    bogus.write_text("this is not audio at all " * 100)
    with pytest.raises(UserError, match="cannot read audio file"):
        load_audio(bogus)


@pytest.mark.parametrize(
    "name, data",
    [
        ("random.mp3", bytes(range(256)) * 12),
        ("cut-in-its-header.wav", b"RIFF\xa0\x86\x01\x00WAVEfmt \x10\x00"),
    ],
)
def test_a_damaged_file_is_named_without_ffmpegs_errno(tmp_path, name, data):
    """Issue 30: "[Errno 1094995529] Invalid data found when processing input: '/path'"."""
    bad = tmp_path / name
    bad.write_bytes(data)
    with pytest.raises(UserError) as caught:
        load_audio(bad)
    message = str(caught.value)
    assert "damaged or not audio" in message and "Errno" not in message, message
    assert message.count(str(bad)) == 1 and caught.value.where == str(bad)
