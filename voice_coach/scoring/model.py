"""The answer report as typed objects: what `analyze --json` prints, what the history stores and
what every report, the debrief, replay and the follow-up rules read.

`AnswerReport.to_dict()` is the JSON contract of PRODUCT.md (and `answer_report.schema.json` beside
this file); `AnswerReport.from_dict()` reads it back, also from reports stored by older versions.
Fields marked `json=False` are derived facts kept for readers (a sentence's word indexes) and are
recomputed when a stored report is read.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from voice_coach.scoring.text import substance
from voice_coach.transcript import Word

Part = Literal["situation", "task", "action", "result"]
Tag = Literal["S", "T", "A", "R"]
# STAR parts in answer order, and their one-letter tags: the one place they are defined.
PARTS: tuple[Part, ...] = ("situation", "task", "action", "result")
TAGS: dict[str, Part] = {"S": "situation", "T": "task", "A": "action", "R": "result"}
LETTER: dict[str, str] = {part: tag for tag, part in TAGS.items()}

T = TypeVar("T")


def _internal() -> dict:
    return {"json": False}


def _to_json(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _to_json(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.metadata.get("json", True)
            and not (f.metadata.get("omit_none") and getattr(value, f.name) is None)
        }
    if isinstance(value, list | tuple):
        return [_to_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _to_json(v) for k, v in value.items()}
    return value


def _from_json(tp: Any, value: Any) -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return None
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        return _from_json(inner[0], value)
    if origin is list:
        (inner,) = typing.get_args(tp)
        return [_from_json(inner, v) for v in value or []]
    if dataclasses.is_dataclass(tp):
        return _build(tp, value)
    if tp is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def _build(cls: type[T], data: dict) -> T:
    hints = typing.get_type_hints(cls)
    kwargs = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if f.name in data and f.metadata.get("json", True):
            kwargs[f.name] = _from_json(hints[f.name], data[f.name])
    return cls(**kwargs)


class _Json:
    """to_dict / from_dict for the report's parts."""

    def to_dict(self) -> dict:
        return _to_json(self)

    @classmethod
    def from_dict(cls, data: dict):
        return _build(cls, data)


@dataclass
class QuestionRef(_Json):
    id: str
    text: str
    principle: str | None = None


@dataclass
class AudioInfo(_Json):
    path: str | None = None
    duration_s: float | None = None


@dataclass
class TranscriptBlock(_Json):
    text: str = ""
    words: list[Word] = field(default_factory=list)


@dataclass
class Pause(_Json):
    start: float
    end: float

    @property
    def seconds(self) -> float:
        return self.end - self.start


@dataclass
class Filler(_Json):
    word: str
    start: float | None = None


@dataclass
class Fillers(_Json):
    count: int = 0
    per_min: float | None = None
    items: list[Filler] = field(default_factory=list)


@dataclass
class Hedge(_Json):
    phrase: str
    start: float | None = None


@dataclass
class Delivery(_Json):
    """Timing keys are None for a typed answer."""

    speaking_s: float | None = None
    wpm: float | None = None
    pauses: list[Pause] = field(default_factory=list)
    long_pauses: int | None = None
    fillers: Fillers = field(default_factory=Fillers)
    i_we_ratio: float | None = None
    target_s: float = 120.0
    wpm_band: list[float] = field(default_factory=lambda: [130.0, 160.0])
    hedges: list[Hedge] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)


@dataclass
class StarPart(_Json):
    present: bool = False
    seconds: float | None = None
    share: float = 0.0
    evidence: str = ""


@dataclass
class Star(_Json):
    situation: StarPart = field(default_factory=StarPart)
    task: StarPart = field(default_factory=StarPart)
    action: StarPart = field(default_factory=StarPart)
    result: StarPart = field(default_factory=StarPart)
    quantified_result: bool = False

    def part(self, name: str) -> StarPart:
        return getattr(self, name)

    def present(self) -> list[Part]:
        return [p for p in PARTS if self.part(p).present]

    def letters(self) -> str:
        """'STAR' with a dash for each missing part: 'S-AR'."""
        return "".join(LETTER[p] if self.part(p).present else "-" for p in PARTS)


@dataclass
class StoryMatch(_Json):
    id: str | None = None
    title: str | None = None
    confidence: float = 0.0
    expected: list[str] = field(default_factory=list)
    other_than_expected: bool = False
    # no story because the answer speaks in general: no verb in the past, habits or opinions
    general_talk: bool = False
    # a sentence that tells another story of the bank, not this one: the answer mixed two stories
    mixed_with: str | None = None
    mixed_evidence: str = ""


@dataclass
class BulletResult(_Json):
    id: str
    text: str
    star: Tag | None = None
    covered: bool = False
    score: float = 0.0
    evidence: str = ""


@dataclass
class SentenceResult(_Json):
    text: str
    start: float | None = None
    end: float | None = None
    part: Part | None = None
    # the sentence's words in the transcript: words[first:last + 1] (recomputed from a stored report)
    first: int = field(default=0, metadata=_internal())
    last: int = field(default=-1, metadata=_internal())


@dataclass
class ModelInfo(_Json):
    engine: str = ""
    name: str = ""
    transcribe_s: float = 0.0
    scorer: str = ""


