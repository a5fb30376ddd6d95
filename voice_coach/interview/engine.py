"""One interview engine for practice, the demo and the loop: ask, record, transcribe, score, follow up.

Practice is a loop of one interviewer without a clock; the demo is practice answered by the synthetic
candidate; a mock loop seats several interviewers, each with a time box. The engine takes where the
answers come from (`Answers`: the desk's microphone or the candidate) and emits events (events.py)
for whoever shows them; it never prints.
"""

from __future__ import annotations

import atexit
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import voice_coach.interview.events as ev
from voice_coach import memory
from voice_coach.audio.capture import Recorder, StopRules, ensure_room
from voice_coach.bank.model import Bank, Question, Rubric
from voice_coach.config import Settings
from voice_coach.errors import UserError
from voice_coach.faults import pause
from voice_coach.history.store import Store, new_session_id
from voice_coach.interview.answers import Prompt, Source, Take, plain_take
from voice_coach.interview.planner import bullet_history
from voice_coach.private import private_dir
from voice_coach.scoring.analyze import score
from voice_coach.scoring.coverage import default_scorer, warm_answer
from voice_coach.scoring.followups import Probe, choose, merge
from voice_coach.scoring.model import AnswerReport, Ending
from voice_coach.speech.engines import Engine, engine_for
from voice_coach.units import in_session

ENDS_SESSION = ("quit", "interrupted")  # how an answer stopped when the user wants to stop practising
STOPPED = {
    "interrupted": "interrupted by Ctrl-C: scoring what you said; Ctrl-C again quits at once",
    "quit": "q: saving this answer, then quitting",
}


@dataclass
class AnswerResult:
    attempt_id: int
    report: AnswerReport | None
    audio_path: Path
    stopped_by: str
    latency_s: float | None = None
    limit_s: float | None = None


def _warm_scorer(streamer) -> Callable[[list], None]:
    """While the answer is spoken, the scorer embeds what has been transcribed of it, yielding to
    the next stretch waiting to be transcribed."""
    scorer = default_scorer()
    return lambda words: warm_answer(scorer, words, stop=streamer.busy)


