"""The command line: one module per group of commands (imported here, they join the group in
program.py); each command parses its arguments, calls the library and renders what it returns."""

from voice_coach.cli import analyze, bank, history, practice, serve  # noqa: F401
from voice_coach.cli.program import cli, main

__all__ = ["cli", "main"]
