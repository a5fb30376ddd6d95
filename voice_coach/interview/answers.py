"""Where answers come from: the microphone at the desk, or the synthetic candidate of the demos.

The engine asks an `Answers` for the source of each answer and follow-up reply, and records each
take with its `take` function: the desk's draws the live screen and reads the keys; the plain one
just records (a demo, a file, a web page that shows its own screen).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import voice_coach.interview.candidate as candidate
from voice_coach.audio.capture import FileSource, MicSource, PushSource, Recorder, Recording
from voice_coach.bank.model import Rubric, Story
from voice_coach.scoring.followups import Probe

Source = MicSource | FileSource | PushSource


@dataclass(frozen=True)
class Prompt:
    """What a screen shows while one answer is recorded."""

    heading: str
    question: str
    target_s: float
    limit_s: float
    silence_s: float
    interviewer: str | None = None


Take = Callable[[Recorder, Prompt], Recording]


def plain_take(recorder: Recorder, prompt: Prompt) -> Recording:
    """Record without a screen or keys."""
    return recorder.record()


@dataclass(frozen=True)
class Answer:
    source: Source
    script: str | None = None  # what the synthetic candidate says
    voice: Path | None = None  # and where its voice is


class Answers(Protocol):
    take: Take
    live: bool  # a person answers: devices are checked, questions are played aloud

    def answer(
        self,
        folder: Path,
        n: int,
        rubric: Rubric | None,
        story: Story | None,
        gap: str | None,
        seconds: float | None,
    ) -> Answer: ...

    def reply(self, probe: Probe, path: Path, story: Story | None, told: set[str]) -> Source | None: ...


@dataclass
class Microphone:
    """A person at the desk answers every question and follow-up."""

    device: str | int | None = None
    take: Take = plain_take
    live: bool = True

    def answer(self, folder, n, rubric, story, gap, seconds) -> Answer:
        return Answer(MicSource(self.device))

    def reply(self, probe, path, story, told) -> Source | None:
        return MicSource(self.device)


@dataclass
class Candidate:
    """The synthetic candidate: tells the story (leaving the gap asked for, within `seconds`) and
    answers a follow-up with the bullets it left out."""

    speed: float = 0.0
    rate: int = candidate.RATE
    voice: str | None = None
    take: Take = plain_take
    live: bool = False

    def answer(self, folder, n, rubric, story, gap, seconds) -> Answer:
        if rubric is not None:
            script = candidate.rubric_answer(rubric, seconds)
        elif story is not None:
            script = candidate.answer(story, gap, seconds)
        else:
            raise ValueError("the candidate needs a story or a rubric to answer")
        script_file = folder / f"q{n}-script.txt"
        script_file.write_text(script + "\n", encoding="utf-8")
        script_file.chmod(0o600)
        path = folder / f"q{n}-candidate-voice.wav"
        return Answer(candidate.spoken(script, path, self.speed, self.rate, self.voice), script, path)

    def reply(self, probe, path, story, told) -> Source | None:
        if story is None:
            return None
        return candidate.reply_source(story, probe, told, path, self.speed, self.rate, self.voice)
