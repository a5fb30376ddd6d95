"""The command group, the one place where failures become messages and exit codes, and what the
commands share: options, the desk, output, modules imported on first use (`--help` stays instant)."""

import importlib
import json
import sqlite3
import traceback
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import click

from voice_coach import api
from voice_coach.config import ENGINES, MODELS
from voice_coach.errors import UserError, failure
from voice_coach.history.store import Store


class Lazy:
    """A module imported on its first use."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __getattr__(self, attr: str):
        return getattr(importlib.import_module(self.name), attr)


tables = Lazy("voice_coach.report.history_tables")
VOICE = "Interviewer voice: auto (neural when installed), joe, espeak, or an espeak-ng voice id."
ENGINE = "Speech engine (default from config: faster-whisper; openai-whisper is an optional extra)."
voice_option = click.option("--voice", help=VOICE)
engine_option = click.option("--engine", type=click.Choice(ENGINES), help=ENGINE)
models = click.Choice(MODELS)
model_option = click.option("--model", type=models, help="Whisper model (default from config: base).")
device_option = click.option("--device", help="Input device name or index (default: the system default).")
path_type = click.Path(path_type=Path)


@contextmanager
def desk(model=None, engine=None, voice=None, bank: bool = True, offer: bool = False, **changes):
    """A command's .settings (its options applied), .bank (unless bank=False) and .store (closed after)."""
    settings = api.resolve_settings(None, model, engine, voice)
    settings = replace(settings, **{k: v for k, v in changes.items() if v is not None})
    found = api.load_bank(settings) if bank else None
    with Store(settings.db_path) as store:
        if store.moved_aside:
            click.echo(tables.moved_aside(store.moved_aside, settings.recordings_dir), err=True)
        if offer and (pending := store.interrupted()):  # answers a crash left unscored
            click.echo(tables.recovery_offer(len(pending)), err=True)
        yield SimpleNamespace(settings=settings, bank=found, store=store)


full_option = click.option("--full", is_flag=True, help="Every bullet, its evidence and the transcript.")


def say(lines: Iterable[str], err: bool = False) -> None:
    for line in lines:
        click.echo(line, err=err)


def output(data: object, as_json: bool, render: Callable[[], object], files=(), ascii: bool = False) -> None:
    """Write the files asked for ((path, text)); then the data as JSON, or if no file, rendered."""
    for path, text in files:
        if path:
            api.save_text(path, text())
            click.echo(f"wrote {path}", err=as_json)
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=ascii))
    elif not any(path for path, _ in files):
        render()


class Program(click.Group):
    """The command group: a failure the user can act on ends as its message (--debug: after the traceback)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (UserError, KeyboardInterrupt, OSError, sqlite3.OperationalError) as exc:
            if (found := failure(exc)) is None:
                raise
            click.echo((traceback.format_exc() if ctx.params.get("debug") else "") + found[0], err=True)
            ctx.exit(found[1])


@click.group(cls=Program, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="voice-coach")
@click.option("--debug", is_flag=True, help="On an error, print the traceback as well as the message.")
def cli(debug: bool) -> None:
    """voice-coach: practise behavioral interview answers out loud, offline.

    Start with `voice-coach demo` (no microphone needed), then `voice-coach practice`.
    """


def main() -> None:
    """The console script: run the command; the exit code comes from ExitCode."""
    cli(prog_name="voice-coach")
