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
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voice_coach.audio import WAV_HEADER_BYTES
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
        while not self._queue.empty():  # a restarted answer starts with fresh audio
            self._queue.get_nowait()
        self._stopped.clear()
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


class PushSource:
    """Audio pushed in by someone else as it arrives (the browser room posts the page's microphone):
    the recorder reads it like a microphone. No audio for `idle_s` ends the take (a closed tab), so a
    recording is never left waiting forever; what came before is kept and scored."""

    name = "browser"

    def __init__(self, idle_s: float = 10.0) -> None:
        self.idle_s = idle_s
        self._queue: queue.Queue[np.ndarray | None] = queue.Queue()
        self._stopped = threading.Event()

    def push(self, chunk: Chunk) -> None:
        self._queue.put(np.asarray(chunk, dtype=np.float32))

    def clear(self) -> None:
        """Drop what is waiting (a new take starts with fresh audio), before the page is told to send."""
        self._stopped.clear()
        while not self._queue.empty():
            self._queue.get_nowait()

    def chunks(self) -> Iterator[Chunk]:
        while not self._stopped.is_set():
            try:
                chunk = self._queue.get(timeout=self.idle_s)
            except queue.Empty:
                return
            if chunk is None:
                return
            yield chunk

    def stop(self) -> None:
        self._stopped.set()
        self._queue.put(None)


class DiskFull(OSError):
    """The disk filled while recording; what was captured up to then is on disk and readable."""


BYTES_PER_SECOND = SAMPLE_RATE * 2  # 16-bit mono


def ensure_room(folder: Path, seconds: float, margin_bytes: int = 1 << 20) -> None:
    """Refuse to start recording into a folder that is read-only or too full for the longest answer."""
    import shutil

    from voice_coach.errors import UserError

    probe = folder / ".voice-coach-write-test"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as exc:
        raise UserError(
            f"cannot write recordings here: {exc.strerror or exc}",
            where=str(folder),
            fix="make the folder writable, or set VOICE_COACH_RECORDINGS_DIR / VOICE_COACH_DATA_DIR "
            "to a folder you own",
        ) from exc
    need = int(seconds * BYTES_PER_SECOND) + margin_bytes
    free = shutil.disk_usage(folder).free
    if free < need:
        raise UserError(
            f"not enough free disk space to record: {free / 1e6:.1f} MB free, an answer of up to "
            f"{seconds / 60:.1f} min needs {need / 1e6:.1f} MB",
            where=str(folder),
            fix="free some space, or set VOICE_COACH_DATA_DIR to a disk with room",
        )


