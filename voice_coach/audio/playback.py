"""Play audio through the default output device (PortAudio)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from voice_coach.audio.devices import no_speaker, sounddevice


def play(audio: np.ndarray | str | Path, sr: int = 16000) -> None:
    """Play an array (at sr Hz) or a file to the end, blocking."""
    sd = sounddevice()
    if not isinstance(audio, np.ndarray):
        import soundfile as sf

        audio, sr = sf.read(str(audio), dtype="float32", always_2d=False)
    try:
        sd.play(audio, sr)
        sd.wait()
    except sd.PortAudioError as exc:
        raise no_speaker(exc) from exc
