"""The terminal's seat: at an interview, the events as lines a person reads and the microphone
recording each take with the desk's screen and keys; elsewhere, progress on stderr."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console
from rich.status import Status

from voice_coach.interview import Microphone
from voice_coach.report.desk import DeskTake
from voice_coach.report.live import TerminalEvents


def dim_progress() -> Callable[[str], None]:
    """Progress lines (loading the model, transcribing ...), dim, on stderr."""
    err = Console(stderr=True)
    return lambda line: err.print(f"[dim]{line}[/dim]")


def status(text: str) -> Status:
    """A spinner with a line on stderr, for `with`; its .update(line) changes the line."""
    return Console(stderr=True).status(text)


def terminal_seat(device: str | int | None = None) -> tuple[TerminalEvents, Microphone]:
    shown = TerminalEvents()
    shown.desk = DeskTake(shown.console)
    return shown, Microphone(device, take=shown.desk)
