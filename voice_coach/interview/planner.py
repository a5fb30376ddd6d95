"""What to practise next, by need, with the reason for each pick.

Need of a principle (highest first; ties broken by its place in the loop, then by id, so the order
is deterministic for a given history and day):
  4  mean coverage of its answers under 0.5: practised and weak comes first (ten principles never
     practised, listed before it alphabetically, hid it)
  3  in a loop of the bank and never practised
  2  a bullet of its stories missed in more than half of their tellings
  1+ due for review: spaced repetition, the interval doubling (1, 2, 4, 8, 16 days) with each
     answer scoring 0.6 or more, reset by a weaker one; the more overdue, the higher
  0  practised, doing well, not due
Within a principle: the question asked least often, then the one asked longest ago.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from voice_coach.bank.model import Bank, Question
from voice_coach.history.store import PRACTICE, Attempt, Store
from voice_coach.scoring.model import AnswerReport

DAY = 86400.0


@dataclass
class Pick:
    question: Question
    need: float
    reason: str


def bullet_history(reports: list[AnswerReport]) -> dict[str, tuple[int, int]]:
    """Per bullet of a story: (times missed, times told) over these tellings of it, counting what
    follow-ups recovered as told."""
    out: dict[str, list[int]] = {}
    for report in reports:
        told = set(report.totals().covered)
        for b in report.bullets:
            missed_told = out.setdefault(b.id, [0, 0])
            missed_told[1] += 1
            missed_told[0] += b.id not in told
    return {k: (v[0], v[1]) for k, v in out.items()}


def _interval_days(coverages: list[float]) -> float:
    streak = 0
    for c in coverages:  # oldest first
        streak = streak + 1 if c >= 0.6 else 0
    return float(2 ** min(streak, 4))


def plan_next(
    bank: Bank,
    history: list[Attempt],
    missed: dict[str, dict[str, tuple[int, int]]],
    count: int = 3,
    now: float | None = None,
) -> list[Pick]:
    """`history`: done attempts oldest first; `missed`: per story, per bullet (missed, told)."""
    now = time.time() if now is None else now
    loop_order = [p for lp in bank.loops.values() for person in lp.interviewers for p in person.principles]
    place = {p: loop_order.index(p) for p in set(loop_order)}
    by_principle: dict[str, list[Attempt]] = {}
    for row in history:
        if row.principle:
            by_principle.setdefault(row.principle, []).append(row)
    serves = bank.story_principles()
    scored = []
    for pid, principle in bank.principles.items():
        if not bank.questions_for(pid):
            continue
        rows = by_principle.get(pid, [])
        if not rows:
            if pid in place:
                scored.append((3.0, pid, f"{principle.name} is in your loop and was never practised"))
            else:
                scored.append((0.5, pid, f"{principle.name} was never practised"))
            continue
        coverages = [r.coverage or 0.0 for r in rows]
        mean = sum(coverages) / len(coverages)
        if mean < 0.5:
            scored.append(
                (4.0 + (0.5 - mean), pid, f"coverage {mean:.0%} on average over {len(rows)} answer(s)")
            )
            continue
        worst = None
        for sid, ps in serves.items():
            if pid not in ps:
                continue
            for bullet_id, (n_missed, told) in missed.get(sid, {}).items():
                if told >= 2 and n_missed * 2 > told and (worst is None or n_missed / told > worst[0]):
                    worst = (n_missed / told, sid, bullet_id, n_missed, told)
        if worst:
            _, sid, bullet_id, n_missed, told = worst
            text = next((b.text for b in bank.stories[sid].all_bullets() if b.id == bullet_id), bullet_id)
            scored.append((2.0 + worst[0], pid, f"'{text}' missed in {n_missed} of {told} tellings of {sid}"))
            continue
        interval = _interval_days(coverages)
        since = (now - max(r.created_at for r in rows)) / DAY
        if since >= interval:
            scored.append(
                (
                    1.0 + min(0.9, since / interval / 10),
                    pid,
                    f"due for review: last practised {since:.0f} day(s) ago, interval {interval:.0f}",
                )
            )
        else:
            due = time.strftime("%a %d %b", time.localtime(max(r.created_at for r in rows) + interval * DAY))
            scored.append(
                (
                    0.0,
                    pid,
                    f"doing well (coverage {mean:.0%}); "
                    f"next review in {interval - since:.0f} day(s), due {due}",
                )
            )
    scored.sort(key=lambda s: (-s[0], place.get(s[1], len(place)), s[1]))
    asked: dict[str, tuple[int, float]] = {}
    for row in history:
        n, _ = asked.get(row.question_id or "", (0, 0.0))
        asked[row.question_id or ""] = (n + 1, row.created_at)
    picks = []
    for need, pid, reason in scored[: max(1, count)]:
        if not any(pid in principles for principles in serves.values()):
            reason += "; no story of yours serves it yet: add one to your notes and import them"
        questions = sorted(bank.askable(pid), key=lambda q: (*asked.get(q.id, (0, 0.0)), q.id))
        picks.append(Pick(questions[0], round(need, 3), reason))
    return picks


def next_picks(bank: Bank, store: Store, count: int = 3) -> list[Pick]:
    """What to practise next from the whole history (`next`, `practice --next`)."""
    missed = {sid: bullet_history(store.story_reports(sid)) for sid in bank.stories}
    return plan_next(bank, store.history(kinds=PRACTICE), missed, count)


def group_by(rows: list[Attempt], key: str) -> dict[str, list[Attempt]]:
    """Attempts per principle or per story ('principle', 'story_id'), sorted by name, oldest first."""
    groups: dict[str, list[Attempt]] = {}
    for r in rows:
        value = getattr(r, key)
        if value:
            groups.setdefault(value, []).append(r)
    return dict(sorted(groups.items()))
