"""Formatting shared by every screen and report: one way to write a duration."""

from __future__ import annotations

from pathlib import Path


def mmss(seconds: float | None, tenths: bool = False) -> str:
    """'2:05' (or '2:05.3' with tenths; '1:02:05' past an hour); '-' for no value."""
    if seconds is None:
        return "-"
    seconds = max(0.0, float(seconds))
    if tenths:
        return f"{int(seconds // 60)}:{seconds % 60:04.1f}"
    whole = int(seconds)
    h, rest = divmod(whole, 3600)
    return f"{h}:{rest // 60:02d}:{rest % 60:02d}" if h else f"{rest // 60}:{rest % 60:02d}"


def in_session(path: Path) -> str:
    """A recording as a person reads it: its session's folder and the file (the folder is said in
    full once, when the session starts; a full path wraps mid-name at 80 columns)."""
    return f"{path.parent.name}/{path.name}"


def shorten(names: list[str], width: int = 24) -> dict[str, str]:
    """Each name within `width` characters, the middle left out ("disagreed-…-went-your-way"), wider
    where two would read the same: a table cell shortened, never wrapped in the middle of an id."""
    out: dict[str, str] = {}
    unique = sorted(set(names))
    longest = max((len(n) for n in unique), default=0)
    for w in range(width, max(width, longest) + 1):
        head = w // 3
        out = {n: n if len(n) <= w else n[:head] + "…" + n[len(n) - (w - head - 1) :] for n in unique}
        if len(set(out.values())) == len(unique):
            break
    return out
