"""Which questions a session asks: a practice pick, the demo's, and a loop's plan per interviewer.

A loop's plan is stored with its session, so a loop that was stopped resumes at the first step
without a scored answer.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field

from voice_coach.bank.model import Bank, Loop, Question, Rubric, Story
from voice_coach.errors import UserError
from voice_coach.tokens import content_tokens


def pick_questions(
    bank: Bank,
    principles: list[str] | None = None,
    count: int = 1,
    story: str | None = None,
    question_ids: list[str] | None = None,
    seed: int | None = None,
) -> list[Question]:
    """Questions for a session: named ones, or a shuffled pick over the given principles."""
    if question_ids:
        return [bank.require("questions", q) for q in question_ids]
    pool = bank.askable()
    if principles:
        ids = [bank.require("principles", p) for p in principles]
        pool = [q for q in pool if q.principle in ids]
    if story:
        serves = set(bank.require("stories", story).principles)
        pool = [q for q in pool if story in q.stories or q.principle in serves] or pool
    if not pool:
        raise UserError("no questions match that choice", fix="pick other principles or drop --story")
    rng = random.Random(seed)
    rng.shuffle(pool)
    return pool[: max(1, count)]


def demo_questions(
    bank: Bank, question_ids: list[str] | None = None, count: int = 1, seed: int | None = None
) -> list[Question]:
    """The demo's questions: the named ones, else a shuffled pick of those linked to a story (the
    candidate tells that story), else any."""
    if question_ids:
        return pick_questions(bank, question_ids=question_ids)
    linked = [q for q in bank.questions.values() if q.stories]
    random.Random(seed).shuffle(linked)
    return linked[:count] or pick_questions(bank, count=count, seed=seed)


@dataclass
class Step:
    interviewer: int
    kind: str  # "question" or "rubric"
    ref: str  # question id or rubric id
    principle: str | None


@dataclass
class Plan:
    loop: str
    title: str
    interviewers: list[dict]  # name, principles, seconds (time box), voice, rate
    steps: list[Step] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {**asdict(self), "steps": [asdict(s) for s in self.steps]}

    @classmethod
    def from_dict(cls, data: dict) -> Plan:
        return cls(data["loop"], data["title"], data["interviewers"], [Step(**s) for s in data["steps"]])


def _tokens(text: str) -> set[str]:
    return set(content_tokens(text)) - {"interview"}


def rubrics_for(bank: Bank, loop: Loop) -> dict[int, list[Rubric]]:
    """Rubric prompts per interviewer: the one whose review focus names the rubric asks it; a
    "Why ...?" prompt nobody claims opens the loop with the first interviewer."""
    out: dict[int, list[Rubric]] = {}
    claimed: set[str] = set()
    for idx, person in enumerate(loop.interviewers):
        for focus in person.focus:
            for r in bank.rubrics.values():
                if r.id not in claimed and _tokens(focus) and _tokens(focus) <= _tokens(r.title + " " + r.id):
                    out.setdefault(idx, []).append(r)
                    claimed.add(r.id)
    for r in bank.rubrics.values():
        if r.id not in claimed and r.title.lower().startswith("why"):
            out.setdefault(0, []).insert(0, r)
    return out


def make_plan(
    bank: Bank,
    loop: Loop,
    asked_before: set[str],
    only: int | None = None,
    first: int | None = None,
    seconds_per_step: float | None = None,
    voices: list[tuple[str, int]] | None = None,
) -> Plan:
    """One question per owned principle (one not asked before, when there is one), rubric prompts
    where they belong. `only` keeps one interviewer (0-based); `first` keeps the first N;
    `seconds_per_step` replaces the time boxes (the demo's short loop); `voices` gives each
    interviewer a voice and pace of their own (tts.panel)."""
    from voice_coach.speech.tts import panel

    voices = voices or panel()
    people = list(enumerate(loop.interviewers))
    if only is not None:
        if not 0 <= only < len(people):
            raise UserError(
                f"loop '{loop.id}' has {len(people)} interviewers; there is no interviewer {only + 1}",
                fix=f"give --interviewer between 1 and {len(people)}",
            )
        people = [people[only]]
    elif first is not None:
        people = people[:first]
    rubrics = rubrics_for(bank, loop)
    steps: list[Step] = []
    interviewers = []
    for idx, person in people:
        mine = [Step(idx, "rubric", r.id, None) for r in rubrics.get(idx, [])]
        for pid in person.principles:
            pool = sorted(bank.askable(pid), key=lambda q: (q.id in asked_before, q.id))
            if pool:
                mine.append(Step(idx, "question", pool[0].id, pid))
        steps += mine
        voice, rate = voices[idx % len(voices)]
        box = seconds_per_step * max(1, len(mine)) if seconds_per_step else person.minutes * 60
        interviewers.append(
            {
                "index": idx,
                "name": person.name,
                "principles": person.principles,
                "seconds": box,
                "voice": voice,
                "rate": rate,
            }
        )
    return Plan(loop.id, loop.title, interviewers, steps)


def demo_story(bank: Bank, question: Question, plan: Plan, step: Step) -> Story:
    """The demo candidate's story: one that serves the principle and was not told to another
    interviewer (the matrix's suggestion), else the question's linked story."""
    from voice_coach.bank.views import assign_stories

    loop = bank.loops[plan.loop]
    suggested = assign_stories(bank, loop).get(step.principle or "")
    sid = (
        suggested
        or next((s for s in question.stories if s in bank.stories), None)
        or next(iter(bank.stories))
    )
    return bank.stories[sid]
