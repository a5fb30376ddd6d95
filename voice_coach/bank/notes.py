"""Read Obsidian-style Markdown prep notes into bank entities (plain dicts in the bank's YAML shape).

The notes are written for people, not parsers: headings at any level, tab-indented sub-bullets,
bold questions split word by word (`**Tell** **me**`), wiki links, images and scheduling text.
Sections are recognized by their heading text (a principle's name, "Interview N", "Story ...",
"Why ...?", "System Design"), whatever their level; everything else is left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from voice_coach.bank.model import Principle
from voice_coach.scoring.text import content_tokens

_IMAGE = re.compile(r"!\[\[[^\]]*\]\]|!\[[^\]]*\]\([^)]*\)")
_WIKI = re.compile(r"\[\[([^\]|#]*)(?:#([^\]|]*))?(?:\|([^\]]*))?\]\]")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_URL = re.compile(r"https?://\S+")
_TAG_LINE = re.compile(r"^(#[\w/-]+\s*)+$")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_ITEM = re.compile(r"^([-*+]|\d+[.)])(?:\s+(.*)|)$")  # a marker then a space: "**bold**" is no item
_RULE = re.compile(r"^([-*_]\s*){3,}$")
_BOLD_JOIN = re.compile(r"\*\*(\s*)\*\*")
_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_HTML = re.compile(r"<[^>\n]{1,200}>")
_MANAGER = re.compile(r"\((manager|managers only)\)", re.I)
_STORY = re.compile(r"^story\b\s*[\w.]*\s*(?:[-–—:]\s*(.*))?$", re.I)
_INTERVIEW = re.compile(r"^(mock\s+)?interview(er)?\s*#?\s*\d+\b|^round\s*\d+\b", re.I)
_MINUTES = re.compile(r"(\d{1,3})\s*(?:min|mins|minutes)\b", re.I)
_SENTENCE = re.compile(r"(?<=[?.!])\s+(?=[A-Z0-9\"'(])")
MAX_DEPTH = 12  # deeper nesting is flattened: notes are not trees of unbounded depth


@dataclass
class Line:
    no: int
    indent: int  # columns, a tab counting 4
    raw: str  # the text without indentation, markup intact

    @property
    def item(self) -> re.Match | None:
        return _ITEM.match(self.raw)


@dataclass
class Section:
    kind: str  # principle, story, interview, rubric, other
    title: str
    level: int
    line: int
    principle: str | None = None  # principle id, for principle and story sections
    lines: list[Line] = field(default_factory=list)


@dataclass
class Notes:
    """What an import found: entities in the bank's YAML shape, plus what was left out and why."""

    principles: list[dict] = field(default_factory=list)
    questions: list[dict] = field(default_factory=list)
    stories: list[dict] = field(default_factory=list)
    loops: list[dict] = field(default_factory=list)
    rubrics: list[dict] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def entities(self) -> dict[str, list[dict]]:
        return {
            "principles": self.principles,
            "questions": self.questions,
            "stories": self.stories,
            "loops": self.loops,
            "rubrics": self.rubrics,
        }


def clean(text: str) -> str:
    """Markup out, words kept: images, wiki links, links, bold, HTML tags, odd spacing."""
    text = _IMAGE.sub("", text)
    # [[note#Heading]] reads as the heading, [[note|alias]] as the alias; a bare [[note]] is a link
    # to another note and is left out
    text = _WIKI.sub(lambda m: (m.group(3) or m.group(2) or "").strip(), text)
    text = _LINK.sub(lambda m: m.group(1), text)
    text = _URL.sub("", text)
    text = _BOLD_JOIN.sub(lambda m: m.group(1) or " ", text)
    text = text.replace("**", "").replace("__", "")
    text = _HTML.sub("", text)
    return " ".join(text.split()).strip()


def slug(text: str, limit: int = 48) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s[:limit].rstrip("-") or "x"


def _name_tokens(name: str) -> set[str]:
    return {
        t
        for t in re.findall(r"[a-z']+", name.lower())
        if t not in {"and", "the", "of", "on", "a", "be", "to"}
    }


