"""The interview as it happens, in the terminal: each engine event as the lines a person reads.

Progress goes to stderr (dim), the interviewer's words and the reports to stdout.
"""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.status import Status
from rich.text import Text

import voice_coach.interview.events as ev
from voice_coach.units import in_session

NO_SOUND = (
    "No sound is heard from the microphone. Check its mute switch and that the right input device "
    "is chosen (--device, `pactl list short sources`), or run `voice-coach doctor`; then press r."
)


class TerminalEvents:
    """A listener (interview.events) that prints to a terminal or a pipe."""

    def __init__(self, out: Console | None = None, console: Console | None = None) -> None:
        self.out = out or Console()
        self.console = console or Console(stderr=True)
        self._status: Status | None = None
        self.desk = None  # the desk's take (report.desk.DeskTake), shown the words as they come

    def __call__(self, event: ev.Event) -> None:
        if isinstance(event, ev.StretchTranscribed):  # the transcriber's thread: no printing
            if self.desk is not None:
                self.desk.heard(list(event.words))
            return
        if self._status is not None:
            self._status.stop()
            self._status = None
        show = getattr(self, f"_{type(event).__name__}", None)
        if show is not None:
            show(event)

    def _Notice(self, e: ev.Notice) -> None:
        if e.tone == "say":
            self.out.print(Text(e.text, style="italic"))
        elif e.tone == "warn":
            self.console.print(Text(e.text, style="yellow"))
        else:
            self.console.print(Text(e.text, style="dim"))

    def _MicChecked(self, e: ev.MicChecked) -> None:
        speaker = "" if e.speaker else "; no speaker: questions are only printed"
        self.console.print(
            Text(f"microphone: {e.device}, level {e.level_dbfs:.0f} dBFS{speaker}", style="dim")
        )
        if e.silent:
            self.console.print(Text(f"The microphone sends silence. {NO_SOUND}", style="yellow"))

    def _InterviewerStarted(self, e: ev.InterviewerStarted) -> None:
        self.out.rule(f"{escape(e.name)}  [dim]{e.clock}[/dim]")
        if e.answered:
            self.out.print(
                Text(f"resuming: {e.answered} of {e.steps} questions already answered", style="dim")
            )

    def _QuestionAsked(self, e: ev.QuestionAsked) -> None:
        self.out.print(Text(f"\n{e.heading}", style="bold"))
        self.out.print(Text(e.text, style="bold"))  # on screen while it is spoken

    def _CandidateTelling(self, e: ev.CandidateTelling) -> None:
        self.console.print(Text(f"candidate telling '{e.story}': {in_session(e.voice)}", style="dim"))

    def _Recording(self, e: ev.Recording) -> None:
        self.console.print(Text(f"recording ({e.source})...", style="dim"))

    def _Recorded(self, e: ev.Recorded) -> None:
        self.console.print(
            Text(f"recorded {e.duration_s:.1f} s ({e.stopped_by}) -> {in_session(e.path)}", style="dim")
        )

    def _Transcribing(self, e: ev.Transcribing) -> None:
        if not e.done:
            self._status = self.console.status("transcribing...")
            self._status.start()

    def _ProbeAsked(self, e: ev.ProbeAsked) -> None:
        line = Text("Follow-up: ", style="bold cyan")
        line.append(e.probe.text)
        line.append(f" ({e.probe.reason})", style="dim")
        self.out.print(line)

    def _ProbesSkipped(self, e: ev.ProbesSkipped) -> None:
        if e.none_asked:
            self.out.print(Text("In the interest of time, let's move on.", style="italic"))
        self.out.print(Text(f"({e.count} follow-up(s) skipped for time)", style="dim"))

    def _AnswerScored(self, e: ev.AnswerScored) -> None:
        from voice_coach.report.terminal import render

        render(e.report, self.out)

    def _StoryReused(self, e: ev.StoryReused) -> None:
        line = Text("story reuse: ", style="yellow")
        line.append(
            f"'{e.story}' was told to {', '.join(e.interviewers)}; "
            "interviewers compare notes, so use another story for one of them"
        )
        self.out.print(line)

    def _InterviewerDone(self, e: ev.InterviewerDone) -> None:
        self.out.print(Text(f"{e.name} done at {e.clock}", style="dim"))

    def _SessionEnded(self, e: ev.SessionEnded) -> None:
        from voice_coach.report.terminal import render_summary

        render_summary(e.session_id, list(e.reports), self.out)
