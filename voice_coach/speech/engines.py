"""Speech-to-text engines behind one interface. faster-whisper (CTranslate2) is the default.

An engine turns 16 kHz mono float32 audio into a Transcript with word timestamps. Heavy imports
happen in load(), so importing this module is cheap.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from voice_coach import memory
from voice_coach.config import FILLER_MODES
from voice_coach.errors import EnvironmentProblem, UserError
from voice_coach.speech.guard import (
    LOOP_RATIO,
    Segment,
    heard_only,
    prompted_words,
    speech_after,
    still_loops,
    token_budget,
    unheard,
)
from voice_coach.speech.vad import speech_regions
from voice_coach.speech.weights import model_dir
from voice_coach.speech.window import fitted_model, full_windows
from voice_coach.transcript import Transcript, Word

if TYPE_CHECKING:
    from voice_coach.config import Settings

# Whisper leaves "um" and "uh" out of transcripts unless its prompt holds some. "guarded" (the
# default) prompts each piece (audio over 30 s cut in pauses) at temperature 0 with a token budget
# and checks it (speech/guard.py: loops, text over silence, the prompt read back, stock closings,
# an early stop); "initial" prompts the first 30 s window, "hotwords" every window, unchecked; "off"
# never prompts.
# Measured (bench/real_fillers.py, docs/measurements.md): on 20 human clips guarded hears 13-15 of 15
# fillers, off 1-7; prompted, Whisper writes "50,000" as "50, 0, 0, 0", joined back below
# (join_thousands). Never a prompt with "I'm ..." or digits in it (they are read back).
FILLER_PROMPT = "Um, uh, hmm, er, ah."
LOGPROB_FLOOR, NO_SPEECH = -1.0, 0.6  # faster-whisper's log_prob_threshold and no_speech_threshold

Progress = Callable[[str], None]


def segment_words(pieces: list[tuple[str, float, float, float]]) -> list[Word]:
    """One segment's timed pieces as words. Whisper gives a number's tail and a percent sign as
    pieces of their own with no space before them (' 50', ',000'; ' 12', '%'): such a piece belongs
    to the word before it, so the transcript, the evidence quotes and the word count see '50,000'
    and '12%', not '50 ,000' and '12 %'. Words given no time after the speech are left out
    (guard.heard_only)."""
    words: list[Word] = []
    for text, start, end, prob in pieces:
        token = text.strip()
        if not token:
            continue
        if words and not text[:1].isspace():
            last = words[-1]
            prob = min(last.probability or 0.0, prob)
            words[-1] = Word(last.word + token, last.start, round(end, 3), round(prob, 3))
        else:
            words.append(Word(token, round(start, 3), round(end, 3), round(prob, 3)))
    return heard_only(join_thousands(words))


_LEAD = re.compile(r"^\$?\d{1,3}(,\d{3})*,$")  # '50,' '$1,' '1,200,': a number cut at its comma
_GROUP = re.compile(r"^(\d{3})(\D*)$")  # '000' '200,' '500%'
_ZERO = re.compile(r"^0(\W*)$")  # '0,' '0.'


def _groups(words: list[Word], j: int) -> list[tuple[str, int]]:
    """The three-digit groups from words[j] on, each (digits and what follows them, words used);
    three lone zeros ('0, 0, 0') are one group. A group that does not end in a comma ends the run."""
    found: list[tuple[str, int]] = []
    while j < len(words):
        group = _GROUP.match(words[j].word)
        zeros = [_ZERO.match(w.word) for w in words[j : j + 3]]
        if group:
            found.append((group.group(1) + group.group(2), 1))
        elif len(zeros) == 3 and all(zeros) and all(z.group(1) == "," for z in zeros[:2]):
            found.append(("000" + zeros[2].group(1), 3))
        else:
            break
        j += found[-1][1]
        if not found[-1][0].endswith(","):
            break
    return found


def join_thousands(words: list[Word]) -> list[Word]:
    """A number Whisper wrote across words joined back: prompted with fillers, '50, 0, 0, 0' and
    '50, 000' read '50,000', '$1, 200, 000' reads '$1,200,000'. Only groups after a number ending
    in a comma, and only up to a group of zeros: a list ('100, 200, 300', 'By month 3, 400
    customers') stays as it is."""
    out: list[Word] = []
    i = 0
    while i < len(words):
        word = words[i]
        groups = _groups(words, i + 1) if _LEAD.match(word.word) else []
        while groups and not groups[-1][0].startswith("000"):
            groups.pop()  # keep the run up to its last group of zeros
        used = sum(n for _, n in groups)
        if used:
            parts = words[i : i + 1 + used]
            prob = min(w.probability or 0.0 for w in parts)
            word = Word(word.word + "".join(g for g, _ in groups), word.start, parts[-1].end, round(prob, 3))
        out.append(word)
        i += 1 + used
    return out


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
        self, model: str, cache_dir: Path, compute_type: str = "int8", filler_prompt: str = "guarded"
    ) -> None:
        self.model, self.cache_dir, self.compute_type = model, cache_dir, compute_type
        if filler_prompt not in FILLER_MODES:
            raise UserError(
                f"unknown filler_prompt '{filler_prompt}'", fix=f"use one of: {', '.join(FILLER_MODES)}"
            )
        self.filler_prompt = filler_prompt
        self._whisper = None
        self._lock = threading.Lock()

    def load(self, progress: Progress | None = None) -> None:
        with self._lock:  # the session preloads on one thread while a streaming worker may need it
            self._load(progress)

    def _load(self, progress: Progress | None) -> None:
        if self._whisper is not None:
            return
        path = model_dir(self.model, self.cache_dir, progress)
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # belt and braces: we pass a local folder anyway
        memory.bound_kernel_cache()
        try:
            import faster_whisper  # noqa: F401
        except ImportError as exc:
            raise EnvironmentProblem(
                f"faster-whisper is not installed ({exc})", fix="pip install faster-whisper"
            ) from exc
        if progress:
            progress(f"loading Whisper {self.model} ({self.name}, {self.compute_type})")
        self._whisper = fitted_model(
            str(path),
            device="cpu",
            compute_type=self.compute_type,
            cpu_threads=os.cpu_count() or 2,
            local_files_only=True,
        )

    def transcribe(self, audio: np.ndarray, progress: Progress | None = None) -> Transcript:
        self.load(progress)
        import ctranslate2

        # Whisper falls back to sampling at higher temperatures on hard stretches: a fixed seed makes
        # the same audio give the same transcript from one run of a process to the next. (CTranslate2
        # seeds each thread's generator once, at its first use, so within one process later draws
        # still depend on what was transcribed before.)
        ctranslate2.set_random_seed(0)
        start = time.perf_counter()
        duration = len(audio) / 16000
        regions = speech_regions(audio)
        words = None
        if self.filler_prompt == "guarded":  # once, on fitted windows: a failed pass is not tried again
            words = prompted_words(self._prompted, audio, regions)
        if words is None:
            words = self._words(audio, regions, progress, fitted=True)
        if words is None:  # the fitted windows' decode needed a fallback: decode as Whisper was trained
            with full_windows():
                words = self._words(audio, regions, progress, fitted=False)
        return Transcript(
            " ".join(w.word for w in words),
            words,
            round(duration, 3),
            self.name,
            self.model,
            seconds=round(time.perf_counter() - start, 3),
            speech_regions=regions,
        )

    def _words(
        self, audio: np.ndarray, regions: list[tuple[float, float]], progress: Progress | None, fitted: bool
    ) -> list[Word] | None:
        """The words of a pass without the guarded prompt. On fitted windows (speech/window.py) None,
        for the caller to decode again on full ones, where a full window would decode again: at
        temperature 0 and a token budget the pass would have fallen back to sampling (a loop, or text
        Whisper doubts), or left speech without its words (guard.unheard). A guarded pass that failed
        is not tried on full windows: a prompt that looped once loops again, and trying it there
        cost 3.9 s on a 12.7 s clip that takes 0.7 s unprompted."""
        bounded = {"temperature": 0.0, "max_new_tokens": token_budget(speech_after(regions, 0.0))}
        segments = self._decode(
            audio,
            progress,
            hotwords=FILLER_PROMPT if self.filler_prompt == "hotwords" else None,
            initial_prompt=FILLER_PROMPT if self.filler_prompt == "initial" else None,
            **(bounded if fitted else {}),
        )
        words = [w for seg in segments for w in seg.words]
        if fitted and (any(seg.doubtful for seg in segments) or unheard(words, regions)):
            return None
        return words

    def _prompted(self, audio: np.ndarray, budget: int, until: float | None) -> Iterator[Segment]:
        options = dict(initial_prompt=FILLER_PROMPT, temperature=0.0, max_new_tokens=budget)
        return self._segments(audio, None, until=until, **options)

    def _decode(self, audio: np.ndarray, progress: Progress | None, **options) -> list[Segment]:
        return list(self._segments(audio, progress, **options))

    def _segments(
        self, audio: np.ndarray, progress: Progress | None, until: float | None = None, **options
    ) -> Iterator[Segment]:
        """Each segment's words and compression ratio (how much the decode repeated itself), as
        Whisper decodes them: a reader that stops reading (the guard, at a segment it cannot trust)
        stops the decoding; no further window is decoded once a segment ends after `until`."""
        duration = len(audio) / 16000
        segments, _info = self._whisper.transcribe(
            audio,
            language="en",
            word_timestamps=True,
            vad_filter=True,
            condition_on_previous_text=False,
            beam_size=5,
            **options,
        )
        for seg in segments:
            words = segment_words(
                [(w.word, float(w.start), float(w.end), float(w.probability)) for w in seg.words or []]
            )
            # faster-whisper's own reasons to decode a window again at a higher temperature
            doubtful = (seg.compression_ratio > LOOP_RATIO and still_loops(words)) or (
                seg.avg_logprob < LOGPROB_FLOOR and seg.no_speech_prob <= NO_SPEECH
            )
            if progress and duration > 0:
                progress(f"transcribing: {min(seg.end, duration):.0f}/{duration:.0f} s")
            yield Segment(words, float(seg.compression_ratio), doubtful)
            if until is not None and seg.end >= until:
                return