def match_principle(name: str, principles: list[Principle]) -> str | None:
    """A principle id for a name as the user wrote it ('Earn Trust of Others' -> earn-trust)."""
    want = _name_tokens(clean(name))
    if not want:
        return None
    best, best_score = None, 0.0
    for p in principles:
        have = _name_tokens(p.name) | _name_tokens(p.id.replace("-", " "))
        common = len(want & have)
        score = common / min(len(want), len(_name_tokens(p.name)) or 1)
        if common >= 2 or (common == 1 and len(want) == 1):
            if score > best_score:
                best, best_score = p.id, score
    return best if best_score >= 0.66 else None


def _lines(text: str) -> list[Line]:
    out = []
    for no, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        expanded = raw.replace("\t", "    ")
        stripped = expanded.lstrip(" \u00a0")
        out.append(Line(no, len(expanded) - len(stripped), stripped.rstrip()))
    return out


def _classify(title: str, principles: list[Principle]) -> tuple[str, str | None]:
    t = clean(title)
    low = t.lower()
    if "system design" in low:
        return "rubric:system-design", None
    if low.startswith("why ") and low.rstrip("?").strip():
        return "rubric:" + slug(t), None
    if _INTERVIEW.match(low) and "instruction" not in low:
        return "interview", None
    if _STORY.match(t):
        return "story", None
    pid = match_principle(t, principles)
    if pid:
        return "principle", pid
    return "other", None


def sections(text: str, principles: list[Principle]) -> tuple[str, list[Section], list[str]]:
    """Split the notes at headings; returns the document title, the sections and what was skipped."""
    title = ""
    stack: list[Section] = []
    found: list[Section] = []
    skipped: list[str] = []
    current: Section | None = None
    for line in _lines(text):
        heading = _HEADING.match(line.raw) if line.indent < 4 else None
        if heading and not _TAG_LINE.match(line.raw):
            level, name = len(heading.group(1)), heading.group(2)
            if level == 1 and not title:
                title = clean(name)
            while stack and stack[-1].level >= level:
                stack.pop()
            kind, pid = _classify(name, principles)
            if kind == "story":
                pid = next((s.principle for s in reversed(stack) if s.kind == "principle"), None)
            section = Section(kind, clean(name), level, line.no, pid)
            stack.append(section)
            found.append(section)
            # body lines belong to the innermost recognized section (an unrecognized sub-heading
            # inside a principle keeps that principle's context)
            current = next((s for s in reversed(stack) if s.kind != "other"), None)
            if current is None and level > 1:
                skipped.append(
                    f"line {line.no}: section '{clean(name)}' (not a principle, story, interview or rubric)"
                )
            continue
        if current is not None:
            current.lines.append(line)
    return title, [s for s in found if s.kind != "other"], skipped


# -- questions ------------------------------------------------------------------------------
def split_question(raw: str) -> tuple[str, list[str], list[str]]:
    """'**Tell** **me** ... **team.** What was it? (Manager)' -> (question, follow-ups, notes)."""
    raw = _BOLD_JOIN.sub(lambda m: m.group(1) or " ", raw)
    notes = []
    if _MANAGER.search(raw):
        notes.append("Manager question")
        raw = _MANAGER.sub("", raw)
    bold = list(_BOLD.finditer(raw))
    if bold and clean(raw[: bold[0].start()]) == "":
        question = clean(" ".join(m.group(1) or m.group(2) for m in bold))
        rest = clean(raw[bold[-1].end() :]).lstrip(".,;: ")
    else:
        text = clean(raw)
        parts = _SENTENCE.split(text, maxsplit=1)
        question, rest = parts[0], parts[1] if len(parts) > 1 else ""
    follow = [s.strip() for s in _SENTENCE.split(rest) if len(s.strip()) > 2]
    if question and question[-1] not in ".?!":
        question += (
            "?"
            if re.match(r"(what|how|why|when|who|which|can|could|would|do|did|have)\b", question, re.I)
            else "."
        )
    return question, follow, notes


