"""The practice and demo flow: ask, record, transcribe, score, store, report.

This module wires the parts together; the parts (bank, audio, speech, scoring, store, report)
know nothing of it or of the CLI.
"""

from __future__ import annotations

import atexit
import os
import random
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from voice_coach import candidate, memory
from voice_coach.audio import WAV_HEADER_BYTES
from voice_coach.audio.capture import FileSource, MicSource, Recorder, Recording, StopRules, ensure_room
from voice_coach.bank.model import Bank, Question, Rubric
from voice_coach.config import Settings
from voice_coach.desk import NO_SOUND, SOUND_DBFS, AnswerView, Screen, keys
from voice_coach.errors import UserError
from voice_coach.faults import pause
from voice_coach.planner import bullet_history
from voice_coach.scoring.analyze import score
from voice_coach.scoring.coverage import default_scorer, warm_answer
from voice_coach.scoring.followups import Probe, choose, merge
from voice_coach.scoring.model import AnswerReport, Ending
from voice_coach.speech import tts
from voice_coach.speech.engines import Engine, make_engine
from voice_coach.store import Store, new_session_id

STOP_KEYS = {"r": "restart", "s": "skip", "q": "quit"}
ENDS_SESSION = ("quit", "interrupted")  # how an answer stopped when the user wants to stop practising
STOPPED = {
    "interrupted": "interrupted by Ctrl-C: scoring what you said; Ctrl-C again quits at once",
    "quit": "q: saving this answer, then quitting",
}


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
        missing = [q for q in question_ids if q not in bank.questions]
        if missing:
            raise UserError(
                f"unknown question id: {', '.join(missing)}", fix="see the ids with `voice-coach bank list`"
            )
        return [bank.questions[q] for q in question_ids]
    pool = bank.askable()
    if principles:
        ids = []
        for p in principles:
            pid = bank.principle_id(p)
            if pid is None:
                raise UserError(
                    f"unknown principle '{p}'", fix="use a principle id or name from `voice-coach bank list`"
                )
            ids.append(pid)
        pool = [q for q in pool if q.principle in ids]
    if story:
        if story not in bank.stories:
            raise UserError(f"unknown story id '{story}'", fix="see the ids with `voice-coach bank list`")
        serves = set(bank.stories[story].principles)
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
    console: Console = field(default_factory=lambda: Console(stderr=True))
    out: Console = field(default_factory=Console)
    session_id: str = field(default_factory=new_session_id)
    streaming: bool = True
    resume: bool = False  # an existing session (a loop picked up where it stopped)
    results: list[AnswerResult] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.model = self.model or self.settings.model
        self.engine_name = self.engine_name or self.settings.engine
        self.folder = self.settings.recordings_dir / self.session_id
        self.engine: Engine = make_engine(
            self.engine_name, self.model, self.settings.cache_dir, self.settings.filler_prompt
        )
        self._load_error: BaseException | None = None
        self._loader = threading.Thread(target=self._load, daemon=True)
        self.started = False

    def start(self) -> None:
        """Create the recordings folder and the history row; load the model in the background
        (it loads while the first question is spoken). Idempotent."""
        if self.started:
            return
        memory.tune_malloc()
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self.folder.chmod(0o700)
        except OSError as exc:
            raise UserError(
                f"cannot create the recordings folder: {exc}",
                where=str(self.folder),
                fix="set VOICE_COACH_RECORDINGS_DIR to a writable folder",
            ) from exc
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
            self.engine.load(progress=lambda m: self.console.print(f"[dim]{m}[/dim]"))
            # the scorer too, with every bullet of the bank embedded, so that after the answer only
            # its own sentences are left to embed
            from voice_coach.scoring.coverage import default_scorer

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
        source: MicSource | FileSource,
        story_id: str | None = None,
        live: bool = False,
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
        take = 1
        while True:
            view = None  # each take starts on a fresh screen
            if live:
                view = AnswerView(
                    heading or f"Question {n}",
                    question.text,
                    target,
                    rules.hard_limit_s,
                    rules.silence_after_speech_s,
                    interviewer=interviewer,
                )
            recorder = Recorder(source, path, rules)
            streamer = None
            if self.streaming:
                from voice_coach.speech.streaming import StreamingTranscriber

                # transcribe finished stretches while the user is still speaking
                streamer = StreamingTranscriber(self.engine, speech_dbfs=rules.speech_dbfs)
                streamer.on_words = _warm_scorer(streamer)
                recorder.listeners.append(streamer.feed)
            self.console.print(f"[dim]recording ({source.name})...[/dim]")
            recording = self._record(recorder, view)
            if recording.stopped_by != "restart":
                break
            if streamer is not None:
                streamer.cancel()
            discarded = path.with_name(f"q{n}-answer-take{take}-discarded.wav")
            os.replace(path, discarded)
            self.console.print(
                f"[dim]take {take} kept as {escape(str(discarded))}, not scored: answer again[/dim]"
            )
            take += 1
        where = escape(str(path))
        self.console.print(
            f"[dim]recorded {recording.duration_s:.1f} s "
            f"({STOPPED.get(recording.stopped_by, recording.stopped_by)}) -> {where}[/dim]"
        )
        if recording.stopped_by == "disk full":
            self.console.print(
                f"[yellow]the disk filled while recording: the first {recording.duration_s:.1f} s are kept "
                f"in {escape(str(path))}; free some space before the next answer[/yellow]"
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
            self.console.print(f"[yellow]{message} ({escape(str(path))})[/yellow]")
            result = AnswerResult(attempt, None, path, recording.stopped_by, limit_s=rules.hard_limit_s)
            self.results.append(result)
            return result
        self.store.set_status(attempt, "transcribing", recording.duration_s)
        t_end = time.perf_counter()
        try:
            from voice_coach.audio.files import load_audio

            self.wait_loaded()
            pause("transcription")
            with self.console.status("transcribing..."):
                if streamer is not None:
                    transcript = streamer.finish()
                else:
                    transcript = self.engine.transcribe(load_audio(path))
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

    def _record(self, recorder: Recorder, view: AnswerView | None) -> Recording:
        """Run the recorder; with a view, on the live screen with its keys. Ctrl-C stops the take
        (it is kept and scored); a second Ctrl-C quits at once."""
        if view is None:
            return recorder.record()
        presses = [0]

        def on_sigint(signum, frame) -> None:
            presses[0] += 1
            if presses[0] > 1:
                raise KeyboardInterrupt
            recorder.request_stop("interrupted")
            view.note = "Stopped: scoring what you said. Ctrl-C again quits at once."

        def on_key(key: str) -> None:
            if key == "\n":
                recorder.request_stop("enter")
            elif key == " ":
                view.paused = not recorder.paused.is_set()
                (recorder.paused.set if view.paused else recorder.paused.clear)()
            elif key in STOP_KEYS:
                recorder.request_stop(STOP_KEYS[key])
            elif key == "?":
                view.show_help = not view.show_help
            screen.refresh()

        in_main = threading.current_thread() is threading.main_thread()
        old = signal.signal(signal.SIGINT, on_sigint) if in_main else None
        try:
            with Screen(view, self.console) as screen, keys(on_key):
                recorder.on_tick = screen.tick
                return recorder.record()
        finally:
            if in_main:
                signal.signal(signal.SIGINT, old)

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
        say: Callable[[str, Path], None],
        source_for: Callable[[Probe, Path], MicSource | FileSource | None],
        live: bool = False,
    ) -> AnswerResult:
        """Ask each probe, record and score its answer against the same story, and merge them all
        into the one attempt: its report then shows which probe recovered what."""
        from voice_coach.audio.files import load_audio

        if not probes or result.report is None:
            return result
        story_id = result.report.story.id
        answers: list[tuple[Probe, AnswerReport | None]] = []
        for k, probe in enumerate(probes, start=1):
            self.out.print(
                f"[bold cyan]Follow-up:[/bold cyan] {escape(probe.text)} [dim]({escape(probe.reason)})[/dim]"
            )
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
            recorder = Recorder(source, path, rules)
            view = None
            if live:
                view = AnswerView(
                    f"Follow-up {k}/{len(probes)}",
                    probe.text,
                    rules.hard_limit_s / 2,
                    rules.hard_limit_s,
                    rules.silence_after_speech_s,
                )
            recording = self._record(recorder, view)
            if recording.stopped_by in ENDS_SESSION + ("skip",):
                answers.append((probe, None))
                if recording.stopped_by != "skip":
                    result.stopped_by = recording.stopped_by  # the user wants to stop: no more probes
                    break
                continue
            if recording.stopped_by == "no answer":
                self.console.print("[dim]no answer heard; moving on[/dim]")
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
                self.console.print(f"[yellow]follow-up not scored: {escape(str(exc))}[/yellow]")
                sub = None
            answers.append((probe, sub))
        merged = merge(result.report, answers)
        self.store.update_report(result.attempt_id, merged)
        result.report = merged
        return result

    def summary(self, finish: bool = True) -> None:
        """The session's one-line-per-answer summary; finish=False leaves it open to resume (a loop)."""
        from voice_coach.report.terminal import render_summary

        if finish:
            self.store.finish_session(self.session_id)
        render_summary(self.session_id, [r.report for r in self.results if r.report], self.out)


