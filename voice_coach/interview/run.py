"""The interview, one way for every kind of session: seats (an interviewer with their questions and,
in a loop, a time box) asked in turn, answers from an `Answers`, follow-ups as the clock allows.

`practice`, `demo` and `loop` only say who sits and who answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import voice_coach.interview.events as ev
from voice_coach.bank.model import Bank, Question, Rubric, Story
from voice_coach.config import Settings
from voice_coach.errors import UserError
from voice_coach.history.store import Store
from voice_coach.interview.answers import Answers, Candidate, Microphone
from voice_coach.interview.clock import (
    DEMO_SHARE,
    WRAP_UP_S,
    Clock,
    interview_time,
    intro,
    last_question,
    probes_that_fit,
    reserve_s,
)
from voice_coach.interview.engine import ENDS_SESSION, AnswerResult, Session
from voice_coach.interview.plan import Plan, demo_story, make_plan
from voice_coach.speech import tts
from voice_coach.speech.engines import Engine
from voice_coach.speech.tts import panel


@dataclass
class Turn:
    """One question to ask."""

    question: Question
    rubric: Rubric | None = None
    principle: str | None = None
    score_as: str | None = None  # the story to score against (practice --story); None: the one told
    tells: Story | None = None  # the story the demo candidate tells
    gap: str | None = None  # what the demo candidate leaves out on purpose


@dataclass
class Seat:
    """An interviewer and their questions; a practice session has one seat, nameless and unclocked."""

    turns: list[Turn]
    name: str | None = None
    index: int = 0
    box_s: float | None = None  # their time box; None: no clock
    voice: str | None = None
    rate: int | None = None
    intro: str | None = None
    used_s: float = 0.0  # interview time already spent (a resumed loop)
    answered: int = 0  # of their questions already answered (a resumed loop)


@dataclass
class Voice:
    """The interviewer's voice: plays at the desk when there is a speaker, else only writes the WAV."""

    default: str | None
    rate: int
    play: bool = False
    cue: bool = False  # a short tone after a question at the desk: "your turn"

    def say(self, text: str, path, voice: str | None = None, rate: int | None = None) -> float:
        from voice_coach.audio.files import duration_s

        tts.speak(text, path, rate or self.rate, voice=voice or self.default, play=self.play)
        if self.play and self.cue:
            from voice_coach.audio.cues import cue_tone
            from voice_coach.audio.playback import play

            play(cue_tone())
        return duration_s(path) or 0.0


