"""Read Obsidian-style Markdown prep notes into bank entities (plain dicts in the bank's YAML shape).

The notes are written for people, not parsers: headings at any level, tab-indented sub-bullets,
bold questions split word by word (`**Tell** **me**`), wiki links, images and scheduling text.
Sections are recognized by their heading text (a principle's name, "Interview N", "Story ...",
"Why ...?", "System Design"), whatever their level; everything else is left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from voice_coach.bank.markup import BOLD, BOLD_JOIN, TAG_LINE, clean, label
from voice_coach.bank.model import Bullet, Principle
from voice_coach.scoring.text import content_tokens

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_ITEM = re.compile(r"^([-*+]|\d+[.)])(?:\s+(.*)|)$")  # a marker then a space: "**bold**" is no item
_RULE = re.compile(r"^([-*_]\s*){3,}$")
_MANAGER = re.compile(r"\((manager|managers only)\)", re.I)
_STORY = re.compile(r"^story\b\s*#?(?:\d[\w.]*|[A-Z]\b)?\s*(?:[-–—:]\s*(.*))?$", re.I)
_INTERVIEW = re.compile(r"^(mock\s+)?interview(er)?\s*#?\s*\d+\b|^round\s*\d+\b", re.I)
_MINUTES = re.compile(r"(\d{1,3})\s*(?:min|mins|minutes)\b", re.I)
_NUMBERED = re.compile(r"^(?:lp|principle|leadership principle)\s*#?\s*(\d{1,2})\b")
# a heading that is itself a question ("### Q1. Tell me about ...", "### 2. Describe a time ...")
_QUESTION_HEAD = re.compile(
    r"^(?:(?:q(?:uestion)?\s*#?\s*\d+|\d+)\s*[.:)\-–—]\s*)?"
    r"((?:tell (?:me|us)|describe|give (?:me |us )?(?:an? )?example|walk (?:me|us)|"
    r"how (?:do|did|would|have) you|"
    r"what (?:is|was|are|were|would|do|did)|why (?:do|did|are|should)|have you|share a time|talk about|"
    r"can you|when (?:have|did) you)\b.*)$",
    re.I,
)
# a section that explains the STAR method itself: a guide, never a story
_GUIDE = re.compile(
    r"^(?:the\s+)?star(?:\s+(?:method|technique|format|framework|model))?$|^(?:answer\s+)?framework\b"
    r"|^how to (?:answer|use)\b",
    re.I,
)
# headings that only say "questions here": they take the theme of the heading above them
_GENERIC = re.compile(
    r"^(?:(?:common|sample|example|typical|likely|possible|behaviou?ral|interview|practice|more)\s+)*"
    r"questions?$",
    re.I,
)
# story headings that name no story ("Example answer", "Story"): the question it answers does
_UNNAMED = re.compile(
    r"^(?:(?:an?|the|my)\s+)?(?:(?:example|sample|strong|star)\s+)*(?:answers?|story|response)$", re.I
)
# competency themes people file questions under (not Amazon principles: no principle is invented)
_THEME_WORDS = re.compile(
    r"\b(conflicts?|failures?|mistakes?|leadership|team ?work|collaboration|challenges?|successes|"
    r"communication|feedback|weakness(?:es)?|strengths?|motivation|self[- ]awareness|growth|influence|"
    r"ambiguity|prioriti[sz]ation|initiative|adaptability|problem[- ]solving|mentor(?:ing|ship)|"
    r"decision[- ]making|time management|stakeholders?|disagreements?|difficult people|pressure|"
    r"deadlines?)\b",
    re.I,
)
_NUMBER_PREFIX = re.compile(r"^(?:\d+[.)]|[ivx]+\.)\s+", re.I)
_SUMMARY = re.compile(r"^<summary>(.*?)</summary>\s*$", re.I)
_DETAILS_END = re.compile(r"^</details>\s*$", re.I)
_PRINCIPLE_LABEL = re.compile(r"^(leadership principles|principles( demonstrated)?|lps?( demonstrated)?)\b")
_SENTENCE = re.compile(r"(?<=[?.!])\s+(?=[A-Z0-9\"'(])")
_NAME_LIKE = re.compile(r"^(?:me|[A-Z][\w'’.-]*)(?:\s+[A-Z][\w'’.-]*)?\s*(?:[-–—:(+,&/].{0,60})?$", re.I)
_NAME_START = re.compile(r"^(?:Me\b|[A-Z])")
MAX_DEPTH = 12  # deeper nesting is flattened: notes are not trees of unbounded depth
MAX_INDENT = 96  # columns of indentation read as nesting (24 levels of 4, 48 of 2)


@dataclass
class Line:
    no: int
    indent: int  # columns, a tab counting 4
    raw: str  # the text without indentation, markup intact
    code: bool = False  # a line of a code block: never read, only looked at for a story left in it

    @property
    def item(self) -> re.Match | None:
        return _ITEM.match(self.raw)


@dataclass
class Section:
    kind: str  # principle, story, interview, rubric, other
    title: str
    level: float
    line: int
    principle: str | None = None  # principle id, for principle and story sections
    lines: list[Line] = field(default_factory=list)
    theme: str = ""  # the competency theme it sits under, when not a principle


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


def _front_matter(source: list[str]) -> None:
    """Blank a YAML front matter block (kept out of the notes, line numbers kept)."""
    if source and source[0].strip() == "---":
        for end in range(1, min(len(source), 500)):
            if source[end].strip() in ("---", "..."):
                source[: end + 1] = [""] * (end + 1)
                return


_BOLD_LINE = re.compile(r"(\*\*|__).+?(\*\*|__)\s*(\([^)]{0,40}\))?\s*:?")
_KEY_LINE = re.compile(r"^(\*\*|__)?[A-Za-z(][A-Za-z' )]{0,30}(\*\*|__)?\s*:(\*\*|__)?")


def _soft_lines(lines: list[str]) -> list[tuple[int, list[str]]]:
    """A paragraph's source lines grouped as read: one sentence running over lines stays one, but a
    line that opens with a key ("Interviewer:", "**Task:**") or follows one ending in ":" starts
    anew (Obsidian shows each line of a paragraph on its own)."""
    groups: list[tuple[int, list[str]]] = []
    for offset, raw in enumerate(lines):
        text = raw.strip()
        if not text:
            continue
        prev = groups[-1][1][-1] if groups else ""
        opened = label(prev) if prev else None
        if (
            not groups
            or _KEY_LINE.match(text)
            or prev.endswith(":")
            or (opened is not None and not opened[2])  # a label alone on its line
            or _BOLD_LINE.fullmatch(prev)  # "**SITUATION** (2-3 sentences)"
        ):
            groups.append((offset, [text]))
        else:
            groups[-1][1].append(text)
    return groups


def _lines(text: str) -> list[Line]:
    """The notes as blocks, read by a CommonMark parser (markdown-it-py, tables on): one Line per
    heading, paragraph (its lines joined), list item (with its marker; indent 4 a nesting level),
    table row and HTML line; code blocks and front matter are left out. Each Line keeps the inline
    markup (bold questions, wiki links) and the number of the line it starts on."""
    from markdown_it import MarkdownIt

    source = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").split("\n")
    _front_matter(source)
    # deeper nesting is flattened, never dropped: the parser stops nesting at its limit and would
    # leave out what lies deeper, so indentation is capped below it first
    for i, raw in enumerate(source):
        expanded = raw.expandtabs(4)
        body = expanded.lstrip(" ")
        if len(expanded) - len(body) > MAX_INDENT:
            source[i] = " " * MAX_INDENT + body
    parser = MarkdownIt("commonmark", {"maxNesting": 4 * MAX_INDENT}).enable("table")
    tokens = parser.parse("\n".join(source))
    out: list[Line] = []
    depth = 0
    marker: str | None = None  # the marker of a list item whose first paragraph comes next
    heading: int | None = None
    row: list[str] | None = None
    for tok in tokens:
        kind = tok.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif kind in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif kind == "list_item_open":
            marker = "-" if tok.markup in "-*+" else f"{tok.info or 1}{tok.markup}"
        elif kind == "heading_open":
            heading = int(tok.tag[1])
        elif kind == "heading_close":
            heading = None
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close" and row is not None:
            out.append(Line(tok.map[0] + 1 if tok.map else 0, 0, "| " + " | ".join(row) + " |"))
            row = None
        elif kind in ("fence", "code_block"):
            start = tok.map[0] + 1 if tok.map else 0
            out.extend(
                Line(start + k + 1, 0, raw.strip(), code=True)
                for k, raw in enumerate(tok.content.split("\n"))
            )
        elif kind == "html_block":
            start = tok.map[0] if tok.map else 0
            for k, raw in enumerate(tok.content.split("\n")):
                if raw.strip():
                    out.append(Line(start + k + 1, 0, raw.strip()))
        elif kind == "inline":
            no = (tok.map[0] + 1) if tok.map else 0
            groups = _soft_lines(tok.content.split("\n"))
            if row is None and heading is None and len(groups) > 1:
                # "Interviewer: Dana" / "Principles:" on lines of their own: separate facts
                first = " ".join(groups[0][1])
                rest = [(no + offset, " ".join(parts)) for offset, parts in groups[1:]]
                if marker is not None:
                    out.append(Line(no, 4 * max(0, depth - 1), f"{marker} {first}"))
                    marker = None
                else:
                    out.append(Line(no, 4 * depth, first))
                out.extend(Line(n, 4 * depth, text) for n, text in rest)
                continue
            content = " ".join(part.strip() for part in tok.content.split("\n")).strip()
            if row is not None:
                row.append(content)
            elif heading is not None:
                out.append(Line(no, 0, "#" * heading + " " + content))
            elif marker is not None:
                out.append(Line(no, 4 * max(0, depth - 1), f"{marker} {content}"))
                marker = None
            else:
                out.append(Line(no, 4 * depth, content))
    return out


def _bare(title: str) -> str:
    """A heading without numbering or leading symbols ("## 2. 💼 Conflict" -> "Conflict")."""
    t = re.sub(r"^[^\w(]+", "", clean(title))
    return re.sub(r"^[^\w(]+", "", _NUMBER_PREFIX.sub("", t)).strip()


def theme_name(title: str) -> str:
    """'2. Conflict Questions' -> 'Conflict'."""
    t = re.sub(r"\s*\([^)]*\)$", "", _bare(title))
    t = re.sub(r"\s+(?:questions?|stories|answers?|examples?)$", "", t, flags=re.I)
    return t or _bare(title)


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
    numbered = _NUMBERED.match(low)
    if numbered and 1 <= int(numbered.group(1)) <= len(principles):
        return "principle", principles[int(numbered.group(1)) - 1].id  # "LP 11", "Principle #3"
    pid = match_principle(t, principles)
    if pid:
        return "principle", pid
    bare = _bare(t)
    if _QUESTION_HEAD.match(bare) or (bare.endswith("?") and len(bare.split()) >= 4):
        return "question", None
    if _GUIDE.match(bare):
        return "guide", None
    if _GENERIC.match(bare):
        return "generic", None
    if _THEME_WORDS.search(bare) and "principle" not in low:
        return "theme", None
    return "other", None


def _context(stack: list[Section]) -> Section | None:
    """The section body lines belong to: the innermost recognized one. A guide keeps only its own
    lines (what sits under it is read on its own)."""
    for i in range(len(stack) - 1, -1, -1):
        section = stack[i]
        if section.kind == "guide":
            return section if i == len(stack) - 1 else None
        if section.kind != "other":
            return section
    return None


def sections(text: str, principles: list[Principle]) -> tuple[str, list[Section], list[str]]:
    """Split the notes at headings; returns the document title, the sections and what was skipped.

    A heading that is a STAR part label ('### Situation', '## S - Situation') belongs to a story:
    the story section it sits in, or else the section around it, which becomes a story (a story
    is recognized by its structure wherever it sits)."""
    title = ""
    stack: list[Section] = []
    found: list[Section] = []
    skipped: dict[int, str] = {}
    own: dict[int, list[Line]] = {}  # every section's own lines (id(section) -> lines)
    current: Section | None = None
    details: list[Section] = []  # open <details> blocks, as sections
    for line in _lines(text):
        if line.code:
            if stack:
                own[id(stack[-1])].append(line)
            continue
        summary = _SUMMARY.match(line.raw)
        if summary:  # <details><summary>Story: ...</summary>: a section until </details>
            level = (stack[-1].level if stack else 1) + 1
            line = Line(line.no, 0, "#" * min(6, int(level)) + " " + summary.group(1))
        elif _DETAILS_END.match(line.raw) and details:
            closing = details.pop()
            while stack and stack[-1] is not closing:
                stack.pop()
            if stack:
                stack.pop()
            current = next((s for s in reversed(stack) if s.kind != "other"), None)
            continue
        heading = _HEADING.match(line.raw) if line.indent < 4 else None
        if heading and not TAG_LINE.match(line.raw):
            level, name = len(heading.group(1)), heading.group(2)
            if level == 1 and not title:
                title = clean(name)
            found_label = label(name)
            # a note label heading ("#### Takeaways") belongs to a story it sits in, never to one above
            in_story = any(sec.kind in ("story", "question") and sec.level < level for sec in stack)
            if found_label and not found_label[2] and stack and (found_label[0] == "part" or in_story):
                while len(stack) > 1 and stack[-1].level >= level:
                    stack.pop()
                story = _story_for_label(stack, found, own, skipped)
                if story is not None:
                    story.lines.append(Line(line.no, 0, f"**{clean(name)}**"))
                    current = story
                    continue
            while stack and stack[-1].level >= level:
                stack.pop()
            kind, pid = _classify(name, principles)
            outer_theme = next((s.theme for s in reversed(stack) if s.theme), "")
            if kind == "generic":  # "Common Questions": of the principle or theme above, else the document's
                kind = "other" if any(s.kind == "principle" for s in stack) else "theme"
                theme = outer_theme or (theme_name(title) if title else "General")
            else:
                theme = theme_name(name) if kind == "theme" else outer_theme
            if kind in ("story", "question"):
                pid = next((s.principle for s in reversed(stack) if s.kind == "principle"), None)
            section = Section(kind, clean(name), level, line.no, pid, theme="" if pid else theme)
            stack.append(section)
            found.append(section)
            own[id(section)] = []
            if summary:
                details.append(section)
            # body lines belong to the innermost recognized section (an unrecognized sub-heading
            # inside a principle keeps that principle's context)
            current = _context(stack)
            if kind == "guide":
                skipped[line.no] = (
                    f"line {line.no}: section '{clean(name)}' explains the STAR method (a guide, not a story)"
                )
            elif current is None and level > 1:
                skipped[line.no] = (
                    f"line {line.no}: section '{clean(name)}' "
                    "(not a principle, theme, story, interview or rubric)"
                )
            continue
        if stack:
            own[id(stack[-1])].append(line)
        if (current is None or current.kind in ("principle", "theme")) and stack and _opens_part(line):
            current = _story_for_label(stack, found, own, skipped)
            if current is not None and line not in current.lines:
                current.lines.append(line)
            continue
        if current is not None:
            current.lines.append(line)
    for section in found:  # say which left-out sections look like stories, and why they were not read
        if section.kind == "theme" or (section.kind == "other" and section.line in skipped):
            why = _unread_story(own.get(id(section), []))
            if why:
                skipped[section.line] = (
                    f"line {section.line}: possible story '{section.title}' not read: {why}"
                )
    return title, [s for s in found if s.kind not in ("other", "guide")], list(skipped.values())


def _unread_story(lines: list[Line]) -> str:
    """Why a left-out section that reads like a story was not imported ("" if it does not)."""
    coded, first_person = 0, 0
    for ln in lines:
        found = label(ln.raw)
        if ln.code and found and found[0] == "part":
            coded += 1
        first_person += len(re.findall(r"\b(?:I|we|my|our)\b", clean(ln.raw)))
    if coded >= 2:
        return "its STAR parts are inside a code block (```); remove the fences to import it"
    if first_person >= 3:
        return "no STAR parts are marked; open them with 'Situation:', 'Task:', 'Action:', 'Result:'"
    return ""


def _opens_part(line: Line) -> bool:
    """A body line that opens a STAR part ('**Situation:** ...', 'Task:', '- **Action**: ...')."""
    raw = line.item.group(2) or "" if line.item else line.raw
    found = label(raw)
    return bool(
        found and found[0] == "part" and (found[2] or raw.strip().startswith(("*", "_")) or ":" in raw)
    )


def _story_for_label(
    stack: list[Section], found: list[Section], own: dict[int, list[Line]], skipped: dict[int, str]
) -> Section | None:
    """The story a part-label heading belongs to: the innermost story section, or the innermost
    unrecognized section made a story (its own lines move to it from the principle around it)."""
    for section in reversed(stack):
        if section.kind in ("story", "question"):
            return section
        if section.kind == "other":
            section.kind = "story"
            section.principle = next((s.principle for s in reversed(stack) if s.kind == "principle"), None)
            if section.principle:
                section.theme = ""
            lines = own.get(id(section), [])
            for outer in stack:
                if outer is not section and outer.kind != "other":
                    outer.lines = [ln for ln in outer.lines if ln not in lines]
            section.lines = list(lines)
            skipped.pop(section.line, None)
            return section
        if section.kind in ("principle", "theme"):
            # half a level below the principle (or theme): the next part heading keeps it, the next
            # real heading (a new story or principle) closes it
            story = Section(
                "story", "Story", section.level + 0.5, section.line, section.principle, theme=section.theme
            )
            # the paragraphs right above the first label ("**Question:** ...") belong to the story,
            # and a "- Story: ..." item right above names it
            lead: list[Line] = []
            while section.lines and not section.lines[-1].item:
                lead.insert(0, section.lines.pop())
            last = section.lines[-1] if section.lines else None
            if not lead and last is not None and last.item and _STORY.match(clean(last.item.group(2) or "")):
                story.title = clean(section.lines.pop().item.group(2) or "")
            story.lines = lead
            found.append(story)
            own[id(story)] = []
            stack.append(story)
            return story
    return None


# -- questions ------------------------------------------------------------------------------
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
        parts = _SENTENCE.split(text, maxsplit=1)
        question, rest = parts[0], parts[1] if len(parts) > 1 else ""
    follow = [s.strip() for s in _SENTENCE.split(rest) if len(s.strip()) > 2]
    question = question.strip().strip('"“”').strip()
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
        if label(body) or _STORY.match(clean(body)):
            continue  # "Situation.", "Story: ..." are labels, never questions
        question, follow, notes = split_question(body)
        if not question or len(question.split()) < 4:
            continue  # a fragment under 4 words is not a question
        out.append({"text": question, "follow_ups": follow, "notes": notes, "line": ln.no})
    for ln in section.lines:  # "**Example question:** Tell me about ..." in a paragraph
        found = None if ln.item else label(ln.raw)
        if found and found[0] == "question" and len(found[2].split()) >= 4:
            out.append({"text": found[2], "follow_ups": [], "notes": [], "line": ln.no})
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
        entry = _filed(q["text"], section.principle, section.theme, counter)
        if q["follow_ups"]:
            entry["follow_ups"] = q["follow_ups"]
        if q["notes"]:
            entry["notes"] = q["notes"]
        result.append(entry)
    return result


def _filed(text: str, principle: str | None, theme: str, counter: dict[str, int]) -> dict:
    """A question entry filed under its principle, else under its theme (no principle invented)."""
    key = principle or slug(theme or "notes")
    counter[key] = counter.get(key, 0) + 1
    entry = {"id": f"my-{key}-{counter[key]}"}
    entry.update({"principle": principle} if principle else {"theme": theme or "Notes"})
    entry["text"] = text
    return entry


def question_heading(title: str) -> str:
    """The question a heading asks, without its numbering ("Q1. Tell me ..." -> "Tell me ...")."""
    bare = _bare(title)
    m = _QUESTION_HEAD.match(bare)
    return (m.group(1) if m else bare).strip().strip('"“”')


# -- stories --------------------------------------------------------------------------------
@dataclass
class StoryParts:
    """What a story section holds: its bullets (tagged by the part labels above them), the first
    paragraph (a title, when the heading has none), notes that are kept but never scored, and the
    questions the story answers."""

    nodes: list[dict] = field(default_factory=list)
    first: str | None = None
    notes: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    principles: list[str] = field(default_factory=list)  # text under "LPs:" / "Principles:"
    answered: bool = False  # a part label or an answer label ("Example answer:") was seen


def _sentences(text: str) -> list[str]:
    return [x.strip() for x in _SENTENCE.split(text) if x.strip()]


def _bullets(lines: list[Line]) -> StoryParts:
    """Nested bullets from paragraphs and list items. Labels are never bullets: a STAR part label
    tags what follows it (a paragraph part gives a bullet per sentence), a note label sends what
    follows to the notes, a question label to the questions; other bold labels only group."""
    out = StoryParts()
    stack: list[tuple[int, dict]] = []  # (indent, node)
    part: str | None = None
    mode = "bullets"  # or notes, questions
    label_indent: int | None = None  # an item that was only a label: its sub-items are its content
    principle_label = False  # the notes being read name the story's principles
    in_code = False
    seen_any = False
    split = False  # after an answer label: a paragraph gives a bullet per sentence

    def add(node: dict, indent: int | None) -> None:
        nonlocal stack
        if indent is None:  # a paragraph: top level
            out.nodes.append(node)
            stack = []
            return
        while stack and stack[-1][0] >= indent:
            stack.pop()
        if stack and len(stack) < MAX_DEPTH:
            stack[-1][1]["bullets"].append(node)
        else:
            out.nodes.append(node)
            stack = []
        stack.append((indent, node))

    for ln in lines:
        text = ln.raw
        if text.startswith("```") or text.startswith("~~~"):
            in_code = not in_code  # a template in a code block is not a story
            continue
        if in_code or not text or _RULE.match(text):
            continue
        if text.startswith("|"):  # a table row: '| Situation | what happened |' is a part
            cells = [c.strip() for c in text.strip().strip("|").split("|")]
            found_row = label(cells[0]) if len(cells) >= 2 else None
            if found_row and found_row[0] == "part" and clean(cells[1]):
                stack = []
                for sentence in _sentences(clean(" ".join(cells[1:]))):
                    add({"text": sentence, "bullets": [], "star": found_row[1]}, None)
                seen_any = True
            continue
        if text.startswith(">"):
            text = text.lstrip("> ").strip()
        m = ln.item
        raw = (m.group(2) or "") if m else text
        if label_indent is not None and (not m or ln.indent <= label_indent):
            label_indent = None
        found = label(raw)
        if found and found[0] == "part" and found[1] == "T" and not seen_any and not out.answered:
            if clean(raw).lower().startswith(("goal", "objective")):
                found = ("note", None, found[2])  # "Goal: show that you learn", above the story: its aim
        if not m and re.fullmatch(r"\*[^*\s].*[^*\s]\*|_[^_\s].*[^_\s]_", raw.strip()):
            out.notes.append(clean(raw.strip()[1:-1]))  # an italic remark ("*Be honest.*") is a note
            continue
        bold_only = not m and re.fullmatch(r"(\*\*|__)(.+?)(\*\*|__):?", raw.strip())
        if found:
            kind, tag, rest = found
            if kind in ("part", "answer"):
                out.answered = True
            split = kind == "answer"
            if kind == "answer":
                kind = "part"  # what follows is the story; its parts unmarked
            mode = {"part": "bullets", "note": "notes", "question": "questions"}[kind]
            principle_label = kind == "note" and _PRINCIPLE_LABEL.match(clean(raw).lower()) is not None
            part = tag if kind == "part" else part
            if not (m and rest):
                stack = []  # what follows a label starts at the top level
            if not rest:
                label_indent = ln.indent if m else None
                continue
            raw, found_rest = rest, True
        else:
            found_rest = False
            if bold_only and not found:
                mode, part, stack, split = (
                    "bullets",
                    None,
                    [],
                    False,
                )  # a heading-like label: groups, not a bullet
                out.nodes.append({"group": clean(raw).rstrip(":")})
                seen_any = True
                continue
        body = clean(raw).strip().strip('"“”').strip()
        if not body:
            continue
        if mode == "notes":
            out.notes.append(body)
            if principle_label:
                out.principles.append(body)
            continue
        if mode == "questions":
            out.questions.extend(q for q in _sentences(body) if len(q.split()) >= 4)
            continue
        if not m and not seen_any and out.first is None and not found_rest and part is None and not split:
            out.first = body
            seen_any = True
            continue
        seen_any = True
        top = not m or not stack or ln.indent <= stack[0][0]
        tag = found[1] if found and m else (part if top else None)
        if not m and (part is not None or split):  # a paragraph part: a bullet per sentence
            for sentence in _sentences(body):
                add({"text": sentence, "bullets": [], "star": tag}, None)
            continue
        add({"text": body, "bullets": [], "star": tag}, ln.indent if m else None)
    _move_rosters(out)
    return out


def _name_like(text: str) -> bool:
    return len(text.split()) <= 8 and bool(_NAME_LIKE.match(text)) and bool(_NAME_START.match(text))


def _move_rosters(parts: StoryParts) -> None:
    """Lists of people (a team roster) are not points of a story: they move to the notes, named
    by the label above them. Group labels themselves are dropped (a label is never a bullet)."""

    def roster(nodes: list[dict]) -> bool:
        return len(nodes) >= 3 and all(_name_like(n["text"]) and not n["bullets"] for n in nodes)

    kept: list[dict] = []
    run: list[dict] = []
    group = ""

    def flush() -> None:
        if roster(run):
            people = ", ".join(n["text"] for n in run)
            parts.notes.append(f"{group}: {people}" if group else people)
        else:
            kept.extend(run)
        run.clear()

    for node in parts.nodes:
        if "group" in node:
            flush()
            group = node["group"]
            continue
        if node["bullets"] and roster(node["bullets"]):
            flush()
            parts.notes.append(f"{node['text']}: " + ", ".join(n["text"] for n in node["bullets"]))
            continue
        if not node["bullets"] and _name_like(node["text"]):
            run.append(node)
            continue
        flush()
        kept.append(node)
    flush()
    parts.nodes = kept


def _shape(nodes: list[dict]) -> list:
    """Bank YAML shape: '- S: text' for a leaf, {text, star, bullets} for a node with children."""
    from voice_coach.bank.files import _split_tag

    out: list = []
    for n in nodes:
        text, star = _split_tag(n["text"])
        star = n.get("star") or star
        if n["bullets"]:
            entry: dict = {"text": text}
            if star:
                entry["star"] = star
            entry["bullets"] = _shape(n["bullets"])
            out.append(entry)
        else:
            out.append(f"{star}: {text}" if star else text)
    return out


def shaped_bullets(shape: list, prefix: str = "") -> list[Bullet]:
    """The Bullets of a story in YAML shape, with the ids the bank loader gives them (1, 1.1 ...)."""
    from voice_coach.bank.files import _split_tag

    out = []
    for i, entry in enumerate(shape, start=1):
        bid = f"{prefix}{i}"
        if isinstance(entry, dict):
            text, star = _split_tag(str(entry.get("text") or ""))
            children = shaped_bullets(entry.get("bullets") or [], prefix=f"{bid}.")
            out.append(Bullet(bid, text, entry.get("star") or star, children))
        else:
            text, star = _split_tag(str(entry))
            out.append(Bullet(bid, text, star))
    return out


def tag_shape(shape: list, parts: dict[str, str], prefix: str = "") -> list:
    """A story's bullets in YAML shape with a part on each untagged one ('- A: I asked for a week')."""
    from voice_coach.bank.files import _split_tag

    out: list = []
    for i, entry in enumerate(shape, start=1):
        bid = f"{prefix}{i}"
        if isinstance(entry, dict):
            tagged = dict(entry)
            text, star = _split_tag(str(entry.get("text") or ""))
            tagged["text"] = text
            tagged["star"] = entry.get("star") or star or parts[bid]
            tagged["bullets"] = tag_shape(entry.get("bullets") or [], parts, prefix=f"{bid}.")
            out.append({k: tagged[k] for k in ("text", "star", "bullets")})
        else:
            text, star = _split_tag(str(entry))
            out.append(f"{star or parts[bid]}: {text}")
    return out


