"""Decode any audio file (WAV, FLAC, MP3, M4A, ...) to 16 kHz mono float32, in chunks.

PyAV (which faster-whisper already depends on) decodes and resamples, so no ffmpeg binary is
needed and a long file is streamed, never loaded whole.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np

from voice_coach.errors import UserError
from voice_coach.units import mmss

SAMPLE_RATE = 16000


def _bad_file(path: Path, why: str) -> UserError:
    return UserError(
        f"cannot read audio file: {why}",
        where=str(path),
        fix="give a WAV, FLAC, MP3 or M4A file with sound in it (try playing it first)",
    )


def _decoder_says(exc: Exception) -> str:
    """FFmpeg's reason without its errno and the path ("[Errno 1094995529] Invalid data found when
    processing input: '/x.mp3'" -> "it is damaged or not audio: invalid data found ...")."""
    why = getattr(exc, "strerror", None) or str(exc)
    why = why[0].lower() + why[1:] if why else "unknown error"
    return f"it is damaged or not audio ({why})"


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
    except PermissionError as exc:  # the file is fine: reading it is not allowed
        raise UserError(
            "cannot read the audio file: permission denied",
            where=str(path),
            fix="check its permissions (chmod u+r)",
        ) from exc
    except (av.error.FFmpegError, OSError, ValueError) as exc:
        raise _bad_file(path, _decoder_says(exc)) from exc
    chunk = max(1, int(chunk_s * sr))
    pending: list[np.ndarray] = []
    have = 0
    try:
        if not container.streams.audio:
            raise _bad_file(path, "it holds no audio stream")
        resampler = av.audio.resampler.AudioResampler(format="flt", layout="mono", rate=sr)

        stream = container.streams.audio[0]

        def frames():
            # Packet by packet, so a damaged frame (an MP3 with bad frames, a torn block) is skipped
            # and decoding goes on; a file cut short simply ends. Both keep every frame that decodes.
            try:
                for packet in container.demux(stream):
                    try:
                        decoded = packet.decode()
                    except (av.error.InvalidDataError, av.error.PatchWelcomeError, ValueError):
                        continue
                    for frame in decoded:
                        yield from resampler.resample(frame)
            except av.error.InvalidDataError:
                pass  # the container itself is cut short: keep what came before
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
        raise _bad_file(path, _decoder_says(exc)) from exc
    finally:
        container.close()
    if have:
        yield np.concatenate(pending)


def _too_long(path: Path, seconds: float, max_s: float) -> UserError:
    return UserError(
        f"the recording is {mmss(seconds)} long or longer; one answer is scored from at most {mmss(max_s)}",
        where=str(path),
        fix="cut the answer out first, e.g. ffmpeg -ss 00:12:00 -t 180 -i long.m4a answer.wav",
    )


def duration_s(path: str | Path) -> float | None:
    """The duration the container declares, without decoding (None when it does not say)."""
    import av

    try:
        with av.open(str(path), mode="r", metadata_errors="ignore") as container:
            if container.duration:
                return container.duration / 1_000_000
            stream = container.streams.audio[0] if container.streams.audio else None
            if stream is not None and stream.duration and stream.time_base:
                return float(stream.duration * stream.time_base)
    except (av.error.FFmpegError, OSError, ValueError):
        return None
    return None


def load_audio(path: str | Path, sr: int = SAMPLE_RATE, max_s: float | None = None) -> np.ndarray:
    """The whole file as one float32 mono array at sr Hz.

    With max_s, a longer file is refused before decoding when its header says so, and otherwise as
    soon as decoding passes max_s, so memory stays bounded by max_s whatever the file claims.
    """
    path = Path(path)
    if max_s is not None and path.is_file():
        declared = duration_s(path)
        if declared is not None and declared > max_s + 1.0:
            raise _too_long(path, declared, max_s)
    parts, have = [], 0
    for part in iter_audio(path, chunk_s=30.0, sr=sr):
        parts.append(part)
        have += part.size
        if max_s is not None and have > (max_s + 1.0) * sr:
            raise _too_long(path, have / sr, max_s)
    if not parts:
        raise _bad_file(path, "no audio could be decoded from it")
    return np.concatenate(parts)


def load_channels(path: str | Path, sr: int = SAMPLE_RATE) -> np.ndarray | None:
    """A stereo file's two channels, (2, samples) float32 at sr Hz; None for a mono file."""
    import av

    try:
        with av.open(str(path), mode="r", metadata_errors="ignore") as container:
            stream = container.streams.audio[0] if container.streams.audio else None
            if stream is None or stream.codec_context.channels != 2:
                return None
            resampler = av.audio.resampler.AudioResampler(format="fltp", layout="stereo", rate=sr)
            parts = []
            for frame in container.decode(stream):
                parts += [f.to_ndarray() for f in resampler.resample(frame)]
            parts += [f.to_ndarray() for f in resampler.resample(None)]
    except (av.error.FFmpegError, OSError, ValueError):
        return None
    return np.concatenate(parts, axis=1).astype(np.float32) if parts else None


SILENT_DBFS = -60.0  # a channel this quiet holds no speech


def speech_channels(channels: np.ndarray) -> tuple[str, np.ndarray]:
    """What to transcribe of a stereo recording: ('mix', ...) when both channels carry the same
    sound, ('left' / 'right', that channel) when only one holds speech, ('both', left then right
    after a second of silence) when they hold different speech: never a mix that buries a voice."""
    left, right = channels[0], channels[1]

    def dbfs(x: np.ndarray) -> float:
        rms = float(np.sqrt(np.mean(np.square(x, dtype=np.float64)))) if x.size else 0.0
        return 20 * np.log10(rms) if rms > 1e-9 else -120.0

    levels = dbfs(left), dbfs(right)
    if levels[0] <= SILENT_DBFS < levels[1]:
        return "right", right
    if levels[1] <= SILENT_DBFS < levels[0]:
        return "left", left
    if min(left.std(), right.std()) > 0 and float(np.corrcoef(left, right)[0, 1]) >= 0.8:
        return "mix", (left + right) / 2
    gap = np.zeros(SAMPLE_RATE, dtype=np.float32)
    return "both", np.concatenate([left, gap, right])
