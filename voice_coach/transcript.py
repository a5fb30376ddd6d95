"""What speech to text gives: words with their times, and the transcript they make.

Beneath speech (which produces them) and scoring (which reads them and keeps them in the report), so
a word is one type from the engine to the stored report.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Word:
    word: str
    start: float | None = None
    end: float | None = None
    # the recognizer's confidence: used while the transcript is built, not kept in the report
    probability: float | None = field(default=None, metadata={"json": False})

    def to_dict(self) -> dict:
        return {"word": self.word, "start": self.start, "end": self.end}

    def shifted(self, by: float) -> Word:
        """The word timed from `by` seconds earlier: a part's words placed in the whole audio."""

        def at(t: float | None) -> float | None:
            return None if t is None else round(max(0.0, t + by), 3)

        return Word(self.word, at(self.start), at(self.end), self.probability)


@dataclass
class Transcript:
    text: str
    words: list[Word]
    duration_s: float | None
    engine: str
    model: str
    seconds: float = 0.0  # time spent transcribing
    extra: dict = field(default_factory=dict)
    # where speech is in the audio (speech/vad.py): pauses come from these, not from word times
    speech_regions: list[tuple[float, float]] | None = None
