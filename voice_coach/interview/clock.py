"""Interview time: each interviewer's box, what the clock allows and what the interviewer says of it.

The clock is interview time: the question's speech plus the recorded answers, so it means the same
in a demo and at a desk.
"""

from __future__ import annotations

from dataclasses import dataclass

from voice_coach.bank.model import Bank
from voice_coach.history.store import Attempt
from voice_coach.units import mmss

WRAP_UP_S = 30.0  # less than this left in the box: the interviewer thanks you and stops
PROBE_S = 30.0  # a follow-up and its answer, as the clock plans it
DEMO_SHARE = 0.6  # of its time a demo answer takes, the rest left for the follow-ups


@dataclass
class Clock:
    """Interview time per interviewer against their time box."""

    box_s: float
    used_s: float = 0.0

    @property
    def left_s(self) -> float:
        return self.box_s - self.used_s

    def show(self) -> str:
        return f"{mmss(self.used_s)} / {mmss(self.box_s)}"


def interview_time(answers: list[Attempt]) -> dict[str, float]:
    """Seconds of answers (follow-ups included) per interviewer in a loop session so far."""
    out: dict[str, float] = {}
    for a in answers:
        probes = (a.report.probes or []) if a.report else []
        spent = (a.duration_s or 0.0) + sum(p.duration_s for p in probes)
        out[a.interviewer or ""] = out.get(a.interviewer or "", 0.0) + spent
    return out


def probes_that_fit(wanted: int, room_s: float) -> int:
    """How many follow-ups the time allows (PROBE_S each): the loop asks the first of them rather
    than none (a demo answer of a minute left room for one, and all were skipped)."""
    return min(wanted, max(0, int(room_s // PROBE_S)))


def reserve_s(box_s: float, steps_total: int, steps_left: int) -> float:
    """Time to keep for the steps still to come: half an even share each."""
    return 0.5 * box_s / max(1, steps_total) * steps_left


FEW_MINUTES_S = 5 * 60


def last_question(left_s: float) -> str:
    """What the interviewer says before the last question, true to the clock (it said "a few minutes
    left" at 1:18 of 60:00)."""
    if left_s <= FEW_MINUTES_S:
        return "We have a few minutes left: one last question."
    return f"One last question; we have about {round(left_s / 60)} minutes left."


def intro(person: dict, bank: Bank) -> str:
    names = [bank.principles[p].name if p in bank.principles else p for p in person["principles"]]
    owned = (
        ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + names[-1]
        if names
        else "your experience"
    )
    minutes = round(person["seconds"] / 60)
    return (
        f"Hi, I'm {person['name']}. I'll ask you about {owned}. We have about {minutes} minutes, "
        f"so I may stop you to keep us on time."
    )
