"""The practice and demo flow: ask, record, transcribe, score, store, report.

This module wires the parts together; the parts (bank, audio, speech, scoring, store, report)
know nothing of it or of the CLI.
"""

from __future__ import annotations

import random
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from voice_coach import candidate
from voice_coach.audio import WAV_HEADER_BYTES
from voice_coach.audio.capture import FileSource, MicSource, Recorder, StopRules, Tick, ensure_room
from voice_coach.bank.model import Bank, Question, Rubric
from voice_coach.config import Settings
from voice_coach.errors import UserError
from voice_coach.faults import pause
from voice_coach.planner import bullet_history
from voice_coach.scoring.analyze import score
from voice_coach.scoring.followups import Probe, choose, merge
from voice_coach.scoring.model import AnswerReport
from voice_coach.speech import tts
from voice_coach.speech.engines import Engine, make_engine
from voice_coach.store import Store, new_session_id
from voice_coach.units import mmss


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
    pool = list(bank.questions.values())
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
        _limit_malloc_arenas()
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
    ) -> AnswerResult:
        self.start()
        target = question.target_s or self.settings.target_s
        rules = StopRules(
            silence_after_speech_s=self.settings.silence_stop_s,
            hard_limit_s=hard_limit_s or question.hard_limit_s or self.settings.hard_limit_s,
        )
        path = self.folder / f"q{n}-answer.wav"
        ensure_room(self.folder, rules.hard_limit_s)  # before the question's minutes are spent
        recorder = Recorder(source, path, rules)
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
        streamer = None
        if self.streaming:
            from voice_coach.speech.streaming import StreamingTranscriber

            # transcribe finished stretches while the user is still speaking
            streamer = StreamingTranscriber(self.engine, speech_dbfs=rules.speech_dbfs)
            recorder.listeners.append(streamer.feed)
        if live:
            recorder.on_tick = _clock(self.console, target, rules.hard_limit_s)
            _stop_on_enter(recorder)
        self.console.print(f"[dim]recording ({source.name})...[/dim]")
        try:
            recording = recorder.record()
        finally:
            if live:
                self.console.print()
        self.console.print(
            f"[dim]recorded {recording.duration_s:.1f} s ({recording.stopped_by}) -> {path}[/dim]"
        )
        if recording.stopped_by == "disk full":
            self.console.print(
                f"[yellow]the disk filled while recording: the first {recording.duration_s:.1f} s are kept "
                f"in {path}; free some space before the next answer[/yellow]"
            )
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
        except Exception as exc:  # the recording is kept; the row says why it failed
            self.store.set_status(attempt, "failed", error=str(exc))
            raise
        latency = time.perf_counter() - t_end
        self.store.complete_attempt(attempt, report, latency)
        result = AnswerResult(
            attempt, report, path, recording.stopped_by, latency, limit_s=rules.hard_limit_s
        )
        self.results.append(result)
        _release_memory()  # after the report, outside the latency the user waits for
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
            if live:
                recorder.on_tick = _clock(self.console, rules.hard_limit_s / 2, rules.hard_limit_s)
                _stop_on_enter(recorder)
            recording = recorder.record()
            if live:
                self.console.print()
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

    def summary(self) -> None:
        from voice_coach.report.terminal import render_summary

        self.store.finish_session(self.session_id)
        render_summary(self.session_id, [r.report for r in self.results if r.report], self.out)


def _glibc(call: str, *args: int) -> None:
    """Call a glibc malloc tuning function; elsewhere (musl, macOS) there is nothing to tune."""
    import ctypes
    import ctypes.util

    try:
        getattr(ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6"), call)(*args)
    except (OSError, AttributeError):
        pass


def _limit_malloc_arenas(arenas: int = 2) -> None:
    """glibc gives each thread its own malloc arena; with the recorder, the streaming worker and the
    model threads that fragments into about 60 MB of extra peak memory (bench: 576 -> 517 MB)."""
    _glibc("mallopt", -8, arenas)  # M_ARENA_MAX


def _release_memory() -> None:
    """Hand the transcription's freed buffers back to the system between answers (glibc keeps them
    otherwise): about 55 MB less resident while the next question is asked."""
    _glibc("malloc_trim", 0)


def _clock(console: Console, target_s: float, hard_s: float) -> Callable[[Tick], None]:
    """A live one-line clock against the target, refreshed every half second."""
    last = [-1.0]

    def tick(t: Tick) -> None:
        if t.elapsed_s - last[0] < 0.5:
            return
        last[0] = t.elapsed_s
        over = " [bold red]over target[/bold red]" if t.elapsed_s > target_s else ""
        dot = "[red]●[/red]" if t.speaking else "○"
        console.print(
            f"\r{dot} {mmss(t.elapsed_s)} / target {mmss(target_s)} (stops at {mmss(hard_s)}) "
            f"- press Enter when done{over}   ",
            end="",
        )

    return tick


def _stop_on_enter(recorder: Recorder) -> None:
    """Enter stops the recording (only when a person is at a terminal)."""
    if not sys.stdin or not sys.stdin.isatty():
        return

    def wait() -> None:
        try:
            sys.stdin.readline()
        except (OSError, ValueError):
            return
        recorder.request_stop()

    threading.Thread(target=wait, daemon=True).start()


def run_practice(
    session: Session,
    questions: list[Question],
    story_id: str | None = None,
    device: str | None = None,
    rubrics: list[Rubric] | None = None,
) -> None:
    from voice_coach.audio.cues import cue_tone
    from voice_coach.audio.devices import check_input, has_output
    from voice_coach.audio.playback import play
    from voice_coach.report.terminal import render

    mic = check_input(device)  # before anything is asked: practice cannot work without one
    sound = has_output()
    session.console.print(
        f"[dim]microphone: {mic}" + ("" if sound else "; no speaker: questions are only printed") + "[/dim]"
    )
    session.start()
    items = [(r.as_question(), r) for r in rubrics or []] + [(q, None) for q in questions]

    def say(text: str, path: Path) -> None:
        tts.speak(text, path, session.settings.tts_rate, play=sound)
        if sound:
            play(cue_tone())

    for n, (question, rubric) in enumerate(items, start=1):
        session.out.print(f"\n[bold]Question {n}/{len(items)}[/bold] ({question.principle or 'rubric'})")
        session.out.print(f"[bold]{escape(question.text)}[/bold]")
        say(question.text, session.folder / f"q{n}-question.wav")
        result = session.record_and_score(
            n, question, MicSource(device), story_id=story_id, live=True, rubric=rubric
        )
        probes = session.probes_for(question, result, session.settings.follow_ups)
        result = session.follow_up(
            n, question, result, probes, say, lambda _probe, _path: MicSource(device), live=True
        )
        if result.report:
            render(result.report, session.out)
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
    for n, question in enumerate(questions, start=1):
        story_id = next((s for s in question.stories if s in session.bank.stories), None)
        if story_id is None:
            story_id = next(iter(session.bank.stories))
        story = session.bank.stories[story_id]
        session.out.print(f"\n[bold]Question {n}/{len(questions)}[/bold] ({question.principle})")
        session.out.print(f"[bold]{escape(question.text)}[/bold]")
        q_path = tts.speak(
            question.text, session.folder / f"q{n}-question.wav", session.settings.tts_rate, play=False
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
            tts.speak(text, path, session.settings.tts_rate, play=False)

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
