"""Short tones that tell the user when to start speaking."""

from __future__ import annotations

import numpy as np


def cue_tone(sr: int = 16000, freq: float = 880.0, seconds: float = 0.18) -> np.ndarray:
    """A soft beep with faded edges (no click), float32."""
    t = np.arange(int(sr * seconds)) / sr
    tone = 0.3 * np.sin(2 * np.pi * freq * t)
    fade = min(len(t) // 4, int(sr * 0.02))
    ramp = np.linspace(0.0, 1.0, fade)
    tone[:fade] *= ramp
    tone[-fade:] *= ramp[::-1]
    return tone.astype(np.float32)
