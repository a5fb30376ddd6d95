"""History in SQLite: one row per session, one per attempt, written before transcription starts.

WAL mode, every write in its own transaction (a transaction inside another is a savepoint), the
schema versioned with PRAGMA user_version. Rows come out as `SessionRecord` and `Attempt`.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from voice_coach.errors import UserError
from voice_coach.faults import pause
from voice_coach.private import private_dir
from voice_coach.scoring.model import AnswerReport

SCHEMA_VERSION = 2
UNFINISHED = ("recording", "transcribing")  # an attempt a crash or kill left without its report
# the sessions of a person practising: trends, `next` and "never practised" count only these
PRACTICE = ("practice", "loop")
_MIGRATIONS = {
    1: """
    CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,              -- practice, demo, analyze, loop
        started_at REAL NOT NULL,
        finished_at REAL,
        engine TEXT, model TEXT
    );
    CREATE TABLE attempts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id TEXT NOT NULL REFERENCES sessions(id),
        question_id TEXT, principle TEXT, story_id TEXT,
        audio_path TEXT,
        status TEXT NOT NULL,            -- recording, transcribing, done, failed, empty
        created_at REAL NOT NULL,
        completed_at REAL,
        duration_s REAL,
        transcript TEXT,
        report_json TEXT,
        coverage REAL, wpm REAL, fillers_per_min REAL,
        transcribe_s REAL, report_latency_s REAL,
        engine TEXT, model TEXT,
        error TEXT
    );
    CREATE INDEX attempts_session ON attempts(session_id);
    CREATE INDEX attempts_created ON attempts(created_at);
    """,
    # 2: mock loops: the planned steps of a loop session (to resume it) and who asked each question
    2: """
    ALTER TABLE sessions ADD COLUMN plan_json TEXT;
    ALTER TABLE attempts ADD COLUMN interviewer TEXT;
    """,
}


def _is_corrupt(exc: sqlite3.DatabaseError) -> bool:
    text = str(exc).lower()
    return any(k in text for k in ("not a database", "malformed", "file is encrypted", "corrupt"))


def _db_error(exc: Exception, path: Path) -> UserError:
    text = str(exc).lower()
    if "readonly" in text or "unable to open" in text or "disk i/o" in text:
        return UserError(
            f"cannot write the history database: {exc}",
            where=str(path),
            fix="make the data folder writable, or set VOICE_COACH_DATA_DIR to a folder you own",
        )
    if "full" in text:
        return UserError(
            f"the disk holding the history is full: {exc}",
            where=str(path),
            fix="free some space; recordings already made are kept and `voice-coach recover` finishes them",
        )
    return UserError(
        f"cannot open the history database: {exc}", where=str(path), fix="run `voice-coach doctor`"
    )


def _move_aside(path: Path) -> Path:
    """Rename a damaged database (and its WAL and shared-memory files) out of the way, keeping them."""
    target = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
    n = 1
    while target.exists():
        n += 1
        target = target.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}-{n}")
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.rename(target.with_name(target.name + suffix))
    path.rename(target)
    return target


@dataclass
class SessionRecord:
    id: str
    kind: str
    started_at: float
    finished_at: float | None = None
    engine: str | None = None
    model: str | None = None
    plan: dict | None = None  # a loop's planned steps (loop.Plan.as_dict())

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> SessionRecord:
        data = dict(row)
        plan = data.pop("plan_json", None)
        return cls(**data, plan=json.loads(plan) if plan else None)

    def to_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass
class Attempt:
    """One answer: its row in the history, and its report once it was scored."""

    id: int
    session_id: str
    question_id: str | None
    principle: str | None
    story_id: str | None
    audio_path: str | None
    status: str  # recording, transcribing, done, failed, empty
    created_at: float
    completed_at: float | None = None
    duration_s: float | None = None
    transcript: str | None = None
    coverage: float | None = None
    wpm: float | None = None
    fillers_per_min: float | None = None
    transcribe_s: float | None = None
    report_latency_s: float | None = None
    engine: str | None = None
    model: str | None = None
    error: str | None = None
    interviewer: str | None = None
    kind: str | None = None  # the session's: practice, loop, demo, loop-demo, analyze
    report: AnswerReport | None = None

    # the columns `history --json` and `--csv` show, in this order
    SUMMARY = (
        "id session_id kind question_id principle story_id status created_at duration_s wpm "
        "fillers_per_min coverage model audio_path"
    ).split()

    @property
    def interrupted(self) -> bool:
        return self.status in UNFINISHED

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Attempt:
        data: dict[str, Any] = dict(row)
        raw = data.pop("report_json", None)
        names = {f.name for f in fields(cls)}
        attempt = cls(**{k: v for k, v in data.items() if k in names})
        attempt.report = AnswerReport.from_dict(json.loads(raw)) if raw else None
        return attempt

    def summary(self) -> dict:
        return {k: getattr(self, k) for k in self.SUMMARY}

    def to_dict(self) -> dict:
        """The row with its report as the `analyze --json` contract (for exports)."""
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "report"}
        return {**data, "report": self.report.to_dict() if self.report else None}


def new_session_id() -> str:
    """Sortable and readable: 20261125-142233-ab12."""
    return time.strftime("%Y%m%d-%H%M%S") + "-" + uuid.uuid4().hex[:4]


def short_ids(session_ids: list[str], least: int = 15) -> dict[str, str]:
    """Each id cut to its shortest prefix of at least `least` characters that no other id shares
    ('20261125-142233', the start to the second; the random part only when two share a second)."""
    unique = sorted(set(session_ids))
    out = {}
    for sid in unique:
        n = least
        while n < len(sid) and any(o != sid and o.startswith(sid[:n]) for o in unique):
            n += 1
        out[sid] = sid[:n]
    return out


def _wal(db: sqlite3.Connection, wait_s: float = 10.0) -> None:
    """Switch a history to WAL, waiting for a command that is creating it at the same moment.

    SQLite answers "database is locked" to this pragma at once, without its busy timeout, while
    another connection holds the new file's first lock.
    """
    deadline = time.monotonic() + wait_s
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


class Store:
    """The history. A database that SQLite cannot read is moved aside (never deleted) and a new one
    started; `moved_aside` then names where the old file went, for the caller to tell the user.
    Use it as a context manager, or call close()."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.moved_aside: Path | None = None
        self.db: sqlite3.Connection | None = None
        self._depth = 0
        private_dir(path.parent, "data", "make it writable, or set VOICE_COACH_DATA_DIR to a folder you own")
        try:
            self._open()
        except sqlite3.DatabaseError as exc:
            if not _is_corrupt(exc):
                raise _db_error(exc, path) from exc
            self.close()
            self.moved_aside = _move_aside(path)
            try:
                self._open()
            except sqlite3.DatabaseError as exc2:
                raise _db_error(exc2, path) from exc2

    def _open(self) -> None:
        self.db = sqlite3.connect(self.path, timeout=10.0, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        _wal(self.db)
        self.db.execute("PRAGMA foreign_keys=ON")
        # quick_check reads every page once (milliseconds for years of practice) and catches a
        # truncated or overwritten file before a write lands on top of the damage.
        check = self.db.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise sqlite3.DatabaseError(f"database disk image is malformed ({check})")
        self._migrate()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def _db(self) -> sqlite3.Connection:
        if self.db is None:
            raise RuntimeError("the history store is closed")
        return self.db

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        """A transaction; inside another one, a savepoint that rolls back alone."""
        db = self._db
        name = f"sp{self._depth}"
        db.execute("BEGIN IMMEDIATE" if self._depth == 0 else f"SAVEPOINT {name}")
        self._depth += 1
        try:
            yield db
        except BaseException:
            self._depth -= 1
            if self._depth == 0:
                db.execute("ROLLBACK")
            else:
                db.execute(f"ROLLBACK TO {name}")
                db.execute(f"RELEASE {name}")
            raise
        self._depth -= 1
        db.execute("COMMIT" if self._depth == 0 else f"RELEASE {name}")

    def _migrate(self) -> None:
        # The version is read again under the write lock: two commands starting together on a new
        # history both see version 0 before either holds the lock, and only the first may migrate.
        if self._db.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
            for target in sorted(_MIGRATIONS):
                with self.tx() as db:
                    if db.execute("PRAGMA user_version").fetchone()[0] >= target:
                        continue
                    for statement in _MIGRATIONS[target].split(";"):
                        if statement.strip():
                            db.execute(statement)
                    db.execute(f"PRAGMA user_version = {target}")
        if os.path.exists(self.path):
            os.chmod(self.path, 0o600)

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None

    # -- sessions -------------------------------------------------------------------------
    def start_session(self, kind: str, engine: str, model: str, session_id: str | None = None) -> str:
        sid = session_id or new_session_id()
        with self.tx() as db:
            db.execute(
                "INSERT INTO sessions (id, kind, started_at, engine, model) VALUES (?, ?, ?, ?, ?)",
                (sid, kind, time.time(), engine, model),
            )
        return sid

    def set_plan(self, session_id: str, plan: dict) -> None:
        with self.tx() as db:
            db.execute("UPDATE sessions SET plan_json = ? WHERE id = ?", (json.dumps(plan), session_id))

    def unfinished_loop(self, loop_id: str) -> SessionRecord | None:
        """The latest loop session of this loop that was stopped before its end, with its plan."""
        rows = self._db.execute(
            "SELECT * FROM sessions WHERE kind IN ('loop', 'loop-demo') AND finished_at IS NULL "
            "AND plan_json IS NOT NULL ORDER BY started_at DESC",
        ).fetchall()
        for r in rows:
            record = SessionRecord.from_row(r)
            if record.plan and record.plan.get("loop") == loop_id:
                return record
        return None

    def update_report(self, attempt_id: int, report: AnswerReport) -> None:
        """Replace an answer's report (its follow-ups merged in) and its coverage with them."""
        with self.tx() as db:
            db.execute(
                "UPDATE attempts SET report_json = ?, coverage = ? WHERE id = ?",
                (json.dumps(report.to_dict()), report.totals().coverage, attempt_id),
            )

    def finish_session(self, session_id: str) -> None:
        with self.tx() as db:
            db.execute("UPDATE sessions SET finished_at = ? WHERE id = ?", (time.time(), session_id))

    # -- attempts -------------------------------------------------------------------------
    def start_attempt(
        self,
        session_id: str,
        question_id: str,
        principle: str | None,
        story_id: str | None,
        audio_path: str | None,
        engine: str,
        model: str,
        status: str = "recording",
        interviewer: str | None = None,
    ) -> int:
        with self.tx() as db:
            cur = db.execute(
                "INSERT INTO attempts (session_id, question_id, principle, story_id, audio_path, status, "
                "created_at, engine, model, interviewer) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    session_id,
                    question_id,
                    principle,
                    story_id,
                    audio_path,
                    status,
                    time.time(),
                    engine,
                    model,
                    interviewer,
                ),
            )
            return int(cur.lastrowid)

    def set_status(
        self, attempt_id: int, status: str, duration_s: float | None = None, error: str | None = None
    ) -> None:
        with self.tx() as db:
            db.execute(
                "UPDATE attempts SET status = ?, duration_s = COALESCE(?, duration_s), error = ? "
                "WHERE id = ?",
                (status, duration_s, error, attempt_id),
            )

    def complete_attempt(
        self, attempt_id: int, report: AnswerReport, report_latency_s: float | None = None
    ) -> None:
        deliv = report.delivery
        with self.tx() as db:
            db.execute(
                "UPDATE attempts SET status = 'done', completed_at = ?, transcript = ?, report_json = ?, "
                "story_id = ?, coverage = ?, wpm = ?, fillers_per_min = ?, transcribe_s = ?, "
                "report_latency_s = ?, duration_s = COALESCE(?, duration_s) WHERE id = ?",
                (
                    time.time(),
                    report.transcript.text,
                    json.dumps(report.to_dict()),
                    report.story.id,
                    report.totals().coverage,
                    deliv.wpm,
                    deliv.fillers.per_min,
                    report.model.transcribe_s,
                    report_latency_s,
                    report.audio.duration_s,
                    attempt_id,
                ),
            )
            pause("history-write")  # inside the transaction: a kill here must leave the row as it was

    def attempts(self, session_id: str | None = None) -> list[Attempt]:
        """Every attempt (of one session), in the order they were made, whatever their status."""
        sql, args = "SELECT * FROM attempts", ()
        if session_id:
            sql, args = sql + " WHERE session_id = ?", (session_id,)
        return [Attempt.from_row(r) for r in self._db.execute(sql + " ORDER BY id", args)]

    def resolve_session(self, ref: str | None) -> str:
        """A session id from an id, a unique prefix, or None for the latest session with answers."""
        if ref is None:
            row = self._db.execute(
                "SELECT session_id FROM attempts WHERE status = 'done' ORDER BY id DESC LIMIT 1"
            ).fetchone()
            if row is None:
                raise UserError(
                    "there are no scored answers yet", fix="run `voice-coach demo` or `voice-coach practice`"
                )
            return row["session_id"]
        rows = self._db.execute(
            "SELECT id FROM sessions WHERE id = ? OR id LIKE ? ORDER BY id",
            (ref, ref.replace("%", "").replace("_", "") + "%"),
        ).fetchall()
        ids = [r["id"] for r in rows]
        if ref in ids:
            return ref
        if len(ids) == 1:
            return ids[0]
        if not ids:
            raise UserError(f"no session '{ref}'", fix="see the sessions with `voice-coach history`")
        raise UserError(
            f"'{ref}' matches {len(ids)} sessions", fix="give more of the id: " + ", ".join(ids[:5])
        )

    def session(self, session_id: str) -> SessionRecord:
        row = self._db.execute("SELECT * FROM sessions WHERE id = ?", (session_id,)).fetchone()
        if row is None:
            raise UserError(f"no session '{session_id}'", fix="see the sessions with `voice-coach history`")
        return SessionRecord.from_row(row)

    def session_answers(self, session_id: str) -> list[Attempt]:
        """The scored answers of a session, in order, each with its report."""
        rows = self._db.execute(
            "SELECT * FROM attempts WHERE session_id = ? AND status = 'done' ORDER BY id", (session_id,)
        )
        return [Attempt.from_row(r) for r in rows]

    def history(
        self,
        principle: str | None = None,
        story: str | None = None,
        kinds: tuple[str, ...] | None = None,
        finished_only: bool = True,
    ) -> list[Attempt]:
        """Attempts oldest first (no reports: a history of years lists in well under a second):
        scored ones, or with finished_only=False also those interrupted, failed, empty or skipped;
        optionally of one principle, one story, or sessions of some kinds (PRACTICE)."""
        columns = ", ".join("s.kind AS kind" if c == "kind" else f"a.{c}" for c in Attempt.SUMMARY)
        sql = f"SELECT {columns} FROM attempts a JOIN sessions s ON s.id = a.session_id WHERE 1"
        args: list = []
        if finished_only:
            sql += " AND a.status = 'done'"
        if principle:
            sql += " AND a.principle = ?"
            args.append(principle)
        if story:
            sql += " AND a.story_id = ?"
            args.append(story)
        if kinds:
            sql += f" AND s.kind IN ({', '.join('?' * len(kinds))})"
            args.extend(kinds)
        return [Attempt.from_row(r) for r in self._db.execute(sql + " ORDER BY a.created_at, a.id", args)]

    def load_reports(self, attempts: list[Attempt]) -> None:
        """Fill in the reports of a few attempts listed by `history` (which leaves them out)."""
        ids = [a.id for a in attempts if a.report is None]
        if not ids:
            return
        sql = f"SELECT id, report_json FROM attempts WHERE id IN ({', '.join('?' * len(ids))})"
        raw = {r["id"]: r["report_json"] for r in self._db.execute(sql, ids)}
        for a in attempts:
            if raw.get(a.id):
                a.report = AnswerReport.from_dict(json.loads(raw[a.id]))

    def interrupted(self, include_failed: bool = False) -> list[Attempt]:
        """Attempts that never finished (a crash, kill or power cut during recording or transcription),
        and with include_failed those whose transcription failed (worth a retry once the cause is fixed)."""
        statuses = (*UNFINISHED, "failed") if include_failed else UNFINISHED
        rows = self._db.execute(
            f"SELECT * FROM attempts WHERE status IN ({', '.join('?' * len(statuses))}) ORDER BY id", statuses
        )
        return [Attempt.from_row(r) for r in rows]

    def story_reports(self, story_id: str, before: int | None = None, last: int = 5) -> list[AnswerReport]:
        """The reports of the latest `last` tellings of a story in practice (before an attempt id)."""
        sql = (
            "SELECT a.report_json FROM attempts a JOIN sessions s ON s.id = a.session_id "
            f"WHERE a.status = 'done' AND a.story_id = ? AND s.kind IN ({', '.join('?' * len(PRACTICE))})"
        )
        args: list = [story_id, *PRACTICE]
        if before is not None:
            sql += " AND a.id < ?"
            args.append(before)
        rows = self._db.execute(sql + " ORDER BY a.id DESC LIMIT ?", [*args, int(last)])
        return [AnswerReport.from_dict(json.loads(r["report_json"])) for r in rows]

    def sessions(self) -> list[SessionRecord]:
        return [
            SessionRecord.from_row(r)
            for r in self._db.execute("SELECT * FROM sessions ORDER BY started_at, id")
        ]

    def forget(self, session_ids: list[str]) -> list[Attempt]:
        """Delete sessions and their attempts for good: freed pages are zeroed (secure_delete) and the
        WAL is truncated, so the words do not linger in the file. Returns the deleted attempts."""
        db = self._db
        db.execute("PRAGMA secure_delete=ON")
        marks = ", ".join("?" * len(session_ids))
        with self.tx() as db:
            rows = [
                Attempt.from_row(r)
                for r in db.execute(f"SELECT * FROM attempts WHERE session_id IN ({marks})", session_ids)
            ]
            db.execute(f"DELETE FROM attempts WHERE session_id IN ({marks})", session_ids)
            db.execute(f"DELETE FROM sessions WHERE id IN ({marks})", session_ids)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return rows
