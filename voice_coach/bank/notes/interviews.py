"""Interviews, rubrics and the links between questions and stories: the parts of an import that
are neither a question nor a story of the notes but are made from them. An "Interview N" section
is an interview of the loop (its interviewer, minutes, principles and focus), a "Why ...?" or
"System Design" section a rubric of points, and a question's note that clearly names a story links
the question to it.
"""

from __future__ import annotations

import difflib
import re

from voice_coach.bank.markup import clean
from voice_coach.bank.model import Principle
from voice_coach.bank.notes.entities import InterviewEntity, QuestionEntity, RubricEntity, StoryEntity
from voice_coach.bank.notes.lines import LIMIT_OVER_TARGET, RULE, timing
from voice_coach.bank.notes.names import match_principle, slug, text_key
from voice_coach.bank.notes.sections import Section, asks
from voice_coach.tokens import content_tokens

_MINUTES = re.compile(r"(\d{1,3})\s*(?:min|mins|minutes)\b", re.I)


def section_interview(
    section: Section, principles: list[Principle], unknown: dict[str, str]
) -> InterviewEntity:
    """An interview of a loop: its interviewer ("Interviewer: Dana"), its minutes, the principles
    listed under a "Principles:" label (a name matching none is filed in unknown, name -> id) and
    the topics under a "Focus:" label."""
    name, owns, focus, minutes = "", [], [], None
    mode = None
    for ln in section.lines:
        text = clean(ln.raw)
        if not text:
            continue
        found = _MINUTES.search(text)
        if found and minutes is None:
            minutes = float(found.group(1))
        m = re.match(r"^interviewer\s*:?\s*(.*)$", text, re.I)
        if m and not ln.item:
            name = re.sub(r"\(?\s*\d{1,3}\s*(minutes|mins|min)\s*\)?", "", m.group(1)).strip(" :,-")
            continue
        label = re.fullmatch(
            r"(principles?|leadership principles|lps?|review|focus|topics?)\s*:?", text, re.I
        )
        if label and not ln.item:
            mode = (
                "principles"
                if label.group(1).lower().startswith(("principle", "leadership", "lp"))
                else "focus"
            )
            continue
        if ln.item:
            body = clean(ln.item.group(2) or "")
            if not body:
                continue
            if mode == "principles":
                pid = match_principle(body, principles)
                if pid is None:
                    pid = unknown.setdefault(body, slug(body))
                owns.append(pid)
            elif mode == "focus":
                focus.append(body)
    entry: InterviewEntity = {"name": name or section.title, "principles": owns}
    if minutes:
        entry["minutes"] = minutes
    if focus:
        entry["focus"] = focus
    return entry


def _unshout(m: re.Match) -> str:
    """A SHOUTED phrase in its sentence case; an acronym ("AWS", "HTTP") kept as written."""
    shouted = m.group(1)
    return shouted if " " not in shouted and len(shouted) <= 5 else shouted.capitalize()


def section_rubric(section: Section) -> RubricEntity:
    """A rubric from a "Why ...?" or "System Design" section: its items and bold lines are the points."""
    points = []
    for ln in section.lines:
        m = ln.item
        body = clean((m.group(2) or "") if m else ln.raw)
        if not body or body.endswith(":") or RULE.match(ln.raw):
            continue
        if not m and not re.fullmatch(r"\*\*(.+?)\*\*", ln.raw):
            continue  # prose between steps is not a point
        body = re.sub(r"\b([A-Z]{3,}(?: [A-Z]{2,})*)\b", _unshout, body)
        points.append(body)
    rid = section.kind.split(":", 1)[1]
    title, target = timing(section.title)
    prompt = title if title.endswith("?") else f"{title}: walk me through your approach."
    rubric: RubricEntity = {"id": rid, "title": title, "prompt": prompt, "points": points}
    if target:
        rubric["target_s"] = target
        rubric["hard_limit_s"] = round(target * LIMIT_OVER_TARGET)
    return rubric


def link_notes(
    questions: list[QuestionEntity], stories: list[StoryEntity], threshold: float = 0.6, min_shared: int = 4
) -> None:
    """Link a question to a story when its note ("Tell story about ...") clearly names that story.

    Conservative on purpose: a note that shares a few common words (CEO, business, team) with a
    story is kept as a note, unlinked; a wrong link would score answers against the wrong bullets.
    """

    def words(story: StoryEntity) -> set[str]:
        texts = [story["title"]]
        stack = list(story["bullets"])
        while stack:
            b = stack.pop()
            texts.append(b if isinstance(b, str) else b["text"])
            if isinstance(b, dict):
                stack.extend(b.get("bullets", []))
        return set(content_tokens(" ".join(texts)))

    vocab = {s["id"]: words(s) for s in stories}
    generic = {"tell", "story", "about", "time", "team", "work"}
    # a story titled by the question it answers is named by no note's first words
    titles = {s["id"]: content_tokens(s["title"]) for s in stories if not asks(s["title"])}
    for q in questions:
        for note in q.get("notes", []):
            for sid in _named_by_start(note, titles, generic):
                if sid not in q.get("stories", []):
                    q.setdefault("stories", []).append(sid)
            want = set(content_tokens(note)) - generic
            if len(want) < min_shared:
                continue
            scored = sorted(((len(want & v), sid) for sid, v in vocab.items()), reverse=True)
            shared, sid = scored[0] if scored else (0, "")
            if shared >= min_shared and shared / len(want) >= threshold and sid not in q.get("stories", []):
                q.setdefault("stories", []).append(sid)


