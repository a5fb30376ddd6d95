"""The one error type a user sees: what is wrong, where, and how to fix it."""

from __future__ import annotations


class UserError(Exception):
    """An expected failure with an actionable message; the CLI prints it without a traceback."""

    def __init__(self, what: str, fix: str = "", where: str = "", exit_code: int = 2) -> None:
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
