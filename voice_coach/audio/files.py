"""Decode any audio file (WAV, FLAC, MP3, M4A, ...) to 16 kHz mono float32, in chunks.

PyAV (which faster-whisper already depends on) decodes and resamples, so no ffmpeg binary is
needed and a long file is streamed, never loaded whole.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np

from voice_coach.errors import UserError

SAMPLE_RATE = 16000


def _bad_file(path: Path, why: str) -> UserError:
    return UserError(
        f"cannot read audio file: {why}",
        where=str(path),
        fix="give a WAV, FLAC, MP3 or M4A file with sound in it (try playing it first)",
    )


def iter_audio(path: str | Path, chunk_s: float = 0.1, sr: int = SAMPLE_RATE) -> Iterator[np.ndarray]:
    """Yield float32 mono chunks of about chunk_s seconds at sr Hz."""
    import av

    path = Path(path)
    if not path.is_file():
        raise UserError("no such audio file", where=str(path), fix="check the path and try again")
    if path.stat().st_size == 0:
        raise _bad_file(path, "the file is empty (0 bytes)")
    try:
        container = av.open(str(path), mode="r", metadata_errors="ignore")
    except (av.error.FFmpegError, OSError, ValueError) as exc:
        raise _bad_file(path, str(exc)) from exc
    chunk = max(1, int(chunk_s * sr))
    pending: list[np.ndarray] = []
    have = 0
    try:
        if not container.streams.audio:
            raise _bad_file(path, "it holds no audio stream")
        resampler = av.audio.resampler.AudioResampler(format="flt", layout="mono", rate=sr)

        def frames():
            try:
                for frame in container.decode(audio=0):
                    yield from resampler.resample(frame)
            except av.error.InvalidDataError:
                pass  # keep what decoded before the damage; a truncated recording is still useful
            yield from resampler.resample(None)

        for frame in frames():
            data = frame.to_ndarray().reshape(-1).astype(np.float32, copy=False)
            pending.append(data)
            have += data.size
            while have >= chunk:
                buf = np.concatenate(pending)
                yield buf[:chunk]
                rest = buf[chunk:]
                pending, have = [rest], rest.size
    except av.error.FFmpegError as exc:
        raise _bad_file(path, str(exc)) from exc
    finally:
        container.close()
    if have:
        yield np.concatenate(pending)


def load_audio(path: str | Path, sr: int = SAMPLE_RATE) -> np.ndarray:
    """The whole file as one float32 mono array at sr Hz."""
    parts = list(iter_audio(path, chunk_s=30.0, sr=sr))
    if not parts:
        raise _bad_file(Path(path), "no audio could be decoded from it")
    return np.concatenate(parts)