@dataclass
class Session:
    """One practice, demo or loop session. Creating it touches nothing; start() creates its
    recordings folder and history row and starts loading the speech model."""

    settings: Settings
    bank: Bank
    store: Store
    kind: str
    model: str = ""  # default: the configured model
    engine_name: str = ""  # default: the configured engine
    emit: ev.Listener = ev.ignore
    session_id: str = field(default_factory=new_session_id)
    streaming: bool = True
    resume: bool = False  # an existing session (a loop picked up where it stopped)
    results: list[AnswerResult] = field(default_factory=list)
    speech: Engine | None = None  # a speech engine to reuse, loaded or not (the room keeps one)

    def __post_init__(self) -> None:
        self.model = self.model or self.settings.model
        self.engine_name = self.engine_name or self.settings.engine
        self.folder = self.settings.recordings_dir / self.session_id
        self.engine: Engine = self.speech or engine_for(self.settings, self.engine_name, self.model)
        self._load_error: BaseException | None = None
        self._loader = threading.Thread(target=self._load, daemon=True)
        self.started = False

    def start(self) -> None:
        """Create the recordings folder and the history row; load the model in the background
        (it loads while the first question is spoken). Idempotent."""
        if self.started:
            return
        memory.tune_malloc()
        private_dir(self.folder, "recordings", "set VOICE_COACH_RECORDINGS_DIR to a writable folder")
        ensure_room(self.folder, self.settings.hard_limit_s)  # read-only or full: say so before asking
        if not self.resume:
            self.store.start_session(self.kind, self.engine_name, self.model, self.session_id)
        self.started = True
        self._loader.start()
        # a process that ends while the model is still loading (Ctrl-C at the first question, a
        # quick script) waits for the load: ended mid-load, CTranslate2 aborts the interpreter
        atexit.register(self._loader.join, 60)

    # -- model loading overlaps with the question being spoken ----------------------------
    def _load(self) -> None:
        try:
            self.engine.load(progress=lambda m: self.emit(ev.Notice(m)))
            # the scorer too, with every bullet of the bank embedded, so that after the answer only
            # its own sentences are left to embed
            default_scorer().fit(self.bank.bullet_texts())
        except BaseException as exc:  # re-raised in the main thread by wait_loaded()
            self._load_error = exc

    def wait_loaded(self) -> None:
        self.start()
        self._loader.join()
        if self._load_error:
            raise self._load_error

    # -- one question ------------------------------------------------------------------
    def record_and_score(
        self,
        n: int,
        question: Question,
        source: Source,
        story_id: str | None = None,
        take: Take = plain_take,
        interviewer: str | None = None,
        hard_limit_s: float | None = None,
        rubric: Rubric | None = None,
        heading: str | None = None,
    ) -> AnswerResult:
        """Record one answer (again, as often as the user restarts it), then transcribe, score and
        store it. A skipped or silent take is stored as such and not scored."""
        self.start()
        target = question.target_s or self.settings.target_s
        rules = StopRules(
            silence_after_speech_s=self.settings.silence_stop_s,
            hard_limit_s=hard_limit_s or question.hard_limit_s or self.settings.hard_limit_s,
        )
        path = self.folder / f"q{n}-answer.wav"
        ensure_room(self.folder, rules.hard_limit_s)  # before the question's minutes are spent
        attempt = self.store.start_attempt(
            self.session_id,
            question.id,
            question.principle,
            story_id,
            str(path),
            self.engine_name,
            self.model,
            interviewer=interviewer,
        )
        prompt = Prompt(
            heading or f"Question {n}",
            question.text,
            target,
            rules.hard_limit_s,
            rules.silence_after_speech_s,
            interviewer,
        )
        n_take = 1
        while True:
            recorder = Recorder(source, path, rules)
            streamer = None
            if self.streaming:
                from voice_coach.speech.streaming import StreamingTranscriber

                # transcribe finished stretches while the user is still speaking
                streamer = StreamingTranscriber(self.engine, speech_dbfs=rules.speech_dbfs)
                warm = _warm_scorer(streamer)

                def heard(words: list, warm=warm) -> None:
                    self.emit(ev.StretchTranscribed(tuple(words)))  # the desk shows the fillers so far
                    warm(words)

                streamer.on_words = heard
                recorder.listeners.append(streamer.feed)
            self.emit(ev.Recording(source.name))
            recording = take(recorder, prompt)
            if recording.stopped_by != "restart":
                break
            if streamer is not None:
                streamer.cancel()
            discarded = path.with_name(f"q{n}-answer-take{n_take}-discarded.wav")
            os.replace(path, discarded)
            self.emit(ev.Notice(f"take {n_take} kept as {in_session(discarded)}, not scored: answer again"))
            n_take += 1
        self.emit(
            ev.Recorded(path, recording.duration_s, STOPPED.get(recording.stopped_by, recording.stopped_by))
        )
        if recording.stopped_by == "disk full":
            self.emit(
                ev.Notice(
                    f"the disk filled while recording: the first {recording.duration_s:.1f} s are kept "
                    f"in {in_session(path)}; free some space before the next answer",
                    "warn",
                )
            )
        unscored = None
        if recording.stopped_by == "skip":
            unscored = ("skipped", "skipped: not scored (the recording is kept)")
        elif recording.speech_s < rules.min_speech_s:
            unscored = ("empty", "nothing was heard in this answer: it is kept as empty, not scored")
        if unscored:
            if streamer is not None:
                streamer.cancel()
            status, message = unscored
            self.store.set_status(attempt, status, recording.duration_s, error=message)
            self.emit(ev.Notice(f"{message} ({in_session(path)})", "warn"))
            result = AnswerResult(attempt, None, path, recording.stopped_by, limit_s=rules.hard_limit_s)
            self.results.append(result)
            return result
        self.store.set_status(attempt, "transcribing", recording.duration_s)
        t_end = time.perf_counter()
        try:
            from voice_coach.audio.files import load_audio

            self.wait_loaded()
            pause("transcription")
            self.emit(ev.Transcribing())
            try:
                if streamer is not None:
                    transcript = streamer.finish()
                else:
                    transcript = self.engine.transcribe(load_audio(path))
            finally:
                self.emit(ev.Transcribing(done=True))
            report = score(transcript, self.bank, self.settings, question, path, story_id, rubric=rubric)
            report.ending = Ending(recording.stopped_by, rules.hard_limit_s)
        except Exception as exc:  # the recording is kept; the row says why it failed
            self.store.set_status(attempt, "failed", error=str(exc))
            raise
        latency = time.perf_counter() - t_end
        self.store.complete_attempt(attempt, report, latency)
        result = AnswerResult(
            attempt, report, path, recording.stopped_by, latency, limit_s=rules.hard_limit_s
        )
        self.results.append(result)
        memory.release()  # after the report, outside the latency the user waits for
        return result

    # -- follow-ups ----------------------------------------------------------------------
    def probes_for(self, question: Question, result: AnswerResult, limit: int) -> list[Probe]:
        """The follow-ups this answer calls for (its gaps first, then the question's own)."""
        report = result.report
        if report is None or limit <= 0 or report.rubric:
            return []
        story = report.story.id
        missed = bullet_history(self.store.story_reports(story, before=result.attempt_id)) if story else {}
        return choose(report, question.follow_ups, result.stopped_by, result.limit_s, missed, limit)

    def follow_up(
        self,
        n: int,
        question: Question,
        result: AnswerResult,
        probes: list[Probe],
        say: Callable[[str, Path], float],
        source_for: Callable[[Probe, Path], Source | None],
        take: Take = plain_take,
    ) -> AnswerResult:
        """Ask each probe, record and score its answer against the same story, and merge them all
        into the one attempt: its report then shows which probe recovered what."""
        from voice_coach.audio.files import load_audio

        if not probes or result.report is None:
            return result
        story_id = result.report.story.id
        answers: list[tuple[Probe, AnswerReport | None]] = []
        for k, probe in enumerate(probes, start=1):
            self.emit(ev.ProbeAsked(probe, k, len(probes)))
            say(probe.text, self.folder / f"q{n}-followup{k}-question.wav")
            source = source_for(probe, self.folder / f"q{n}-followup{k}-voice.wav")
            if source is None:
                answers.append((probe, None))
                continue
            path = self.folder / f"q{n}-followup{k}.wav"
            rules = StopRules(
                silence_after_speech_s=self.settings.silence_stop_s,
                hard_limit_s=self.settings.follow_up_limit_s,
                no_speech_s=10.0,
            )
            prompt = Prompt(
                f"Follow-up {k}/{len(probes)}",
                probe.text,
                rules.hard_limit_s / 2,
                rules.hard_limit_s,
                rules.silence_after_speech_s,
            )
            recording = take(Recorder(source, path, rules), prompt)
            if recording.stopped_by in ENDS_SESSION + ("skip",):
                answers.append((probe, None))
                if recording.stopped_by != "skip":
                    result.stopped_by = recording.stopped_by  # the user wants to stop: no more probes
                    break
                continue
            if recording.stopped_by == "no answer":
                self.emit(ev.Notice("no answer heard; moving on"))
                answers.append((probe, None))
                continue
            try:
                transcript = self.engine.transcribe(load_audio(path))
                sub = score(
                    transcript,
                    self.bank,
                    self.settings,
                    question,
                    path,
                    story_id,
                    target_s=rules.hard_limit_s / 2,
                )
            except UserError as exc:  # the answer is stored already; this follow-up's WAV is kept
                self.emit(ev.Notice(f"follow-up not scored: {exc}", "warn"))
                sub = None
            answers.append((probe, sub))
        merged = merge(result.report, answers)
        self.store.update_report(result.attempt_id, merged)
        result.report = merged
        return result

    def summary(self, finish: bool = True) -> None:
        """The session's end; finish=False leaves it open to resume (a loop)."""
        if finish:
            self.store.finish_session(self.session_id)
        reports = tuple(r.report for r in self.results if r.report)
        self.emit(ev.SessionEnded(self.session_id, reports, finish))
