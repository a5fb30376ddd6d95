"""The question bank: validate the files, list them, the story/principle matrix, import notes."""

import click

import voice_coach.cli.program as c
from voice_coach import api
from voice_coach.errors import ExitCode

tables, views = c.Lazy("voice_coach.report.bank_tables"), c.Lazy("voice_coach.bank.views")


@c.cli.group()
def bank() -> None:
    """The question bank: validate, list, import notes, matrix."""


@bank.command("validate")
def bank_validate() -> None:
    """Check every bank file; each problem with its file, line and fix."""
    check = api.validate_bank()
    tables.print_validation(check)
    if check.errors:
        raise SystemExit(ExitCode.PROBLEMS_FOUND)


@bank.command("list")
@click.option("--principle", "-p", help="Only this principle (id or name).")
@click.option("--json", "as_json", is_flag=True, help="Everything as JSON, for other tools.")
def bank_list(principle, as_json) -> None:
    """Principles, questions and stories."""
    data = api.bank_listing(principle)
    c.output(data, as_json, lambda: tables.print_listing(data, api.resolve_settings(None).user_bank_dir))


@bank.command("matrix")
@click.option("--json", "as_json", is_flag=True, help="The matrix as JSON.")
def bank_matrix(as_json) -> None:
    """Stories against principles, questions per principle, and the gaps in your loops."""
    found = api.load_bank()
    data = views.matrix(found)
    c.output(data, as_json, lambda: tables.print_matrix(data, found))


@bank.command("import")
@click.argument("notes", type=c.path_type)
@click.option("--into", type=c.path_type, help="Bank folder to write (default: your bank).")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
def bank_import(notes, into, dry_run) -> None:
    """Import Obsidian-style Markdown prep notes into your bank."""
    result = api.import_notes(notes, into=into, dry_run=dry_run)
    c.say(tables.import_lines(result, dry_run))
    c.say(result.problems, err=True)
