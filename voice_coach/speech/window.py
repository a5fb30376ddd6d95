"""Whisper's encoder on the audio there is, not always on 30 seconds.

faster-whisper pads every window to Whisper's 30 s before the encoder, and the encoder's cost is
the window's, not the speech's: the last words of an answer, 3 s of them, cost as much as 30 s
(1.1 s of 1.4 s on 2 cores). CTranslate2 takes a shorter input, so the padding is cut to the audio
plus PAD_FRAMES, at least MIN_FRAMES: that part of an answer is transcribed in a third of the time.
Whisper was trained on full windows, and on a fitted one it loops more readily (a laugh, "ha ha
ha ..."); the engine trusts a fitted decode only when it needed no fallback and decodes again on
full windows otherwise (`full_windows`). The window depends on the audio alone, so the same audio
gives the same transcript however it reached the engine.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

PAD_FRAMES = 200  # of the padding kept after the audio: the decoder sees where the speech ends
# below 10 s, WER on the human clips and the neural voice rose (a 2 s window read "er" as three words)
MIN_FRAMES = 1000

_state = threading.local()


@contextmanager
def full_windows() -> Iterator[None]:
    """Decode on Whisper's full 30 s windows inside this block (on this thread)."""
    before = getattr(_state, "full", False)
    _state.full = True
    try:
        yield
    finally:
        _state.full = before


def fitted_frames(features: np.ndarray) -> int:
    """How many frames of a padded window the encoder needs: the audio's (the padding is exact
    zeros, which no log-mel frame of real audio is) plus PAD_FRAMES, at least MIN_FRAMES."""
    total = features.shape[-1]
    if getattr(_state, "full", False):
        return total
    heard = np.flatnonzero(np.any(features.reshape(-1, total) != 0, axis=0))
    used = int(heard[-1]) + 1 if heard.size else 0
    return min(total, max(MIN_FRAMES, used + PAD_FRAMES))


KEPT_ENCODINGS = 2  # windows whose encoder output is kept for a second pass over the same audio


def fitted_model(path: str, **options: Any) -> Any:
    """A faster-whisper WhisperModel whose encoder sees only the fitted part of each window. The
    last windows' encoder output is kept: when the prompted pass fails, the unprompted pass over the
    same audio starts on the same window, and its encoder (a quarter of a short clip's decode) is
    not run twice."""
    from faster_whisper import WhisperModel

    class FittedWhisperModel(WhisperModel):
        _kept: OrderedDict[tuple, Any]

        def encode(self, features: np.ndarray):  # noqa: ANN202 (a ctranslate2.StorageView)
            fitted = np.ascontiguousarray(features[..., : fitted_frames(features)])
            key = (fitted.shape, hashlib.blake2b(fitted.tobytes(), digest_size=16).digest())
            with _kept_lock:
                if key in self._kept:
                    self._kept.move_to_end(key)
                    return self._kept[key]
            encoded = super().encode(fitted)
            with _kept_lock:
                self._kept[key] = encoded
                while len(self._kept) > KEPT_ENCODINGS:
                    self._kept.popitem(last=False)
            return encoded

    model = FittedWhisperModel(path, **options)
    model._kept = OrderedDict()
    return model


_kept_lock = threading.Lock()
