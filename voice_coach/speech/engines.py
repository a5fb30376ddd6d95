"""Speech-to-text engines behind one interface. faster-whisper (CTranslate2) is the default.

An engine turns 16 kHz mono float32 audio into a Transcript with word timestamps. Heavy imports
happen in load(), so importing this module is cheap.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from voice_coach.errors import UserError
from voice_coach.speech.weights import model_dir

# Whisper tends to clean "um" and "uh" out of transcripts. A short disfluent prompt keeps them:
# "initial" gives it to the first 30 s window only, "hotwords" to every window (faster-whisper's
# hotwords). Measured here (bench/fillers.py, README): with base, 27/30 fillers survive without a
# prompt and 30/30 with one, but on a 43 s answer the prompt raised the word error rate from 0.07
# to 0.12 (initial) and 0.17 (hotwords) by dropping text, so the default is off. Never "I'm ...".
FILLER_PROMPT = "Um, uh, hmm, er, ah."
FILLER_MODES = ("off", "initial", "hotwords")

Progress = Callable[[str], None]


@dataclass
class Word:
    word: str
    start: float | None
    end: float | None
    probability: float | None = None


@dataclass
class Transcript:
    text: str
    words: list[Word]
    duration_s: float | None
    engine: str
    model: str
    seconds: float = 0.0  # time spent transcribing
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Transcript:
        words = [Word(**w) for w in data.get("words", [])]
        return cls(**{**data, "words": words})


def transcript_from_text(text: str) -> Transcript:
    """A typed answer as a transcript with no timings (analyze --text)."""
    words = [Word(w, None, None) for w in text.split()]
    return Transcript(" ".join(text.split()), words, None, engine="text", model="none")


class Engine(Protocol):
    name: str
    model: str

    def load(self) -> None: ...

    def transcribe(self, audio: np.ndarray, progress: Progress | None = None) -> Transcript: ...


class FasterWhisperEngine:
    """faster-whisper with the settings that measured well here (PRODUCT.md, Speech stack)."""

    name = "faster-whisper"

    def __init__(
        self, model: str, cache_dir: Path, compute_type: str = "int8", filler_prompt: str = "off"
    ) -> None:
        self.model, self.cache_dir, self.compute_type = model, cache_dir, compute_type
        if filler_prompt not in FILLER_MODES:
            raise UserError(
                f"unknown filler_prompt '{filler_prompt}'", fix=f"use one of: {', '.join(FILLER_MODES)}"
            )
        self.filler_prompt = filler_prompt
        self._whisper = None
        self._lock = threading.Lock()
        self.load_s = 0.0

    def load(self, progress: Progress | None = None) -> None:
        with self._lock:  # the session preloads on one thread while a streaming worker may need it
            self._load(progress)

    def _load(self, progress: Progress | None) -> None:
        if self._whisper is not None:
            return
        start = time.perf_counter()
        path = model_dir(self.model, self.cache_dir, progress)
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # belt and braces: we pass a local folder anyway
        try:
            from faster_whisper import WhisperModel
        except ImportError as exc:
            raise UserError(
                f"faster-whisper is not installed ({exc})", fix="pip install faster-whisper", exit_code=3
            ) from exc
        if progress:
            progress(f"loading Whisper {self.model} ({self.name}, {self.compute_type})")
        self._whisper = WhisperModel(
            str(path),
            device="cpu",
            compute_type=self.compute_type,
            cpu_threads=os.cpu_count() or 2,
            local_files_only=True,
        )
        self.load_s = time.perf_counter() - start

    def transcribe(self, audio: np.ndarray, progress: Progress | None = None) -> Transcript:
        self.load(progress)
        import ctranslate2

        # Whisper falls back to sampling at higher temperatures on hard stretches: a fixed seed makes
        # the same audio give the same transcript, run after run.
        ctranslate2.set_random_seed(0)
        start = time.perf_counter()
        duration = len(audio) / 16000
        segments, _info = self._whisper.transcribe(
            audio,
            language="en",
            word_timestamps=True,
            vad_filter=True,
            condition_on_previous_text=False,
            beam_size=5,
            hotwords=FILLER_PROMPT if self.filler_prompt == "hotwords" else None,
            initial_prompt=FILLER_PROMPT if self.filler_prompt == "initial" else None,
        )
        words: list[Word] = []
        texts: list[str] = []
        for seg in segments:
            texts.append(seg.text.strip())
            for w in seg.words or []:
                words.append(
                    Word(
                        w.word.strip(),
                        round(float(w.start), 3),
                        round(float(w.end), 3),
                        round(float(w.probability), 3),
                    )
                )
            if progress and duration > 0:
                progress(f"transcribing: {min(seg.end, duration):.0f}/{duration:.0f} s")
        return Transcript(
            " ".join(t for t in texts if t),
            words,
            round(duration, 3),
            self.name,
            self.model,
            seconds=round(time.perf_counter() - start, 3),
        )


def make_engine(name: str, model: str, cache_dir: Path, filler_prompt: str = "off") -> Engine:
    if name == "faster-whisper":
        return FasterWhisperEngine(model, cache_dir, filler_prompt=filler_prompt)
    raise UserError(f"unknown speech engine '{name}'", fix="use --engine faster-whisper")
