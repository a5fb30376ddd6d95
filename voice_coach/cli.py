"""Commands only: parse arguments, call the parts, print. Heavy imports stay inside commands."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from voice_coach.errors import UserError

MODEL_CHOICE = click.Choice(["tiny.en", "base"])


def _settings(model: str | None = None):
    from voice_coach.config import load_settings

    settings = load_settings()
    if model:
        settings.model = model
    return settings


def _bank(settings):
    from voice_coach.bank import load_bank

    return load_bank(settings.bank_dirs)


def _store(settings):
    from voice_coach.store import Store

    return Store(settings.db_path)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="voice-coach")
def cli() -> None:
    """voice-coach: practise behavioral interview answers out loud, offline.

    Start with `voice-coach demo` (no microphone needed), then `voice-coach practice`.
    """


@cli.command()
@click.option("--principle", "-p", "principles", multiple=True, help="Principle id or name (repeatable).")
@click.option(
    "--count", "-n", default=1, show_default=True, type=click.IntRange(1, 50), help="Questions to ask."
)
@click.option("--story", "-s", help="Practise questions for this story id.")
@click.option("--question", "-q", "question_ids", multiple=True, help="Ask exactly this question id.")
@click.option("--model", type=MODEL_CHOICE, help="Whisper model (default from config: base).")
@click.option("--device", help="Input device name or index (default: the system default).")
def practice(principles, count, story, question_ids, model, device) -> None:
    """Hear a question, answer out loud, get the report."""
    from voice_coach.session import Session, pick_questions, run_practice

    settings = _settings(model)
    bank = _bank(settings)
    questions = pick_questions(bank, list(principles), count, story, list(question_ids))
    session = Session(settings, bank, _store(settings), "practice", settings.model)
    run_practice(session, questions, story_id=story, device=device)


@cli.command()
@click.option(
    "--count", "-n", default=1, show_default=True, type=click.IntRange(1, 20), help="Questions to answer."
)
@click.option("--question", "-q", "question_ids", multiple=True, help="Use this question id.")
@click.option("--model", type=MODEL_CHOICE, help="Whisper model (default from config: base).")
@click.option(
    "--speed",
    default=0.0,
    show_default=True,
    type=click.FloatRange(0, 100),
    help="Feed the synthetic answer at this multiple of real time (0: as fast as possible).",
)
@click.option("--seed", type=int, default=None, help="Seed the question pick (reproducible demos).")
def demo(count, question_ids, model, speed, seed) -> None:
    """The whole practice flow with a synthetic candidate voice: no microphone, no speaker."""
    from voice_coach.report.terminal import render
    from voice_coach.session import Session, pick_questions, run_demo

    settings = _settings(model)
    bank = _bank(settings)
    linked = [q for q in bank.questions.values() if q.stories]
    if question_ids:
        questions = pick_questions(bank, question_ids=list(question_ids))
    else:
        import random

        random.Random(seed).shuffle(linked)
        questions = linked[:count] or pick_questions(bank, count=count, seed=seed)
    session = Session(settings, bank, _store(settings), "demo", settings.model)
    results = run_demo(session, questions, speed=speed, show=lambda r: render(r, session.out))
    click.echo(f"\nsession {session.session_id}: {len(results)} answer(s)")
    click.echo(f"recordings: {session.folder}")
    click.echo(f"history:    {settings.db_path}")


@cli.command()
@click.argument("file", required=False, type=click.Path(path_type=Path))
@click.option("--text", "text_file", type=click.Path(path_type=Path), help="Score a typed answer instead.")
@click.option("--question", "-q", "question_id", help="Question id (default: a free answer).")
@click.option("--story", "-s", "story_id", help="Score against this story (default: detect it).")
@click.option("--model", type=MODEL_CHOICE, help="Whisper model (default from config: base).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--no-history", is_flag=True, help="Do not keep this analysis in the history.")
def analyze(file, text_file, question_id, story_id, model, as_json, no_history) -> None:
    """Score a recorded answer (WAV, FLAC, MP3, ...) or a typed one (--text)."""
    from rich.console import Console

    from voice_coach.scoring.analyze import analyze as analyze_answer

    if bool(file) == bool(text_file):
        raise UserError(
            "give exactly one of: an audio FILE, or --text FILE",
            fix="e.g. voice-coach analyze answer.wav, or voice-coach analyze --text answer.txt",
        )
    settings = _settings(model)
    bank = _bank(settings)
    question = None
    if question_id:
        if question_id not in bank.questions:
            raise UserError(
                f"unknown question id '{question_id}'",
                fix="see the ids with `voice-coach bank list`, or leave out --question",
            )
        question = bank.questions[question_id]
    err = Console(stderr=True)
    if text_file:
        from voice_coach.speech.engines import transcript_from_text

        try:
            text = text_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UserError(
                f"cannot read the answer text: {exc}", where=str(text_file), fix="give a UTF-8 text file"
            ) from exc
        transcript = transcript_from_text(text)
        audio_path = None
    else:
        from voice_coach.audio.files import load_audio
        from voice_coach.speech.engines import make_engine

        audio = load_audio(file)
        engine = make_engine(settings.engine, settings.model, settings.cache_dir)
        engine.load(progress=lambda m: err.print(f"[dim]{m}[/dim]"))
        with err.status("transcribing..."):
            transcript = engine.transcribe(audio)
        audio_path = file
    report = analyze_answer(
        transcript, bank, question, story_id=story_id, audio_path=audio_path, target_s=settings.target_s
    )
    if not no_history:
        store = _store(settings)
        sid = store.start_session("analyze", transcript.engine, transcript.model)
        aid = store.start_attempt(
            sid,
            report["question"]["id"],
            report["question"]["principle"],
            story_id,
            str(audio_path) if audio_path else None,
            transcript.engine,
            transcript.model,
            status="transcribing",
        )
        store.complete_attempt(aid, report)
        store.finish_session(sid)
    if as_json:
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        from voice_coach.report.terminal import render

        render(report)


@cli.command()
@click.option("--limit", default=30, show_default=True, type=click.IntRange(1, 100000))
@click.option("--json", "as_json", is_flag=True, help="Print the attempts as JSON.")
def history(limit, as_json) -> None:
    """Every attempt, newest first."""
    settings = _settings()
    rows = _store(settings).attempts(limit=limit)
    keys = (
        "id",
        "session_id",
        "question_id",
        "story_id",
        "status",
        "duration_s",
        "wpm",
        "fillers_per_min",
        "coverage",
        "model",
        "audio_path",
    )
    if as_json:
        click.echo(json.dumps([{k: r[k] for k in keys} for r in rows], indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("session", "question", "story", "status", "length", "wpm", "fillers/min", "coverage")
    for r in rows:
        table.add_row(
            r["session_id"],
            r["question_id"],
            r["story_id"] or "-",
            r["status"],
            f"{r['duration_s']:.0f} s" if r["duration_s"] else "-",
            f"{r['wpm']:.0f}" if r["wpm"] else "-",
            f"{r['fillers_per_min']:.1f}" if r["fillers_per_min"] is not None else "-",
            f"{r['coverage']:.0%}" if r["coverage"] is not None else "-",
        )
    Console().print(table if rows else "no attempts yet: try `voice-coach demo`")


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except UserError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("\nstopped.", err=True)
        sys.exit(130)
    except KeyboardInterrupt:
        click.echo("\nstopped; what was recorded is kept.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)


if __name__ == "__main__":
    main()