@dataclass
class ProbeResult(_Json):
    """A follow-up that was asked, and what its answer recovered."""

    rule: str
    text: str
    reason: str = ""
    parts: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    transcript: str = ""
    audio_path: str | None = None
    duration_s: float = 0.0
    recovered_bullets: list[str] = field(default_factory=list)
    recovered_parts: list[str] = field(default_factory=list)
    quantified_now: bool = False
    answered: bool = False

    def recovered_text(self) -> str:
        """What this probe brought back, in words, for the reports."""
        if not self.answered:
            return "no answer"
        got = list(self.recovered_parts)
        if self.recovered_bullets:
            got.append(f"{len(self.recovered_bullets)} bullet(s)")
        if self.quantified_now:
            got.append("a number")
        return "recovered " + ", ".join(got) if got else "nothing new"


@dataclass
class Merged(_Json):
    """The answer and its follow-ups together."""

    coverage: float = 0.0
    covered: list[str] = field(default_factory=list)
    star_present: list[str] = field(default_factory=list)
    quantified_result: bool = False
    addresses: bool | None = None  # the question's words heard in the answer or a follow-up's


@dataclass
class Ending(_Json):
    """How a recorded answer ended, and the follow-ups it was owed: facts the report, the debrief
    and the history read, never infer."""

    stopped_by: str | None = None  # silence, time limit, key, quit ... (None: a file or typed answer)
    limit_s: float | None = None  # the hard limit that applied
    follow_ups_skipped: int = 0  # owed follow-ups the loop dropped for time

    @property
    def cut_off(self) -> bool:
        return self.stopped_by == "time limit"


@dataclass
class Heard(_Json):
    """A word or phrase the question listens for, as the answer said it."""

    phrase: str
    start: float | None = None


@dataclass
class Relevance(_Json):
    """Whether the answer speaks of what the question asks for: the question's own words to listen
    for ("inputs", "metrics", "tracked" for "the inputs you tracked"), heard or not. A fact about
    the words said, not a judgement of the story: an answer that never names what was asked leaves
    the interviewer to guess."""

    asks: str  # what the question asks about, in its own words
    look_for: list[str] = field(default_factory=list)
    heard: list[Heard] = field(default_factory=list)
    # the bank question whose words these are, when the question (from notes) lists none of its own
    words_of: str | None = None

    @property
    def addresses(self) -> bool:
        return bool(self.heard)


@dataclass
class AnswerReport(_Json):
    question: QuestionRef
    audio: AudioInfo = field(default_factory=AudioInfo)
    transcript: TranscriptBlock = field(default_factory=TranscriptBlock)
    delivery: Delivery = field(default_factory=Delivery)
    star: Star = field(default_factory=Star)
    story: StoryMatch = field(default_factory=StoryMatch)
    bullets: list[BulletResult] = field(default_factory=list)
    coverage: float = 0.0
    follow_ups: list[str] = field(default_factory=list)
    rubric: str | None = None
    sentences: list[SentenceResult] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    model: ModelInfo = field(default_factory=ModelInfo)
    # present once follow-ups were asked (followups.merge)
    probes: list[ProbeResult] | None = field(default=None, metadata={"omit_none": True})
    merged: Merged | None = field(default=None, metadata={"omit_none": True})
    ending: Ending | None = field(default=None, metadata={"omit_none": True})
    # present when the question lists words to listen for (the shipped bank's do; a rubric's not)
    relevance: Relevance | None = field(default=None, metadata={"omit_none": True})

    @classmethod
    def from_dict(cls, data: dict) -> AnswerReport:
        report = _build(cls, data)
        assign_word_indexes(report.sentences, len(report.transcript.words))
        return report

    def totals(self) -> Merged:
        """Coverage, covered bullets, STAR parts and quantified result with the follow-ups counted."""
        if self.merged is not None:
            return self.merged
        return Merged(
            coverage=self.coverage,
            covered=[b.id for b in self.bullets if b.covered],
            star_present=list(self.star.present()),
            quantified_result=self.star.quantified_result,
            addresses=self.relevance.addresses if self.relevance else None,
        )

    def missed(self) -> list[str]:
        """The bullets (or rubric points) not covered, follow-ups counted: what adds most to the
        answer first (results and actions with facts before opinions and asides), then the
        shortest, the quickest to close."""
        covered = set(self.totals().covered)
        missed = [b for b in self.bullets if b.id not in covered]
        return [b.text for b in sorted(missed, key=lambda b: (-substance(b.text, b.star), len(b.text)))]

    def sentence_words(self, sentence: SentenceResult) -> list[Word]:
        return self.transcript.words[sentence.first : sentence.last + 1]

    def shown_part(self, sentence: SentenceResult) -> Part | None:
        """A sentence's STAR part as the reports show it: none for a rubric prompt, which is judged
        by its points (the terminal, the HTML transcript and its timeline read this)."""
        return None if self.rubric else sentence.part

    def word_parts(self) -> list[Part | None]:
        """The STAR part of each word of the transcript (None: other)."""
        parts: list[Part | None] = [None] * len(self.transcript.words)
        for s in self.sentences:
            for i in range(s.first, min(s.last + 1, len(parts))):
                parts[i] = s.part
        return parts


def assign_word_indexes(sentences: list[SentenceResult], n_words: int) -> None:
    """Sentences partition the transcript's words in order; a sentence's text is its words joined
    by spaces, so its word count gives its range."""
    i = 0
    for s in sentences:
        n = len(s.text.split())
        s.first, s.last = i, min(i + n, n_words) - 1
        i += n