def run_practice(
    session: Session,
    questions: list[Question],
    story_id: str | None = None,
    device: str | None = None,
    rubrics: list[Rubric] | None = None,
) -> None:
    from voice_coach.audio.capture import probe_level
    from voice_coach.audio.cues import cue_tone
    from voice_coach.audio.devices import check_input, has_output
    from voice_coach.audio.playback import play
    from voice_coach.report.terminal import render

    tts.preload(session.settings.voice)  # loads while the microphone is checked
    mic = check_input(device)  # before anything is asked: practice cannot work without one
    sound = has_output()
    level = probe_level(device)
    session.console.print(
        f"[dim]microphone: {escape(mic)}, level {level:.0f} dBFS"
        + ("" if sound else "; no speaker: questions are only printed")
        + "[/dim]"
    )
    if level <= SOUND_DBFS:
        session.console.print(f"[yellow]The microphone sends silence. {NO_SOUND}[/yellow]")
    session.start()
    items = [(r.as_question(), r) for r in rubrics or []] + [(q, None) for q in questions]

    def say(text: str, path: Path) -> None:
        tts.speak(text, path, session.settings.tts_rate, voice=session.settings.voice, play=sound)
        if sound:
            play(cue_tone())

    for n, (question, rubric) in enumerate(items, start=1):
        principle = session.bank.principles.get(question.principle)
        heading = f"Question {n}/{len(items)} · {principle.name if principle else 'rubric'}"
        session.out.print(Text(f"\n{heading}", style="bold"))
        say(question.text, session.folder / f"q{n}-question.wav")
        result = session.record_and_score(
            n, question, MicSource(device), story_id=story_id, live=True, rubric=rubric, heading=heading
        )
        if result.stopped_by not in ENDS_SESSION:
            probes = session.probes_for(question, result, session.settings.follow_ups)
            result = session.follow_up(
                n, question, result, probes, say, lambda _probe, _path: MicSource(device), live=True
            )
        if result.report:
            render(result.report, session.out)
        if result.stopped_by in ENDS_SESSION:
            if len(items) > n:
                session.console.print(f"[dim]stopped: {len(items) - n} question(s) not asked[/dim]")
            break
    session.summary()


