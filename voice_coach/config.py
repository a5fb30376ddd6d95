"""Settings and paths: XDG data and cache folders, overridable by config file and environment.

Precedence: environment variables > $XDG_CONFIG_HOME/voice-coach/config.toml > defaults.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from voice_coach.errors import UserError

# how Whisper is prompted to write hesitations (speech/engines.py, speech/guard.py)
FILLER_MODES = ("off", "initial", "hotwords", "guarded")

MODELS = ("tiny.en", "base")
ENGINES = ("faster-whisper", "openai-whisper")


def _xdg(var: str, default: str) -> Path:
    value = os.environ.get(var)
    return Path(value) if value else Path.home() / default


def shipped_bank_dir() -> Path:
    """The bank that ships with voice-coach: inside the installed package (a wheel carries it as
    voice_coach/question_bank), or the checkout's top-level question_bank/ (an editable install)."""
    here = Path(__file__).resolve().parent
    installed = here / "question_bank"
    return installed if installed.is_dir() else here.parent / "question_bank"


@dataclass(frozen=True)
class Settings:
    """What a run uses, read once (config file, environment, command line); changed only by
    `dataclasses.replace`, so a setting cannot move under a session that holds it."""

    data_dir: Path
    cache_dir: Path
    recordings_dir: Path
    bank_dirs: list[Path]
    model: str = "base"
    engine: str = "faster-whisper"
    target_s: float = 120.0
    hard_limit_s: float = 210.0
    silence_stop_s: float = 4.0
    follow_ups: int = 2  # probes asked after an answer (gaps first, then the question's own)
    follow_up_limit_s: float = 90.0
    max_file_s: float = 1200.0  # `analyze` scores one answer, not a whole recorded interview
    wpm_band: tuple[float, float] = (130.0, 160.0)
    wpm_flags: tuple[float, float] = (110.0, 190.0)
    tts_rate: int = 175
    voice: str = "auto"  # auto (neural when installed), joe, espeak, or an espeak-ng voice id
    filler_prompt: str = "guarded"  # one of FILLER_MODES: see speech/engines.py

    @property
    def db_path(self) -> Path:
        return self.data_dir / "history.sqlite3"

    @property
    def user_bank_dir(self) -> Path:
        return self.bank_dirs[-1]


def check_voice(spec: object, where: str | None = None) -> str:
    """A voice spec as tts.resolve reads it: auto, espeak, a neural voice (joe, joe:0.9) or an
    espeak-ng voice id (gmw/en-us, en-gb)."""
    ok = isinstance(spec, str) and re.fullmatch(r"auto|espeak(-ng)?|[a-z]+(:[0-9.]+)?|[\w-]+(/[\w-]+)+", spec)
    if not ok:
        raise UserError(
            f"voice must be auto, espeak, a neural voice name or an espeak-ng voice id, not {spec!r}",
            where=where,
            fix='set e.g. voice = "joe" (neural) or voice = "espeak"; `voice-coach voices` lists them',
        )
    return str(spec)


def config_path() -> Path:
    return _xdg("XDG_CONFIG_HOME", ".config") / "voice-coach" / "config.toml"


def load_settings() -> Settings:
    """Build settings from defaults, the optional config file and the environment."""
    data_dir = _xdg("XDG_DATA_HOME", ".local/share") / "voice-coach"
    cache_dir = _xdg("XDG_CACHE_HOME", ".cache") / "voice-coach"
    file_values: dict = {}
    path = config_path()
    if path.is_file():
        try:
            file_values = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise UserError(
                f"config file is not valid TOML: {exc}",
                where=str(path),
                fix="correct the line named above, or delete the file to use defaults",
            ) from exc

    def pick(key: str, env: str, default):
        return os.environ.get(env) or file_values.get(key) or default

    data_dir = Path(pick("data_dir", "VOICE_COACH_DATA_DIR", data_dir)).expanduser()
    cache_dir = Path(pick("cache_dir", "VOICE_COACH_CACHE_DIR", cache_dir)).expanduser()
    # Inside a checkout (a recordings/ folder in the working directory) recordings land there.
    local = Path.cwd() / "recordings"
    rec_default = local if local.is_dir() else data_dir / "recordings"
    recordings_dir = Path(pick("recordings_dir", "VOICE_COACH_RECORDINGS_DIR", rec_default)).expanduser()
    user_bank = Path(pick("bank_dir", "VOICE_COACH_BANK_DIR", data_dir / "bank")).expanduser()
    chosen: dict = {}
    settings = Settings(
        data_dir=data_dir,
        cache_dir=cache_dir,
        recordings_dir=recordings_dir,
        bank_dirs=[shipped_bank_dir(), user_bank],
        model=str(pick("model", "VOICE_COACH_MODEL", "base")),
        engine=str(pick("engine", "VOICE_COACH_ENGINE", "faster-whisper")),
        voice=check_voice(
            pick("voice", "VOICE_COACH_VOICE", "auto"),
            where=str(path) if file_values.get("voice") else "VOICE_COACH_VOICE",
        ),
    )
    check_engine(settings.engine, where=str(path) if file_values.get("engine") else "VOICE_COACH_ENGINE")
    if "follow_ups" in file_values:
        value = file_values["follow_ups"]
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 5:
            raise UserError(
                f"'follow_ups' must be a whole number from 0 to 5, not {value!r}",
                where=str(path),
                fix="set e.g. follow_ups = 2 (0 turns follow-ups off)",
            )
        chosen["follow_ups"] = value
    for key in ("target_s", "hard_limit_s", "silence_stop_s"):
        if key in file_values:
            value = file_values[key]
            if not isinstance(value, int | float) or value <= 0:
                raise UserError(
                    f"'{key}' must be a positive number of seconds, not {value!r}",
                    where=str(path),
                    fix=f"set e.g. {key} = 120",
                )
            chosen[key] = float(value)
    if "wpm_band" in file_values:
        band = file_values["wpm_band"]
        if not (
            isinstance(band, list)
            and len(band) == 2
            and all(isinstance(x, int | float) for x in band)
            and band[0] < band[1]
        ):
            raise UserError(
                f"'wpm_band' must be two numbers, low then high, not {band!r}",
                where=str(path),
                fix="set e.g. wpm_band = [130, 160]",
            )
        chosen["wpm_band"] = (float(band[0]), float(band[1]))
    if "filler_prompt" in file_values:
        if file_values["filler_prompt"] not in FILLER_MODES:
            raise UserError(
                f"'filler_prompt' must be one of {', '.join(FILLER_MODES)}, "
                f"not {file_values['filler_prompt']!r}",
                where=str(path),
                fix='set e.g. filler_prompt = "initial"',
            )
        chosen["filler_prompt"] = file_values["filler_prompt"]
    check_model(settings.model)
    return replace(settings, **chosen)


def check_engine(engine: str, where: str = "") -> str:
    if engine not in ENGINES:
        raise UserError(
            f"unknown speech engine '{engine}'", where=where, fix=f"use one of: {', '.join(ENGINES)}"
        )
    return engine


def check_model(model: str) -> str:
    if model not in MODELS:
        raise UserError(f"unknown model '{model}'", fix=f"choose one of: {', '.join(MODELS)}")
    return model
