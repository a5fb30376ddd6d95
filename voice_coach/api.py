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
    from voice_coach.history.store import Attempt, Store

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


# What the commands decide: the CLI parses its arguments, calls one of these and renders the result.


def did_you_mean(bank: Bank, kind: str, name: str) -> str:
    """The fix for a mistyped principle or story: the names close to it, and where all are listed."""
    close = bank.close_names(kind, name)
    listing = "see them with `voice-coach bank list`"
    return f"did you mean {' or '.join(repr(c) for c in close)}? ({listing})" if close else listing


def find_principle(bank: Bank, name: str) -> str:
    """The id of a principle given by id or name, else a UserError naming the close ones."""
    pid = bank.principle_id(name)
    if pid is None:
        raise UserError(f"unknown principle '{name}'", fix=did_you_mean(bank, "principles", name))
    return pid


def bank_listing(principle: str | None = None, settings: Settings | None = None) -> dict:
    """Principles, questions and stories as data (`bank list --json`), or those of one principle."""
    from voice_coach.bank.views import bank_dict

    bank = load_bank(settings)
    return bank_dict(bank, find_principle(bank, principle) if principle else None)


@dataclass
class PracticeChoice:
    """What a practice session asks: questions, rubric prompts, and the picks by need with reasons."""

    questions: list[Question]
    rubrics: list[Rubric]
    picks: list = field(default_factory=list)  # interview.planner.Pick, when chosen by need


def choose_practice(
    bank: Bank,
    store: Store,
    principles: Sequence[str] = (),
    count: int = 1,
    story: str | None = None,
    question_ids: Sequence[str] = (),
    rubric_ids: Sequence[str] = (),
    by_need: bool = False,
) -> PracticeChoice:
    """The questions of a practice session: by need (what the history says to practise next), the
    rubric prompts alone, or named ones and a pick over principles and a story."""
    from voice_coach.interview.plan import pick_questions
    from voice_coach.interview.planner import next_picks

    rubrics = [bank.require("rubrics", r) for r in rubric_ids]
    if story:
        bank.require("stories", story)  # before the answer is recorded, not when it is scored
    if by_need:
        picks = next_picks(bank, store, count)
        return PracticeChoice([p.question for p in picks], rubrics, picks)
    if rubrics and not (principles or question_ids or story):
        return PracticeChoice([], rubrics)
    return PracticeChoice(pick_questions(bank, list(principles), count, story, list(question_ids)), rubrics)


@dataclass
class HistoryView:
    """Attempts (unfinished ones too) of a principle, a story or all, and the practice answers among
    them: scored, in a practice session (an analyzed file is no practice)."""

    rows: list[Attempt]
    practice: list[Attempt]
    principle: str | None = None  # its id
    story: str | None = None

    @property
    def nothing(self) -> bool:
        """A principle or a story was asked for, and it has no attempts yet."""
        return not self.rows and bool(self.principle or self.story)


def history_view(
    bank: Bank, store: Store, principle: str | None = None, story: str | None = None
) -> HistoryView:
    """`history`: the attempts of a principle (id or name), a story, or all."""
    from voice_coach.history.store import PRACTICE

    pid = find_principle(bank, principle) if principle else None
    if story and story not in bank.stories:
        raise UserError(f"unknown story '{story}'", fix=did_you_mean(bank, "stories", story))
    rows = store.history(pid, story, finished_only=False)
    practice = [r for r in rows if r.status == "done" and r.kind in PRACTICE]
    return HistoryView(rows, practice, pid, story)


def debrief(bank: Bank, store: Store, session: str | None = None) -> dict:
    """The debrief of a session (default: the latest): per principle, evidence, signal, what next."""
    from voice_coach.interview.review import build

    sid, answers = session_answers(store, session)
    return build(bank, store.session(sid), answers)


def session_answers(store: Store, session: str | None = None) -> tuple[str, list[Attempt]]:
    """A session's id (given by id, a unique prefix, or None: the latest) and its scored answers."""
    sid = store.resolve_session(session)
    return sid, store.session_answers(sid)


