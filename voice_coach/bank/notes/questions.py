"""The questions the notes list, as bank question entities: a question written as a list item
(its bold words joined, follow-ups and '(Manager)' split off), after a "Question:" label or in a
question table, filed under the principle or theme it sits under; and the question a heading asks.
Kept apart from stories because a question is read the same way wherever it is listed.
"""

from __future__ import annotations

import re

from voice_coach.bank.markup import BOLD, BOLD_JOIN, clean, label
from voice_coach.bank.notes.entities import QuestionEntity
from voice_coach.bank.notes.lines import LIMIT_OVER_TARGET, SENTENCE, table_rows, timing
from voice_coach.bank.notes.names import slug
from voice_coach.bank.notes.sections import QUESTION_HEAD, STORY, Section, bare_title

_MANAGER = re.compile(r"\((manager|managers only)\)", re.I)


def split_question(raw: str) -> tuple[str, list[str], list[str]]:
    """'**Tell** **me** ... **team.** What was it? (Manager)' -> (question, follow-ups, notes)."""
    raw = BOLD_JOIN.sub(lambda m: m.group(1) or " ", raw)
    notes = []
    if _MANAGER.search(raw):
        notes.append("Manager question")
        raw = _MANAGER.sub("", raw)
    bold = list(BOLD.finditer(raw))
    if bold and clean(raw[: bold[0].start()]) == "":
        question = clean(" ".join(m.group(1) or m.group(2) for m in bold))
        rest = clean(raw[bold[-1].end() :]).lstrip(".,;: ")
    else:
        text = clean(raw)
        parts = SENTENCE.split(text, maxsplit=1)
        question, rest = parts[0], parts[1] if len(parts) > 1 else ""
    follow = [s.strip() for s in SENTENCE.split(rest) if len(s.strip()) > 2]
    question = question.strip().strip('"“”').strip()
    if question and question[-1] not in ".?!":
        question += (
            "?"
            if re.match(r"(what|how|why|when|who|which|can|could|would|do|did|have)\b", question, re.I)
            else "."
        )
    return question, follow, notes


def section_questions(section: Section, counter: dict[str, int]) -> list[QuestionEntity]:
    """The questions a principle's or theme's section lists: its top-level items (sub-items are a
    question's notes), the questions after a "Question:" label, and the rows of a question table."""
    items = [ln for ln in section.lines if ln.item and clean(ln.item.group(2) or "")]
    out: list[dict] = []
    top = min((ln.indent for ln in items), default=0)
    for ln in items:
        body = ln.item.group(2) or ""
        if ln.indent > top:
            if out:  # a sub-item under a question: the user's note ("Tell story about ...")
                out[-1].setdefault("notes", []).append(clean(body))
            continue
        if label(body) or STORY.match(clean(body)):
            continue  # "Situation.", "Story: ..." are labels, never questions
        body, target = timing(body)
        question, follow, notes = split_question(body)
        if not question or len(question.split()) < 4:
            continue  # a fragment under 4 words is not a question
        out.append({"text": question, "follow_ups": follow, "notes": notes, "line": ln.no, "target": target})
    for ln in section.lines:  # "**Example question:** Tell me about ..." in a paragraph
        found = None if ln.item else label(ln.raw)
        if found and found[0] == "question" and len(found[2].split()) >= 4:
            out.append({"text": found[2], "follow_ups": [], "notes": [], "line": ln.no})
    rows = table_rows(section.lines)
    if rows and any("question" in c.lower() for c in rows[0]):
        header = [c.lower() for c in rows[0]]
        qcol = next(i for i, c in enumerate(header) if "question" in c)
        fcol = next((i for i, c in enumerate(header) if "follow" in c), None)
        for r in rows[1:]:
            if qcol < len(r) and clean(r[qcol]):
                follow = (
                    [s for s in SENTENCE.split(clean(r[fcol]))] if fcol is not None and fcol < len(r) else []
                )
                out.append(
                    {"text": clean(r[qcol]), "follow_ups": [f for f in follow if f], "notes": [], "line": 0}
                )
    result: list[QuestionEntity] = []
    for q in out:
        entry = filed_question(q["text"], section.principle, section.theme, counter, q.get("target"))
        if q["follow_ups"]:
            entry["follow_ups"] = q["follow_ups"]
        if q["notes"]:
            entry["notes"] = q["notes"]
        result.append(entry)
    return result


def filed_question(
    text: str, principle: str | None, theme: str, counter: dict[str, int], target: float | None = None
) -> QuestionEntity:
    """A question entry filed under its principle, else under its theme (no principle invented),
    with the time the notes give it."""
    key = principle or slug(theme or "notes")
    counter[key] = counter.get(key, 0) + 1
    qid = f"my-{key}-{counter[key]}"
    text, said = timing(text)
    target = target or said
    entry: QuestionEntity = (
        {"id": qid, "principle": principle, "text": text}
        if principle
        else {"id": qid, "theme": theme or "Notes", "text": text}
    )
    if target:
        entry["target_s"] = target
        entry["hard_limit_s"] = round(target * LIMIT_OVER_TARGET)
    return entry


def question_heading(title: str) -> str:
    """The question a heading asks, without its numbering ("Q1. Tell me ..." -> "Tell me ...")."""
    bare = bare_title(title)
    m = QUESTION_HEAD.match(bare)
    return (m.group(1) if m else bare).strip().strip('"“”')
