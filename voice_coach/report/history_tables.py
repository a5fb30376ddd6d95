"""The history in the terminal: every attempt, the trends per principle and per story, the
principles never practised; and what to practise next, with the reasons."""

from __future__ import annotations

import csv
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from rich import box
from rich.console import Console
from rich.table import Column, Table

from voice_coach.bank.model import Bank
from voice_coach.history.store import PRACTICE, Attempt, Store, short_ids
from voice_coach.interview.planner import Pick, group_by
from voice_coach.report.html import session_html
from voice_coach.report.markdown import session_markdown
from voice_coach.report.progress import COLUMNS, LAST, per_principle
from voice_coach.report.progress import _fmt as fmt
from voice_coach.report.terminal import render, render_summary
from voice_coach.scoring.model import AnswerReport
from voice_coach.units import mmss, shorten

SHOWN = 200  # attempts listed in the table; --json and --csv list all


def moved_aside(path: Path, recordings_dir: Path) -> str:
    """The warning when the history could not be read and was moved aside (it is never deleted)."""
    return (
        f"warning: the history database could not be read (damaged); it was moved aside to {path} "
        f"(kept, not deleted) and a new history was started. Recordings are untouched in {recordings_dir}."
    )


def recovery_offer(pending: int) -> str:
    """Said before a session when earlier answers were interrupted before their report."""
    return (
        f"{pending} earlier answer(s) were interrupted before their report; "
        "their recordings are kept: run `voice-coach recover` to finish them."
    )


def picks_lines(picks: list[Pick]) -> list[str]:
    """What `practice --next` asks and `next` shows: each question with the reason it is needed."""
    lines = ["practising next, by need:"]
    lines += [f"  {i}. {p.question.id} ({p.question.topic}): {p.reason}" for i, p in enumerate(picks, 1)]
    return lines


def nothing_for(bank: Bank, principle: str | None, story: str | None) -> str:
    """The line for a principle or story with no attempts yet, and how to practise it."""
    what = f"principle {bank.principles[principle].name}" if principle else f"story {story}"
    return f"no attempts for {what} yet: practise it with `voice-coach practice " + (
        f"-p {principle}`" if principle else f"-s {story}`"
    )


def show_history(view, bank: Bank, store: Store, form: str = "table", out: TextIO | None = None) -> None:
    """`history` as a table with the trends, as JSON or as CSV (an api.HistoryView); a principle or
    story never practised says so."""
    out = out or sys.stdout
    if view.nothing:
        print(nothing_for(bank, view.principle, view.story), file=out)
    elif form == "json":
        print(json.dumps([r.summary() for r in view.rows], indent=2), file=out)
    elif form == "csv":
        attempts_csv(view.rows, out)
    else:
        print_history(view.rows, view.practice, bank, store)


def attempts_csv(rows: list[Attempt], out: TextIO) -> None:
    writer = csv.DictWriter(out, fieldnames=Attempt.SUMMARY)
    writer.writeheader()
    writer.writerows(r.summary() for r in rows)


def print_trends(console: Console, rows: list[Attempt], store: Store) -> None:
    """Per principle, the last three attempts (coverage, STAR parts, fillers/min, whether each spoke
    of what was asked); then per story, first -> latest coverage, wpm, fillers/min, length."""
    progress = per_principle(rows, store)
    if progress:
        table = Table("principle", "attempts", *COLUMNS, title=f"progress per principle (last {LAST})")
        for p in progress:
            table.add_row(p.principle, str(p.attempts), *("  ".join(p.cells[c]) for c in COLUMNS))
        console.print(table)
    groups = group_by(rows, "story_id")
    if not groups:
        return
    table = Table(
        Column("story", no_wrap=True),
        "n",
        "coverage",
        "wpm",
        "fillers/min",
        "length (s)",
        title="trend per story (first→latest)",
    )
    names = shorten(list(groups), width=22)
    for name, rs in sorted(groups.items()):
        first, last = rs[0], rs[-1]
        table.add_row(
            names[name],
            str(len(rs)),
            f"{fmt(first.coverage, '.0%')}→{fmt(last.coverage, '.0%')}",
            f"{fmt(first.wpm, '.0f')}→{fmt(last.wpm, '.0f')}",
            f"{fmt(first.fillers_per_min, '.1f')}→{fmt(last.fillers_per_min, '.1f')}",
            f"{fmt(first.duration_s, '.0f')}→{fmt(last.duration_s, '.0f')}",
        )
    console.print(table)