@dataclass
class Interview:
    session: Session
    answers: Answers
    voice: Voice
    numbered: bool = True  # "Question 2/5"; a loop names the interviewer and the clock instead
    stopped: bool = field(default=False, init=False)

    def run(self, seats: list[Seat], resumable: bool = False) -> None:
        """Ask every seat's questions in turn; a resumable session (a loop) stopped by the user stays
        open to be picked up at its next question."""
        s = self.session
        s.start()
        s.emit(ev.Notice(f"recordings: {s.folder}"))  # once: the lines after name only the file
        total = sum(len(seat.turns) for seat in seats)
        n = len(s.store.attempts(s.session_id))
        asked = 0
        for seat in seats:
            if not seat.turns or self.stopped:
                continue
            clock = Clock(seat.box_s, seat.used_s) if seat.box_s is not None else None
            if seat.name:
                steps = len(seat.turns) + seat.answered
                s.emit(ev.InterviewerStarted(seat.name, clock.show() if clock else "", seat.answered, steps))
                if not seat.answered and seat.intro:
                    s.emit(ev.Notice(seat.intro, "say"))
                    spent = self.voice.say(
                        seat.intro, s.folder / f"intro-{seat.index + 1}.wav", seat.voice, seat.rate
                    )
                    if clock:
                        clock.used_s += spent
            for i, turn in enumerate(seat.turns):
                left_after = len(seat.turns) - i - 1
                if clock and clock.left_s < WRAP_UP_S:
                    text = "We're out of time, so let's stop here. Thank you."
                    s.emit(ev.Notice(f"{text} ({len(seat.turns) - i} question(s) not asked)", "say"))
                    self.voice.say(text, s.folder / f"wrap-{seat.index + 1}.wav", seat.voice, seat.rate)
                    break
                if clock and left_after == 0 and len(seat.turns) > 1:
                    s.emit(ev.Notice(last_question(clock.left_s), "say"))
                n += 1
                asked += 1
                result = self._ask(n, asked, total, seat, turn, clock, left_after)
                if result.stopped_by in ENDS_SESSION:
                    self.stopped = True
                    if not resumable and total > asked:
                        s.emit(ev.Notice(f"stopped: {total - asked} question(s) not asked"))
                    break
            if seat.name and not self.stopped:
                s.emit(ev.InterviewerDone(seat.name, clock.show() if clock else ""))
        left = total > asked  # a loop stopped at its last question has nothing to resume
        if self.stopped and resumable and left:
            s.emit(ev.Notice("loop stopped: `voice-coach loop` resumes it at the next question"))
        s.summary(finish=not (resumable and self.stopped and left))

    def _ask(
        self, n: int, asked: int, total: int, seat: Seat, turn: Turn, clock: Clock | None, left_after: int
    ) -> AnswerResult:
        s, settings = self.session, self.session.settings
        question, rubric = turn.question, turn.rubric
        principle = s.bank.principles.get(turn.principle or question.principle or "")
        topic = principle.name if principle else "Rubric"
        if self.numbered:
            heading = f"Question {asked}/{total} · {topic}"
        else:
            heading = f"{seat.name} · {clock.show() if clock else ''} · {topic}"
        audio = s.folder / f"q{n}-question.wav"
        s.emit(ev.QuestionAsked(n, heading, question.text, audio))
        spent = self.voice.say(question.text, audio, seat.voice, seat.rate)
        limit = None
        if clock:
            clock.used_s += spent
            steps = len(seat.turns) + seat.answered
            limit = max(
                WRAP_UP_S,
                min(
                    question.hard_limit_s
                    or settings.hard_limit_s,  # its own limit ("Why Amazon? (1 minute)")
                    clock.left_s - reserve_s(clock.box_s, steps, left_after),
                ),
            )
        seconds = None
        if limit is not None:  # told in the time there is, leaving some for the follow-ups
            seconds = DEMO_SHARE * min(limit, question.target_s or settings.target_s)
        answer = self.answers.answer(s.folder, n, rubric, turn.tells, turn.gap, seconds)
        if answer.voice is not None and turn.tells is not None:
            s.emit(ev.CandidateTelling(turn.tells.title if not rubric else rubric.title, answer.voice))
        view_heading = heading if self.numbered else f"{topic} · {clock.show() if clock else ''}"
        result = s.record_and_score(
            n,
            question,
            answer.source,
            story_id=turn.score_as,
            take=self.answers.take,
            interviewer=seat.name,
            hard_limit_s=limit,
            rubric=rubric,
            heading=view_heading,
        )
        if clock and result.report:
            clock.used_s += result.report.audio.duration_s or 0.0
        if result.stopped_by not in ENDS_SESSION:
            result = self._follow_up(n, seat, turn, result, clock, left_after)
        if result.report:
            s.emit(ev.AnswerScored(result.report))
        if seat.name and result.stopped_by not in ENDS_SESSION:
            self._story_reuse(result)
        return result

    def _follow_up(
        self, n: int, seat: Seat, turn: Turn, result: AnswerResult, clock: Clock | None, left_after: int
    ) -> AnswerResult:
        s = self.session
        probes = s.probes_for(turn.question, result, s.settings.follow_ups)
        if clock:
            # as many follow-ups as the time left allows, the most important (the answer's gaps) first
            steps = len(seat.turns) + seat.answered
            fit = probes_that_fit(len(probes), clock.left_s - reserve_s(clock.box_s, steps, left_after))
            if len(probes) > fit:
                skipped = len(probes) - fit
                s.emit(ev.ProbesSkipped(skipped, none_asked=not fit))
                if result.report and result.report.ending:  # a fact the debrief must not contradict
                    result.report.ending.follow_ups_skipped = skipped
                    s.store.update_report(result.attempt_id, result.report)
                probes = probes[:fit]
        if not probes or result.report is None:
            return result
        told = {b.id for b in result.report.bullets if b.covered}
        result = s.follow_up(
            n,
            turn.question,
            result,
            probes,
            lambda text, path: self.voice.say(text, path, seat.voice, seat.rate),
            lambda probe, path: self.answers.reply(probe, path, turn.tells, told),
            take=self.answers.take,
        )
        if clock and result.report:
            clock.used_s += sum(p.duration_s for p in result.report.probes or [])
        return result

    def _story_reuse(self, result: AnswerResult) -> None:
        from voice_coach.interview.review import story_reuse

        s = self.session
        if not result.report:
            return
        for r in story_reuse(s.store.session_answers(s.session_id)):
            if r["story"] == result.report.story.id:
                s.emit(ev.StoryReused(r["story"], tuple(r["interviewers"])))


