"""voice-coach as a library: score answers, import notes, read the bank and the history.

The CLI is a thin layer over these functions. Every expected failure is a `UserError` (or its
`EnvironmentProblem` subclass) whose `.what`, `.where` and `.fix` say what went wrong, in which
file, and how to fix it:

    import voice_coach as vc
    report = vc.analyze_text("At my last job our deploys failed weekly. I wrote a checklist ...")
    print(report.star.result.present, report.delivery.i_we_ratio, report.to_dict()["story"])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from voice_coach.bank.model import Bank, Question, Rubric, Story
from voice_coach.config import Settings, check_model, load_settings
from voice_coach.errors import UserError
from voice_coach.scoring.model import AnswerReport

if TYPE_CHECKING:  # imported where used: reading notes is for `bank import` only
    from voice_coach.bank.notes import Notes
    from voice_coach.bank.sync import Plan

MAX_NOTES_BYTES = 2_000_000
STEREO_NOTE = {
    "left": "stereo: only the left channel holds speech; transcribing it",
    "right": "stereo: only the right channel holds speech; transcribing it",
    "both": "stereo: the two channels hold different speech; transcribing the left, then the right",
}
Progress = Callable[[str], None]


def resolve_settings(
    settings: Settings | None, model: str | None = None, engine: str | None = None, voice: str | None = None
) -> Settings:
    """The given settings (or the user's, from config and environment) with model, engine or the
    interviewer's voice chosen."""
    settings = settings or load_settings()
    chosen: dict = {}
    if voice:
        from voice_coach.config import check_voice

        chosen["voice"] = check_voice(voice, where="--voice")
    if model:
        chosen["model"] = check_model(model)
    if engine:
        from voice_coach.config import check_engine

        chosen["engine"] = check_engine(engine)
    return replace(settings, **chosen)


def load_bank(settings: Settings | None = None) -> Bank:
    """The shipped bank overlaid with your own (imported notes, hand-written YAML)."""
    from voice_coach.bank.files import load_dirs as load

    return load(resolve_settings(settings).bank_dirs)


def resolve_prompt(bank: Bank, question: str | None) -> tuple[Question | None, Rubric | None]:
    """A question id, or a rubric id (why-amazon, ...) asked as a question."""
    if question is None:
        return None, None
    found = bank.prompt(question)
    if found == (None, None):
        bank.require("questions", question)  # the error, with what is close to it
    return found


def analyze_text(
    text: str,
    question: str | None = None,
    story: str | None = None,
    settings: Settings | None = None,
    bank: Bank | None = None,
) -> AnswerReport:
    """Score a typed answer (no timings: delivery gives fillers and I/we, not pace or pauses)."""
    from voice_coach.scoring.analyze import score
    from voice_coach.speech.engines import transcript_from_text

    if not text.strip():
        raise UserError("the answer is empty", fix="give the text of the answer")
    settings = resolve_settings(settings)
    bank = bank or load_bank(settings)
    q, rubric = resolve_prompt(bank, question)
    return score(transcript_from_text(text), bank, settings, q, None, story, rubric=rubric)


def analyze_file(
    path: str | Path,
    question: str | None = None,
    story: str | None = None,
    model: str | None = None,
    engine: str | None = None,
    settings: Settings | None = None,
    bank: Bank | None = None,
    progress: Progress | None = None,
) -> AnswerReport:
    """Transcribe a recorded answer (WAV, FLAC, MP3, M4A ...) offline and score it."""
    from voice_coach.audio.files import SAMPLE_RATE, load_audio, load_channels, speech_channels
    from voice_coach.scoring.analyze import score
    from voice_coach.speech.engines import engine_for

    settings = resolve_settings(settings, model, engine)
    bank = bank or load_bank(settings)
    q, rubric = resolve_prompt(bank, question)
    audio = load_audio(Path(path), max_s=settings.max_file_s)
    channels = load_channels(path)
    if channels is not None:
        which, picked = speech_channels(channels)
        if which != "mix":
            audio = picked
            if progress:
                progress(STEREO_NOTE[which])
    speech = engine_for(settings)
    speech.load(progress=progress)
    if progress:
        progress("transcribing...")
    transcript = speech.transcribe(audio)
    if not transcript.words:
        raise UserError(
            f"no speech was heard in the recording ({len(audio) / SAMPLE_RATE:.1f} s of audio)",
            where=str(path),
            fix="check that the file has the answer in it (play it), and that the microphone was on",
        )
    return score(transcript, bank, settings, q, path, story, rubric=rubric)


def keep_in_history(report: AnswerReport, settings: Settings | None = None, story: str | None = None) -> int:
    """Store an analyzed answer in the history as a session of kind 'analyze'; returns its attempt id."""
    from voice_coach.history.store import Store

    settings = resolve_settings(settings)
    with Store(settings.db_path) as store:
        with store.tx():
            sid = store.start_session("analyze", report.model.engine, report.model.name)
            aid = store.start_attempt(
                sid,
                report.question.id,
                report.question.principle,
                story,
                report.audio.path,
                report.model.engine,
                report.model.name,
                status="transcribing",
            )
            store.complete_attempt(aid, report)
            store.finish_session(sid)
    return aid


@dataclass
class Evaluation:
    """Scoring measured on labelled answers: one Tally per run (text, and each voice and speed)."""

    runs: dict  # name -> scoring.evaluate.Tally
    scorer: str
    answers: int
    model: str | None = None  # the Whisper model of the audio runs

    def metrics(self) -> dict:
        out: dict = {name: tally.metrics() for name, tally in self.runs.items()}
        out["scorer"] = self.scorer
        if self.model:
            out["model"] = self.model
        return out


def evaluate_scoring(
    labelled: str | Path = "labelled",
    limit: int | None = None,
    audio: bool = False,
    settings: Settings | None = None,
    progress: Progress | None = None,
    voices: Sequence[str] = (),
) -> Evaluation:
    """Coverage precision/recall, story and STAR accuracy on hand-labelled answers ('labelled',
    'heldout', 'own' ... or a YAML file of yours), typed and, with audio, spoken and transcribed.
    A set about stories that are not the shipped examples is scored against the user's bank."""
    from voice_coach.bank.files import load_dirs as load
    from voice_coach.config import shipped_bank_dir
    from voice_coach.evaluation.evaluate import AUDIO_RUNS, load_set, run_all, set_notes, set_path
    from voice_coach.scoring.coverage import default_scorer

    known = sorted({voice for voice, _ in AUDIO_RUNS})
    if unknown := sorted(set(voices) - set(known)):
        raise UserError(
            f"no audio run uses the voice {', '.join(unknown)}", fix=f"use one of: {', '.join(known)}"
        )
    settings = resolve_settings(settings)
    path = set_path(labelled)
    items = load_set(path)[:limit]
    bank = load([shipped_bank_dir()])  # most sets are about the shipped example stories
    told = {i.story for i in items if i.story}
    if not told <= bank.stories.keys():  # a set about the user's own stories ('own'): their bank
        bank = load(settings.bank_dirs)
        missing = sorted(told - bank.stories.keys())
        if missing:
            raise UserError(
                f"the labelled answers tell stories that are not in your bank: {', '.join(missing)}",
                where=str(path),
                fix=f"import the notes they were written for: voice-coach bank import {set_notes(path)}",
            )
    scorer = default_scorer()
    scorer.fit(bank.bullet_texts())
    engine = None
    if audio:
        from voice_coach.speech.engines import engine_for

        engine = engine_for(settings)
        engine.load(progress=progress)
    runs = run_all(bank, items, scorer, engine, progress, voices)
    return Evaluation(runs, scorer.name, len(items), settings.model if audio else None)


@dataclass
class NotesImport:
    """What an import found in the notes and what it changes in the bank file."""

    source: Path
    found: Notes
    plan: Plan
    written: bool = False
    problems: list[str] = field(default_factory=list)  # errors in the written bank file


def read_notes_file(path: Path) -> str:
    """The notes as text, refusing what is not a text file or is far too large to be notes."""
    try:
        size = path.stat().st_size
        if size > MAX_NOTES_BYTES:
            raise UserError(
                f"the notes file is {size / 1e6:.1f} MB; notes are imported from files up to "
                f"{MAX_NOTES_BYTES / 1e6:.0f} MB (a year of prep notes is well under 1 MB)",
                where=str(path),
                fix="check this is your notes file; split a very large vault note into one file per loop",
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise UserError(
            f"cannot read the notes: {exc.strerror or exc}",
            where=str(path),
            fix="check the path to your Markdown file",
        ) from exc
    if b"\x00" in raw[:8192]:
        raise UserError(
            "this is not a text file (it holds binary data)",
            where=str(path),
            fix="give the Markdown (.md) file of your notes",
        )
    text = raw.decode("utf-8", errors="replace")
    odd = sum(1 for ch in text[:20000] if ch == "\ufffd" or (ch < " " and ch not in "\t\r\n\f"))
    if odd > 0.05 * min(len(text), 20000):
        raise UserError(
            "this is not a text file (most of it is not UTF-8 text)",
            where=str(path),
            fix="give the Markdown (.md) file of your notes, saved as UTF-8",
        )
    return text


def infer_story_parts(stories: list[dict]) -> None:
    """Tag every bullet of an imported story whose notes tag none (S/T/A/R from its wording), and
    mark the story 'parts: inferred': the user sees the guess in the YAML and can correct it."""
    from voice_coach.bank.files import INFERRED
    from voice_coach.bank.notes import shaped_bullets, tag_shape
    from voice_coach.scoring.star import infer_parts

    for i, story in enumerate(stories):
        flat = Story(story["id"], story["title"], bullets=shaped_bullets(story["bullets"])).all_bullets()
        if not flat or any(b.star for b in flat):
            continue
        tagged = {k: v for k, v in story.items() if k != "bullets"}
        tagged["parts"] = INFERRED  # before the bullets, where the user reads it
        tagged["bullets"] = tag_shape(story["bullets"], infer_parts(flat))
        stories[i] = tagged


def import_notes(
    path: str | Path, into: str | Path | None = None, dry_run: bool = False, settings: Settings | None = None
) -> NotesImport:
    """Import Markdown prep notes into your bank folder as <into>/<notes name>.yaml; a second import
    of the same notes changes nothing, and your own edits of that file are kept."""
    from voice_coach.bank.files import read_bank
    from voice_coach.bank.notes import read_notes, slug
    from voice_coach.bank.sync import apply, plan_import

    settings = resolve_settings(settings)
    path = Path(path)
    target_dir = Path(into) if into else settings.user_bank_dir
    text = read_notes_file(path)
    shipped, _ = read_bank(settings.bank_dirs[:-1])
    stem = slug(path.stem)
    found = read_notes(text, list(shipped.principles.values()), loop_id=stem)
    infer_story_parts(found.stories)
    plan = plan_import(found, target_dir / f"{stem}.yaml")
    result = NotesImport(path, found, plan)
    if dry_run:
        return result
    apply(plan, str(path))
    result.written = bool(plan.write)
    _, problems = read_bank(settings.bank_dirs[:-1] + [target_dir])
    result.problems = [str(p) for p in problems if p.level == "error" and str(target_dir) in p.file]
    return result
