"""Where speech is in a recording: Silero VAD (the ONNX model faster-whisper ships), so that pauses
come from the audio itself. Whisper's word times stretch over silence: a real 2.3 s silence came back
as a 1.4 s gap between words, and jfk.flac's 1 s gaps as none."""

from __future__ import annotations

import numpy as np

SR = 16000
MIN_SILENCE_MS = 250  # shorter gaps are breaths inside speech, not pauses
# Silero's default 0.5 missed the first word after an inserted 1.5 s silence in jfk.flac (the
# pause came out 0.7 s long); at 0.3 every pause of the test file is within 0.05 s
THRESHOLD = 0.3
PAD_MS = 30  # kept around each region: a pause's length is off by at most twice this

Region = tuple[float, float]


def speech_regions(audio: np.ndarray, sr: int = SR) -> list[Region]:
    """(start, end) seconds of each stretch of speech, in order."""
    if audio.size < sr // 10:
        return []
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    found = get_speech_timestamps(
        audio.astype(np.float32, copy=False),
        VadOptions(min_silence_duration_ms=MIN_SILENCE_MS, speech_pad_ms=PAD_MS, threshold=THRESHOLD),
        sampling_rate=sr,
    )
    return [(round(r["start"] / sr, 3), round(r["end"] / sr, 3)) for r in found]


def shifted(regions: list[Region], by: float) -> list[Region]:
    return [(max(0.0, a + by), max(0.0, b + by)) for a, b in regions]


def merged(regions: list[Region], gap: float = MIN_SILENCE_MS / 1000) -> list[Region]:
    """Regions in order, those closer than `gap` joined (stretches transcribed apart meet again)."""
    out: list[Region] = []
    for a, b in sorted(regions):
        if out and a - out[-1][1] < gap:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out
