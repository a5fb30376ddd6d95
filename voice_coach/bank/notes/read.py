"""The import's entry point: read_notes puts the steps together (sections, then the questions,
stories, interviews and rubrics each holds), files what it finds in a Notes, reads the stories
written as table rows, and merges a question listed twice into one. Everything the rest of the
program needs from an import of notes starts here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from voice_coach.bank.markup import clean, label
from voice_coach.bank.model import Principle
from voice_coach.bank.notes.entities import (
    InterviewEntity,
    LoopEntity,
    PrincipleEntity,
    QuestionEntity,
    RubricEntity,
    StoryEntity,
)
from voice_coach.bank.notes.interviews import (
    link_named,
    link_notes,
    section_interview,
    section_rubric,
    wiki_names,
)
from voice_coach.bank.notes.lines import sentences, table_rows
from voice_coach.bank.notes.names import match_principle, new_id, text_key
from voice_coach.bank.notes.questions import filed_question, question_heading, section_questions, story_names
from voice_coach.bank.notes.sections import Section, holds_more, sections, theme_name
from voice_coach.bank.notes.stories import section_story


@dataclass
class Notes:
    """What an import found: entities in the bank's YAML shape, plus what was left out and why."""

    principles: list[PrincipleEntity] = field(default_factory=list)
    questions: list[QuestionEntity] = field(default_factory=list)
    stories: list[StoryEntity] = field(default_factory=list)
    loops: list[LoopEntity] = field(default_factory=list)
    rubrics: list[RubricEntity] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def entities(self) -> dict[str, Sequence[Mapping[str, object]]]:
        return {
            "principles": self.principles,
            "questions": self.questions,
            "stories": self.stories,
            "loops": self.loops,
            "rubrics": self.rubrics,
        }


def _table_stories(section: Section, used: set[str]) -> list[StoryEntity]:
    """Stories written as table rows under columns named for the STAR parts (| Story | Situation |
    Task | Action | Result |): a story per row, titled by its first other column."""
    rows = table_rows(section.lines)
    if not rows:
        return []
    header = [label(c) for c in rows[0]]
    parts = {i: h[1] for i, h in enumerate(header) if h and h[0] == "part" and not h[2]}
    if len(set(parts.values())) < 3:
        return []
    # the title: a column named for it ("Story"), else the first that is neither a part nor an index
    named = [i for i, c in enumerate(rows[0]) if _TITLE_COLUMN.fullmatch(clean(c).lower())]
    plain = [i for i in range(len(rows[0])) if i not in parts and clean(rows[0][i])]
    title_col = named[0] if named else (plain[0] if plain else None)
    stories: list[StoryEntity] = []
    for n, row in enumerate(rows[1:], start=1):
        bullets = [
            f"{tag}: {sentence}"
            for i, tag in sorted(parts.items())
            if i < len(row) and not _EMPTY_CELL.fullmatch(clean(row[i]))
            for sentence in sentences(clean(row[i]))
        ]
        if not bullets:
            continue
        title = clean(row[title_col]) if title_col is not None and title_col < len(row) else ""
        title = re.sub(r"\s*\((?:backup|alt)[^)]*\)\s*$", "", title, flags=re.I)  # "X (backup: Y)"
        title = title or f"{section.title} story {n}"
        stories.append(
            {
                "id": new_id(title, used),
                "title": title,
                "principles": [section.principle] if section.principle else [],
                "bullets": bullets,
            }
        )
    return stories


_TITLE_COLUMN = re.compile(r"(?:story|title|name|example)s?")
# a cell that says nothing yet, or points at another row ("same as row 1", pandas' "nan", "TBD")
_EMPTY_CELL = re.compile(r"(?i)|nan|none|n/?a|tbd|todo|-+|\?+|same as (?:row|above|story)\b.*")


_STORY_NUMBER = re.compile(r"^(?:story|история)\s*#\s*(\d{1,2})\s*[:.\-–—]\s*(\S.*)$", re.I)


def _story_numbers(found: list[Section]) -> dict[str, set[str]]:
    """ "#3" (and "#3 Failure") name the story headed "Story #3: ...": a cheat sheet's links."""
    numbered: dict[str, set[str]] = {}
    for section in found:
        m = _STORY_NUMBER.match(section.title) if section.kind == "story" else None
        if m:
            numbered.setdefault(f"#{m.group(1)}", set()).add(m.group(2).strip())
    # numbered anew under each principle, a number names no one story (the word after it may)
    return {number: titles for number, titles in numbered.items() if len(titles) == 1}


_CATEGORIES = re.compile(r"(?i)^#{1,6}\s+(?:story |my )?categor(?:y|ies)(?: list)?\s*$")
_LISTED = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.+?)\s*$")


def _categories(text: str) -> frozenset:
    """The categories a "## Categories" list names, lower case: "### Migration – Moving billing ..."
    is then a story of that category, titled after the dash."""
    names: set[str] = set()
    listing = False
    for raw in text.splitlines():
        if raw.lstrip().startswith("#"):
            listing = bool(_CATEGORIES.match(raw.strip()))
        elif listing and (item := _LISTED.match(raw)):
            names.add(clean(item.group(1)).split(":")[0].strip().lower())
    return frozenset(n for n in names if n)


