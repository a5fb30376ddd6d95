"""Fuzz targets shared by the hypothesis tests and the atheris run (tests/fuzz/fuzz_notes.py).

Each target takes raw input and must either succeed or raise UserError: any other exception is a
crash, and a crash found becomes a regression input in tests/fuzz/regressions/.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from voice_coach.bank.files import read_bank
from voice_coach.bank.notes import read_notes
from voice_coach.bank.sync import apply, plan_import
from voice_coach.config import shipped_bank_dir
from voice_coach.errors import UserError

_SHIPPED = None


def shipped():
    global _SHIPPED
    if _SHIPPED is None:
        _SHIPPED, _ = read_bank([shipped_bank_dir()])
    return _SHIPPED


def notes_import(text: str) -> None:
    """Notes -> import plan -> bank file written -> that file read back by the bank loader.

    Whatever the notes hold, the written bank must load: the importer may leave things out, but it
    must never write a file that the validator then rejects as broken YAML or a wrong shape.
    """
    found = read_notes(text, list(shipped().principles.values()), loop_id="fuzz")
    with tempfile.TemporaryDirectory() as tmp:
        plan = plan_import(found, Path(tmp) / "fuzz.yaml")
        apply(plan, "fuzz.md")
        _, problems = read_bank([Path(tmp)])
        shape = ("yaml", "must be")
        broken = [p for p in problems if p.level == "error" and any(k in p.message.lower() for k in shape)]
        assert not broken, [str(p) for p in broken]


def bank_file(text: str) -> None:
    """Any text as a bank YAML file: the validator reports problems, it never crashes."""
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "bank.yaml").write_text(text, encoding="utf-8")
        bank, problems = read_bank([shipped_bank_dir(), Path(tmp)])
        for p in problems:
            assert p.file and p.message  # every problem names a file and says what is wrong


def audio_bytes(data: bytes) -> None:
    """Any bytes as an audio file: decoded audio or a UserError, nothing else."""
    from voice_coach.audio.files import load_audio

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "answer.wav"
        path.write_bytes(data)
        try:
            audio = load_audio(path, max_s=60)
        except UserError:
            return
        assert audio.ndim == 1 and audio.dtype.name == "float32"