def save_text(path: Path, text: str) -> None:
    """Write a report file (its folder created), or say why it cannot be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UserError(
            f"cannot write the file: {exc.strerror or exc}",
            where=str(path),
            fix="choose a folder you can write to",
        ) from exc


def analyze_answer(
    audio: Path | None,
    text_file: Path | None,
    question: str | None = None,
    story: str | None = None,
    settings: Settings | None = None,
    progress: Progress | None = None,
    keep: bool = False,
) -> AnswerReport:
    """Score exactly one of: a recorded answer, or a typed one in a UTF-8 text file; with keep, in
    the history too (a session of kind 'analyze')."""
    if bool(audio) == bool(text_file):
        raise UserError(
            "give exactly one of: an audio FILE, or --text FILE",
            fix="e.g. voice-coach analyze answer.wav, or voice-coach analyze --text answer.txt",
        )
    if audio:
        report = analyze_file(audio, question, story, settings=settings, progress=progress)
    else:
        try:
            text = Path(text_file).read_text(encoding="utf-8")  # type: ignore[arg-type]
        except (OSError, UnicodeDecodeError) as exc:
            raise UserError(
                f"cannot read the answer text: {exc}", where=str(text_file), fix="give a UTF-8 text file"
            ) from exc
        report = analyze_text(text, question, story, settings=settings)
    if keep:
        keep_in_history(report, settings, story)
    return report


def sessions_to_forget(store: Store, session: str | None, everything: bool) -> list[str]:
    """The ids `forget` deletes: one session (an id or a unique prefix), or with everything all."""
    if bool(session) == everything:
        raise UserError(
            "give exactly one of: a SESSION id, or --all", fix="see the sessions with `voice-coach history`"
        )
    return [s.id for s in store.sessions()] if everything else [store.resolve_session(session)]


def export_history(
    store: Store, folder: Path, progress: Progress = lambda _m: None
) -> tuple[int, int, list[str]]:
    """Every session into a folder only its owner can read: (sessions, answers, problems)."""
    from voice_coach.history.archive import export
    from voice_coach.private import private_dir

    private_dir(folder, "export", "choose a folder you can write")
    return export(store, folder, progress=progress)


@dataclass
class BankCheck:
    """Every bank file read: what was found, the problems, and how many shipped examples are set
    aside because the user has stories or loops of their own."""

    found: Bank
    problems: list
    used: Bank
    folders: list[Path]

    @property
    def errors(self) -> int:
        return sum(p.level == "error" for p in self.problems)

    @property
    def unused(self) -> int:
        found, used = self.found, self.used
        return len(found.stories) - len(used.stories) + len(found.loops) - len(used.loops)


def validate_bank(settings: Settings | None = None) -> BankCheck:
    from voice_coach.bank.files import read_bank

    settings = resolve_settings(settings)
    found, problems = read_bank(settings.bank_dirs)
    return BankCheck(found, problems, found.user_first(), [d for d in settings.bank_dirs if d.is_dir()])


@dataclass
class VoiceList:
    """The interviewer's voice and the others: neural ones installed or installable, espeak-ng's."""

    chosen: object  # speech.tts.Voice
    configured: str
    installed: list  # speech.piper.VoiceFiles
    installable: dict[str, str]  # name -> pip package
    espeak: list[str] | None
    espeak_problem: str = ""


def voice_list(settings: Settings | None = None) -> VoiceList:
    from voice_coach.errors import EnvironmentProblem
    from voice_coach.speech import piper, tts

    settings = resolve_settings(settings)
    have = piper.installed()
    names = {v.name for v in have}
    missing = {n: pkg.replace("_", "-") for n, (pkg, _, _) in piper.KNOWN.items() if n not in names}
    out = VoiceList(tts.resolve(settings.voice), settings.voice, have, missing, None)
    try:
        out.espeak = tts.voices()
    except EnvironmentProblem as exc:
        out.espeak_problem = exc.what
    return out


SAMPLE_LINE = "Tell me about a time you disagreed with your manager. What did you do?"


def voice_sample(settings: Settings | None = None, voice: str = "") -> tuple[Path, bool, str]:
    """Speak a sample question with a voice (default: the configured one), saved as a WAV and played
    when there is a speaker: (the WAV, whether it played, the voice's label)."""
    from voice_coach.audio.devices import has_output
    from voice_coach.speech import tts

    settings = resolve_settings(settings)
    spec = voice or settings.voice
    path = settings.data_dir / "voice-sample.wav"
    sound = has_output()
    tts.speak(SAMPLE_LINE, path, settings.tts_rate, voice=spec, play=sound)
    return path, sound, tts.resolve(spec).label


def save_trend_plot(practice: list[Attempt], path: Path) -> None:
    """The trend plot of practice answers as an image (.png, .svg, .pdf)."""
    from voice_coach.report.plots import save_trends

    try:
        saved = save_trends(practice, path)
    except (OSError, ValueError) as exc:
        raise UserError(
            f"cannot save the plot: {exc}",
            where=str(path),
            fix="use a writable path ending in .png, .svg or .pdf",
        ) from exc
    if not saved:
        raise UserError("a trend needs at least two practice answers", fix="practise again, then plot")