def read_notes(text: str, principles: list[Principle], loop_id: str) -> Notes:
    """Parse one notes file into bank entities."""
    result = Notes()
    same = wiki_names(text)  # before `text` names each question asked below
    title, found, skipped = sections(text, principles)
    same.update(_story_numbers(found))
    categories = _categories(text)
    result.skipped = skipped
    counter: dict[str, int] = {}
    used: set[str] = set()
    unknown: dict[str, str] = {}
    interviewers: list[InterviewEntity] = []
    named: dict[str, list[str]] = {}  # question id -> the stories its notes name
    listed: dict[int, list[QuestionEntity]] = {}  # id(theme section) -> the questions it lists
    for section in found:
        if section.kind in ("principle", "theme"):
            listed[id(section)] = section_questions(section, counter, named, principles)
            result.questions.extend(listed[id(section)])
            if (
                not listed[id(section)]
                and not holds_more(section, found)
                and not _table_stories(section, set())
            ):
                result.skipped.append(
                    f"line {section.line}: section '{section.title}' holds no question or story"
                )
            result.stories.extend(_table_stories(section, used))
        elif section.kind in ("story", "question"):
            story, parts = section_story(section, used, principles, categories)
            asked = list(parts.questions)
            if section.kind == "question":
                asked.insert(0, question_heading(section.title))
            if story:
                result.stories.append(story)
                for q in listed.get(id(section.parent), []) if section.parent else []:
                    q.setdefault("stories", []).append(story["id"])
            elif section.kind == "story":
                result.skipped.append(
                    f"line {section.line}: story '{section.title}' not "
                    "read: no Situation, Task, Action or Result written yet"
                )
                theme = section.theme or theme_name(title or "Notes")
                for text in asked:  # the questions it is meant for are the user's all the same
                    result.questions.append(filed_question(text, section.principle, theme, counter))
                continue
            pid = story["principles"][0] if story and story["principles"] else section.principle
            if (
                not story and not pid and parts.principles
            ):  # "*Principle: Bias for Action*" under the question
                pid = match_principle(parts.principles[0], principles)
            # a question heading with no worked answer: what sits under it are the question's notes
            kept = ([parts.first] if parts.first and not story else []) + parts.notes
            kept += [node["text"] for node in parts.nodes if "text" in node]
            names = [name for text in kept for name in story_names(text)]  # "**Primary:** X", "→ X"
            kept = [text for text in kept if not story_names(text)]
            for n, text in enumerate(asked):
                entry = filed_question(text, pid, section.theme or theme_name(title or "Notes"), counter)
                if story:
                    entry["stories"] = [story["id"]]
                elif n == 0 and kept:
                    entry["notes"] = kept
                if n == 0 and names:
                    named[entry["id"]] = names
                result.questions.append(entry)
        elif section.kind == "interview":
            interviewers.append(section_interview(section, principles, unknown))
            # a round of a loop already sat ("Round 1 – Hiring manager"): the questions it asked
            if not section.theme:
                section.theme = theme_name(title or "Notes")
            result.questions.extend(section_questions(section, counter, named, principles))
        elif section.kind.startswith("rubric:"):
            rubric = section_rubric(section)
            if rubric["points"]:
                result.rubrics.append(rubric)
            elif section.title.endswith("?"):  # "Why do you want to leave?" answered in prose: a question
                entry = filed_question(
                    section.title, section.principle, section.theme or theme_name(title or "Notes"), counter
                )
                prose = [clean(ln.raw) for ln in section.lines if clean(ln.raw)]
                if prose:
                    entry["notes"] = prose
                result.questions.append(entry)
            else:
                result.skipped.append(f"line {section.line}: section '{section.title}' lists no point")
    if interviewers:
        result.loops.append({"id": loop_id, "title": title or loop_id, "interviewers": interviewers})
    for name, pid in unknown.items():
        result.principles.append({"id": pid, "name": name, "definition": ""})
    result.skipped.extend(link_named(result.questions, result.stories, named, same))
    _pasted_twice(result)
    result.questions = _unique(result.questions)
    link_notes(result.questions, result.stories)
    return result


def _pasted_twice(result: Notes) -> None:
    """An answer pasted word for word under a second question is one story, the first (both titled by
    their questions): the second question links to it, its principles join the first's."""
    asked = {text_key(q["text"]) for q in result.questions}
    first: dict[str, StoryEntity] = {}
    same: dict[str, str] = {}
    for story in result.stories:
        if text_key(story["title"]) not in asked:
            continue  # a story with a name of its own is never merged, whatever it says
        told = json.dumps(story["bullets"], ensure_ascii=False, sort_keys=True).casefold()
        if told not in first:
            first[told] = story
            continue
        kept = first[told]
        same[story["id"]] = kept["id"]
        kept["principles"] += [p for p in story["principles"] if p not in kept["principles"]]
        result.skipped.append(f"'{story['title']}': the same answer as '{kept['title']}', read as one story")
    if not same:
        return
    result.stories = [s for s in result.stories if s["id"] not in same]
    for q in result.questions:
        if q.get("stories"):
            q["stories"] = list(dict.fromkeys(same.get(sid, sid) for sid in q["stories"]))


def _unique(questions: list[QuestionEntity]) -> list[QuestionEntity]:
    """One entry per question text: a question listed under a theme and asked again as the heading
    of its worked answer is one question, linked to that story."""
    seen: dict[str, QuestionEntity] = {}
    out = []
    for q in questions:
        # its text, and its text with its follow-ups ("... a date." + "What did you leave out?")
        keys = {text_key(q["text"]), text_key(" ".join([q["text"], *q.get("follow_ups", [])]))}
        first = next((seen[k] for k in keys if k in seen), None)
        if first is None:
            seen.update(dict.fromkeys(keys, q))
            out.append(q)
            continue
        for sid in q.get("stories", []):
            first.setdefault("stories", [])
            if sid not in first["stories"]:
                first["stories"].append(sid)
    return out