class WavWriter:
    """16-bit mono WAV written straight to the file descriptor, its header patched after every write
    and synced to disk every second, so the file on disk is always a complete, readable WAV.

    Written by hand rather than with `wave` so that a failed write (disk full) leaves exactly the
    whole frames that reached the disk, with a header that says so.
    """

    def __init__(self, path: Path, sr: int = SAMPLE_RATE, sync_every_s: float = 1.0) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.sr = sr
        # 0600 from creation: private speech, readable by the user alone
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(self._fd, 0o600)
        self._sync_every = int(sr * sync_every_s)
        self._unsynced = 0
        self.frames = 0
        try:
            self._write_all(self._header(0))
        except OSError:
            os.close(self._fd)
            path.unlink(missing_ok=True)
            raise

    def _header(self, data_bytes: int) -> bytes:
        import struct

        return (
            b"RIFF"
            + struct.pack("<I", 36 + data_bytes)
            + b"WAVE"
            + b"fmt "
            + struct.pack("<IHHIIHH", 16, 1, 1, self.sr, self.sr * 2, 2, 16)
            + b"data"
            + struct.pack("<I", data_bytes)
        )  # WAV_HEADER_BYTES long

    def _write_all(self, data: bytes) -> int:
        """Write everything or raise; on failure the OSError carries .written (bytes that made it)."""
        view, done = memoryview(data), 0
        while done < len(data):
            try:
                done += os.write(self._fd, view[done:])
            except OSError as exc:
                exc.written = done  # type: ignore[attr-defined]
                raise
        return done

    def _patch(self) -> None:
        import struct

        data_bytes = self.frames * 2
        os.pwrite(self._fd, struct.pack("<I", 36 + data_bytes), 4)  # rewrites existing bytes: no new blocks
        os.pwrite(self._fd, struct.pack("<I", data_bytes), 40)

    def write(self, chunk: np.ndarray) -> None:
        pcm = (np.clip(chunk, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()
        try:
            self._write_all(pcm)
        except OSError as exc:
            # keep the whole frames that reached the disk, drop a torn half-sample, fix the header
            self.frames += getattr(exc, "written", 0) // 2
            os.ftruncate(self._fd, WAV_HEADER_BYTES + self.frames * 2)
            self._patch()
            import errno

            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise DiskFull(exc.errno, "the disk is full", str(self.path)) from exc
            raise
        self.frames += len(pcm) // 2
        self._patch()
        self._unsynced += len(pcm) // 2
        if self._unsynced >= self._sync_every:
            os.fsync(self._fd)
            self._unsynced = 0

    def close(self) -> None:
        if self._fd < 0:
            return
        try:
            os.fsync(self._fd)
        except OSError:
            pass  # the data is in the page cache; close still keeps it
        os.close(self._fd)
        self._fd = -1


@dataclass
class StopRules:
    silence_after_speech_s: float = 4.0
    hard_limit_s: float = 210.0
    speech_dbfs: float = -42.0  # a chunk louder than this counts as speech
    min_speech_s: float = 0.5  # speech heard before silence may end the answer
    no_speech_s: float | None = None  # give up when nothing is said this long (follow-ups)


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
    # "enter", "silence", "time limit", "end of input", "disk full", "no answer", or what
    # request_stop() was given: "restart", "skip", "quit", "interrupted"
    stopped_by: str
    speech_s: float


def level_dbfs(chunk: np.ndarray) -> float:
    rms = float(np.sqrt(np.mean(np.square(chunk, dtype=np.float64)))) if chunk.size else 0.0
    return 20.0 * np.log10(rms) if rms > 1e-9 else -120.0


class Recorder:
    """Runs one source into one WAV, applying the stop rules and feeding listeners."""

    def __init__(
        self,
        source: MicSource | FileSource | PushSource,
        path: Path,
        rules: StopRules | None = None,
        sr: int = SAMPLE_RATE,
    ) -> None:
        self.source, self.path, self.rules, self.sr = source, path, rules or StopRules(), sr
        self.listeners: list[Callable[[np.ndarray], None]] = []
        self.on_tick: Callable[[Tick], None] | None = None
        self.stop_requested = threading.Event()
        self.paused = threading.Event()  # while set, audio is dropped and the clock stands still
        self._stop_reason = "enter"

    def request_stop(self, reason: str = "enter") -> None:
        """Stop at the next chunk (Enter, or a key that restarts, skips or quits)."""
        self._stop_reason = reason
        self.stop_requested.set()

    def record(self) -> Recording:
        rules = self.rules
        writer = WavWriter(self.path, self.sr)
        elapsed = speech = silence = 0.0
        stopped_by = "end of input"
        gen = self.source.chunks()
        try:
            for chunk in gen:
                if self.paused.is_set() and not self.stop_requested.is_set():
                    if self.on_tick:  # the meter still moves, so a paused user sees the mic is live
                        self.on_tick(Tick(elapsed, level_dbfs(chunk), False, silence))
                    continue
                try:
                    writer.write(chunk)
                except DiskFull:
                    stopped_by = "disk full"
                    break
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
                    stopped_by = self._stop_reason
                    break
                if elapsed >= rules.hard_limit_s:
                    stopped_by = "time limit"
                    break
                if rules.no_speech_s is not None and speech == 0.0 and elapsed >= rules.no_speech_s:
                    stopped_by = "no answer"
                    break
                if speech >= rules.min_speech_s and silence >= rules.silence_after_speech_s:
                    stopped_by = "silence"
                    break
            else:
                if self.stop_requested.is_set():  # a source that ends when asked to (the room's)
                    stopped_by = self._stop_reason
        finally:
            gen.close()
            writer.close()
        return Recording(self.path, writer.frames / self.sr, stopped_by, speech)


SOUND_DBFS = -60.0  # a microphone that delivers nothing above this is muted or unplugged


def probe_level(device: str | int | None = None, seconds: float = 1.0) -> float:
    """The loudest level (dBFS) the microphone delivers in `seconds`: -120 is digital silence (muted)."""
    loudest, got = -120.0, 0
    source = MicSource(device)
    chunks = source.chunks()
    try:
        for chunk in chunks:
            loudest = max(loudest, level_dbfs(chunk))
            got += len(chunk)
            if got >= seconds * source.sr:
                break
    finally:
        chunks.close()
    return loudest
