"""Access to PortAudio through sounddevice, with failures turned into actionable messages."""

from __future__ import annotations

from types import ModuleType

from voice_coach.errors import UserError

NO_MIC_FIX = ("connect a microphone and check `pactl list short sources` (or alsamixer); without one, "
              "try `voice-coach demo`, `voice-coach analyze FILE` or `voice-coach analyze --text FILE`")


def sounddevice() -> ModuleType:
    """Import sounddevice, explaining how to install PortAudio when it is missing."""
    try:
        import sounddevice as sd
    except (OSError, ImportError) as exc:
        raise UserError(f"PortAudio is not available ({exc})",
                        fix="install it: apt-get install libportaudio2 (then run the command again)",
                        exit_code=3) from exc
    return sd


def no_microphone(detail: object) -> UserError:
    return UserError(f"no working microphone: {detail}", fix=NO_MIC_FIX, exit_code=3)


def no_speaker(detail: object) -> UserError:
    return UserError(f"no working speaker: {detail}",
                     fix="connect headphones or speakers, or use `voice-coach demo` (no sound needed)",
                     exit_code=3)
