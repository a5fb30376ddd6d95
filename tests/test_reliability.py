"""Nothing lost: kills at three points, a damaged history, read-only and full disks, two processes
at once, forget and export. Real processes, real files, real SQLite."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from conftest import ROOT, run_cli

QUESTION = "backbone-disagree-manager"


def rows(env: dict) -> list[dict]:
    db = sqlite3.connect(Path(env["VOICE_COACH_DATA_DIR"]) / "history.sqlite3")
    db.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in db.execute("SELECT * FROM attempts ORDER BY id")]
    finally:
        db.close()


def start_demo(env: dict, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "voice_coach", "demo", "--question", QUESTION, *extra],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(proc: subprocess.Popen, needle: str, timeout: float = 180) -> None:
    assert proc.stderr is not None
    deadline = time.time() + timeout
    seen = []
    while time.time() < deadline:
        line = proc.stderr.readline()
        if not line and proc.poll() is not None:
            break
        seen.append(line)
        if needle in line:
            return
    proc.kill()
    raise AssertionError(f"never saw {needle!r}:\n{''.join(seen)[-2000:]}")


@pytest.mark.parametrize("point", ["transcription", "history-write"])
def test_kill_during_transcription_and_history_write_then_recover(vc_env, point):
    proc = start_demo({**vc_env, "VOICE_COACH_PAUSE_AT": point})
    wait_for(proc, f"paused at {point}")
    proc.kill()
    proc.wait()
    [row] = rows(vc_env)
    # the kill inside the history transaction rolled it back: the row is as it was before the write
    assert row["status"] == "transcribing" and row["report_json"] is None
    captured, sr = sf.read(row["audio_path"], dtype="float32")
    assert abs(len(captured) / sr - row["duration_s"]) < 0.01  # the whole answer is on disk
    out = run_cli(["recover"], vc_env)
    assert out.returncode == 0 and "recovered 1 answer(s)" in out.stdout, out.stderr
    [row] = rows(vc_env)
    assert row["status"] == "done" and len(row["transcript"].split()) > 40
    assert json.loads(row["report_json"])["question"]["id"] == QUESTION
    check = sqlite3.connect(Path(vc_env["VOICE_COACH_DATA_DIR"]) / "history.sqlite3")
    assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_damaged_history_is_moved_aside_never_deleted(vc_env, tmp_path):
    assert run_cli(["analyze", "--text", str(_answer(tmp_path))], vc_env).returncode == 0
    db = Path(vc_env["VOICE_COACH_DATA_DIR"]) / "history.sqlite3"
    sqlite3.connect(db).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    original = db.read_bytes()
    damaged = original[:100] + b"\xde\xad" * 2000 + original[4100:]  # overwrite pages after the header
    db.write_bytes(damaged)
    out = run_cli(["history"], vc_env)
    assert out.returncode == 0, out.stderr
    assert "could not be read (damaged)" in out.stderr and "kept, not deleted" in out.stderr
    [aside] = db.parent.glob("history.sqlite3.corrupt-*")
    assert aside.read_bytes() == damaged  # moved, byte for byte
    assert "Traceback" not in out.stderr
    # a new, healthy history carries on
    assert run_cli(["analyze", "--text", str(_answer(tmp_path))], vc_env).returncode == 0
    assert len(rows(vc_env)) == 1
    # a file that is not a database at all
    db.write_bytes(b"this is not sqlite\n" * 100)
    out = run_cli(["history"], vc_env)
    assert out.returncode == 0 and len(list(db.parent.glob("history.sqlite3.corrupt-*"))) == 2


def _answer(tmp_path: Path) -> Path:
    path = tmp_path / "answer.txt"
    path.write_text(
        "Last year our checkout failed for a day. I owned the fix. I rolled back the release and "
        "added a canary. As a result errors fell by 90 percent.",
        encoding="utf-8",
    )
    return path


@contextlib.contextmanager
def tmpfs(path: Path, size: str, readonly: bool = False):
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small tmpfs needs root (the full-disk and read-only cases)")
    path.mkdir(parents=True, exist_ok=True)
    opts = f"size={size},mode=0700" + (",ro" if readonly else "")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(path)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def test_read_only_data_folder_is_refused_before_recording(vc_env, tmp_path):
    with tmpfs(tmp_path / "ro", "4m", readonly=True) as ro:
        env = {**vc_env, "VOICE_COACH_DATA_DIR": str(ro / "data")}
        env["VOICE_COACH_RECORDINGS_DIR"] = str(ro / "rec")
        out = run_cli(["demo", "--question", QUESTION], env)
        assert out.returncode != 0 and "Traceback" not in out.stderr
        assert "Read-only file system" in out.stderr and "fix:" in out.stderr, out.stderr


def test_full_disk_is_refused_before_recording(vc_env, tmp_path):
    with tmpfs(tmp_path / "small", "2m") as small:
        env = {**vc_env, "VOICE_COACH_RECORDINGS_DIR": str(small / "rec")}
        out = run_cli(["demo", "--question", QUESTION], env)
        assert out.returncode == 2 and "Traceback" not in out.stderr
        assert "not enough free disk space to record" in out.stderr and "fix:" in out.stderr, out.stderr
        assert rows(vc_env) == []  # nothing half-started


def test_disk_filling_while_recording_keeps_what_was_captured(vc_env, tmp_path):
    """The recorder on a 256 KB disk with 20 s of speech to write (640 KB): it stops cleanly, and the
    WAV on disk is valid and holds every whole second that fitted."""
    from voice_coach.audio.capture import FileSource, Recorder, StopRules

    rng = np.random.default_rng(1)
    speech = 0.3 * np.sin(np.linspace(0, 2000 * np.pi, 16000 * 20)) * rng.uniform(0.5, 1, 16000 * 20)
    src_path = tmp_path / "long.wav"
    sf.write(src_path, speech.astype(np.float32), 16000)
    with tmpfs(tmp_path / "tiny", "256k") as tiny:
        rec = Recorder(FileSource(src_path, speed=0), tiny / "answer.wav", StopRules(hard_limit_s=60))
        result = rec.record()
        assert result.stopped_by == "disk full"
        data, sr = sf.read(tiny / "answer.wav", dtype="float32")
        assert sr == 16000 and abs(len(data) / sr - result.duration_s) < 1e-3
        assert 6.0 <= result.duration_s <= 8.2  # 256 KB holds about 8 s of 16-bit audio
        assert np.allclose(data[:16000], speech[:16000], atol=1e-3)


def test_two_processes_at_once_never_corrupt_the_history(vc_env):
    """Two demos answering at the same time while a third process keeps reading the history."""
    procs = [start_demo(vc_env) for _ in range(2)]
    reads = 0
    while any(p.poll() is None for p in procs):
        out = run_cli(["history", "--json"], vc_env)
        assert out.returncode == 0, out.stderr
        reads += 1
        time.sleep(0.5)  # a reader every half second: back to back, it took a third of the 2 cores
    for p in procs:
        assert p.wait() == 0, p.stderr.read() if p.stderr else ""
    done = rows(vc_env)
    assert [r["status"] for r in done] == ["done", "done"] and reads >= 1
    db = sqlite3.connect(Path(vc_env["VOICE_COACH_DATA_DIR"]) / "history.sqlite3")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert len({r["session_id"] for r in done}) == 2


def test_forget_and_export(vc_env, tmp_path):
    assert run_cli(["demo", "--question", QUESTION], vc_env).returncode == 0
    assert run_cli(["demo", "--question", "dive-deep-metric"], vc_env).returncode == 0
    first, second = rows(vc_env)
    data = Path(vc_env["VOICE_COACH_DATA_DIR"])
    assert data.stat().st_mode & 0o777 == 0o700
    assert (data / "history.sqlite3").stat().st_mode & 0o777 == 0o600
    # every file of a session, the question's and the follow-ups' audio too (issue 30: 0644)
    modes = {f.name: f.stat().st_mode & 0o777 for f in Path(first["audio_path"]).parent.iterdir()}
    assert set(modes.values()) == {0o600} and len(modes) >= 5, modes

    out = run_cli(["export", str(tmp_path / "out")], vc_env)
    assert out.returncode == 0 and "exported 2 session(s), 2 answer(s)" in out.stdout, out.stderr
    doc = json.loads((tmp_path / "out" / first["session_id"] / "session.json").read_text())
    [answer] = doc["answers"]
    assert doc["format"] == "voice-coach-export/1" and answer["report"]["question"]["id"] == QUESTION
    wav, sr = sf.read(tmp_path / "out" / first["session_id"] / answer["audio_file"])
    assert sr == 16000 and abs(len(wav) / sr - first["duration_s"]) < 0.01
    # and the follow-up's answer (issue 30: export left it out)
    [follow_up] = answer["follow_up_audio_files"]
    assert sf.info(tmp_path / "out" / first["session_id"] / follow_up).duration > 1.0

    refused = run_cli(["forget", first["session_id"]], vc_env, stdin=subprocess.DEVNULL)
    assert refused.returncode == 2 and "--yes" in refused.stderr and len(rows(vc_env)) == 2
    out = run_cli(["forget", first["session_id"][:15] + first["session_id"][15:], "--yes"], vc_env)
    assert out.returncode == 0, out.stderr
    assert [r["session_id"] for r in rows(vc_env)] == [second["session_id"]]
    assert not Path(first["audio_path"]).exists() and not Path(first["audio_path"]).parent.exists()
    assert Path(second["audio_path"]).exists()
    words = first["transcript"].split()[5:9]
    blob = b"".join(p.read_bytes() for p in data.glob("history.sqlite3*"))
    assert " ".join(words).encode() not in blob  # gone from the file, not just unlinked from a table

    out = run_cli(["forget", "--all", "--yes"], vc_env)
    assert out.returncode == 0 and rows(vc_env) == [] and not Path(second["audio_path"]).exists()


def test_a_first_version_history_is_migrated_in_place(tmp_path):
    """A history written by schema 1 opens with its rows kept and the loop columns added."""
    from voice_coach.history.store import _MIGRATIONS, SCHEMA_VERSION, Store

    path = tmp_path / "history.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(_MIGRATIONS[1] + "; PRAGMA user_version = 1;")
    db.execute("INSERT INTO sessions (id, kind, started_at) VALUES ('s1', 'demo', 1.0)")
    db.execute(
        "INSERT INTO attempts (session_id, question_id, status, created_at) VALUES ('s1', 'q', 'done', 1.0)"
    )
    db.commit()
    db.close()
    store = Store(path)
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
    [row] = store.attempts()
    assert row.question_id == "q" and row.interviewer is None and row.report is None
    assert store.sessions()[0].plan is None and store.moved_aside is None
    store.close()


_OPEN_FRESH = """
import sys, time
from pathlib import Path
from voice_coach.history.store import Store
start = float(sys.argv[2])
while time.time() < start:
    pass
Store(Path(sys.argv[1])).close()
"""


def test_processes_opening_a_new_history_together_all_get_it(tmp_path):
    """The first run of two commands at once: each may find the file empty, one creates the tables.

    Before: both read user_version 0 outside the write lock and the second failed with "table
    sessions already exists" (CI, once in a few runs). Six processes released at one instant, three times.
    """
    for round_ in range(3):
        path = tmp_path / f"h{round_}.sqlite3"
        start = time.time() + 2.0  # every interpreter is up and waiting before the line is crossed
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", _OPEN_FRESH, str(path), str(start)],
                cwd=ROOT,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(6)
        ]
        errors = [p.communicate(timeout=60)[1] for p in procs]
        assert all(p.returncode == 0 for p in procs), "\n".join(e for e in errors if e)
        db = sqlite3.connect(path)
        from voice_coach.history.store import SCHEMA_VERSION

        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        db.close()