def run_demo(
    session: Session,
    questions: list[Question],
    speed: float = 0.0,
    voice: str | None = None,
    rate: int = candidate.RATE,
    show: Callable[[AnswerReport], None] | None = None,
) -> list[AnswerResult]:
    """The practice flow with a synthetic candidate: no microphone, no speaker."""
    session.start()
    voice = voice or tts.candidate_voice(session.settings.voice)
    for n, question in enumerate(questions, start=1):
        story_id = next((s for s in question.stories if s in session.bank.stories), None)
        if story_id is None:
            story_id = next(iter(session.bank.stories))
        story = session.bank.stories[story_id]
        session.out.print(f"\n[bold]Question {n}/{len(questions)}[/bold] ({question.topic})")
        session.out.print(f"[bold]{escape(question.text)}[/bold]")
        q_path = tts.speak(
            question.text,
            session.folder / f"q{n}-question.wav",
            session.settings.tts_rate,
            voice=session.settings.voice,
            play=False,
        )
        script = candidate.answer(story)
        (session.folder / f"q{n}-script.txt").write_text(script + "\n", encoding="utf-8")
        voice_path = session.folder / f"q{n}-candidate-voice.wav"
        source = candidate.spoken(script, voice_path, speed, rate, voice)
        session.out.print(
            f"[dim]question audio: {q_path}\ncandidate telling '{escape(story.title)}': {voice_path}[/dim]"
        )
        result = session.record_and_score(n, question, source, story_id=None)
        probes = session.probes_for(question, result, session.settings.follow_ups)
        told = {b.id for b in result.report.bullets if b.covered} if result.report else set()

        def source_for(probe, path, story=story, told=told):
            return candidate.reply_source(story, probe, told, path, speed, rate, voice)

        def say(text: str, path: Path) -> None:
            tts.speak(text, path, session.settings.tts_rate, voice=session.settings.voice, play=False)

        result = session.follow_up(n, question, result, probes, say, source_for)
        if show and result.report:
            show(result.report)
    session.summary()
    return session.results


def recover(
    store: Store, bank: Bank, settings: Settings, console: Console, model: str | None = None
) -> list[int]:
    """Finish the analysis of every interrupted attempt whose recording is on disk, with the engine
    and model it was recorded with (or `model`), against its story and rubric."""
    from voice_coach.audio.files import load_audio

    done: list[int] = []
    engines: dict[tuple[str, str], Engine] = {}
    for row in store.interrupted(include_failed=True):
        path = Path(row.audio_path or "")
        if not path.is_file() or path.stat().st_size <= WAV_HEADER_BYTES:
            store.set_status(row.id, "empty", error="no audio was recorded before the interruption")
            console.print(f"attempt {row.id}: nothing was recorded")
            continue
        key = (row.engine or settings.engine, model or row.model or settings.model)
        if key not in engines:
            engines[key] = make_engine(key[0], key[1], settings.cache_dir, settings.filler_prompt)
        store.set_status(row.id, "transcribing")
        try:
            transcript = engines[key].transcribe(load_audio(path))
        except UserError as exc:
            store.set_status(row.id, "failed", error=str(exc))
            console.print(f"attempt {row.id}: {escape(str(exc))}")
            continue
        question = bank.questions.get(row.question_id or "")
        rubric = None if question else bank.rubrics.get(row.question_id or "")
        if rubric:
            question = rubric.as_question()
        story_id = row.story_id if row.story_id in bank.stories else None
        report = score(transcript, bank, settings, question, path, story_id, rubric=rubric)
        store.complete_attempt(row.id, report)
        seconds = transcript.duration_s or 0.0
        console.print(f"attempt {row.id}: recovered {seconds:.1f} s from {escape(str(path))}")
        done.append(row.id)
    return done
