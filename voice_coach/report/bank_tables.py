"""The question bank in the terminal: the validation summary, the listing of principles, questions
and stories, the story/principle matrix with each loop's suggested stories, and what an import of
notes found and changed."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from voice_coach.bank.files import SINGULAR
from voice_coach.bank.model import Bank
from voice_coach.bank.notes import Notes, count_bullets, part_counts

KEPT = {
    "conflict": "changed in the notes AND edited in your bank: your edit is kept",
    "kept-edit": "your edit is kept",
    "kept-deleted": "you deleted it: not restored",
}


def print_validation(check) -> None:
    """`bank validate`: each problem (errors on stderr), then what was found where (an api.BankCheck)."""
    for p in check.problems:
        print(p, file=sys.stderr if p.level == "error" else sys.stdout)
    print(validation_summary(check))


def validation_summary(check) -> str:
    """`bank validate`'s last line: what was found where, and the problems."""
    found, used, errors = check.found, check.used, check.errors
    return (
        f"{len(found.principles)} principles, {len(found.questions)} questions, "
        f"{len(used.stories)} stories, {len(used.loops)} loops, {len(found.rubrics)} rubrics"
        + (f" ({check.unused} shipped examples set aside: you have your own)" if check.unused else "")
        + f" in {', '.join(str(d) for d in check.folders)}: "
        f"{errors} error(s), {len(check.problems) - errors} warning(s)"
    )


def _print_questions(console: Console, questions: list[dict]) -> None:
    for q in questions:
        linked = f"  [dim]stories: {escape(', '.join(q['stories']))}[/dim]" if q["stories"] else ""
        console.print(f"[cyan]{escape(q['id'])}[/cyan]  {escape(q['text'])}{linked}")


def print_listing(data: dict, user_bank_dir: Path, console: Console | None = None) -> None:
    """`bank list`: per principle its questions, then the themes of notes with no principle, then the
    stories with their parts (marked when the parts were guessed at import)."""
    console = console or Console()
    for p in data["principles"]:
        console.rule(f"[bold]{escape(p['name'])}[/bold] ({escape(p['id'])})")
        _print_questions(console, [q for q in data["questions"] if q["principle"] == p["id"]])
    themes: dict[str, list[dict]] = {}
    for q in data["questions"]:
        if not q["principle"] and q["theme"]:
            themes.setdefault(q["theme"], []).append(q)
    for theme, asked in themes.items():
        console.rule(f"[bold]{escape(theme)}[/bold] (theme of your notes, no principle)")
        _print_questions(console, asked)
    if not data["stories"]:
        return
    console.rule("stories")
    for st in data["stories"]:
        parts = " ".join(f"{tag} {n}" for tag, n in st["parts"].items())
        console.print(
            f"[cyan]{escape(st['id'])}[/cyan]  {escape(st['title'])}  "
            f"[dim]({escape(', '.join(st['principles']) or 'no principle')})"
            + (" (example)" if st["example"] else "")
            + f"  parts {parts}"
            + (" [yellow]guessed[/yellow]" if st["parts_inferred"] else "")
            + "[/dim]"
        )
    if any(st["parts_inferred"] for st in data["stories"]):
        console.print(
            "[yellow]guessed[/yellow]: your notes tag no part, so each bullet's S/T/A/R was inferred "
            f"from its wording at import; correct the 'S:' ... 'R:' tags in "
            f"{escape(str(user_bank_dir))}"
        )


def print_matrix(data: dict, bank: Bank, console: Console | None = None) -> None:
    """`bank matrix`: stories against principles, then per loop its interviewers and the suggested
    stories (none told to two interviewers), then the gaps."""
    console = console or Console()
    table = Table(
        "principle",
        "questions",
        *[f"S{i + 1}" for i in range(len(data["stories"]))],
        "loop",
        title="stories against principles",
    )
    for row in data["principles"]:
        marks = ["✓" if st["id"] in row["stories"] else "" for st in data["stories"]]
        loop = "[red]GAP[/red]" if row["gap"] else ("yes" if row["in_loops"] else "")
        table.add_row(escape(row["name"]), str(row["questions"]), *marks, loop)
    console.print(table)
    for i, st in enumerate(data["stories"]):
        example = " (example: import your notes to use your own stories)" if st["example"] else ""
        console.print(
            f"S{i + 1} = {escape(st['id'])}: {escape(st['title'])} ({st['bullets']} bullets){example}"
        )

    def name(pid: str) -> str:
        return bank.principles[pid].name if pid in bank.principles else pid

    for lp in bank.loops.values():
        console.print(f"\nloop [bold]{escape(lp.title)}[/bold] ({lp.id})")
        for person in lp.interviewers:
            console.print(
                f"  {escape(person.name)}: {escape(', '.join(name(p) for p in person.principles))}"
                + (f"  [dim]review: {escape(', '.join(person.focus))}[/dim]" if person.focus else "")
            )
        console.print("  suggested stories, none told to two interviewers:")
        for pid, sid in data["suggested"][lp.id].items():
            console.print(
                f"    {escape(name(pid))}: " + (escape(sid) if sid else "[red]no story serves it yet[/red]")
            )
    if data["gaps"]:
        console.print(f"[red]gaps:[/red] no story yet for {', '.join(data['gaps'])}")


def found_lines(notes: Path, found: Notes) -> list[str]:
    """What an import read in the notes: loops, questions per principle or theme, stories, rubrics."""
    per = Counter(q.get("principle") or f"theme '{q['theme']}'" for q in found.questions)
    lines = [f"from {notes}:"]
    for lp in found.loops:
        lines.append(f"  loop '{lp['title']}': {len(lp['interviewers'])} interviews")
        lines += [f"    {p['name']}: {', '.join(p['principles'])}" for p in lp["interviewers"]]
    lines.append(f"  questions: {len(found.questions)} ({', '.join(f'{k} {v}' for k, v in per.items())})")
    for st in found.stories:
        parts = part_counts(st["bullets"])
        tagged = " ".join(f"{k} {parts[k]}" for k in "STAR" if k in parts) or "no S/T/A/R parts marked"
        notes_kept = f", {len(st['notes'])} note(s) kept, not scored" if st.get("notes") else ""
        lines.append(
            f"  story '{st['title']}': {count_bullets(st['bullets'])} bullets ({tagged}){notes_kept}"
            f" [{', '.join(st['principles']) or 'no principle'}]"
        )
    lines += [f"  rubric '{r['title']}': {len(r['points'])} points" for r in found.rubrics]
    lines += [f"  new principle '{p['name']}' (not one of the shipped ones)" for p in found.principles]
    return lines + [f"  left out {s}" for s in found.skipped]


def import_lines(result, dry_run: bool) -> list[str]:
    """`bank import`: what was found, each change to the bank file, and the summary (api.NotesImport)."""
    plan = result.plan
    lines = found_lines(result.source, result.found)
    for action in ("added", "updated", "removed", "kept-edit", "kept-deleted", "conflict"):
        for _, kind, ident in (c for c in plan.changes if c[0] == action):
            note = KEPT.get(action, "")
            lines.append(f"  {action}: {SINGULAR[kind]} {ident}" + (f" ({note})" if note else ""))
    summary = ", ".join(
        f"{plan.count(a)} {a}" for a in ("added", "updated", "removed", "conflict", "unchanged")
    )
    if dry_run:
        return lines + [f"dry run: {summary}; nothing written (would write {plan.target})"]
    if not result.written and all(a == "unchanged" for a, _, _ in plan.changes):
        return lines + [f"no changes: {plan.target} is up to date"]
    return lines + [f"wrote {plan.target}: {summary}"]
