"""Text to speech with pyttsx3 over espeak-ng, always rendered to a WAV file first.

Rendering to a file (rather than letting espeak play directly) lets the same audio go through
PortAudio, be stored next to the recording, or be fed to the recorder as a synthetic answer.
"""

from __future__ import annotations

import contextlib
import io
import threading
from pathlib import Path

from voice_coach.audio import WAV_HEADER_BYTES
from voice_coach.errors import EnvironmentProblem

NO_TTS_FIX = "install the espeak-ng voice: apt-get install espeak-ng (pyttsx3 drives it)"
DEFAULT_RATE = 175  # words per minute


def _engine():
    try:
        import pyttsx3

        return pyttsx3.init("espeak")
    except Exception as exc:  # pyttsx3 raises bare RuntimeError/OSError/KeyError by platform
        raise EnvironmentProblem(
            f"no text-to-speech voice available ({type(exc).__name__}: {exc})", fix=NO_TTS_FIX
        ) from exc


def voices() -> list[str]:
    """Ids of the English voices espeak-ng offers."""
    engine = _engine()
    return [v.id for v in engine.getProperty("voices") if "/en" in v.id or v.id.startswith("en")]


def synthesize(text: str, path: Path, rate: int = DEFAULT_RATE, voice: str | None = None) -> Path:
    """Render text to a WAV at path (22.05 kHz mono from espeak-ng)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = _engine()
    engine.setProperty("rate", rate)
    if voice:
        engine.setProperty("voice", voice)
    # pyttsx3 2.99's espeak driver can return from runAndWait while espeak's own thread is still
    # synthesizing; the file is written just before 'finished-utterance', so wait for that.
    done = threading.Event()
    token = engine.connect("finished-utterance", lambda name, completed: done.set())
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # the driver prints "Audio saved to ..."
            engine.save_to_file(text, str(path))
            engine.runAndWait()
            finished = done.wait(timeout=30 + len(text) / 20)
    finally:
        engine.disconnect(token)
    if not finished or not path.is_file() or path.stat().st_size <= WAV_HEADER_BYTES:
        raise EnvironmentProblem("text-to-speech produced no audio", where=str(path), fix=NO_TTS_FIX)
    return path


def speak(
    text: str, path: Path, rate: int = DEFAULT_RATE, voice: str | None = None, play: bool = True
) -> Path:
    """Render text to a WAV (kept with the session) and, with play, play it on the speaker."""
    synthesize(text, path, rate=rate, voice=voice)
    if play:
        from voice_coach.audio.playback import play as play_audio

        play_audio(path)
    return path
