"""The browser room's side of a practice session: the interview engine runs on a worker thread,
exactly as at the desk; the page follows it by polling events, plays the questions it is sent, and
posts its microphone's audio and the desk's keys. Nothing of asking, scoring or storing is here."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path

import numpy as np

import voice_coach.interview.events as ev
from voice_coach import api
from voice_coach.audio.capture import PushSource, Recorder, Recording, Tick
from voice_coach.config import Settings
from voice_coach.errors import UserError, failure
from voice_coach.history.store import Store
from voice_coach.interview import Interview, Session, Voice, loop, practice_seat, prepare
from voice_coach.interview.answers import Answer, Prompt
from voice_coach.report.desk import STOP_KEYS
from voice_coach.scoring.coaching import fix_first
from voice_coach.scoring.delivery import find_fillers
from voice_coach.speech import tts
from voice_coach.speech.engines import Engine, engine_for

KEEP_EVENTS = 2000  # a page that polls from further back starts again from the oldest kept
ACTIONS = ("done", "pause", "resume", *STOP_KEYS.values())  # the desk's keys, as buttons


@dataclass
class RoomVoice(Voice):
    """The interviewer's voice played by the page: the WAV is written as at the desk, then the page
    is told to play it, and the interview goes on once it has (or has failed to)."""

    room: Room | None = None

    def say(self, text: str, path, voice: str | None = None, rate: int | None = None) -> float:
        from voice_coach.audio.files import duration_s

        tts.speak(text, path, rate or self.rate, voice=voice or self.default, play=False)
        seconds = duration_s(path) or 0.0
        if self.room is not None:
            self.room.play(Path(path), text, seconds)
        return seconds


@dataclass
class BrowserMic:
    """Every answer and follow-up reply comes from the page's microphone (Answers, as the desk's)."""

    room: Room
    live: bool = True

    def take(self, recorder: Recorder, prompt: Prompt) -> Recording:
        return self.room.take(recorder, prompt)

    def answer(self, folder, n, rubric, story, gap, seconds) -> Answer:
        return Answer(self.room.source)

    def reply(self, probe, path, story, told) -> PushSource:
        return self.room.source


@dataclass
class Room:
    """One practice at a time, driven by one page (another tab sees the same session)."""

    settings: Settings
    media_url: Callable[[Path], str]
    source: PushSource = field(default_factory=PushSource)
    session_id: str | None = None

    def __post_init__(self) -> None:
        self._events: list[dict] = []
        self._first = 0  # sequence number of self._events[0]
        self._cond = threading.Condition()
        self._recorder: Recorder | None = None
        self._tick: dict = {}
        self._played = threading.Event()
        self._quit = threading.Event()
        self._worker: threading.Thread | None = None
        self._speech: Engine | None = None
        self._session: Session | None = None
        self._starting = threading.Lock()

    def speech(self) -> Engine:
        """One speech engine for every session of the room: the model loads once, not per session."""
        if self._speech is None:
            self._speech = engine_for(self.settings)
        return self._speech

    # -- the page's requests ------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self._worker is not None and self._worker.is_alive()

    def start(
        self,
        principles: list[str],
        questions: list[str],
        story: str | None,
        by_need: bool,
        count: int,
    ) -> None:
        """Choose the questions as `practice` does (a bad choice fails here, for the page to say)
        and run the session on a worker thread."""
        if self.busy:
            raise UserError(
                "a practice session is already running in the room", fix="finish it, or press quit"
            )
        bank = api.load_bank(self.settings)
        with Store(self.settings.db_path) as store:
            chosen = api.choose_practice(bank, store, principles, count, story, questions, (), by_need)
        seat = practice_seat(chosen.questions, story, chosen.rubrics)

        def run(store: Store) -> None:
            session = Session(self.settings, bank, store, "practice", emit=self._emit, speech=self.speech())
            self._started(session)
            voice = RoomVoice(self.settings.voice, self.settings.tts_rate, room=self)
            Interview(session, BrowserMic(self), voice).run([seat])

        self._launch(run)

    def start_loop(self, loop_id: str | None, interviewer: int | None, restart: bool) -> None:
        """The mock loop as `voice-coach loop` runs it (an unfinished one resumed unless restart);
        its debrief is a page of the room."""
        if self.busy:
            raise UserError("a session is already running in the room", fix="finish it, or press quit")
        bank = api.load_bank(self.settings)
        if loop_id:
            bank.require("loops", loop_id)

        def run(store: Store) -> None:
            session, plan = prepare(
                self.settings, bank, store, loop_id, interviewer, False, restart, self._emit, self.speech()
            )
            self._started(session)
            voice = RoomVoice(self.settings.voice, self.settings.tts_rate, room=self)
            loop(session, plan, BrowserMic(self), voice)

        self._launch(run)

    def _launch(self, run: Callable[[Store], None]) -> None:
        with self._starting:  # two pages pressing start at once: one session, the other is told
            if self.busy:
                raise UserError("a session is already running in the room", fix="finish it, or press quit")
            self._quit.clear()
            self._worker = threading.Thread(target=self._run, args=(run,), daemon=True)
            self._worker.start()

    def push_audio(self, pcm16: bytes) -> None:
        """Little-endian 16-bit mono at 16 kHz from the page, while it records."""
        if self._recorder is None or len(pcm16) < 2:
            return
        data = np.frombuffer(pcm16[: len(pcm16) // 2 * 2], dtype="<i2").astype(np.float32) / 32768.0
        self.source.push(data)

    def control(self, action: str) -> None:
        """A button or key: done, pause, resume, restart, skip, quit."""
        if action not in ACTIONS:
            raise UserError(f"unknown action '{action}'", fix=f"use one of: {', '.join(ACTIONS)}")
        if action == "quit":
            self._quit.set()
            self._played.set()
        recorder = self._recorder
        if recorder is None:
            return
        if action == "pause":
            recorder.paused.set()
        elif action == "resume":
            recorder.paused.clear()
        else:
            recorder.paused.clear()
            recorder.request_stop("enter" if action == "done" else action)
            self.source.stop()  # at once, not at the page's next block of audio

    def played(self) -> None:
        """The page has played the last thing the interviewer said."""
        self._played.set()

    def events(self, since: int, wait_s: float = 0.5) -> dict:
        """Events after `since` (waiting up to wait_s for one), the recorder's clock and level."""
        with self._cond:
            if self._first + len(self._events) <= since:
                self._cond.wait(wait_s)
            start = max(since, self._first)
            out = self._events[start - self._first :]
            return {
                "events": out,
                "next": self._first + len(self._events),
                "tick": dict(self._tick) if self._recorder is not None else None,
                "busy": self.busy,
            }

    # -- the engine's side (worker thread) ------------------------------------------------------
    def _started(self, session: Session) -> None:
        self.session_id, self._session = session.session_id, session
        from voice_coach.report import html

        threading.Thread(target=html.warm, daemon=True).start()  # while the first question plays
        self._push({"type": "Started", "session": session.session_id, "kind": session.kind})

    def _run(self, run: Callable[[Store], None]) -> None:
        """The session on this worker thread, with a store of its own (SQLite: one per thread)."""
        try:
            with Store(self.settings.db_path) as store:
                run(store)
        except Exception as exc:  # the page says what failed; recordings and rows are kept as at the desk
            found = failure(exc)
            self._push({"type": "Failed", "text": found[0] if found else f"{type(exc).__name__}: {exc}"})
        finally:
            self._push({"type": "Idle"})

    def play(self, path: Path, text: str, seconds: float) -> None:
        self._played.clear()
        self._push({"type": "Play", "url": self.media_url(path), "text": text, "seconds": round(seconds, 2)})
        # the page plays it when the user is ready (after a report, on "next"): no limit but a quit
        self._played.wait()

    def take(self, recorder: Recorder, prompt: Prompt) -> Recording:
        speech, last = [0.0], [0.0]

        def tick(t: Tick) -> None:
            if t.speaking:
                speech[0] += t.elapsed_s - last[0]
            last[0] = t.elapsed_s
            self._tick = {  # plain Python numbers: the level comes from numpy
                "elapsed": round(float(t.elapsed_s), 2),
                "level": round(float(t.level_dbfs), 1),
                "speaking": bool(t.speaking),
                "speech": round(float(speech[0]), 1),
                "paused": recorder.paused.is_set(),
            }

        recorder.on_tick = tick
        self.source.clear()
        self._tick = {"elapsed": 0.0, "level": -120.0, "speaking": False, "speech": 0.0, "paused": False}
        self._recorder = recorder
        if self._quit.is_set():  # quit while the question played: keep nothing, ask nothing more
            recorder.request_stop("quit")
            self.source.stop()
        self._push(
            {
                "type": "Listening",
                "heading": prompt.heading,
                "question": prompt.question,
                "target_s": prompt.target_s,
                "limit_s": prompt.limit_s,
                "silence_s": prompt.silence_s,
            }
        )
        try:
            return recorder.record()
        finally:
            self._recorder = None

    def _emit(self, event: ev.Event) -> None:
        self._push(self._as_dict(event))

    def _as_dict(self, event: ev.Event) -> dict:
        """An engine event as the page reads it: paths as URLs, words as text with the fillers heard."""
        out: dict = {"type": type(event).__name__}
        if isinstance(event, ev.AnswerScored):
            r = event.report
            fixes = fix_first(r)
            out.update(
                session=self.session_id,
                answer=self._session.results[-1].attempt_id
                if self._session and self._session.results
                else None,
                story=r.story.title or "",
                coverage=r.coverage,
                duration_s=r.audio.duration_s,
                fix=fixes[0].text if fixes else "",
            )
            return out
        if isinstance(event, ev.SessionEnded):
            out.update(session=event.session_id, answers=len(event.reports), finished=event.finished)
            return out
        if isinstance(event, ev.StretchTranscribed):
            words = list(event.words)
            out.update(
                text=" ".join(w.word.strip() for w in words),
                fillers=[{"word": f.word, "at": f.start} for f in find_fillers(words)],
            )
            return out
        if isinstance(event, ev.ProbeAsked):
            out.update(text=event.probe.text, k=event.k, total=event.total)
            return out
        for f in fields(event):
            value = getattr(event, f.name)
            if isinstance(value, Path):
                value = self.media_url(value)
            elif not isinstance(value, str | int | float | bool | type(None)):
                continue
            out[f.name] = value
        return out

    def _push(self, event: dict) -> None:
        with self._cond:
            event["seq"] = self._first + len(self._events)
            self._events.append(event)
            if len(self._events) > KEEP_EVENTS:
                drop = len(self._events) - KEEP_EVENTS
                del self._events[:drop]
                self._first += drop
            self._cond.notify_all()
