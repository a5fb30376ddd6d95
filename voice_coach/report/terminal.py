"""The answer report for a terminal: rich text, readable without colour (NO_COLOR) and when narrow."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

PART_STYLE = {"situation": "cyan", "task": "magenta", "action": "green", "result": "yellow"}
PART_LETTER = {"situation": "S", "task": "T", "action": "A", "result": "R"}


def _fmt_s(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return f"{int(seconds // 60)}:{seconds % 60:04.1f}"


def _band(d: dict) -> str:
    low, high = d.get("wpm_band") or (130, 160)
    return f"{low:.0f}-{high:.0f}"


def star_bar(star: dict, width: int = 40) -> Text:
    """A one-line timeline of the STAR split: SSSSTTAAAAAAAARR."""
    bar = Text()
    for part, style in PART_STYLE.items():
        n = round(star[part]["share"] * width)
        bar.append(PART_LETTER[part] * n, style=f"bold {style}")
    return bar


def render(report: dict, console: Console | None = None) -> None:
    console = console or Console()
    q, d, star, story = report["question"], report["delivery"], report["star"], report["story"]
    console.rule(f"[bold]{q['id']}[/bold] {q['principle'] or ''}".strip())
    console.print(Text(q["text"], style="bold"))
    console.print()

    text = Text()
    filler_times = {f["start"] for f in d["fillers"]["items"]}
    words = report["transcript"]["words"]
    for sent in report.get("sentences", []):
        style = PART_STYLE.get(sent["part"] or "", "")
        if sent["part"]:
            text.append(f"[{PART_LETTER[sent['part']]}] ", style=f"bold {style}")
        for w in words:
            if (
                sent["start"] is not None
                and w["start"] is not None
                and sent["start"] <= w["start"] <= sent["end"]
            ):
                mark = w["start"] in filler_times
                text.append(w["word"] + " ", style="reverse" if mark else style)
        if sent["start"] is None:
            text.append(sent["text"] + " ", style=style)
    console.print(text if text.plain.strip() else Text("(no speech recognized)", style="dim"))
    console.print()

    dur = report["audio"]["duration_s"]
    console.print(
        f"length {_fmt_s(dur)} (target {_fmt_s(d['target_s'])})   "
        f"speaking {_fmt_s(d['speaking_s'])}   "
        f"pace {d['wpm'] if d['wpm'] is not None else '-'} wpm (aim {_band(d)})   "
        f"fillers {d['fillers']['count']}"
        + (f" ({d['fillers']['per_min']}/min)" if d["fillers"]["per_min"] is not None else "")
        + f"   long pauses {d['long_pauses'] if d['long_pauses'] is not None else '-'}"
        + f"   hedges {len(d.get('hedges', []))}"
        + (f"   I/we {d['i_we_ratio']:.0%}" if d["i_we_ratio"] is not None else "")
    )
    line = Text("STAR  ")
    line.append_text(star_bar(star))
    line.append("  " + "  ".join(f"{PART_LETTER[p]} {star[p]['share']:.0%}" for p in PART_STYLE))
    console.print(line)

    if story["id"]:
        note = " (not the story linked to this question)" if story.get("other_than_expected") else ""
        console.print(
            f"story: [bold]{story['title']}[/bold] ({story['id']}, confidence {story['confidence']:.2f})"
            f"{note}   coverage {report['coverage']:.0%}"
        )
        for b in report["bullets"]:
            tag = f"[{b['star']}] " if b["star"] else ""
            if b["covered"]:
                console.print(Text(f"  ✓ {tag}{b['text']}", style="green"))
                console.print(Text(f'      "{b["evidence"]}"', style="dim"))
            else:
                console.print(Text(f"  ✗ {tag}{b['text']}", style="red"))
    else:
        console.print("story: none of your stories matched this answer")
    for flag in report.get("flags", []):
        console.print(Text(f"  ! {flag}", style="yellow"))
    if report.get("probes"):
        from voice_coach.followups import recovered_text

        console.print("follow-ups asked:")
        for p in report["probes"]:
            console.print(Text(f"  ? {p['text']} [{p['rule']}] -> {recovered_text(p)}"))
        merged = report["merged"]
        console.print(
            f"coverage with follow-ups {merged['coverage']:.0%} (answer alone {report['coverage']:.0%})"
        )
    elif report["follow_ups"]:
        console.print("follow-ups an interviewer would ask:")
        for f in report["follow_ups"]:
            console.print(Text(f"  ? {f}"))
    m = report["model"]
    console.print(
        Text(
            f"{m['engine']} {m['name']}, transcribed in {m['transcribe_s']:.1f} s, scored with {m['scorer']}",
            style="dim",
        )
    )


def render_summary(session_id: str, reports: list[dict], console: Console | None = None) -> None:
    """One line per answer, then the session's averages."""
    console = console or Console()
    console.rule(f"session {session_id}")
    if not reports:
        console.print("no answers were scored")
        return
    for r in reports:
        d = r["delivery"]
        console.print(
            f"{r['question']['id']:<32} {_fmt_s(r['audio']['duration_s']):>7}  "
            f"{d['wpm'] if d['wpm'] is not None else '-':>6} wpm  "
            f"fillers {d['fillers']['count']:>2}  coverage {r['coverage']:.0%}  "
            f"STAR {''.join(PART_LETTER[p] if r['star'][p]['present'] else '-' for p in PART_STYLE)}"
        )
    cov = sum(r["coverage"] for r in reports) / len(reports)
    console.print(f"{len(reports)} answer(s), mean coverage {cov:.0%}")
