"""Access to PortAudio through sounddevice, with failures turned into actionable messages."""

from __future__ import annotations

from types import ModuleType

from voice_coach.errors import EnvironmentProblem, UserError

NO_MIC_FIX = (
    "connect a microphone and check `pactl list short sources` (or alsamixer); without one, "
    "try `voice-coach demo`, `voice-coach analyze FILE` or `voice-coach analyze --text FILE`"
)


_ALSA_QUIET = []  # the C error handler, kept alive for as long as the process runs


def quiet_alsa() -> None:
    """Keep ALSA's library messages ("underrun occurred", "Unknown PCM cards") off the screen:
    alsa-lib prints them to stderr through snd_lib_error, which here gets a handler that drops them
    (the recorder and player report real failures themselves)."""
    if _ALSA_QUIET:
        return
    import ctypes
    import ctypes.util

    try:
        lib = ctypes.CDLL(ctypes.util.find_library("asound") or "libasound.so.2")
    except OSError:
        _ALSA_QUIET.append(None)  # no ALSA (macOS, a minimal container): nothing to quiet
        return
    handler_type = ctypes.CFUNCTYPE(
        None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p
    )
    handler = handler_type(lambda *_: None)
    lib.snd_lib_error_set_handler(handler)
    _ALSA_QUIET.append(handler)


def sounddevice() -> ModuleType:
    """Import sounddevice, explaining how to install PortAudio when it is missing."""
    quiet_alsa()  # before PortAudio initializes ALSA
    try:
        import sounddevice as sd
    except (OSError, ImportError) as exc:
        raise EnvironmentProblem(
            f"PortAudio is not available ({exc})",
            fix="install it: apt-get install libportaudio2 (then run the command again)",
        ) from exc
    return sd


def no_microphone(detail: object) -> UserError:
    return EnvironmentProblem(f"no working microphone: {detail}", fix=NO_MIC_FIX)


def no_speaker(detail: object) -> UserError:
    return EnvironmentProblem(
        f"no working speaker: {detail}",
        fix="connect headphones or speakers, or use `voice-coach demo` (no sound needed)",
    )


def check_input(device: str | int | None = None) -> str:
    """The name of the input device practice will use; a UserError when there is none."""
    sd = sounddevice()
    try:
        info = sd.query_devices(device, kind="input")
    except (sd.PortAudioError, ValueError) as exc:
        raise no_microphone(exc) from exc
    if info.get("max_input_channels", 0) < 1:
        raise no_microphone(f"device '{info.get('name')}' has no input channels")
    return str(info["name"])


def has_output(device: str | int | None = None) -> bool:
    sd = sounddevice()
    try:
        return sd.query_devices(device, kind="output").get("max_output_channels", 0) > 0
    except (sd.PortAudioError, ValueError):
        return False