def _table_rows(lines: list[Line]) -> list[list[str]]:
    rows = [
        [c.strip() for c in ln.raw.strip().strip("|").split("|")] for ln in lines if ln.raw.startswith("|")
    ]
    return [r for r in rows if not all(re.fullmatch(r":?-{2,}:?", c) for c in r if c)]


def _questions(section: Section, counter: dict[str, int]) -> list[dict]:
    items = [ln for ln in section.lines if ln.item and clean(ln.item.group(2) or "")]
    out: list[dict] = []
    top = min((ln.indent for ln in items), default=0)
    for ln in items:
        body = ln.item.group(2) or ""
        if ln.indent > top:
            if out:  # a sub-item under a question: the user's note ("Tell story about ...")
                out[-1].setdefault("notes", []).append(clean(body))
            continue
        question, follow, notes = split_question(body)
        if not question:
            continue
        out.append({"text": question, "follow_ups": follow, "notes": notes, "line": ln.no})
    rows = _table_rows(section.lines)
    if rows and any("question" in c.lower() for c in rows[0]):
        header = [c.lower() for c in rows[0]]
        qcol = next(i for i, c in enumerate(header) if "question" in c)
        fcol = next((i for i, c in enumerate(header) if "follow" in c), None)
        for r in rows[1:]:
            if qcol < len(r) and clean(r[qcol]):
                follow = (
                    [s for s in _SENTENCE.split(clean(r[fcol]))] if fcol is not None and fcol < len(r) else []
                )
                out.append(
                    {"text": clean(r[qcol]), "follow_ups": [f for f in follow if f], "notes": [], "line": 0}
                )
    result = []
    for q in out:
        counter[section.principle] = counter.get(section.principle, 0) + 1
        entry = {
            "id": f"my-{section.principle}-{counter[section.principle]}",
            "principle": section.principle,
            "text": q["text"],
        }
        if q["follow_ups"]:
            entry["follow_ups"] = q["follow_ups"]
        if q["notes"]:
            entry["notes"] = q["notes"]
        result.append(entry)
    return result


# -- stories --------------------------------------------------------------------------------
def _bullets(lines: list[Line]) -> tuple[list[dict], str | None]:
    """Nested bullets from paragraphs, bold labels and list items; the first line if it is a title."""
    roots: list[dict] = []
    stack: list[tuple[int, dict]] = []  # (indent, node)
    group: dict | None = None
    first_para: str | None = None
    seen_any = False
    for ln in lines:
        text = ln.raw
        if not text or _RULE.match(text) or text.startswith("|"):
            continue
        bold_label = re.fullmatch(r"\*\*(.+?)\*\*:?", text) or re.fullmatch(r"__(.+?)__:?", text)
        m = ln.item
        body = clean((m.group(2) or "") if m else text)
        if not body:
            continue
        node = {"text": body, "bullets": []}
        if bold_label and not m:
            roots.append(node)
            group, stack = node, []
            seen_any = True
            continue
        if not m:  # a paragraph line
            if not seen_any and first_para is None:
                first_para = body
                seen_any = True
                continue
            (group["bullets"] if group else roots).append(node)
            stack = []
            seen_any = True
            continue
        seen_any = True
        while stack and stack[-1][0] >= ln.indent:
            stack.pop()
        if stack and len(stack) < MAX_DEPTH:
            stack[-1][1]["bullets"].append(node)
        else:
            (group["bullets"] if group else roots).append(node)
            stack = []
        stack.append((ln.indent, node))
    return roots, first_para


def _shape(nodes: list[dict]) -> list:
    """Bank YAML shape: '- S: text' for a leaf, {text, star, bullets} for a node with children."""
    from voice_coach.bank.files import _split_tag

    out: list = []
    for n in nodes:
        text, star = _split_tag(n["text"])
        if n["bullets"]:
            entry: dict = {"text": text}
            if star:
                entry["star"] = star
            entry["bullets"] = _shape(n["bullets"])
            out.append(entry)
        else:
            out.append(f"{star}: {text}" if star else text)
    return out