def prepare(
    settings: Settings,
    bank: Bank,
    store: Store,
    loop_id: str | None = None,
    interviewer: int | None = None,
    demo: bool = False,
    restart: bool = False,
    emit: ev.Listener = ev.ignore,
    speech: Engine | None = None,
) -> tuple[Session, Plan]:
    """The session and plan of a loop: the unfinished one of this loop (unless restart), else a new
    plan (one interviewer, 1-based; a demo keeps the first two, 75 s a question). `speech`: a
    speech engine to reuse (Session.speech)."""
    if not bank.loops:
        raise UserError(
            "the bank has no loop", fix="import your notes with `voice-coach bank import NOTES.md`"
        )
    if loop_id is None:
        loop_id = list(bank.loops)[-1]  # the user's bank is read last: their own loop wins
    bank.require("loops", loop_id)
    kind = "loop-demo" if demo else "loop"
    pending = None if restart else store.unfinished_loop(loop_id)
    if pending and pending.kind == kind and pending.plan:
        resumed = Session(
            settings, bank, store, kind, emit=emit, session_id=pending.id, resume=True, speech=speech
        )
        return resumed, Plan.from_dict(pending.plan)
    plan = make_plan(
        bank,
        bank.loops[loop_id],
        {r.question_id or "" for r in store.history()},
        only=interviewer - 1 if interviewer else None,
        first=2 if demo and not interviewer else None,
        seconds_per_step=75.0 if demo else None,
        voices=panel(settings.voice),
    )
    return Session(settings, bank, store, kind, emit=emit, speech=speech), plan


def check_devices(session: Session, device: str | int | None) -> bool:
    """The microphone before anything is asked (practice cannot work without one); whether a
    speaker plays the questions."""
    from voice_coach.audio.capture import SOUND_DBFS, probe_level
    from voice_coach.audio.devices import check_input, has_output

    tts.preload(session.settings.voice)  # loads while the microphone is checked
    mic = check_input(device)
    sound = has_output()
    level = probe_level(device)
    session.emit(ev.MicChecked(mic, level, sound, level <= SOUND_DBFS))
    return sound


def practice(
    session: Session,
    questions: list[Question],
    answers: Microphone,
    story_id: str | None = None,
    rubrics: list[Rubric] | None = None,
) -> list[AnswerResult]:
    """Questions (rubric prompts first) asked at the desk, each answer followed up."""
    sound = check_devices(session, answers.device)
    voice = Voice(session.settings.voice, session.settings.tts_rate, play=sound, cue=True)
    Interview(session, answers, voice).run([practice_seat(questions, story_id, rubrics)])
    return session.results


def practice_seat(
    questions: list[Question], story_id: str | None = None, rubrics: list[Rubric] | None = None
) -> Seat:
    """Practice's one seat, at the desk or in the browser room: rubric prompts first, then the
    questions, each scored against `story_id` when one was named."""
    turns = [Turn(r.as_question(), r) for r in rubrics or []]
    return Seat(turns + [Turn(q, score_as=story_id) for q in questions])


def demo(session: Session, questions: list[Question], answers: Candidate) -> list[AnswerResult]:
    """The practice flow answered by the synthetic candidate: no microphone, no speaker."""
    bank = session.bank
    turns = []
    for q in questions:
        story_id = next((s for s in q.stories if s in bank.stories), None) or next(iter(bank.stories))
        turns.append(Turn(q, tells=bank.stories[story_id]))
    answers.voice = answers.voice or tts.candidate_voice(session.settings.voice)
    Interview(session, answers, Voice(session.settings.voice, session.settings.tts_rate)).run([Seat(turns)])
    return session.results


def loop(session: Session, plan: Plan, answers: Answers, voice: Voice | None = None) -> None:
    """Run (or resume) a planned mock loop: each interviewer's intro, questions, follow-ups, clock.
    `voice`: who plays what the interviewers say (default: the desk's speaker, devices checked)."""
    bank, store = session.bank, session.store
    sound = False
    if answers.live and voice is None:
        sound = check_devices(session, getattr(answers, "device", None))
    elif not answers.live:
        tts.preload(session.settings.voice)
        if isinstance(answers, Candidate):
            answers.voice = answers.voice or tts.candidate_voice(session.settings.voice)
    session.start()
    if not session.resume:
        store.set_plan(session.session_id, plan.as_dict())
    answered = store.session_answers(session.session_id)
    done = {(a.interviewer, a.question_id) for a in answered}
    used = interview_time(answered)
    seats = []
    for person in plan.interviewers:
        steps = [s for s in plan.steps if s.interviewer == person["index"]]
        turns = []
        for step in steps:
            if (person["name"], step.ref) in done:
                continue
            rubric = bank.rubrics.get(step.ref) if step.kind == "rubric" else None
            question = rubric.as_question() if rubric else bank.questions[step.ref]
            turn = Turn(question, rubric, step.principle)
            if not answers.live:
                # some answers leave a gap on purpose, so the follow-ups have something to recover
                k = sum(1 for t in steps[: steps.index(step)] if t.kind == "question")
                turn.gap = ("no-result", "no-number", None)[k % 3] if not rubric else None
                turn.tells = demo_story(bank, question, plan, step)
            turns.append(turn)
        seats.append(
            Seat(
                turns,
                person["name"],
                person["index"],
                person["seconds"],
                person["voice"],
                person["rate"],
                intro(person, bank),
                used.get(person["name"], 0.0),
                len(steps) - len(turns),
            )
        )
    voice = voice or Voice(session.settings.voice, session.settings.tts_rate, play=sound)
    Interview(session, answers, voice, numbered=False).run(seats, resumable=True)
