"""The user's data leaving the tool: `forget` deletes sessions for good, `export` writes them out.

Only files inside the recordings folder are ever deleted: an `analyze`d file belongs to the user.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

from voice_coach.history.store import Store


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def forget(store: Store, session_ids: list[str], recordings_dir: Path) -> tuple[int, int]:
    """Delete the sessions' rows and recordings; returns (answers deleted, files deleted)."""
    rows = store.forget(session_ids)
    files = 0
    for sid in session_ids:
        folder = recordings_dir / sid
        if folder.is_dir() and _inside(folder, recordings_dir):
            files += sum(1 for p in folder.rglob("*") if p.is_file())
            shutil.rmtree(folder)
    for row in rows:  # recordings kept elsewhere inside the recordings folder (older layouts)
        path = Path(row.audio_path) if row.audio_path else None
        if path and path.is_file() and _inside(path, recordings_dir):
            path.unlink()
            files += 1
    return len(rows), files


def export(
    store: Store, target: Path, progress: Callable[[str], None] = lambda _m: None
) -> tuple[int, int, list[str]]:
    """Write every session as <target>/<session>/session.json plus one 16 kHz WAV per answer.

    The JSON holds the session, each attempt's row and its full report (the `analyze --json`
    contract), with `audio_file` naming the WAV beside it. Returns (sessions, answers, problems).
    """
    sessions = store.sessions()
    answers = 0
    problems: list[str] = []
    for i, session in enumerate(sessions, 1):
        progress(f"[{i}/{len(sessions)}] {session.id}")
        folder = target / session.id
        folder.mkdir(parents=True, exist_ok=True)
        items = []
        for n, row in enumerate(store.attempts(session.id), 1):
            item = row.to_dict()
            item["audio_file"] = _copy(row.audio_path, folder / f"answer-{n}.wav", problems, f"answer {n}")
            # each follow-up's answer too, in the order of the report's probes
            probes = (row.report.probes or []) if row.report else []
            item["follow_up_audio_files"] = [
                _copy(
                    p.audio_path,
                    folder / f"answer-{n}-followup-{k}.wav",
                    problems,
                    f"answer {n} follow-up {k}",
                )
                for k, p in enumerate(probes, 1)
            ]
            items.append(item)
            answers += 1
        doc = {"format": "voice-coach-export/1", "session": session.to_dict(), "answers": items}
        (folder / "session.json").write_text(json.dumps(doc, indent=2, ensure_ascii=False), encoding="utf-8")
    return len(sessions), answers, problems


def _copy(source: str | None, out: Path, problems: list[str], what: str) -> str | None:
    """The recording as a 16 kHz WAV beside the JSON (0600); its file name, or None with a problem."""
    import soundfile as sf

    from voice_coach.audio.files import SAMPLE_RATE, load_audio
    from voice_coach.errors import UserError

    if not source:
        return None
    path = Path(source)
    try:
        if path.suffix.lower() == ".wav":
            shutil.copyfile(path, out)
        else:  # an analyzed MP3 / FLAC / M4A becomes a WAV any tool reads
            sf.write(out, load_audio(path), SAMPLE_RATE, subtype="PCM_16")
        out.chmod(0o600)
    except (OSError, UserError) as exc:
        problems.append(f"{out.parent.name} {what}: recording not exported ({exc})")
        return None
    return out.name
