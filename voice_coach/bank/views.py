"""The bank as plain data for other tools (bank list --json) and the story/principle matrix."""

from __future__ import annotations

from voice_coach.bank.model import Bank, Bullet, Loop


def _bullet(b: Bullet) -> dict:
    out = {"id": b.id, "text": b.text, "tag": b.star}
    if b.children:
        out["bullets"] = [_bullet(c) for c in b.children]
    return out


def part_tally(bullets: list[Bullet]) -> dict[str, int]:
    """Bullets per STAR part, in S, T, A, R order ('-' for untagged)."""
    counts = {tag: sum(b.star == tag for b in bullets) for tag in ("S", "T", "A", "R")}
    counts["-"] = sum(b.star not in counts for b in bullets)
    return {tag: n for tag, n in counts.items() if n}


def bank_dict(bank: Bank, principle: str | None = None) -> dict:
    questions = bank.questions_for(principle)
    return {
        "principles": [
            {"id": p.id, "name": p.name, "definition": p.definition}
            for p in bank.principles.values()
            if principle is None or p.id == principle
        ],
        "questions": [
            {
                "id": q.id,
                "principle": q.principle,
                "theme": q.theme,
                "text": q.text,
                "follow_ups": q.follow_ups,
                "stories": q.stories,
                "notes": q.notes,
                "target_s": q.target_s,
            }
            for q in questions
        ],
        "stories": [
            {
                "id": s.id,
                "title": s.title,
                "principles": s.principles,
                "example": s.example,
                "bullets": [_bullet(b) for b in s.bullets],
                "parts": part_tally(s.all_bullets()),
                "parts_inferred": s.parts_inferred,
                "notes": s.notes,
            }
            for s in bank.stories.values()
            if principle is None or principle in s.principles
        ],
        "loops": [
            {
                "id": lp.id,
                "title": lp.title,
                "interviewers": [
                    {"name": i.name, "principles": i.principles, "minutes": i.minutes, "focus": i.focus}
                    for i in lp.interviewers
                ],
            }
            for lp in bank.loops.values()
        ],
        "rubrics": [
            {"id": r.id, "title": r.title, "prompt": r.prompt, "points": r.points}
            for r in bank.rubrics.values()
        ],
    }


def assign_stories(bank: Bank, loop: Loop) -> dict[str, str | None]:
    """A story per principle of the loop such that no story is told to two interviewers.

    Maximum bipartite matching (augmenting paths) between the loop's principles and the stories
    that serve them, so a story is spent only where no other story can stand in. A principle left
    without a distinct story gets a story already used by the same interviewer, or None.
    """
    serves = bank.story_principles()
    owner: dict[str, int] = {}
    order: list[str] = []
    for idx, person in enumerate(loop.interviewers):
        for pid in person.principles:
            if pid not in owner:
                owner[pid] = idx
                order.append(pid)
    options = {pid: sorted(sid for sid, ps in serves.items() if pid in ps) for pid in order}
    story_of: dict[str, str] = {}  # story -> principle
    given: dict[str, str] = {}  # principle -> story

    def augment(pid: str, seen: set[str]) -> bool:
        for sid in options[pid]:
            if sid in seen:
                continue
            seen.add(sid)
            if sid not in story_of or augment(story_of[sid], seen):
                story_of[sid] = pid
                given[pid] = sid
                return True
        return False

    for pid in sorted(order, key=lambda p: (len(options[p]), order.index(p))):
        augment(pid, set())
    out: dict[str, str | None] = {}
    for pid in order:
        if pid in given:
            out[pid] = given[pid]
            continue
        same = [given[p] for p in order if owner[p] == owner[pid] and p in given and given[p] in options[pid]]
        out[pid] = same[0] if same else None
    return out


def matrix(bank: Bank) -> dict:
    serves = bank.story_principles()
    in_loops: dict[str, list[str]] = {}
    for lp in bank.loops.values():
        for person in lp.interviewers:
            for pid in person.principles:
                in_loops.setdefault(pid, []).append(f"{lp.id}: {person.name}")
    rows = []
    for p in bank.principles.values():
        stories = [sid for sid, ps in serves.items() if p.id in ps]
        rows.append(
            {
                "id": p.id,
                "name": p.name,
                "questions": len(bank.questions_for(p.id)),
                "stories": stories,
                "in_loops": in_loops.get(p.id, []),
                "gap": bool(in_loops.get(p.id)) and not stories,
            }
        )
    return {
        "principles": rows,
        "stories": [
            {
                "id": s.id,
                "title": s.title,
                "principles": sorted(serves[s.id]),
                "bullets": len(s.all_bullets()),
                "example": s.example,
            }
            for s in bank.stories.values()
        ],
        "gaps": [r["id"] for r in rows if r["gap"]],
        "suggested": {lp.id: assign_stories(bank, lp) for lp in bank.loops.values()},
    }
