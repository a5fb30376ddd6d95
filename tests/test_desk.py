"""The practice screen: drawn in place at 80x24 with the question, one status area, a level meter
and the keys; a plain progress line without a terminal; a muted microphone called out."""

from __future__ import annotations

import io

from rich.console import Console

from voice_coach.audio.capture import Tick
from voice_coach.report.desk import KEYS, NO_SOUND, AnswerView, Screen

QUESTION = "Tell me about a time you strongly disagreed with your manager about an important decision."


def view(**kw) -> AnswerView:
    v = AnswerView("Question 1/2 · Have Backbone", QUESTION, 120.0, 210.0, 4.0, interviewer="Natesh")
    for k, value in kw.items():
        setattr(v, k, value)
    return v


def screen_text(v: AnswerView, width: int = 80) -> str:
    console = Console(width=width, height=24, record=True, file=io.StringIO(), color_system=None)
    console.print(v.renderable())
    return console.export_text()


def test_the_screen_fits_80_columns_with_question_status_meter_and_keys():
    v = view()
    v.update(Tick(42.0, -18.0, True, 0.0))
    text = screen_text(v)
    lines = text.splitlines()
    assert len(lines) <= 12 and max(len(line) for line in lines) <= 80
    assert "Question 1/2 · Have Backbone · Natesh" in text
    assert "strongly disagreed with your manager" in text
    assert text.count("target") == 1  # one status area
    assert "0:42 / target 2:00 / stops at 3:30" in text
    assert "-18 dBFS" in text and "speech heard" in text
    assert KEYS in text


def test_state_follows_the_voice_and_the_silence_countdown():
    v = view()
    v.update(Tick(1.0, -80.0, False, 1.0))
    assert v.state().startswith("listening")
    v.update(Tick(3.0, -20.0, True, 0.0))
    assert v.state() == "speech heard"
    v.update(Tick(5.0, -70.0, False, 2.0))
    assert v.state() == "silence: stops in 2 s"
    v.paused = True
    assert v.state().startswith("paused")


def test_clock_colour_as_the_target_nears_and_passes():
    v = view()
    assert [v.clock_style() for v.elapsed_s in (10, 100, 130, 200)] == ["green", "yellow", "red", "bold red"]
    v.elapsed_s = 130
    assert "over target" in screen_text(v)


def test_meter_moves_with_the_level():
    quiet, loud = view(level_dbfs=-55.0), view(level_dbfs=-6.0)
    assert quiet.meter().plain.count("█") < loud.meter().plain.count("█")
    assert view(level_dbfs=-120.0).meter().plain.count("█") == 0


def test_a_muted_microphone_is_called_out_after_five_seconds():
    v = view()
    v.update(Tick(4.9, -120.0, False, 4.9))
    assert not v.no_sound
    v.update(Tick(5.0, -120.0, False, 5.0))
    assert v.no_sound and "No sound is heard" in screen_text(v) and "voice-coach doctor" in NO_SOUND
    v.update(Tick(5.1, -50.0, False, 0.0))  # room noise: the microphone is live
    assert not v.no_sound


def test_without_a_terminal_a_plain_line_every_ten_seconds():
    out = io.StringIO()
    console = Console(file=out, force_terminal=False, width=100)
    v = view()
    with Screen(v, console) as screen:
        for i in range(1, 306):  # 30.5 s in 0.1 s ticks, silent
            screen.tick(Tick(i / 10, -120.0, False, i / 10))
    lines = out.getvalue().splitlines()
    progress = [line for line in lines if "/ target 2:00" in line]
    assert [line.split(" ")[0] for line in progress] == ["0:00", "0:10", "0:20", "0:30"]
    assert sum("No sound is heard" in line for line in lines) == 1
    assert "\x1b" not in out.getvalue()


def test_the_fillers_heard_so_far_show_while_answering():
    """Issue 29: the live screen shows the fillers as heard (the word, the moment): each transcribed
    stretch reaches the desk through the interview's events."""
    import voice_coach.interview.events as ev
    from voice_coach.report.desk import DeskTake
    from voice_coach.report.live import TerminalEvents
    from voice_coach.transcript import Word

    shown = TerminalEvents(Console(file=io.StringIO()), Console(file=io.StringIO()))
    shown.desk = DeskTake(shown.console)
    shown.desk.view = view()
    words = [Word(w, t, t + 0.3) for t, w in enumerate("So, um, I asked, uh, for a week.".split())]
    shown(ev.StretchTranscribed(tuple(words)))
    text = screen_text(shown.desk.view)
    assert "fillers so far: 3: so 0:00 · um 0:01 · uh 0:04" in text, text
    assert max(len(line) for line in text.splitlines()) <= 80
