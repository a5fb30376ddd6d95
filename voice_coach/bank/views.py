"""The bank as plain data for other tools (bank list --json) and the story/principle matrix."""

from __future__ import annotations

from voice_coach.bank.model import Bank, Bullet


def _bullet(b: Bullet) -> dict:
    out = {"id": b.id, "text": b.text, "tag": b.star}
    if b.children:
        out["bullets"] = [_bullet(c) for c in b.children]
    return out


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
                "bullets": [_bullet(b) for b in s.bullets],
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
            }
            for s in bank.stories.values()
        ],
        "gaps": [r["id"] for r in rows if r["gap"]],
    }
