"""A mock loop run as the real one: each interviewer introduces themselves in their own voice,
asks about the principles they own, follows up, and keeps to their time box.

The plan (which question each interviewer asks) is stored with the session, so a loop that was
stopped resumes at the first step without a scored answer. The clock is interview time: the
question's speech plus the recorded answers, so it means the same in a demo and at a desk.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from voice_coach.bank.model import Bank, Loop, Question, Rubric, Story
from voice_coach.config import Settings
from voice_coach.errors import UserError
from voice_coach.session import ENDS_SESSION, Session
from voice_coach.speech.tts import panel
from voice_coach.store import Attempt, Store
from voice_coach.units import mmss

WRAP_UP_S = 30.0  # less than this left in the box: the interviewer thanks you and stops
PROBE_S = 30.0  # a follow-up and its answer, as the clock plans it
DEMO_SHARE = 0.6  # of its time a demo answer takes, the rest left for the follow-ups


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
    return {
        w for w in re.findall(r"[a-z]+", text.lower()) if len(w) > 2 and w not in {"the", "and", "interview"}
    }


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


def prepare(
    settings: Settings,
    bank: Bank,
    store: Store,
    loop_id: str | None = None,
    interviewer: int | None = None,
    demo: bool = False,
    restart: bool = False,
) -> tuple[Session, Plan]:
    """The session and plan of a loop: the unfinished one of this loop (unless restart), else a new
    plan (one interviewer, 1-based; a demo keeps the first two, 75 s a question)."""
    if not bank.loops:
        raise UserError(
            "the bank has no loop", fix="import your notes with `voice-coach bank import NOTES.md`"
        )
    if loop_id is None:
        loop_id = list(bank.loops)[-1]  # the user's bank is read last: their own loop wins
    if loop_id not in bank.loops:
        raise UserError(f"unknown loop id '{loop_id}'", fix="loops in your bank: " + ", ".join(bank.loops))
    kind = "loop-demo" if demo else "loop"
    pending = None if restart else store.unfinished_loop(loop_id)
    if pending and pending.kind == kind and pending.plan:
        return Session(settings, bank, store, kind, session_id=pending.id, resume=True), Plan.from_dict(
            pending.plan
        )
    plan = make_plan(
        bank,
        bank.loops[loop_id],
        {r.question_id or "" for r in store.history()},
        only=interviewer - 1 if interviewer else None,
        first=2 if demo and not interviewer else None,
        seconds_per_step=75.0 if demo else None,
        voices=panel(settings.voice),
    )
    return Session(settings, bank, store, kind), plan


def run_loop(
    session: Session, plan: Plan, demo: bool = False, device: str | None = None, speed: float = 0.0
) -> None:
    """Run (or resume) the planned loop in a Session: intro, questions, follow-ups, clock."""
    from rich.markup import escape

    from voice_coach import candidate
    from voice_coach.audio.capture import MicSource
    from voice_coach.audio.files import duration_s
    from voice_coach.debrief import story_reuse
    from voice_coach.report.terminal import render
    from voice_coach.speech import tts

    bank, out, settings = session.bank, session.out, session.settings
    speaker = tts.candidate_voice(settings.voice)  # the demo candidate's
    tts.preload(settings.voice)  # loads while the devices are checked and the plan is stored
    sound = False
    if not demo:
        from voice_coach.audio.devices import check_input, has_output

        check_input(device)
        sound = has_output()
    session.start()
    if not session.resume:
        session.store.set_plan(session.session_id, plan.as_dict())
    answered = session.store.session_answers(session.session_id)
    done = {(a.interviewer, a.question_id) for a in answered}
    used = interview_time(answered)
    n = len(session.store.attempts(session.session_id))
    for person in plan.interviewers:
        steps = [s for s in plan.steps if s.interviewer == person["index"]]
        todo = [s for s in steps if (person["name"], s.ref) not in done]
        if not todo:
            continue
        clock = Clock(person["seconds"], used.get(person["name"], 0.0))
        voice, rate = person["voice"], person["rate"]

        def say(text: str, path, voice=voice, rate=rate) -> float:
            tts.speak(text, path, rate=rate, voice=voice, play=sound)
            return duration_s(path) or 0.0

        who = escape(person["name"])  # names and questions come from the user's notes: never markup
        out.rule(f"{who}  [dim]{clock.show()}[/dim]")
        if len(todo) < len(steps):
            out.print(
                f"[dim]resuming: {len(steps) - len(todo)} of {len(steps)} questions already answered[/dim]"
            )
        else:
            text = intro(person, bank)
            out.print(f"[italic]{escape(text)}[/italic]")
            clock.used_s += say(text, session.folder / f"intro-{person['index'] + 1}.wav")
        for i, step in enumerate(todo):
            left_after = len(todo) - i - 1
            if clock.left_s < WRAP_UP_S:
                text = "We're out of time, so let's stop here. Thank you."
                out.print(f"[italic]{text}[/italic] [dim]({len(todo) - i} question(s) not asked)[/dim]")
                say(text, session.folder / f"wrap-{person['index'] + 1}.wav")
                break
            if left_after == 0 and len(todo) > 1:
                out.print(f"[italic]{last_question(clock.left_s)}[/italic]")
            n += 1
            rubric = bank.rubrics.get(step.ref) if step.kind == "rubric" else None
            question = rubric.as_question() if rubric else bank.questions[step.ref]
            out.print(f"\n[bold]{who}[/bold] [dim]{clock.show()}[/dim] ({step.principle or 'rubric'})")
            out.print(f"[bold]{escape(question.text)}[/bold]")
            clock.used_s += say(question.text, session.folder / f"q{n}-question.wav")
            limit = max(
                WRAP_UP_S,
                min(settings.hard_limit_s, clock.left_s - reserve_s(clock.box_s, len(steps), left_after)),
            )
            story = None
            if demo:
                # some answers leave a gap on purpose, so the follow-ups have something to recover
                k = sum(1 for t in steps[: steps.index(step)] if t.kind == "question")
                gap = ("no-result", "no-number", None)[k % 3] if not rubric else None
                story = _demo_story(bank, question, plan, step)
                # told in the time there is, leaving some for the follow-ups
                seconds = DEMO_SHARE * min(limit, question.target_s or settings.target_s)
                script = (
                    candidate.rubric_answer(rubric, seconds)
                    if rubric
                    else candidate.answer(story, gap, seconds)
                )
                source = candidate.spoken(
                    script, session.folder / f"q{n}-candidate-voice.wav", speed, voice=speaker
                )
            else:
                source = MicSource(device)
            principle = bank.principles.get(step.principle or "")
            result = session.record_and_score(
                n,
                question,
                source,
                live=not demo,
                interviewer=person["name"],
                hard_limit_s=limit,
                rubric=rubric,
                heading=f"{principle.name if principle else 'Rubric'} · {clock.show()}",
            )
            clock.used_s += (result.report.audio.duration_s or 0.0) if result.report else 0.0
            if result.stopped_by in ENDS_SESSION:
                if result.report:
                    render(result.report, out)
                out.print("[dim]loop stopped: `voice-coach loop` resumes it at the next question[/dim]")
                session.summary(finish=False)
                return
            probes = session.probes_for(question, result, settings.follow_ups)
            # as many follow-ups as the time left allows, the most important (the answer's gaps) first
            fit = probes_that_fit(len(probes), clock.left_s - reserve_s(clock.box_s, len(steps), left_after))
            if len(probes) > fit:
                skipped = len(probes) - fit
                if not fit:
                    out.print("[italic]In the interest of time, let's move on.[/italic]")
                out.print(f"[dim]({skipped} follow-up(s) skipped for time)[/dim]")
                if result.report and result.report.ending:  # a fact the debrief must not contradict
                    result.report.ending.follow_ups_skipped = skipped
                    session.store.update_report(result.attempt_id, result.report)
                probes = probes[:fit]
            if probes and result.report:
                told = {b.id for b in result.report.bullets if b.covered}

                def source_for(probe, path, story=story, told=told):
                    if not demo:
                        return MicSource(device)
                    return candidate.reply_source(story, probe, told, path, speed, voice=speaker)

                result = session.follow_up(
                    n, question, result, probes, lambda t, p: say(t, p), source_for, live=not demo
                )
                clock.used_s += sum(p.duration_s for p in result.report.probes or [])
            if result.report:
                render(result.report, out)
            reused = story_reuse(session.store.session_answers(session.session_id))
            for r in reused:
                if result.report and r["story"] == result.report.story.id:
                    out.print(
                        f"[yellow]story reuse:[/yellow] '{escape(r['story'])}' was told to "
                        f"{escape(', '.join(r['interviewers']))}; "
                        "interviewers compare notes, so use another story for one of them"
                    )
        out.print(f"[dim]{who} done at {clock.show()}[/dim]")
    session.summary()


def _demo_story(bank: Bank, question: Question, plan: Plan, step: Step) -> Story:
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
