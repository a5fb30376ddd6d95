"""The answer report for a terminal: rich text, readable without colour (NO_COLOR) and when narrow.

Everything shown here comes from the user's speech and notes, so it is printed as rich Text, never
parsed as console markup (a story titled "[/]" must print as itself).
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from voice_coach.scoring.coaching import fix_first
from voice_coach.scoring.followups import action_pronouns
from voice_coach.scoring.model import LETTER, PARTS, AnswerReport, Delivery, Filler, Star
from voice_coach.scoring.relevance import describe
from voice_coach.units import mmss, shorten

PART_STYLE = dict(zip(PARTS, ("cyan", "magenta", "green", "yellow"), strict=True))


def _band(d: Delivery) -> str:
    low, high = d.wpm_band or (130, 160)
    return f"{low:.0f}-{high:.0f}"


def star_bar(star: Star, width: int = 40) -> Text:
    """A one-line timeline of the STAR split: SSSSTTAAAAAAAARR."""
    bar = Text()
    for part in PARTS:
        n = round(star.part(part).share * width)
        bar.append(LETTER[part] * n, style=f"bold {PART_STYLE[part]}")
    return bar


def transcript_text(report: AnswerReport) -> Text:
    """The transcript, sentence by sentence in its STAR colour, fillers in reverse video."""
    text = Text()
    fillers = {f.start for f in report.delivery.fillers.items if f.start is not None}
    for sent in report.sentences:
        part = report.shown_part(sent)
        style = PART_STYLE.get(part or "", "")
        if part:
            text.append(f"[{LETTER[part]}] ", style=f"bold {style}")
        words = report.sentence_words(sent)
        if not words:
            text.append(sent.text + " ", style=style)
        for w in words:
            text.append(w.word.strip() + " ", style="reverse" if w.start in fillers else style)
    return text


def _actions_i_we(report: AnswerReport) -> str:
    """'I' and 'we' in the actions: the same count the follow-ups and the debrief use."""
    if report.rubric:
        return ""
    i, we = action_pronouns(report)
    return f"   I {i} / we {we} in actions" if i or we else ""


def _verdict(report: AnswerReport) -> Text:
    """The answer in one line: the story told, how much of it, whether it answers the question."""
    story, totals = report.story, report.totals()
    if report.rubric:
        told = sum(1 for b in report.bullets if b.covered)
        line = f"rubric: {told} of {len(report.bullets)} points"
    elif story.id:
        told = len(set(totals.covered))
        line = f"{story.title or story.id}: {told} of {len(report.bullets)} bullets ({totals.coverage:.0%})"
    else:
        line = "no story of yours matched" + (": it speaks in general" if story.general_talk else "")
    if totals.addresses is False:
        line += " · may not answer the question"
    return Text(line, style="bold")


def _delivery_line(report: AnswerReport) -> Text:
    d = report.delivery
    fillers = f"fillers {d.fillers.count}"
    if report.audio.duration_s is None:  # typed: no time to speak of
        parts = ["typed (no timing)", fillers]
    else:
        parts = [
            f"{mmss(report.audio.duration_s)} of {mmss(d.target_s)}",
            f"{d.wpm:.0f} wpm ({_band(d)})" if d.wpm is not None else "pace -",
            fillers,
            f"long pauses {d.long_pauses if d.long_pauses is not None else '-'}",
        ]
    i, we = action_pronouns(report) if not report.rubric else (0, 0)
    if i or we:
        parts.append(f"I {i} / we {we}")
    return Text(" · ".join(parts))


def print_line(console: Console, text: Text) -> None:
    """One line, never wrapped (an id or a path broken in two reads as two): shortened with …"""
    console.print(text, no_wrap=True, overflow="ellipsis", crop=True)


def at_moments(fillers: list[Filler]) -> str:
    """Fillers each with its moment: "um 0:12 · so 0:31 · uh 1:02" (typed: no moment)."""
    return " · ".join(f"{f.word} {mmss(f.start)}" if f.start is not None else f.word for f in fillers)


def fillers_heard(report: AnswerReport, most: int = 6) -> str:
    """The report's fillers as heard, the first `most` of them, then how many more."""
    items = report.delivery.fillers.items
    return at_moments(items[:most]) + (f" · {len(items) - most} more" if len(items) > most else "")


def render_summary_of(
    report: AnswerReport, console: Console, more: str = "voice-coach report --full"
) -> None:
    """At most a screen: the verdict, what to fix first (with its moment), the STAR bar, delivery.
    The question is not repeated: it was on screen while it was asked."""
    q = report.question
    console.rule(Text(f"{q.id} {q.principle or ''}".strip(), style="bold"))
    print_line(console, _verdict(report))
    fixes = fix_first(report)
    if fixes:
        console.print(Text("Fix first:", style="bold yellow"))
        for n, fix in enumerate(fixes, start=1):
            console.print(Text(f"  {n}. {fix}"))
    if not report.rubric:
        line = Text("STAR  ")
        line.append_text(star_bar(report.star, width=32))
        line.append("  " + " ".join(f"{LETTER[p]} {report.star.part(p).share:.0%}" for p in PARTS))
        print_line(console, line)
    print_line(console, _delivery_line(report))
    if report.delivery.fillers.items:
        print_line(console, Text("fillers heard: " + fillers_heard(report)))
    if report.probes:
        print_line(
            console,
            Text(
                f"follow-ups: {len(report.probes)} asked; coverage with them {report.totals().coverage:.0%} "
                f"(answer alone {report.coverage:.0%})"
            ),
        )
    print_line(console, Text(f"every bullet and the transcript: {more}", style="dim"))


