"""Measure the scorer on hand-labelled answers: bullet coverage, story identification, STAR parts.

Text mode scores the labelled transcripts directly. Audio mode first speaks each answer with
espeak-ng (several voices and speeds), transcribes it with Whisper and scores the transcript, so
recognition errors count too; STAR labels are carried to the recognized sentences by aligning words.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from voice_coach.bank.model import Bank
from voice_coach.errors import UserError
from voice_coach.scoring.analyze import analyze
from voice_coach.scoring.coverage import Scorer
from voice_coach.scoring.model import TAGS, AnswerReport, SentenceResult
from voice_coach.speech.engines import Transcript, transcript_from_text
from voice_coach.tokens import norm

PART_OF: dict[str, str | None] = {**TAGS, "O": None}
PARTS = list(TAGS.values())  # situation, task, action, result: the order a report reads them
LABELLED = Path(__file__).resolve().parent / "labelled"  # installed with the package: `eval` works anywhere
SETS = {
    "labelled": "labelled_answers.yaml",
    "heldout": "heldout_answers.yaml",
    "hard": "hard_answers.yaml",
    "hard-heldout": "hard_heldout_answers.yaml",
    # answers to the stories of the user's own notes (../shared/user-notes), as imported
    "own": "own_answers.yaml",
    "own-heldout": "own_heldout_answers.yaml",
}


def default_set() -> Path:
    """The 34 labelled answers the scorer was tuned on."""
    return LABELLED / SETS["labelled"]


def set_path(name_or_path: str | Path) -> Path:
    """A shipped set by name ('labelled', 'heldout') or a YAML file of your own."""
    return LABELLED / SETS[str(name_or_path)] if str(name_or_path) in SETS else Path(name_or_path)


def set_notes(path: Path) -> str:
    """The notes file a set's stories come from (its `notes:` key), for the message when absent."""
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        return str(doc.get("notes") or "NOTES.md")
    except (OSError, yaml.YAMLError, AttributeError):
        return "NOTES.md"


@dataclass
class Labelled:
    id: str
    question: str | None
    story: str | None
    kind: str
    sentences: list[tuple[str, str, list[str]]]

    @property
    def text(self) -> str:
        return " ".join(s[1] for s in self.sentences)

    @property
    def covered(self) -> set[str]:
        return {str(b) for s in self.sentences for b in s[2]}


def load_set(path: Path) -> list[Labelled]:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        return [
            Labelled(
                a["id"],
                a.get("question"),
                a.get("story"),
                a.get("kind", ""),
                [(str(p), str(t), [str(b) for b in bs]) for p, t, bs in a["sentences"]],
            )
            for a in doc["answers"]
        ]
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as exc:
        raise UserError(
            f"cannot read the labelled answers: {exc}",
            where=str(path),
            fix="check the file against voice_coach/evaluation/labelled/labelled_answers.yaml",
        ) from exc


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    story_ok: int = 0
    answers: int = 0
    star_ok: int = 0
    sentences: int = 0
    pairs: list[tuple[float, bool]] = field(
        default_factory=list
    )  # (score, labelled covered), for calibration
    misses: list[str] = field(default_factory=list)
    # per labelled part (S, T, A, R): [sentences labelled so, of them given that part]
    by_part: dict[str, list[int]] = field(default_factory=dict)

    def _parts(self) -> list[str]:
        return [p for p in PARTS if p in self.by_part]

    def metrics(self) -> dict:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        return {
            "precision": round(p, 3),
            "recall": round(r, 3),
            "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
            "story_accuracy": round(self.story_ok / self.answers, 3) if self.answers else 0.0,
            "star_accuracy": round(self.star_ok / self.sentences, 3) if self.sentences else 0.0,
            # of the sentences labelled with a part, the share given it: the Task and Result
            "star_recall": {p: round(self.by_part[p][1] / self.by_part[p][0], 3) for p in self._parts()},
            "answers": self.answers,
            "sentences": self.sentences,
            "bullets": self.tp + self.fn,
        }


def _aligned_labels(item: Labelled, hyp_sentences: list[SentenceResult]) -> list[str | None]:
    """The labelled STAR part for each recognized sentence, by majority of its aligned words."""
    ref_words, ref_sent = [], []
    for i, (_, text, _) in enumerate(item.sentences):
        for w in text.split():
            ref_words.append(norm(w))
            ref_sent.append(i)
    hyp_words, hyp_sent = [], []
    for j, s in enumerate(hyp_sentences):
        for w in s.text.split():
            hyp_words.append(norm(w))
            hyp_sent.append(j)
    votes: list[dict[int, int]] = [{} for _ in hyp_sentences]
    matcher = difflib.SequenceMatcher(a=ref_words, b=hyp_words, autojunk=False)
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            j = hyp_sent[block.b + k]
            i = ref_sent[block.a + k]
            votes[j][i] = votes[j].get(i, 0) + 1
    labels = []
    for v in votes:
        labels.append(PART_OF[item.sentences[max(v, key=v.get)][0]] if v else None)
    return labels


def word_parts(report: AnswerReport) -> tuple[list[str], list[str | None]]:
    """Each transcript word (normalized) and the STAR part of the sentence it stands in."""
    label: list[str | None] = [None] * len(report.transcript.words)
    for s in report.sentences:
        label[s.first : s.last + 1] = [s.part] * (s.last - s.first + 1)
    return [norm(w.word) for w in report.transcript.words], label


