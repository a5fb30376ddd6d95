"""What happens in an interview, as events: the engine emits them and never prints; the terminal
(report/live.py), the desk and later a web page render them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from voice_coach.scoring.followups import Probe
from voice_coach.scoring.model import AnswerReport
from voice_coach.transcript import Word


@dataclass(frozen=True)
class Event:
    pass


@dataclass(frozen=True)
class Notice(Event):
    """A line to show the user: `tone` is "dim" (progress), "warn" or "say" (the interviewer's words)."""

    text: str
    tone: str = "dim"


@dataclass(frozen=True)
class MicChecked(Event):
    device: str
    level_dbfs: float
    speaker: bool
    silent: bool


@dataclass(frozen=True)
class InterviewerStarted(Event):
    name: str
    clock: str
    answered: int  # of `steps` already answered (a resumed loop)
    steps: int


@dataclass(frozen=True)
class QuestionAsked(Event):
    n: int
    heading: str  # "Question 2/5 · Earn Trust", or "Natesh · 3:10 / 15:00 · Earn Trust" in a loop
    text: str
    audio: Path | None = None  # the question as spoken


@dataclass(frozen=True)
class CandidateTelling(Event):
    """The demo: the synthetic candidate's answer, which story and where its voice is."""

    story: str
    voice: Path


@dataclass(frozen=True)
class Recording(Event):
    source: str  # "microphone", "file"


@dataclass(frozen=True)
class StretchTranscribed(Event):
    """While the answer is spoken: the words heard so far (on the transcriber's thread)."""

    words: tuple[Word, ...]


@dataclass(frozen=True)
class Recorded(Event):
    path: Path
    duration_s: float
    stopped_by: str  # how it ended, said for a person ("Enter", "silence", ...)


@dataclass(frozen=True)
class Transcribing(Event):
    done: bool = False


@dataclass(frozen=True)
class ProbeAsked(Event):
    probe: Probe
    k: int
    total: int


@dataclass(frozen=True)
class ProbesSkipped(Event):
    count: int
    none_asked: bool  # the interviewer moves on without any follow-up


@dataclass(frozen=True)
class AnswerScored(Event):
    """The answer and its follow-ups, scored and stored: the report to show."""

    report: AnswerReport


@dataclass(frozen=True)
class StoryReused(Event):
    story: str
    interviewers: tuple[str, ...]


@dataclass(frozen=True)
class InterviewerDone(Event):
    name: str
    clock: str


@dataclass(frozen=True)
class SessionEnded(Event):
    session_id: str
    reports: tuple[AnswerReport, ...]
    finished: bool  # False: a loop stopped, to be resumed


Listener = Callable[[Event], None]


def ignore(event: Event) -> None:
    """The listener of a session nobody watches (a library call, a benchmark)."""
