"""Capture an answer: a source (microphone or file) -> chunks -> a WAV written as it records.

The recorder hands each chunk to listeners as it arrives (so transcription can run while the
user speaks) and keeps the WAV header valid after every write, so a kill mid-answer leaves a
readable file that has lost at most the last second.
"""

from __future__ import annotations

import os
import queue
import threading
import time
import wave
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voice_coach.audio.devices import no_microphone, sounddevice
from voice_coach.audio.files import SAMPLE_RATE, iter_audio

Chunk = np.ndarray


class MicSource:
    """The default (or a named) input device through a sounddevice InputStream."""

    name = "microphone"

    def __init__(self, device: str | int | None = None, sr: int = SAMPLE_RATE, block_s: float = 0.1) -> None:
        self.device, self.sr, self.block = device, sr, int(sr * block_s)
        self._queue: queue.Queue[np.ndarray] = queue.Queue()
        self._stopped = threading.Event()

    def _callback(self, indata, frames, time_info, status) -> None:  # PortAudio thread
        self._queue.put(indata[:, 0].copy())

    def chunks(self) -> Iterator[Chunk]:
        sd = sounddevice()
        try:
            stream = sd.InputStream(
                samplerate=self.sr,
                channels=1,
                dtype="float32",
                blocksize=self.block,
                device=self.device,
                callback=self._callback,
            )
            stream.start()
        except (sd.PortAudioError, ValueError) as exc:
            raise no_microphone(exc) from exc
        try:
            while not self._stopped.is_set():
                try:  # some devices (PulseAudio among them) take a second or two to start
                    yield self._queue.get(timeout=5.0)
                except queue.Empty:
                    raise no_microphone("the input stream stopped delivering audio") from None
        finally:
            stream.stop()
            stream.close()

    def stop(self) -> None:
        self._stopped.set()


class FileSource:
    """An audio file played into the recorder as if spoken: real time (speed=1), faster, or at once (0)."""

    name = "file"

    def __init__(
        self, path: str | Path, speed: float = 1.0, chunk_s: float = 0.1, sr: int = SAMPLE_RATE
    ) -> None:
        self.path, self.speed, self.chunk_s, self.sr = Path(path), speed, chunk_s, sr
        self._stopped = threading.Event()

    def chunks(self) -> Iterator[Chunk]:
        start = time.monotonic()
        sent = 0.0
        for chunk in iter_audio(self.path, self.chunk_s, self.sr):
            if self._stopped.is_set():
                return
            yield chunk
            sent += len(chunk) / self.sr
            if self.speed > 0:
                ahead = sent / self.speed - (time.monotonic() - start)
                if ahead > 0:
                    time.sleep(ahead)

    def stop(self) -> None:
        self._stopped.set()


class WavWriter:
    """16-bit mono WAV whose header is patched on every write and synced to disk every second."""

    def __init__(self, path: Path, sr: int = SAMPLE_RATE, sync_every_s: float = 1.0) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._file = open(path, "wb")  # noqa: SIM115 - closed in close()
        os.chmod(path, 0o600)  # private speech: readable by the user alone
        self._wav = wave.open(self._file, "wb")
        self._wav.setnchannels(1)
        self._wav.setsampwidth(2)
        self._wav.setframerate(sr)
        self._sync_every = int(sr * sync_every_s)
        self._unsynced = 0
        self.frames = 0

    def write(self, chunk: np.ndarray) -> None:
        pcm = (np.clip(chunk, -1.0, 1.0) * 32767.0).astype("<i2")
        self._wav.writeframes(pcm.tobytes())  # wave patches the RIFF sizes after each call
        self.frames += len(pcm)
        self._unsynced += len(pcm)
        if self._unsynced >= self._sync_every:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._unsynced = 0

    def close(self) -> None:
        self._wav.close()
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()


@dataclass
class StopRules:
    silence_after_speech_s: float = 4.0
    hard_limit_s: float = 210.0
    speech_dbfs: float = -42.0  # a chunk louder than this counts as speech
    min_speech_s: float = 0.5  # speech heard before silence may end the answer


@dataclass
class Tick:
    elapsed_s: float
    level_dbfs: float
    speaking: bool
    silence_s: float


@dataclass
class Recording:
    path: Path
    duration_s: float
    stopped_by: str  # "enter", "silence", "time limit", "end of input"
    speech_s: float


def level_dbfs(chunk: np.ndarray) -> float:
    rms = float(np.sqrt(np.mean(np.square(chunk, dtype=np.float64)))) if chunk.size else 0.0
    return 20.0 * np.log10(rms) if rms > 1e-9 else -120.0


class Recorder:
    """Runs one source into one WAV, applying the stop rules and feeding listeners."""

    def __init__(
        self,
        source: MicSource | FileSource,
        path: Path,
        rules: StopRules | None = None,
        sr: int = SAMPLE_RATE,
    ) -> None:
        self.source, self.path, self.rules, self.sr = source, path, rules or StopRules(), sr
        self.listeners: list[Callable[[np.ndarray], None]] = []
        self.on_tick: Callable[[Tick], None] | None = None
        self.stop_requested = threading.Event()

    def request_stop(self) -> None:
        """Stop at the next chunk (the user pressed Enter)."""
        self.stop_requested.set()

    def record(self) -> Recording:
        rules = self.rules
        writer = WavWriter(self.path, self.sr)
        elapsed = speech = silence = 0.0
        stopped_by = "end of input"
        gen = self.source.chunks()
        try:
            for chunk in gen:
                writer.write(chunk)
                for listener in self.listeners:
                    listener(chunk)
                dt = len(chunk) / self.sr
                elapsed += dt
                level = level_dbfs(chunk)
                speaking = level > rules.speech_dbfs
                if speaking:
                    speech += dt
                    silence = 0.0
                else:
                    silence += dt
                if self.on_tick:
                    self.on_tick(Tick(elapsed, level, speaking, silence))
                if self.stop_requested.is_set():
                    stopped_by = "enter"
                    break
                if elapsed >= rules.hard_limit_s:
                    stopped_by = "time limit"
                    break
                if speech >= rules.min_speech_s and silence >= rules.silence_after_speech_s:
                    stopped_by = "silence"
                    break
        finally:
            gen.close()
            writer.close()
        return Recording(self.path, writer.frames / self.sr, stopped_by, speech)
