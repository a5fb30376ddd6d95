"""The one error type a user sees (what is wrong, where, how to fix it) and the exit codes."""

from __future__ import annotations

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