def _story_for(name: str, stories: list[StoryEntity]) -> str | None:
    """The story a name in the notes means: its title, the start of it, or near it in spelling."""
    want = slug(name)
    words = set(content_tokens(name))
    best, best_score = None, 0.0
    for story in stories:
        title = slug(story["title"])
        have = set(content_tokens(story["title"]))
        if want in (title, story["id"]):
            return story["id"]
        score = difflib.SequenceMatcher(None, want, title).ratio()
        if title.startswith(want) or want.startswith(title) or (words and words <= have):
            score = max(score, 0.9)
        elif words and len(words & have) / len(words) >= 0.67:
            score = max(score, 0.8)
        if score > best_score:
            best, best_score = story["id"], score
    return best if best_score >= 0.8 else None


def wiki_names(text: str) -> dict[str, set[str]]:
    """Every name a wiki link gives a note, by each of its names: "[[Transcoding on spot
    instances|Spot transcoding]]" and "[[Transcoding on spot instances|the spot migration]]" are
    one note, whichever alias a heading or a link shows."""
    groups: dict[str, set[str]] = {}
    for target, alias in re.findall(r"\[\[([^\]|#]+)(?:#[^\]|]*)?(?:\|([^\]]+))?\]\]", text):
        group = groups.setdefault(target.strip(), {target.strip()})
        if alias.strip():
            group.add(alias.strip())
    return {name: group for group in groups.values() for name in group}


_REFUSED = re.compile(r"(?i)(?:not|no|never|avoid|don'?t|instead of|rather than|skip)\b")


def _named_by_start(note: str, titles: dict[str, list[str]], generic: set[str]) -> list[str]:
    """The stories a note names by the first words of their titles, in its order ("Lua hooks - first
    estimate was two weeks", "Brayford Heights floor plans, or the Kilnworth crash if ..."): a piece
    of the note whose first two words are in one title, the first in that title alone."""
    found = []
    for piece in re.split(r"\s*(?:,|;|\(|\s[-–—]\s|\bor\b|\band\b)\s*", note):
        words = [w for w in content_tokens(piece) if w not in generic and w not in {"again", "the"}]
        if len(words) < 2 or _REFUSED.match(piece.strip()):  # "Not Kafka migration, too technical"
            continue
        holders = [sid for sid, t in titles.items() if words[0] in t]
        if len(holders) == 1 and words[1] in titles[holders[0]] and holders[0] not in found:
            found.append(holders[0])
    return found


def link_named(
    questions: list[QuestionEntity],
    stories: list[StoryEntity],
    named: dict[str, list[str]],
    same: dict[str, set[str]] | None = None,
) -> list[str]:
    """Link each question to the stories its notes name ("Primary story: X · Backup: Y"), primary
    first, a wiki link's alias by its note's other names (`same`); returns a line for each name that
    matches no story of the notes."""
    unknown = []
    pointers: list[tuple[QuestionEntity, QuestionEntity]] = []
    for q in questions:
        for name in named.get(q["id"], []):
            sid = _story_for(name, stories)
            others = set((same or {}).get(name, set()))
            number = re.match(r"#\d{1,2}\b\s*", name)  # "#4 Priorities": the story numbered 4 ...
            if number:
                others |= (same or {}).get(number.group().strip(), set())
                if name[number.end() :].strip():  # ... or, the number shared, the one named "Priorities"
                    others.add(name[number.end() :].strip())
            for other in sorted(others - {name}) if sid is None else []:
                sid = sid or _story_for(other, stories)
            pointed = (x for x in questions if x is not q and text_key(x["text"]) == text_key(name))
            asked = None if sid else next(pointed, None)
            if asked is not None:  # "→ 8": the stories of the question it points at, once linked
                pointers.append((q, asked))
                continue
            if sid is None:
                unknown.append(f"question '{q['text']}': its story '{name}' is not among the notes' stories")
            elif sid not in q.get("stories", []):
                q.setdefault("stories", []).append(sid)
                story = next(s for s in stories if s["id"] == sid)
                if q.get("principle") and q["principle"] not in story["principles"]:
                    story["principles"].append(q["principle"])  # the notes say it answers this one
    for q, asked in pointers:  # "1. → same story as 3": 3 may be linked further down
        have = q.setdefault("stories", [])
        have.extend(s for s in asked.get("stories", []) if s not in have)
    return unknown
