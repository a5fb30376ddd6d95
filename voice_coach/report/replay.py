"""Replay recorded answers with the transcript advancing in step, in the terminal.

Keys (at a terminal): space pauses, n goes to the next answer, s/t/a/r jump to the Situation, Task,
Action or Result, q quits. Without a terminal (piped, tests) it simply plays through.
"""

from __future__ import annotations

import contextlib
import select
import sys
import time

from rich.console import Console
from rich.text import Text

from voice_coach.errors import UserError
from voice_coach.history.store import Attempt
from voice_coach.report.terminal import PART_STYLE
from voice_coach.scoring.model import LETTER, AnswerReport
from voice_coach.units import mmss

KEY_PART = {letter.lower(): part for part, letter in LETTER.items()}
KEYS = "space pause · n next · s/t/a/r jump to a part · q quit"


class Line:
    """Words printed as they are heard, wrapped between words (a terminal's own wrap broke "to /
    gether"): a word that would not fit starts the next line."""

    def __init__(self, console: Console) -> None:
        self.console, self.col = console, 0

    def add(self, text: Text) -> None:
        if text.plain.startswith("\n"):
            self.console.print()
            self.col = 0
            text = text[1:]
        if self.col and self.col + 1 + len(text.plain) > self.console.width:
            self.console.print()
            self.col = 0
        if self.col:
            self.console.print(" ", end="")
            self.col += 1
        self.console.print(text, end="")
        self.col += len(text.plain)


def part_start(report: AnswerReport, part: str) -> float | None:
    """Where a STAR part begins: the start of its first sentence."""
    for s in report.sentences:
        if s.part == part and s.start is not None:
            return float(s.start)
    return None


@contextlib.contextmanager
def _keys():
    """Yield a function returning a pressed key or None, with the terminal in cbreak mode."""
    if not sys.stdin or not sys.stdin.isatty():
        yield lambda: None
        return
    import termios
    import tty

    fd = sys.stdin.fileno()
    old = termios.tcgetattr(fd)
    tty.setcbreak(fd)
    try:
        yield lambda: sys.stdin.read(1) if select.select([sys.stdin], [], [], 0)[0] else None
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, old)


def replay(
    answers: list[Attempt], only: int | None = None, part: str | None = None, console: Console | None = None
) -> int:
    """Play every answer in order, or only answer number `only`; returns how many were played."""
    from voice_coach.audio.files import load_audio
    from voice_coach.audio.playback import Player

    console = console or Console()
    if only is not None and not 1 <= only <= len(answers):
        raise UserError(
            f"there is no answer {only} in this session (it has {len(answers)})",
            fix=f"use --answer 1 to {len(answers)}",
        )
    numbers = [only] if only is not None else list(range(1, len(answers) + 1))
    played = 0
    with _keys() as key:
        for n in numbers:
            a = answers[n - 1]
            report = a.report
            if not a.audio_path or report is None:
                console.print(f"[dim]answer {n} was typed: nothing to play[/dim]")
                continue
            audio = load_audio(a.audio_path)
            player = Player(audio)
            if part:
                at = part_start(report, part)
                if at is None:
                    console.print(f"[yellow]answer {n} has no {part}; playing from the start[/yellow]")
                else:
                    player.seek(max(0.0, at - 0.2))
            console.rule(Text(f"answer {n}: {report.question.text}"))
            console.print(Text(f"{mmss(len(audio) / 16000)} · {KEYS}", style="dim"))
            parts = report.word_parts()
            words = [(w, parts[i]) for i, w in enumerate(report.transcript.words) if w.start is not None]
            opens = {id(report.transcript.words[s.first]) for s in report.sentences if s.first < s.last + 1}
            last_mark = ""
            shown = next((i for i, (w, _) in enumerate(words) if w.start >= player.seconds - 0.2), len(words))
            line = Line(console)
            player.start()
            action = None
            try:
                while not player.done:
                    now = player.seconds
                    while shown < len(words) and (words[shown][0].start or 0.0) <= now:
                        word, word_part = words[shown]
                        mark = f"[{mmss(word.start)}]"
                        if id(word) in opens and mark != last_mark:  # a sentence opens with its moment
                            line.add(Text(mark, style="dim"))
                            last_mark = mark
                        line.add(Text(word.word.strip(), style=PART_STYLE.get(word_part or "", "")))
                        shown += 1
                    k = key()
                    if k == " ":
                        player.paused = not player.paused
                    elif k in ("n", "q"):
                        action = k
                        break
                    elif k in KEY_PART:
                        at = part_start(report, KEY_PART[k])
                        if at is not None:
                            player.seek(at)
                            shown = next((i for i, (w, _) in enumerate(words) if w.start >= at), len(words))
                            line.add(Text(f"\n-> {KEY_PART[k]}", style="bold"))
                    time.sleep(0.03)
                time.sleep(0.3 + player.held_s)  # let the device drain its buffer
            finally:
                player.close()
                console.print()
            played += 1
            if action == "q":
                break
    return played