STATUS_WORD = {"interrupted": "stopped", "transcribing": "pending"}


def print_history(
    rows: list[Attempt], practice: list[Attempt], bank: Bank, store: Store, console: Console | None = None
) -> None:
    """Every attempt (unfinished ones marked), then the trends and gaps of practice answers."""
    console = console or Console()
    if not rows:
        console.print("no attempts yet: try `voice-coach demo`, then `voice-coach practice`")
        return
    # the session id starts with its date and time: 20261125-142233
    table = Table(box=box.SIMPLE, pad_edge=False, collapse_padding=True, show_edge=False)
    ids = short_ids([r.session_id for r in rows])
    shown = rows[-SHOWN:]
    # every cell but the question's and the story's, as printed: their widths are what they need
    cells = [
        (
            ids[r.session_id],
            r.kind or "-",
            mmss(r.duration_s) if r.duration_s else "-",
            f"{r.wpm:.0f}" if r.wpm else "-",
            f"{r.coverage:.0%}"
            if r.status == "done" and not r.interrupted and r.coverage is not None
            # an unfinished attempt's status, in a word that fits the column
            else STATUS_WORD.get("interrupted" if r.interrupted else r.status, r.status),
        )
        for r in shown
    ]
    fixed = [
        max(len(h), *(len(c[i]) for c in cells))
        for i, h in enumerate(("session", "kind", "len", "wpm", "cov"))
    ]
    # the session id whole (a prefix cut short could match two sessions); question and story ids
    # shortened in the middle to what the width leaves them (12 between 7 columns, 2 to spare)
    room = console.width - 14 - sum(fixed)
    stories = shorten([r.story_id for r in shown if r.story_id], width=max(10, room // 2))
    story_w = max((len(v) for v in stories.values()), default=5)
    names = {
        **shorten([r.question_id for r in shown if r.question_id], width=max(8, room - story_w)),
        **stories,
    }
    for name, width in zip(("session", "kind"), fixed[:2], strict=True):
        table.add_column(name, no_wrap=True, min_width=width)
    for name, key in (("question", "question_id"), ("story", "story_id")):
        widest = max((len(names.get(getattr(r, key) or "", "-")) for r in shown), default=1)
        table.add_column(name, no_wrap=True, width=max(len(name), widest))
    for name, width in zip(("len", "wpm", "cov"), fixed[2:], strict=True):
        table.add_column(name, no_wrap=True, justify="right", min_width=width)
    for r, (session, kind, length, wpm, cov) in zip(shown, cells, strict=True):
        table.add_row(
            session,
            kind,
            names.get(r.question_id or "", "-"),
            names.get(r.story_id or "", "-"),
            length,
            wpm,
            cov,
        )
    console.print(table)
    if len(rows) > SHOWN:
        console.print(f"(the latest {SHOWN} of {len(rows)} attempts; --json or --csv lists all)")
    unfinished = sum(r.interrupted for r in rows)
    if unfinished:
        console.print(f"{unfinished} interrupted attempt(s): `voice-coach recover` scores what was recorded")
    print_trends(console, practice, store)
    practised = {r.principle for r in practice}
    never = [p.name for p in bank.principles.values() if p.id not in practised]
    if never:
        console.print(f"never practised: {', '.join(never)}")


@dataclass
class SessionReports:
    """`report`: a session's scored answers in the terminal, as JSON, HTML or Markdown."""

    store: Store
    session_id: str
    answers: list[Attempt]
    full: bool = False  # every bullet and the transcript, not the summary that fits a screen

    @property
    def reports(self) -> list[AnswerReport]:
        return [a.report for a in self.answers if a.report]

    def to_dict(self) -> dict:
        return {"session": self.session_id, "answers": [r.to_dict() for r in self.reports]}

    def html(self) -> str:
        """A self-contained page, with the progress per principle over all practice."""
        # progress as it stood at this session's end: its own attempts and those before, never later
        until = max((a.created_at for a in self.answers), default=float("inf"))
        practice = [a for a in self.store.history(kinds=PRACTICE) if a.created_at <= until]
        return session_html(self.session_id, self.answers, practice, per_principle(practice, self.store))

    def markdown(self) -> str:
        return session_markdown(self.session_id, self.answers)

    def print(self) -> None:
        """Each answer's report, then one line per answer and the session's averages."""
        for r in self.reports:
            render(r, full=self.full, more=f"voice-coach report {self.session_id} --full")
        render_summary(self.session_id, self.reports)
