"""Progress per principle: its last attempts side by side (coverage, STAR parts, fillers a minute,
whether each spoke of what was asked), as `history` prints it and the HTML report shows it."""

from __future__ import annotations

from dataclasses import dataclass

from voice_coach.history.store import Attempt, Store
from voice_coach.interview.planner import group_by

LAST = 3
COLUMNS = ("coverage", "STAR", "fillers/min", "asked")


@dataclass
class PrincipleProgress:
    principle: str
    attempts: int
    cells: dict[str, list[str]]  # per column of COLUMNS, one value per attempt, oldest first


def _fmt(value: float | None, spec: str) -> str:
    return format(value, spec) if value is not None else "-"


def _asked(a: Attempt) -> str:
    said = a.report.totals().addresses if a.report else None
    return "-" if said is None else ("yes" if said else "no")


def per_principle(rows: list[Attempt], store: Store, last: int = LAST) -> list[PrincipleProgress]:
    """The last `last` attempts of each principle, their reports read from the store (the history's
    rows leave them out)."""
    groups = group_by(rows, "principle")
    shown = {name: rs[-last:] for name, rs in groups.items()}
    store.load_reports([a for rs in shown.values() for a in rs])
    out = []
    for name, rs in shown.items():
        cells = {
            "coverage": [_fmt(a.coverage, ".0%") for a in rs],
            "STAR": [a.report.star.letters() if a.report and not a.report.rubric else "-" for a in rs],
            "fillers/min": [_fmt(a.fillers_per_min, ".1f") for a in rs],
            "asked": [_asked(a) for a in rs],
        }
        out.append(PrincipleProgress(name, len(groups[name]), cells))
    return out


@dataclass
class DayProgress:
    day: str  # YYYY-MM-DD, local time
    answers: int
    coverage: float | None  # means over the day's answers that have the value
    wpm: float | None
    fillers_per_min: float | None
    principles: list[str]


def _mean(values: list[float | None]) -> float | None:
    got = [v for v in values if v is not None]
    return sum(got) / len(got) if got else None


def per_day(rows: list[Attempt]) -> list[DayProgress]:
    """Practice answers grouped by the local day they were given, oldest first: how a week of
    practice moved, as the room's history page shows it."""
    import time

    days: dict[str, list[Attempt]] = {}
    for a in sorted(rows, key=lambda a: a.created_at):
        days.setdefault(time.strftime("%Y-%m-%d", time.localtime(a.created_at)), []).append(a)
    return [
        DayProgress(
            day,
            len(rs),
            _mean([a.coverage for a in rs]),
            _mean([a.wpm for a in rs]),
            _mean([a.fillers_per_min for a in rs]),
            sorted({a.principle for a in rs if a.principle}),
        )
        for day, rs in days.items()
    ]
