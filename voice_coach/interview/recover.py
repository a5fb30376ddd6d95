"""Finish what an interrupted session left: every answer recorded but never scored."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from voice_coach.audio import WAV_HEADER_BYTES
from voice_coach.bank.model import Bank
from voice_coach.config import Settings
from voice_coach.errors import UserError
from voice_coach.history.store import Store
from voice_coach.scoring.analyze import score
from voice_coach.speech.engines import Engine, engine_for


def recover(
    store: Store,
    bank: Bank,
    settings: Settings,
    say: Callable[[str], None] = lambda line: None,
    model: str | None = None,
) -> list[int]:
    """Finish the analysis of every interrupted attempt whose recording is on disk, with the engine
    and model it was recorded with (or `model`), against its story and rubric; `say` hears a line
    per attempt."""
    from voice_coach.audio.files import load_audio

    done: list[int] = []
    engines: dict[tuple[str, str], Engine] = {}
    for row in store.interrupted(include_failed=True):
        path = Path(row.audio_path or "")
        if not path.is_file() or path.stat().st_size <= WAV_HEADER_BYTES:
            store.set_status(row.id, "empty", error="no audio was recorded before the interruption")
            say(f"attempt {row.id}: nothing was recorded")
            continue
        key = (row.engine or settings.engine, model or row.model or settings.model)
        if key not in engines:
            engines[key] = engine_for(settings, *key)
        store.set_status(row.id, "transcribing")
        try:
            transcript = engines[key].transcribe(load_audio(path))
        except UserError as exc:
            store.set_status(row.id, "failed", error=str(exc))
            say(f"attempt {row.id}: {exc}")
            continue
        question, rubric = bank.prompt(row.question_id or "")
        story_id = row.story_id if row.story_id in bank.stories else None
        report = score(transcript, bank, settings, question, path, story_id, rubric=rubric)
        store.complete_attempt(row.id, report)
        seconds = transcript.duration_s or 0.0
        say(f"attempt {row.id}: recovered {seconds:.1f} s from {path}")
        done.append(row.id)
    return done