def count_bullets(bullets: list) -> int:
    return sum(1 + (count_bullets(b.get("bullets", [])) if isinstance(b, dict) else 0) for b in bullets)


def _story(section: Section, used: set[str]) -> dict | None:
    nodes, first = _bullets(section.lines)
    match = _STORY.match(section.title)
    title = (match.group(1) or "").strip(" .") if match else section.title
    if not title:
        title = first.rstrip(".") if first else section.title
    elif first:
        nodes.insert(0, {"text": first, "bullets": []})
    if not nodes:
        return None
    sid = slug(title)
    while sid in used:
        sid += "-2"
    used.add(sid)
    story = {
        "id": sid,
        "title": title,
        "principles": [section.principle] if section.principle else [],
        "bullets": _shape(nodes),
    }
    return story


# -- interviews and rubrics -------------------------------------------------------------------
def _interview(section: Section, principles: list[Principle], unknown: dict[str, str]) -> dict:
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
    entry = {"name": name or section.title, "principles": owns}
    if minutes:
        entry["minutes"] = minutes
    if focus:
        entry["focus"] = focus
    return entry


def _rubric(section: Section) -> dict:
    points = []
    for ln in section.lines:
        m = ln.item
        body = clean((m.group(2) or "") if m else ln.raw)
        if not body or body.endswith(":") or _RULE.match(ln.raw):
            continue
        if not m and not re.fullmatch(r"\*\*(.+?)\*\*", ln.raw):
            continue  # prose between steps is not a point
        body = re.sub(r"\b([A-Z]{3,}(?: [A-Z]{2,})*)\b", lambda x: x.group(1).capitalize(), body)  # SHOUTING
        points.append(body)
    rid = section.kind.split(":", 1)[1]
    title = section.title
    prompt = title if title.endswith("?") else f"{title}: walk me through your approach."
    return {"id": rid, "title": title, "prompt": prompt, "points": points}


# -- links from question notes to stories ---------------------------------------------------------
def link_notes(
    questions: list[dict], stories: list[dict], threshold: float = 0.6, min_shared: int = 4
) -> None:
    """Link a question to a story when its note ("Tell story about ...") clearly names that story.

    Conservative on purpose: a note that shares a few common words (CEO, business, team) with a
    story is kept as a note, unlinked; a wrong link would score answers against the wrong bullets.
    """

    def words(story: dict) -> set[str]:
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
    for q in questions:
        for note in q.get("notes", []):
            want = set(content_tokens(note)) - generic
            if len(want) < min_shared:
                continue
            scored = sorted(((len(want & v), sid) for sid, v in vocab.items()), reverse=True)
            shared, sid = scored[0] if scored else (0, "")
            if shared >= min_shared and shared / len(want) >= threshold and sid not in q.get("stories", []):
                q.setdefault("stories", []).append(sid)


def read_notes(text: str, principles: list[Principle], loop_id: str) -> Notes:
    """Parse one notes file into bank entities."""
    result = Notes()
    title, found, skipped = sections(text, principles)
    result.skipped = skipped
    counter: dict[str, int] = {}
    used: set[str] = set()
    unknown: dict[str, str] = {}
    interviewers = []
    for section in found:
        if section.kind == "principle":
            result.questions.extend(_questions(section, counter))
        elif section.kind == "story":
            story = _story(section, used)
            if story:
                result.stories.append(story)
        elif section.kind == "interview":
            interviewers.append(_interview(section, principles, unknown))
        elif section.kind.startswith("rubric:"):
            rubric = _rubric(section)
            if rubric["points"]:
                result.rubrics.append(rubric)
    if interviewers:
        result.loops.append({"id": loop_id, "title": title or loop_id, "interviewers": interviewers})
    for name, pid in unknown.items():
        result.principles.append({"id": pid, "name": name, "definition": ""})
    link_notes(result.questions, result.stories)
    return result