class OpenAIWhisperEngine:
    """openai-whisper (PyTorch, float32 on CPU) over the same packaged weights, converted once.

    An optional extra: pip install 'voice-coach[openai-whisper]'. Audio goes in as a 16 kHz float32
    array, so no ffmpeg is needed.
    """

    name = "openai-whisper"

    def __init__(self, model: str, cache_dir: Path, filler_prompt: str = "guarded") -> None:
        self.model, self.cache_dir, self.filler_prompt = model, cache_dir, filler_prompt
        self._whisper = None
        self._lock = threading.Lock()

    def load(self, progress: Progress | None = None) -> None:
        with self._lock:
            if self._whisper is not None:
                return
            try:
                import torch
                import whisper
            except ImportError as exc:
                raise EnvironmentProblem(
                    f"the openai-whisper engine is not installed ({exc})",
                    fix="pip install torch==2.13.0 'voice-coach[openai-whisper]' (CPU torch first), "
                    "or use --engine faster-whisper",
                ) from exc
            from voice_coach.speech.convert import openai_checkpoint

            folder = model_dir(self.model, self.cache_dir, progress)
            checkpoint = openai_checkpoint(folder, self.cache_dir, self.model, progress)
            if progress:
                progress(f"loading Whisper {self.model} ({self.name}, float32)")
            torch.set_num_threads(os.cpu_count() or 2)
            model = whisper.load_model(str(checkpoint), device="cpu")
            config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
            heads = config.get("alignment_heads")
            if heads:  # the heads CTranslate2 uses for word timing, not openai-whisper's default guess
                mask = torch.zeros(model.dims.n_text_layer, model.dims.n_text_head, dtype=torch.bool)
                for layer, head in heads:
                    mask[layer, head] = True
                model.register_buffer("alignment_heads", mask.to_sparse(), persistent=False)
            self._whisper = model

    def transcribe(self, audio: np.ndarray, progress: Progress | None = None) -> Transcript:
        self.load(progress)
        import torch

        torch.manual_seed(0)  # the temperature fallback samples: same audio, same transcript
        start = time.perf_counter()
        regions = speech_regions(audio)
        words = prompted_words(self._prompted, audio, regions) if self.filler_prompt == "guarded" else None
        if words is None:
            prompt = FILLER_PROMPT if self.filler_prompt in ("initial", "hotwords") else None
            options = dict(initial_prompt=prompt, carry_initial_prompt=self.filler_prompt == "hotwords")
            words = [w for seg in self._decode(audio, **options) for w in seg.words]
        return Transcript(
            " ".join(w.word for w in words),
            words,
            round(len(audio) / 16000, 3),
            self.name,
            self.model,
            seconds=round(time.perf_counter() - start, 3),
            speech_regions=regions,
        )

    def _prompted(self, audio: np.ndarray, budget: int, until: float | None) -> list[Segment]:
        return self._decode(audio, initial_prompt=FILLER_PROMPT, temperature=0.0, sample_len=budget)

    def _decode(self, audio: np.ndarray, **options) -> list[Segment]:
        result = self._whisper.transcribe(
            np.asarray(audio, dtype=np.float32),
            language="en",
            fp16=False,
            word_timestamps=True,
            condition_on_previous_text=False,
            beam_size=5,
            verbose=None,
            **options,
        )
        return [
            Segment(
                segment_words(
                    [
                        (w["word"], float(w["start"]), float(w["end"]), float(w.get("probability", 0.0)))
                        for w in seg.get("words", [])
                    ]
                ),
                float(seg.get("compression_ratio", 0.0)),
            )
            for seg in result["segments"]
        ]


def engine_for(settings: Settings, engine: str | None = None, model: str | None = None) -> Engine:
    """The speech engine a run uses: the configured one, or `engine` / `model` instead."""
    return make_engine(
        engine or settings.engine, model or settings.model, settings.cache_dir, settings.filler_prompt
    )


def make_engine(
    name: str, model: str, cache_dir: Path, filler_prompt: str = "guarded", compute_type: str = "int8"
) -> Engine:
    if name == "faster-whisper":
        return FasterWhisperEngine(model, cache_dir, compute_type=compute_type, filler_prompt=filler_prompt)
    if name == "openai-whisper":
        return OpenAIWhisperEngine(model, cache_dir, filler_prompt=filler_prompt)
    raise UserError(f"unknown speech engine '{name}'", fix="use --engine faster-whisper or openai-whisper")