def part_agreement(a: AnswerReport, b: AnswerReport) -> tuple[int, int]:
    """(words whose STAR part agrees, words aligned) between two tellings of one answer: how much
    STAR hangs on the pace or on Whisper's full stops (tests/test_clauses.py, bench/star_stability.py)."""
    (wa, la), (wb, lb) = word_parts(a), word_parts(b)
    same = total = 0
    for block in difflib.SequenceMatcher(a=wa, b=wb, autojunk=False).get_matching_blocks():
        for k in range(block.size):
            total += 1
            same += la[block.a + k] == lb[block.b + k]
    return same, total


def score_one(item: Labelled, report: AnswerReport, tally: Tally, aligned: bool) -> None:
    tally.answers += 1
    predicted = report.story.id
    if predicted == item.story:
        tally.story_ok += 1
    else:
        tally.misses.append(f"{item.id}: story {predicted} (labelled {item.story})")
    want = item.covered if predicted == item.story else set()
    got = {b.id for b in report.bullets if b.covered}
    tally.tp += len(got & want)
    tally.fp += len(got - want)
    tally.fn += len(item.covered) - len(got & want)
    for b in report.bullets:
        tally.pairs.append((b.score, predicted == item.story and b.id in item.covered))
    for b in sorted(got - want):
        tally.misses.append(f"{item.id}: bullet {b} credited, not said")
    for b in sorted(want - got):
        tally.misses.append(f"{item.id}: bullet {b} said, not credited")
    sents = report.sentences
    labels = (
        _aligned_labels(item, sents)
        if aligned or len(sents) != len(item.sentences)
        else [PART_OF[p] for p, _, _ in item.sentences]
    )
    for s, want_part in zip(sents, labels, strict=True):
        tally.sentences += 1
        tally.star_ok += s.part == want_part
        if want_part is not None:
            seen = tally.by_part.setdefault(want_part, [0, 0])
            seen[0] += 1
            seen[1] += s.part == want_part


def evaluate(
    bank: Bank,
    items: Iterable[Labelled],
    scorer: Scorer,
    transcribe: Callable[[Labelled], Transcript] | None = None,
    progress: Callable[[str], None] | None = None,
) -> Tally:
    """Score every labelled answer, from its text or (with transcribe) from its synthesized audio."""
    tally = Tally()
    items = list(items)
    for n, item in enumerate(items, start=1):
        question = bank.questions.get(item.question) if item.question else None
        transcript = transcribe(item) if transcribe else transcript_from_text(item.text)
        report = analyze(transcript, bank, question, scorer=scorer)
        score_one(item, report, tally, aligned=transcribe is not None)
        if progress:
            progress(f"{n}/{len(items)} {item.id}")
    return tally


def synthesized_transcriber(
    engine, folder: Path, voice: str | None, rate: int
) -> Callable[[Labelled], Transcript]:
    """For evaluation: speak a text (espeak-ng, or the neural voice with a pause between
    sentences, as a person leaves), feed it through the recorder, transcribe it."""
    from voice_coach.audio.capture import FileSource, Recorder, StopRules
    from voice_coach.audio.files import load_audio
    from voice_coach.speech import tts

    def transcribe(item: Labelled) -> Transcript:
        spoken = tts.synthesize(
            item.text, folder / f"{item.id}-{rate}-voice.wav", rate=rate, voice=voice, gap_s=SENTENCE_PAUSE_S
        )
        recorded = folder / f"{item.id}-{rate}.wav"
        Recorder(FileSource(spoken, speed=0), recorded, StopRules(hard_limit_s=600)).record()
        return engine.transcribe(load_audio(recorded))

    return transcribe


# (voice, words per minute) of the audio runs: two espeak-ng voices at two paces, and the natural
# neural voice at a calm and at a quick pace (Whisper punctuates less the quicker it is spoken)
AUDIO_RUNS = (
    ("gmw/en-us", 150),
    ("gmw/en-us", 190),
    ("gmw/en", 150),
    ("gmw/en", 190),
    ("joe", 150),
    ("joe", 230),
)
SENTENCE_PAUSE_S = 0.6  # the neural voice's pause between sentences in the audio runs


def run_all(
    bank: Bank,
    items: list[Labelled],
    scorer: Scorer,
    engine=None,
    progress: Callable[[str], None] | None = None,
    voices: Sequence[str] = (),
) -> dict[str, Tally]:
    """The text run, and with an engine the audio runs (AUDIO_RUNS, or those of the named voices;
    the neural voice's only when it is installed)."""
    import tempfile

    runs = {"text": evaluate(bank, items, scorer)}
    if engine is None:
        return runs
    from voice_coach.speech import tts

    with tempfile.TemporaryDirectory() as tmp:
        for voice, rate in AUDIO_RUNS:
            if voices and voice not in voices:
                continue
            if tts.resolve(voice).why:  # the neural voice is not installed
                continue
            name = f"audio {voice} {rate}"
            runs[name] = evaluate(
                bank,
                items,
                scorer,
                synthesized_transcriber(engine, Path(tmp), voice, rate),
                progress=(lambda m, n=name: progress(f"{n}: {m}")) if progress else None,
            )
    return runs
