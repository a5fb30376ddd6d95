"""The debrief rendered for the terminal, as Markdown and as a standalone HTML page."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

SIGNAL_STYLE = {"strong": "green", "inclined": "yellow", "not inclined": "red"}


def to_terminal(debrief: dict, console: Console | None = None) -> None:
    console = console or Console()
    console.rule(f"debrief {debrief['session']}" + (f" · loop {debrief['loop']}" if debrief["loop"] else ""))
    for row in debrief["principles"]:
        style = SIGNAL_STYLE[row["signal"]]
        console.print(
            f"\n[bold]{escape(row['name'])}[/bold]  [{style}]{row['signal']}[/{style}]  "
            f"coverage {row['coverage']:.0%}"
        )
        for reason in row["reasons"]:
            console.print(f"  · {escape(reason)}")
        for a in row["answers"]:
            who = f"{a['interviewer']}: " if a["interviewer"] else ""
            console.print(f"  [dim]{escape(who + a['question'])}[/dim]")
            for quote in a["evidence"][:3]:
                console.print(f"    “{escape(quote)}”")
            if a["missed"]:
                console.print("    [red]missed:[/red]")
                for bullet in a["missed"]:
                    console.print(f"      [red]✗[/red] {escape(bullet)}")
        console.print(f"  [bold]next:[/bold] {escape(row['next'])}")
    for r in debrief["rubrics"]:
        console.print(
            f"\n[bold]{escape(r['question'])}[/bold] {len(r['covered'])} of "
            f"{len(r['covered']) + len(r['missed'])} points"
        )
        for m in r["missed"]:
            console.print(f"  [red]missed:[/red] {escape(m)}")
    for reuse in debrief["story_reuse"]:
        console.print(
            f"\n[yellow]story reuse:[/yellow] '{escape(reuse['story'])}' told to "
            f"{escape(', '.join(reuse['interviewers']))}"
        )


def to_markdown(debrief: dict) -> str:
    lines = [f"# Debrief {debrief['session']}", ""]
    if debrief["loop"]:
        lines += [f"Loop: {debrief['loop']}", ""]
    for row in debrief["principles"]:
        lines += [f"## {row['name']}: {row['signal']} (coverage {row['coverage']:.0%})", ""]
        lines += [f"- {r}" for r in row["reasons"]] + [""]
        for a in row["answers"]:
            who = f"{a['interviewer']}: " if a["interviewer"] else ""
            lines += [f"**{who}{a['question']}**", ""]
            lines += [f"> {q}" for q in a["evidence"][:3]] + [""]
            if a["missed"]:
                lines += ["Missed:", ""] + [f"- {m}" for m in a["missed"]] + [""]
        lines += [f"**Next:** {row['next']}", ""]
    for r in debrief["rubrics"]:
        lines += [
            f"## {r['question']}: {len(r['covered'])} of {len(r['covered']) + len(r['missed'])} points",
            "",
        ]
        lines += [f"- missed: {m}" for m in r["missed"]] + [""]
    for reuse in debrief["story_reuse"]:
        lines += [f"**Story reuse:** '{reuse['story']}' told to {', '.join(reuse['interviewers'])}", ""]
    return "\n".join(lines)


def to_html(debrief: dict) -> str:
    from voice_coach.report.html import template

    return template("debrief.html.j2").render(d=debrief, styles=SIGNAL_STYLE)
