"""The one error type a user sees (what is wrong, where, how to fix it) and the exit codes."""

from __future__ import annotations

import errno
import sqlite3
from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes of `voice-coach`, defined once."""

    OK = 0
    PROBLEMS_FOUND = 1  # a check ran and found problems (bank validate, doctor)
    BAD_INPUT = 2  # the command, a file or a setting given was wrong
    ENVIRONMENT = 3  # the machine failed: no microphone or voice, model files, full disk, database
    INTERRUPTED = 130  # Ctrl-C


class UserError(Exception):
    """An expected failure with an actionable message. Library callers read .what, .where and
    .fix; the CLI prints them without a traceback and exits with .exit_code."""

    def __init__(
        self, what: str, fix: str = "", where: str = "", exit_code: ExitCode = ExitCode.BAD_INPUT
    ) -> None:
        super().__init__(what)
        self.what = what
        self.fix = fix
        self.where = where
        self.exit_code = exit_code

    def __str__(self) -> str:
        lines = [f"{self.where}: {self.what}" if self.where else self.what]
        if self.fix:
            lines.append(f"  fix: {self.fix}")
        return "\n".join(lines)


class EnvironmentProblem(UserError):
    """The machine, not the input: a device, a voice, model files, the disk or the database."""

    def __init__(self, what: str, fix: str = "", where: str = "") -> None:
        super().__init__(what, fix=fix, where=where, exit_code=ExitCode.ENVIRONMENT)


STOPPED = "\nstopped; what was recorded is kept: `voice-coach recover` transcribes and scores it."
DISK_FIX = (
    "free space or make the folder writable, then run `voice-coach recover`; recordings made so far are kept"
)
DB_FIX = (
    "run `voice-coach doctor`; free space if the disk is full, then `voice-coach recover` finishes any "
    "answer left unscored"
)


def failure(exc: BaseException) -> tuple[str, int] | None:
    """The message and exit code of a failure the user can act on; None for a defect (a traceback)."""
    if isinstance(exc, UserError):
        return f"error: {exc}", exc.exit_code
    if isinstance(exc, KeyboardInterrupt):
        return STOPPED, ExitCode.INTERRUPTED
    if isinstance(exc, sqlite3.OperationalError):
        return f"error: the history database failed: {exc}\n  fix: {DB_FIX}", ExitCode.ENVIRONMENT
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EDQUOT):
        where = f"{exc.filename}: " if exc.filename else ""
        return f"error: {where}{exc.strerror}\n  fix: {DISK_FIX}", ExitCode.ENVIRONMENT
    return None