def render(
    report: AnswerReport,
    console: Console | None = None,
    full: bool = False,
    more: str = "voice-coach report --full",
) -> None:
    """The report: a summary that fits a screen, or (full) every bullet, its evidence and the transcript;
    `more` says the command that shows it all."""
    console = console or Console()
    if not full:
        render_summary_of(report, console, more)
        return
    q, d, star, story = report.question, report.delivery, report.star, report.story
    console.rule(Text(f"{q.id} {q.principle or ''}".strip(), style="bold"))
    console.print(Text(q.text, style="bold"))
    fixes = fix_first(report)
    if fixes:
        console.print(Text("Fix first:", style="bold yellow"))
        for n, fix in enumerate(fixes, start=1):
            console.print(Text(f"  {n}. {fix}"))
    console.print()
    text = transcript_text(report)
    console.print(text if text.plain.strip() else Text("(no speech recognized)", style="dim"))
    console.print()

    console.print(
        Text(
            f"length {mmss(report.audio.duration_s, tenths=True)} (target {mmss(d.target_s, tenths=True)})   "
            f"speaking {mmss(d.speaking_s, tenths=True)}   "
            f"pace {d.wpm if d.wpm is not None else '-'} wpm (aim {_band(d)})   "
            f"fillers {d.fillers.count}"
            + (f" ({d.fillers.per_min}/min)" if d.fillers.per_min is not None else "")
            + f"   long pauses {d.long_pauses if d.long_pauses is not None else '-'}"
            + f"   hedges {len(d.hedges)}"
            + _actions_i_we(report)
        )
    )
    if d.fillers.items:
        console.print(Text("fillers heard: " + fillers_heard(report, most=40)))
    if not report.rubric:  # a rubric prompt is judged by its points, not by STAR
        line = Text("STAR  ")
        line.append_text(star_bar(star))
        line.append("  " + "  ".join(f"{LETTER[p]} {star.part(p).share:.0%}" for p in PARTS))
        console.print(line)

    if report.relevance:
        said = report.totals().addresses
        console.print(Text(describe(report.relevance, said), style="" if said else "yellow"))
    if story.id:
        note = " (not the story linked to this question)" if story.other_than_expected else ""
        line = Text("story: ")
        line.append(story.title or story.id, style="bold")
        line.append(
            f" ({story.id}, confidence {story.confidence:.2f}){note}   coverage {report.coverage:.0%}"
        )
        console.print(line)
        for b in report.bullets:
            tag = f"[{b.star}] " if b.star else ""
            if b.covered:
                console.print(Text(f"  ✓ {tag}{b.text}", style="green"))
                console.print(Text(f'      "{b.evidence}"', style="dim"))
            else:
                console.print(Text(f"  ✗ {tag}{b.text}", style="red"))
    else:
        console.print(
            "story: none: the answer speaks in general (what you usually do), not of one time"
            if story.general_talk
            else "story: none of your stories matched this answer"
        )
    for flag in report.flags:
        console.print(Text(f"  ! {flag}", style="yellow"))
    if report.probes:
        console.print("follow-ups asked:")
        for p in report.probes:
            console.print(Text(f"  ? {p.text} [{p.rule}] -> {p.recovered_text()}"))
        console.print(
            f"coverage with follow-ups {report.totals().coverage:.0%} (answer alone {report.coverage:.0%})"
        )
    elif report.follow_ups:
        console.print("follow-ups an interviewer would ask:")
        for f in report.follow_ups:
            console.print(Text(f"  ? {f}"))
    m = report.model
    console.print(
        Text(
            f"{m.engine} {m.name}, transcribed in {m.transcribe_s:.1f} s, scored with {m.scorer}",
            style="dim",
        )
    )


def render_summary(session_id: str, reports: list[AnswerReport], console: Console | None = None) -> None:
    """One line per answer, then the session's averages."""
    console = console or Console()
    console.rule(Text(f"session {session_id}"))
    if not reports:
        console.print("no answers were scored")
        return
    ids = shorten([r.question.id for r in reports], width=26)  # a long id cut in its middle, aligned
    for r in reports:
        d = r.delivery
        print_line(
            console,
            Text(
                f"{ids[r.question.id]:<26} {mmss(r.audio.duration_s):>5}  "
                f"{f'{d.wpm:.0f}' if d.wpm is not None else '-':>3} wpm  "
                f"fillers {d.fillers.count:>2}  coverage {r.coverage:>4.0%}  "
                + ("rubric" if r.rubric else f"STAR {r.star.letters()}")
            ),
        )
    cov = sum(r.coverage for r in reports) / len(reports)
    console.print(f"{len(reports)} answer(s), mean coverage {cov:.0%}")
