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
        sd.play(audio, sr, latency="high")  # a recording: a bigger buffer rides out a busy CPU
        sd.wait()
    except sd.PortAudioError as exc:
        raise no_speaker(exc) from exc


class _Output:
    """A mono float32 PortAudio output stream fed by the subclass's _callback."""

    sr: int
    _stream = None
    # PortAudio's buffer: "high" where nothing waits on the first sample (a recording played back),
    # so a busy machine does not starve the device into gaps
    latency = "low"

    def _callback(self, outdata, frames, time_info, status) -> None:  # PortAudio thread
        raise NotImplementedError

    def start(self) -> None:
        sd = sounddevice()
        try:
            self._stream = sd.OutputStream(
                samplerate=self.sr, channels=1, dtype="float32", callback=self._callback, latency=self.latency
            )
            self._stream.start()
        except sd.PortAudioError as exc:
            raise no_speaker(exc) from exc

    def close(self) -> None:
        if self._stream is not None:
            self._stream.stop()
            self._stream.close()
            self._stream = None


class StreamPlayer(_Output):
    """Playback of audio that is still arriving (speech synthesized sentence by sentence): feed()
    appends, finish() waits until all fed audio has played."""

    def __init__(self, sr: int) -> None:
        import threading

        self.sr = sr
        self._buffer = np.zeros(0, dtype=np.float32)
        self._lock = threading.Lock()

    def _callback(self, outdata, frames, time_info, status) -> None:  # PortAudio thread
        with self._lock:
            chunk, self._buffer = self._buffer[:frames], self._buffer[frames:]
        outdata[: len(chunk), 0] = chunk
        outdata[len(chunk) :, 0] = 0

    def feed(self, audio: np.ndarray) -> None:
        with self._lock:
            self._buffer = np.concatenate([self._buffer, audio.astype(np.float32)])

    def finish(self, tail_s: float = 0.1) -> None:
        """Block until everything fed has played (and a short tail for the device's buffer)."""
        import time

        while True:
            with self._lock:
                left = len(self._buffer)
            if not left:
                break
            time.sleep(min(0.05, left / self.sr))
        time.sleep(tail_s)


class Player(_Output):
    """Non-blocking playback of one array with pause, seek and a position clock (for replay)."""

    latency = "high"

    def __init__(self, audio: np.ndarray, sr: int = 16000) -> None:
        self.audio, self.sr = audio.astype(np.float32), sr
        self.pos = 0  # frames played so far
        self.paused = False

    def _callback(self, outdata, frames, time_info, status) -> None:  # PortAudio thread
        if self.paused:
            outdata.fill(0)
            return
        chunk = self.audio[self.pos : self.pos + frames]
        outdata[: len(chunk), 0] = chunk
        outdata[len(chunk) :, 0] = 0
        self.pos += len(chunk)

    @property
    def held_s(self) -> float:
        """Seconds handed to the device and not yet heard (its buffer)."""
        return float(self._stream.latency) if self._stream is not None else 0.0

    @property
    def seconds(self) -> float:
        """Where the listener is: what was handed to the device less what its buffer holds."""
        return max(0.0, self.pos / self.sr - self.held_s)

    @property
    def done(self) -> bool:
        return self.pos >= len(self.audio)

    def seek(self, seconds: float) -> None:
        self.pos = int(min(max(0.0, seconds), len(self.audio) / self.sr) * self.sr)