def part_counts(bullets: list) -> dict[str, int]:
    """Bullets per STAR tag (untagged under '-'), nested ones included."""
    from voice_coach.bank.files import _split_tag

    counts: dict[str, int] = {}
    for b in bullets:
        tag = b.get("star") if isinstance(b, dict) else _split_tag(b)[1]
        counts[tag or "-"] = counts.get(tag or "-", 0) + 1
        if isinstance(b, dict):
            for k, v in part_counts(b.get("bullets", [])).items():
                counts[k] = counts.get(k, 0) + v
    return counts


def count_bullets(bullets: list) -> int:
    return sum(1 + (count_bullets(b.get("bullets", [])) if isinstance(b, dict) else 0) for b in bullets)


def _story(
    section: Section, used: set[str], principles: list[Principle] | None = None
) -> tuple[dict | None, StoryParts]:
    """The story of a section, and what else it holds (the questions it lists, asked of this
    story). Its principles: its section's, and those it names under an "LPs:" / "Principles:"
    label. Under a question heading, a story needs a part or answer label; else it is none."""
    parts = _bullets(section.lines)
    nodes, first = parts.nodes, parts.first
    if section.kind == "question" and not parts.answered:
        return None, parts
    match = _STORY.match(section.title)
    title = (match.group(1) or "").strip(" .") if match else section.title
    if section.kind == "question":
        title = question_heading(section.title)
    elif _UNNAMED.match(_bare(title)) and parts.questions:
        title = parts.questions[0].rstrip(".?")
    if not title:
        title = first.rstrip(".") if first else section.title
    elif first:
        nodes.insert(0, {"text": first, "bullets": []})
    if not nodes:
        return None, parts
    sid = slug(title)
    while sid in used:
        sid += "-2"
    used.add(sid)
    named = [section.principle] if section.principle else []
    for text in parts.principles:
        for name in re.split(r"[,;/]|\band\b(?= [A-Z])|#", text):
            pid = match_principle(name, principles or [])
            if pid and pid not in named:
                named.append(pid)
    story = {
        "id": sid,
        "title": title,
        "principles": named,
        "bullets": _shape(nodes),
    }
    if parts.notes:
        story["notes"] = parts.notes
    return story, parts


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


