"""The history: every attempt and the trends, a session's reports and replay, export and forget."""

import click

import voice_coach.cli.program as c
from voice_coach import api
from voice_coach.errors import UserError
from voice_coach.scoring.model import PARTS

tables, archive = c.Lazy("voice_coach.report.history_tables"), c.Lazy("voice_coach.history.archive")


@c.cli.command()
@click.argument("session", required=False)
@click.option("--html", "html_file", type=c.path_type, help="Write a self-contained HTML page.")
@click.option("--markdown", "md_file", type=c.path_type, help="Write an Obsidian Markdown note.")
@click.option("--json", "as_json", is_flag=True, help="Print the answer reports as JSON.")
@c.full_option
def report(session, html_file, md_file, as_json, full) -> None:
    """The reports of a session (default: the latest), in the terminal, as HTML, Markdown or JSON."""
    with c.desk(bank=False) as d:
        view = tables.SessionReports(d.store, *api.session_answers(d.store, session), full=full)
        c.output(
            view.to_dict(), as_json, view.print, files=[(html_file, view.html), (md_file, view.markdown)]
        )


@c.cli.command()
@click.argument("session", required=False)
@click.option("--answer", "-a", "only", type=int, help="Play only this answer (default: all, in order).")
@click.option("--part", type=click.Choice(PARTS), help="Start at this STAR part.")
def replay(session, only, part) -> None:
    """Play a session's answers with the transcript in step (space pause, n next, s/t/a/r jump, q quit)."""
    with c.desk(bank=False) as d:
        sid, answers = api.session_answers(d.store, session)
    played = c.Lazy("voice_coach.report.replay").replay(answers, only, part)
    click.echo(f"played {played} answer(s) of session {sid}")


@c.cli.command()
@click.option("--principle", "-p", help="Only attempts for this principle (id or name).")
@click.option("--story", "-s", help="Only attempts that told this story.")
@click.option("--json", "as_json", is_flag=True, help="Every attempt as JSON.")
@click.option("--csv", "as_csv", is_flag=True, help="Every attempt as CSV.")
@click.option("--plot", "plot_file", type=c.path_type, help="Save the trend plot (.png, .svg).")
def history(principle, story, as_json, as_csv, plot_file) -> None:
    """Every attempt over time, the trends, and the principles never practised."""
    with c.desk() as d:
        view = api.history_view(d.bank, d.store, principle, story)
        tables.show_history(view, d.bank, d.store, "json" if as_json else "csv" if as_csv else "table")
    if plot_file and not view.nothing:
        api.save_trend_plot(view.practice, plot_file)
        click.echo(f"wrote {plot_file}", err=as_json or as_csv)


@c.cli.command()
@click.argument("session", required=False)
@click.option("--all", "everything", is_flag=True, help="Forget every session.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
def forget(session, everything, yes) -> None:
    """Delete a session's recordings and history rows for good (or every session with --all)."""
    with c.desk(bank=False) as d:
        if not (ids := api.sessions_to_forget(d.store, session, everything)):
            return click.echo("nothing to forget: the history is empty")
        what = f"all {len(ids)} session(s)" if everything else f"session {ids[0]}"
        if not yes:
            if not click.get_text_stream("stdin").isatty():
                raise UserError(f"forgetting {what} cannot be undone", fix="add --yes to confirm")
            click.confirm(f"Delete {what}, its recordings and history, for good?", abort=True)
        answers, files = archive.forget(d.store, ids, d.settings.recordings_dir)
    click.echo(f"forgot {what}: {answers} answer(s), {files} recording file(s) deleted")


@c.cli.command()
@click.argument("folder", type=c.path_type)
def export(folder) -> None:
    """Write every session to FOLDER as WAV recordings plus a JSON file per session."""
    with c.desk(bank=False) as d:
        sessions, answers, problems = api.export_history(d.store, folder, lambda m: click.echo(m, err=True))
    c.say((f"warning: {p}" for p in problems), err=True)
    click.echo(f"exported {sessions} session(s), {answers} answer(s) to {folder}")
