"""The practice screen at the desk: the question, one status area, a level meter and the keys,
drawn in place while the answer is recorded.

rich's Live redraws a renderable in place (cursor movement, no full-screen takeover), so the
question stays on screen above the status for the whole answer and the scrollback keeps what came
before; rich is already the project's terminal library (Textual would add a framework and an app
loop for one screen, prompt_toolkit another dependency). Without a terminal (pipes, CI) the same
view prints one plain progress line every 10 s. NO_COLOR is honoured by rich.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.text import Text

from voice_coach.audio.capture import SOUND_DBFS, Recorder, Recording, Tick
from voice_coach.interview.answers import Prompt
from voice_coach.report.live import NO_SOUND
from voice_coach.units import mmss

NO_SOUND_AFTER_S = 5.0
METER_FLOOR_DBFS = -60.0
PLAIN_EVERY_S = 10.0
KEYS = "Enter done · space pause · r restart · s skip · q save & quit · ? help"
HELP = (
    "Enter: done, score this answer.  space: pause / resume (recording and clock stop).  "
    "r: restart this answer (the take is kept on disk, not scored).  s: skip this question.  "
    "q: save this answer and quit.  Ctrl-C: stop and score; twice: quit at once."
)


@dataclass
class AnswerView:
    """What the screen shows while one answer is recorded."""

    heading: str  # "Question 2/5 · Earn Trust"
    question: str
    target_s: float
    limit_s: float
    silence_stop_s: float
    interviewer: str | None = None
    elapsed_s: float = 0.0
    level_dbfs: float = -120.0
    speech_heard: bool = False
    sound_heard: bool = False
    silence_s: float = 0.0
    paused: bool = False
    show_help: bool = False
    note: str = ""
    fillers: str = ""  # the fillers heard so far, each at its moment

    def update(self, tick: Tick) -> None:
        self.elapsed_s, self.level_dbfs, self.silence_s = tick.elapsed_s, tick.level_dbfs, tick.silence_s
        self.speech_heard |= tick.speaking
        self.sound_heard |= tick.level_dbfs > SOUND_DBFS

    @property
    def no_sound(self) -> bool:
        return not self.sound_heard and self.elapsed_s >= NO_SOUND_AFTER_S

    def state(self) -> str:
        if self.paused:
            return "paused: press space to go on"
        if self.no_sound:
            return "no sound heard"
        if not self.speech_heard:
            return "listening: start when you are ready"
        left = self.silence_stop_s - self.silence_s
        if self.silence_s >= 1.0 and left > 0:
            return f"silence: stops in {left:.0f} s"
        return "speech heard"

    def clock_style(self) -> str:
        if self.elapsed_s >= self.limit_s - 15:
            return "bold red"
        if self.elapsed_s > self.target_s:
            return "red"
        if self.elapsed_s >= 0.8 * self.target_s:
            return "yellow"
        return "green"

    def meter(self, width: int = 24) -> Text:
        share = min(1.0, max(0.0, (self.level_dbfs - METER_FLOOR_DBFS) / -METER_FLOOR_DBFS))
        filled = round(share * width)
        style = "red" if self.level_dbfs > -3 else ("green" if self.level_dbfs > -42 else "dim")
        text = Text("level ")
        text.append("█" * filled, style=style)
        text.append("·" * (width - filled), style="dim")
        text.append(f" {max(self.level_dbfs, -120.0):5.0f} dBFS")
        return text

    def clock(self) -> Text:
        text = Text()
        text.append(mmss(self.elapsed_s), style=self.clock_style())
        text.append(f" / target {mmss(self.target_s)} / stops at {mmss(self.limit_s)}")
        if self.elapsed_s > self.target_s:
            text.append("  over target: finish with the result", style="red")
        return text

    def renderable(self) -> RenderableType:
        title = Text(self.heading, style="bold")
        if self.interviewer:
            title.append(f" · {self.interviewer}", style="bold cyan")
        status = Text()
        status.append_text(self.clock())
        status.append("\n")
        status.append_text(self.meter())
        status.append("   ")
        status.append(self.state(), style="bold yellow" if self.no_sound or self.paused else "")
        parts: list[RenderableType] = [Panel(Text(self.question), title=title, title_align="left"), status]
        if self.no_sound:
            parts.append(Text(NO_SOUND, style="yellow"))
        if self.fillers:
            parts.append(
                Text(f"fillers so far: {self.fillers}", style="dim", no_wrap=True, overflow="ellipsis")
            )
        if self.note:
            parts.append(Text(self.note, style="bold"))
        parts.append(Text(HELP if self.show_help else KEYS, style="dim"))
        return Group(*parts)

    def plain_line(self) -> str:
        return (
            f"{mmss(self.elapsed_s)} / target {mmss(self.target_s)} / stops at {mmss(self.limit_s)} · "
            f"level {max(self.level_dbfs, -120.0):.0f} dBFS · {self.state()}"
        )


class Screen:
    """Shows an AnswerView: redrawn in place at a terminal, a plain line every 10 s elsewhere."""

    def __init__(self, view: AnswerView, console: Console) -> None:
        self.view, self.console = view, console
        self.live = None
        self._last_plain = -PLAIN_EVERY_S
        self._warned = False

    def __enter__(self) -> Screen:
        if self.console.is_terminal:
            from rich.live import Live

            self.live = Live(
                get_renderable=self.view.renderable,
                console=self.console,
                refresh_per_second=8,
                transient=True,  # a restarted take's frame goes; the report follows the answer
                redirect_stdout=False,
                redirect_stderr=False,
            )
            self.live.start()
        else:
            self.console.print(Text(f"{self.view.heading}: {self.view.question}"))
        return self

    def __exit__(self, *exc: object) -> None:
        if self.live is not None:
            self.live.stop()

    def tick(self, tick: Tick) -> None:
        self.view.update(tick)
        if self.live is None:
            if self.view.elapsed_s - self._last_plain >= PLAIN_EVERY_S:
                self._last_plain = self.view.elapsed_s
                self.console.print(self.view.plain_line(), markup=False, highlight=False)
            if self.view.no_sound and not self._warned:
                self._warned = True
                self.console.print(NO_SOUND, markup=False, highlight=False)

    def refresh(self) -> None:
        if self.live is not None:
            self.live.refresh()


@contextlib.contextmanager
def keys(on_key: Callable[[str], None]) -> Iterator[bool]:
    """Single key presses (no Enter needed) go to on_key while the block runs; yields whether a
    terminal is attached. Ctrl-C still raises SIGINT (cbreak mode keeps signals)."""
    stdin = sys.stdin
    if stdin is None or not stdin.isatty():
        yield False
        return
    import termios
    import tty

    fd = stdin.fileno()
    old = termios.tcgetattr(fd)
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            ready, _, _ = select.select([fd], [], [], 0.1)
            if ready:
                data = os.read(fd, 32).decode("utf-8", errors="ignore")
                for ch in data:
                    on_key("\n" if ch == "\r" else ch)

    tty.setcbreak(fd)
    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        yield True
    finally:
        stop.set()
        reader.join(timeout=1.0)
        termios.tcsetattr(fd, termios.TCSADRAIN, old)


STOP_KEYS = {"r": "restart", "s": "skip", "q": "quit"}


class DeskTake:
    """Records a take at the desk: the live screen, single keys (Enter done, space pause, r, s, q, ?),
    and Ctrl-C that stops the take (it is kept and scored); a second Ctrl-C quits at once."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.view: AnswerView | None = None

    def heard(self, words: list) -> None:
        """The words transcribed so far: the fillers among them show on the screen as they come."""
        from voice_coach.report.terminal import at_moments
        from voice_coach.scoring.delivery import find_fillers

        found = find_fillers(words)
        if self.view is not None and found:
            self.view.fillers = f"{len(found)}: {at_moments(found[-6:])}"

    def __call__(self, recorder: Recorder, prompt: Prompt) -> Recording:
        view = AnswerView(
            prompt.heading,
            prompt.question,
            prompt.target_s,
            prompt.limit_s,
            prompt.silence_s,
            prompt.interviewer,
        )
        self.view = view
        presses = [0]

        def on_sigint(signum, frame) -> None:
            presses[0] += 1
            if presses[0] > 1:
                raise KeyboardInterrupt
            recorder.request_stop("interrupted")
            view.note = "Stopped: scoring what you said. Ctrl-C again quits at once."

        def on_key(key: str) -> None:
            if key == "\n":
                recorder.request_stop("enter")
            elif key == " ":
                view.paused = not recorder.paused.is_set()
                (recorder.paused.set if view.paused else recorder.paused.clear)()
            elif key in STOP_KEYS:
                recorder.request_stop(STOP_KEYS[key])
            elif key == "?":
                view.show_help = not view.show_help
            screen.refresh()

        in_main = threading.current_thread() is threading.main_thread()
        old = signal.signal(signal.SIGINT, on_sigint) if in_main else None
        try:
            with Screen(view, self.console) as screen, keys(on_key):
                recorder.on_tick = screen.tick
                return recorder.record()
        finally:
            if in_main:
                signal.signal(signal.SIGINT, old)