def _table_stories(section: Section, used: set[str]) -> list[dict]:
    """Stories written as table rows under columns named for the STAR parts (| Story | Situation |
    Task | Action | Result |): a story per row, titled by its first other column."""
    rows = _table_rows(section.lines)
    if not rows:
        return []
    header = [label(c) for c in rows[0]]
    parts = {i: h[1] for i, h in enumerate(header) if h and h[0] == "part" and not h[2]}
    if len(set(parts.values())) < 3:
        return []
    title_col = next((i for i in range(len(rows[0])) if i not in parts), None)
    stories = []
    for n, row in enumerate(rows[1:], start=1):
        bullets = [
            f"{tag}: {sentence}"
            for i, tag in sorted(parts.items())
            if i < len(row)
            for sentence in _sentences(clean(row[i]))
        ]
        if not bullets:
            continue
        title = clean(row[title_col]) if title_col is not None and title_col < len(row) else ""
        title = title or f"{section.title} story {n}"
        sid = slug(title)
        while sid in used:
            sid += "-2"
        used.add(sid)
        stories.append(
            {
                "id": sid,
                "title": title,
                "principles": [section.principle] if section.principle else [],
                "bullets": bullets,
            }
        )
    return stories


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
        if section.kind in ("principle", "theme"):
            result.questions.extend(_questions(section, counter))
            result.stories.extend(_table_stories(section, used))
        elif section.kind in ("story", "question"):
            story, parts = _story(section, used, principles)
            asked = list(parts.questions)
            if section.kind == "question":
                asked.insert(0, question_heading(section.title))
            if story:
                result.stories.append(story)
            elif section.kind == "story":
                continue
            pid = story["principles"][0] if story and story["principles"] else section.principle
            # a question heading with no worked answer: what sits under it are the question's notes
            kept = parts.notes + [node["text"] for node in parts.nodes if "text" in node]
            for n, text in enumerate(asked):
                entry = _filed(text, pid, section.theme or theme_name(title or "Notes"), counter)
                if story:
                    entry["stories"] = [story["id"]]
                elif n == 0 and kept:
                    entry["notes"] = kept
                result.questions.append(entry)
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
    result.questions = _unique(result.questions)
    link_notes(result.questions, result.stories)
    return result


def _unique(questions: list[dict]) -> list[dict]:
    """One entry per question text: a question listed under a theme and asked again as the heading
    of its worked answer is one question, linked to that story."""
    seen: dict[str, dict] = {}
    out = []
    for q in questions:
        key = re.sub(r"[^a-z0-9]+", " ", q["text"].lower()).strip()
        first = seen.get(key)
        if first is None:
            seen[key] = q
            out.append(q)
            continue
        for sid in q.get("stories", []):
            first.setdefault("stories", [])
            if sid not in first["stories"]:
                first["stories"].append(sid)
    return out
