"""Check everything practice needs, each failure with its fix."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import dataclass

from voice_coach.config import Settings
from voice_coach.errors import UserError


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    needed: bool = True  # practice cannot work without it

    def to_dict(self) -> dict:
        return {
            "check": self.name,
            "ok": self.ok,
            "detail": self.detail,
            "fix": self.fix,
            "needed": self.needed,
        }


def _run(name: str, fn: Callable[[], str], fix: str, needed: bool = True) -> Check:
    try:
        return Check(name, True, fn(), needed=needed)
    except UserError as exc:
        return Check(name, False, exc.what, exc.fix or fix, needed)
    except Exception as exc:  # a check must report, never crash the doctor
        return Check(name, False, f"{type(exc).__name__}: {exc}", fix, needed)


MUTED_DBFS = -90.0  # below any real microphone's noise floor


def _microphone() -> str:
    import numpy as np

    from voice_coach.audio.capture import MicSource, level_dbfs
    from voice_coach.audio.devices import check_input

    name = check_input()
    source = MicSource()
    chunks = []
    gen = source.chunks()
    try:
        for chunk in gen:
            chunks.append(chunk)
            if len(chunks) >= 10:  # about a second
                break
    finally:
        gen.close()
    level = level_dbfs(np.concatenate(chunks))
    # digital silence is a muted or dead input ("ok microphone: ... -120 dBFS" said ok to it); a quiet
    # room with a real microphone stays above it
    if level <= MUTED_DBFS:
        raise UserError(
            f"{name} sends silence ({level:.0f} dBFS): is it muted?",
            fix="unmute it, or choose another input (`pactl list short sources`), then run doctor again",
        )
    return f"{name}: level {level:.0f} dBFS"


def _speaker() -> str:
    from voice_coach.audio.devices import sounddevice

    sd = sounddevice()
    info = sd.query_devices(None, kind="output")
    return str(info["name"])


def _tts(spec: str) -> str:
    from voice_coach.speech import tts

    voice = tts.resolve(spec)
    with tempfile.TemporaryDirectory() as tmp:
        from pathlib import Path

        path = tts.synthesize("Hello.", Path(tmp) / "hello.wav", voice=spec)
        note = f"; {voice.why}" if voice.why else ""
        return f"{voice.label} works ({path.stat().st_size} bytes for 'Hello.'){note}"


def _model(settings: Settings) -> str:
    from voice_coach.speech.weights import model_dir

    return f"{settings.model}: {model_dir(settings.model, settings.cache_dir)} (hash checked)"


def _embeddings() -> str:
    from voice_coach.scoring.embeddings import BGE, load_encoder

    model = load_encoder()
    if model is None:
        raise UserError(
            "embedding model packages are missing: coverage falls back to word matching",
            fix=BGE.fix,
        )
    named = {"bge-small-int8": "bge-small-en-v1.5 int8", "minilm-int8": "all-MiniLM-L6-v2 int8"}
    return f"{named.get(model.name, model.name)} (hash checked)"


def _disk(settings: Settings) -> str:
    folder = settings.recordings_dir if settings.recordings_dir.exists() else settings.data_dir
    while not folder.exists():
        folder = folder.parent
    free = shutil.disk_usage(folder).free
    minutes = free / (16000 * 2 * 60)
    if free < 200 * 1024 * 1024:
        raise UserError(
            f"only {free / 2**20:.0f} MB free under {folder}",
            fix="free some space or set VOICE_COACH_RECORDINGS_DIR to another disk",
        )
    return f"{free / 2**30:.1f} GB free under {folder} (about {minutes:,.0f} minutes of recording)"


def _writable(settings: Settings) -> str:
    for folder in (settings.data_dir, settings.recordings_dir):
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder):
            pass
    return f"{settings.data_dir} and {settings.recordings_dir}"


def _history(settings: Settings) -> str:
    if not settings.db_path.exists():
        return "no history yet"
    db = sqlite3.connect(f"file:{settings.db_path}?mode=ro", uri=True)
    try:
        result = db.execute("PRAGMA integrity_check").fetchone()[0]
        attempts = db.execute("SELECT COUNT(*) FROM attempts").fetchone()[0]
    finally:
        db.close()
    if result != "ok":
        raise UserError(
            f"history database is damaged: {result}",
            fix=f"move {settings.db_path} aside (keep it) and run again to start a new history",
        )
    return f"{settings.db_path}: ok, {attempts} attempts"


def run_checks(settings: Settings) -> list[Check]:
    return [
        _run("microphone", _microphone, "connect a microphone, or use `voice-coach demo` / `analyze`"),
        _run(
            "speaker", _speaker, "connect headphones or speakers (questions are still printed)", needed=False
        ),
        _run("text to speech", lambda: _tts(settings.voice), "apt-get install espeak-ng"),
        _run("speech model", lambda: _model(settings), "reinstall the model packages (see README)"),
        _run("embedding model", _embeddings, "see README, Scoring", needed=False),
        _run("disk space", lambda: _disk(settings), "free some disk space"),
        _run(
            "data folder writable",
            lambda: _writable(settings),
            "set VOICE_COACH_DATA_DIR to a folder you own",
        ),
        _run("history", lambda: _history(settings), "move the database aside"),
    ]
