"""A session as an Obsidian-friendly Markdown note: front matter, tags, links to the stories."""

from __future__ import annotations

import time

from voice_coach.history.store import Attempt


def _clean(text: str) -> str:
    """Keep the user's words but stop them from becoming Markdown or wiki syntax."""
    return (text or "").replace("[[", "[ [").replace("]]", "] ]").replace("\n", " ").strip()


def session_markdown(session_id: str, answers: list[Attempt]) -> str:
    started = time.strftime("%Y-%m-%d", time.localtime(answers[0].created_at)) if answers else ""
    reports = [a.report for a in answers if a.report]
    principles = sorted({r.question.principle for r in reports if r.question.principle})
    lines = [
        "---",
        f"session: {session_id}",
        f"date: {started}",
        "tags:",
        "  - voice-coach",
        "  - interview-practice",
    ]
    lines += [f"  - lp/{p}" for p in principles]
    cov = [r.coverage for r in reports]
    lines += [
        f"answers: {len(reports)}",
        f"mean_coverage: {sum(cov) / len(cov):.2f}" if cov else "mean_coverage: 0",
        "---",
        "",
        f"# Practice session {session_id}",
        "",
    ]
    for n, r in enumerate(reports, start=1):
        d = r.delivery
        lines += [f"## {n}. {_clean(r.question.text)}", ""]
        if r.story.id:
            lines.append(f"Story: [[{r.story.id}|{_clean(r.story.title or '')}]] · coverage {r.coverage:.0%}")
        wpm = f"{d.wpm:.0f} wpm" if d.wpm is not None else "typed"
        lines += [
            f"Length {r.audio.duration_s or 0:.0f} s · {wpm} · fillers {d.fillers.count}"
            f" · STAR {r.star.letters()}",
            "",
        ]
        for b in r.bullets:
            lines.append(f"- [{'x' if b.covered else ' '}] {_clean(b.text)}")
        if r.bullets:
            lines.append("")
        lines += [f"> {_clean(r.transcript.text)}", ""]
        if r.probes:
            lines += ["Follow-ups asked:"]
            lines += [f"- {_clean(p.text)} ({p.rule}): {p.recovered_text()}" for p in r.probes]
            lines += [f"- coverage with follow-ups {r.totals().coverage:.0%}", ""]
        elif r.follow_ups:
            lines += ["Follow-ups:"] + [f"- {_clean(f)}" for f in r.follow_ups] + [""]
    return "\n".join(lines)
