"""A story section read into a bank story entity: its lines become nested bullets, each tagged by
the STAR part label above it, while notes, the questions it answers, the principles it names and
team rosters are set apart; the story gets its title and id here. The reading of a section is the
import's hardest step, so it has a module of its own.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from voice_coach.bank.markup import clean, label, unadorned
from voice_coach.bank.model import Principle
from voice_coach.bank.notes.entities import StoryEntity
from voice_coach.bank.notes.lines import RULE, TAGS_LINE, Line, next_said, sentences
from voice_coach.bank.notes.names import match_principle, new_id
from voice_coach.bank.notes.questions import question_heading
from voice_coach.bank.notes.sections import STORY, THEME_WORDS, Section, asks, bare_title
from voice_coach.bank.notes.shape import yaml_shape

# story headings that name no story ("Example answer", "Story"): the question it answers does
_UNNAMED = re.compile(
    r"^(?:(?:an?|the|my)\s+)?(?:(?:example|sample|strong|star)\s+)*(?:answers?|story|response)$", re.I
)
_PRINCIPLE_LABEL = re.compile(
    r"^(leadership principles?|principles?( demonstrated)?|lps?( demonstrated)?|best for|(?:also )?fits"
    r"|traits)\b"
)
# a note label that names a property of the project ("**Status:** Shipped", "**Stack:** Go"): the
# line is the note, and what follows it is the story again
_PROPERTY = re.compile(
    r"^(?:status|stack|tech stack|tags|links|references|tools(?: used)?|technologies(?: used)?|team|roster"
    r"|timing|talking time|last practi[sc]ed)\s*:"
)
_NAME_LIKE = re.compile(r"^(?:me|[A-Z][\w'’.-]*)(?:\s+[A-Z][\w'’.-]*)?\s*(?:[-–—:(+,&/].{0,60})?$", re.I)
_NAME_START = re.compile(r"^(?:Me\b|[A-Z])")
_LETTER = re.compile(r"^(?:[-*+]\s+)?([STAR])\s*[:.)]\s")
MAX_DEPTH = 12  # deeper nesting is flattened: notes are not trees of unbounded depth


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


def story_parts(lines: list[Line], prose: bool = False) -> StoryParts:
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
    columns: list = []  # a table's header of part labels, when its parts are columns
    split = prose  # after an answer label, or in a write-up: a paragraph gives a bullet per sentence
    block = False  # the last label stands over the lines below it, its text not on its own line

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

    # "A: ..." with no S, T or R anywhere is the answer to a question (Q/A), not an Action
    letters = {m.group(1) for ln in lines if (m := _LETTER.match(clean(ln.raw)))}
    answer_only = letters == {"A"}
    for at, ln in enumerate(lines):
        text = ln.raw
        if answer_only and _LETTER.match(clean(text)):
            text = "**Answer:** " + clean(text)[2:].lstrip(" :.)")
            ln = Line(ln.no, ln.indent, text, ln.code)
        if text.startswith("```") or text.startswith("~~~"):
            in_code = not in_code  # a template in a code block is not a story
            continue
        if in_code or not text or RULE.match(text):
            continue
        if text.startswith("|"):  # a table row: '| Situation | what happened |' is a part
            cells = [c.strip() for c in text.strip().strip("|").split("|")]
            labels = [label(c) for c in cells]
            if len(cells) >= 3 and all(f and f[0] in ("part", "note") and not f[2] for f in labels):
                columns = labels  # "| S | T | A | R | +R |": a story told across one row below
                continue
            if columns and len(cells) == len(columns):
                for (kind, tag, _), cell in zip(columns, cells, strict=True):
                    said = sentences(clean(cell))
                    if kind == "note":
                        out.notes.extend(said)
                    for sentence in said if kind == "part" else []:
                        add({"text": sentence, "bullets": [], "star": tag}, None)
                seen_any = True
                continue
            found_row = label(cells[0]) if len(cells) >= 2 else None
            if found_row and found_row[0] == "part" and clean(cells[1]):
                stack = []
                for sentence in sentences(clean(" ".join(cells[1:]))):
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
        fit = _FIT.search(clean(raw)) if not m else None
        if fit:  # "Kestrel Pay · 2023 · LP fit: Customer Obsession, Earn Trust": not a bullet
            out.principles.append(fit.group(1) or fit.group(2))
            continue
        if not m and TAGS_LINE.fullmatch(raw.strip()):  # Obsidian's "#lp/dive-deep #lp/ownership"
            out.principles.extend(t.rsplit("/", 1)[-1].replace("-", " ") for t in raw.split())
            continue
        if not m and re.fullmatch(r"\*[^*\s].*[^*\s]\*|_[^_\s].*[^_\s]_|\([^()]+\)", raw.strip()):
            remark = clean(raw.strip()[1:-1])  # an italic or bracketed remark ("*Be honest.*") is a note
            remark = re.sub(r"^\((.*)\)$", r"\1", remark)  # "*(LP: Earn Trust)*"
            out.notes.append(remark)
            said = label(remark)
            if said and said[2] and _PRINCIPLE_LABEL.match(remark.lower()):
                out.principles.append(said[2])  # "*Principle: Hire and Develop the Best*"
            continue
        bold_only = not m and re.fullmatch(r"(\*\*|__)(.+?)(\*\*|__):?", raw.strip())
        if found:
            kind, tag, rest = found
            said_as = clean(unadorned(raw)).lower()
            prop = kind == "note" and rest and not m and _PROPERTY.match(said_as)
            if prop and not _list_follows(lines, at):
                out.notes.append(clean(rest))  # "**Status:** Shipped (2023)": a property, this line only
                continue
            if kind in ("part", "answer"):
                out.answered = True
            split = kind == "answer"
            if kind == "answer":
                kind = "part"  # what follows is the story; its parts unmarked
            mode = {"part": "bullets", "note": "notes", "question": "questions"}[kind]
            principle_label = kind == "note" and _PRINCIPLE_LABEL.match(said_as) is not None
            part = tag if kind == "part" else part
            if not (m and rest):
                stack = []  # what follows a label starts at the top level
            block = not rest  # "### Follow-up answers" over what follows, not "**Summary:** one line"
            if not rest:
                label_indent = ln.indent if m else None
                continue
            raw, found_rest = rest, True
        else:
            found_rest = False
            if bold_only and mode == "notes" and block and clean(raw).rstrip("\"”'").endswith("?"):
                out.notes.append(clean(raw))  # '**"What if the pilot had passed?"**' among follow-up answers
                continue
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
            quoted = re.findall(r"[\"“]([^\"”]{12,})[\"”]", clean(raw))  # '"Tell me ..." / "When did ..."'
            asked = quoted if len(quoted) >= 2 else sentences(body)
            out.questions.extend(q.strip() for q in asked if len(q.split()) >= 4 and asks(q))
            if len(body.split()) <= 6 and not asks(body):
                out.principles.append(body)  # "use for:" then "- ownership": a principle, when one is named
            continue
        if not m and not seen_any and out.first is None and not found_rest and part is None and not split:
            out.first = body
            seen_any = True
            continue
        seen_any = True
        top = not m or not stack or ln.indent <= stack[0][0]
        tag = found[1] if found and m else (part if top else None)
        if not m and (part is not None or split):  # a paragraph part: a bullet per sentence
            for sentence in sentences(body):
                add({"text": sentence, "bullets": [], "star": tag}, None)
            continue
        add({"text": body, "bullets": [], "star": tag}, ln.indent if m else None)
    _move_rosters(out)
    return out


def _list_follows(lines: list[Line], k: int) -> bool:
    """A list comes next ("**Team:** four of us" then "- Priya - backend lead"): the label is its."""
    after = next_said(lines, k)
    return after is not None and lines[after].item is not None


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


_TITLE_LP = re.compile(
    r"\s*(?:\((?:lps?|principles?|leadership principles?)\s*:\s*([^)]*)\)"
    r"|\s(?:lps?|principles?)\s*[-–:]\s*(.+))$",
    re.I,
)
_TITLE_TAIL = re.compile(r"\s+[—–|-]\s+([^—–|]+)$")
_TITLE_BRACKET = re.compile(r"\s*[(（]([^()（）]{3,80})[)）]\s*$")  # "... (Think Big)", full-width too
_TO_DO = re.compile(r"(?i)^(?:todo|tbd|tbc|fill (?:this )?in|coming soon)\b")  # not "To do this I ..."
# a gap left to fill in ("a limit of ___ minutes"), before markup is cleaned off ("___Situation:___"
# is bold italics)
_BLANK = re.compile(r"(?<![\w_])_{3,}(?![\w_])")
_PLACEHOLDER = re.compile(r"\s*\[[^\]]*\]\s*|\s*")  # a template's "[Your story here]", or nothing
_FIT = re.compile(r"(?i)\b(?:lps?|leadership principles?|principles?)\s+fit\s*:\s*(.+)$|^maps to\s*:\s*(.+)$")
# the category a numbered story's heading gives it in brackets: "(Incident)", "(Influence/Collaboration)"
_STORY_TAG = re.compile(r"\s*\(([A-Za-z][A-Za-z&' ]*(?:\s*/\s*[A-Za-z][A-Za-z&' ]*)*)\)\s*$")
_CARD = re.compile(r"^(?:card|story|example|s)\s*#?\d+\s*[-–—:.]\s*", re.I)


_STATUS = re.compile(
    r"(?i)\s*\((rough|draft|wip|todo|tbd|unfinished|incomplete|needs work|(?:work )?in progress)\)\s*$"
)


def _name_line(text: str, principles: list[Principle]) -> bool:
    """A story's name on the first line under the question it answers ("Corran Wharf room tour",
    "Kilnworth: export crash (reproduced it on the client's laptop)"): a few words, capitalized, no
    sentence, label, list, reminder ("Use the pricing story", "Keep it under two minutes"), time,
    pointer or principle."""
    bare = re.sub(r"\s*\([^()]*\)$", "", text).strip()
    words = re.findall(r"[A-Za-z][\w'’-]*", bare)
    return (
        2 <= len(words) <= 10 and bare[:1].isupper() and bare.count(",") < 1
        and not re.search(r"[.?!]$", bare) and not asks(bare) and not label(bare)
        and not _NOT_A_NAME.search(bare) and not _all_principles(bare.replace("/", ","), principles)
    )  # fmt: skip


# what a first line under a question says when it is no story's name
_NOT_A_NAME = re.compile(
    r"(?i)^(?:use|keep|same|see|remember|focus|mention|say|talk|lead|pick|star|tell|try|maybe|todo|tbd)\b"
    r"|\b(?:I|we|my|our|me|below|above|here)\b|\d+\s*(?:min|sec|m\b|s\b)|~"
)


def _is_tag(title: str, bracket: str, principles: list[Principle]) -> bool:
    """A bracket after a story's title files it ("(Influence/Collaboration)", "(Conflict)", "(Ownership)",
    or, set apart by its case, "THE CODE REVIEW I WAS WRONG ABOUT (Incident)"), rather than finishing
    it ("(Black Friday)", "(Stripe to Adyen)")."""
    shouted = title.isupper() and not bracket.isupper()
    return (
        shouted
        or _all_principles(bracket, principles)
        or all(THEME_WORDS.search(part) for part in re.split(r"\s*/\s*", bracket))
    )


def _all_principles(text: str, principles: list[Principle]) -> bool:
    """Whether a title's tail only names principles, each by its name ("Dive Deep · Deliver Results",
    "Have Backbone; Disagree and Commit"), not a phrase one resembles ("deep dive")."""

    def key(s: str) -> str:
        return re.sub(r"[^a-z]+", " ", s.lower()).strip()

    names = {key(p.name) for p in principles} | {key(p.id.replace("-", " ")) for p in principles}
    pieces = [key(n) for n in re.split(r"\s*[·,/&]\s*", text) if key(n)]
    return key(text) in names or (bool(pieces) and all(p in names for p in pieces))


def section_story(
    section: Section,
    used: set[str],
    principles: list[Principle] | None = None,
    categories: frozenset = frozenset(),
) -> tuple[StoryEntity | None, StoryParts]:
    """The story of a section, and what else it holds (the questions it lists, asked of this
    story). Its principles: its section's, and those it names under an "LPs:" / "Principles:"
    label. Under a question heading, a story needs a part or answer label or a paragraph answer."""
    parts = story_parts(section.lines, section.prose)
    nodes, first = parts.nodes, parts.first
    if section.kind == "question" and not parts.answered and not section.prose:
        return None, parts
    match = STORY.match(section.title)
    title = (match.group(1) or "").strip(" .") if match else section.title
    title = re.sub(
        r"^[A-Z][.)]\s+(?=\w+\s+\w)", "", title
    )  # "A. Moving the fraud engine": a letter numbering it
    title = re.sub(r"^\[[^\]]{1,30}\]\s*(?=\w)", "", title)  # "[Incident] The cache stampede": a theme tag
    title = re.sub(r"(?<=\w)\s+\[[A-Za-z][\w &/-]{1,30}\]$", "", title)  # "... rewrite [Conflict]" too
    title = _CARD.sub("", title)  # "Card 1 – Crane permit mixup"
    tag = _STORY_TAG.search(title) if match and match.group(1) else None
    if tag and not _is_tag(title[: tag.start()], tag.group(1), principles or []):
        tag = None  # "Story 2: Payments outage (Black Friday)": part of the title
    if tag and title[: tag.start()].strip():  # "STORY 1: THE DOUBLE-CHARGED TICKETS (Incident)"
        title = title[: tag.start()].rstrip()
        if _all_principles(tag.group(1), principles or []):
            parts.principles.append(tag.group(1))
        else:
            parts.notes.insert(0, f"Theme: {tag.group(1)}")
    said = _TITLE_LP.search(title)  # "Bus route texts (LP: Customer Obsession)", "... [[LP - Ownership]]"
    named_lp = (said.group(1) or said.group(2)) if said else ""
    if said and section.kind != "question" and _all_principles(named_lp, principles or []):
        title = title[: said.start()]
        parts.principles.append(named_lp)
    lead = re.match(r"^([A-Za-z][\w ,;&'-]{2,40}):\s+\S", title)  # "DIVE DEEP: The claims ...": kept whole
    if lead and section.kind != "question" and _all_principles(lead.group(1), principles or []):
        parts.principles.append(lead.group(1))
    # "6. Long term over short term:（Think Big）": a numbered topic's principles after its colon (a
    # title that ends in its principle, "Billing Dashboard (Customer Obsession)", is kept whole)
    bracket = _TITLE_BRACKET.search(title)
    if bracket and section.kind != "question" and title[: bracket.start()].rstrip().endswith(":"):
        named_lp = unicodedata.normalize("NFKC", bracket.group(1))
        if _all_principles(named_lp, principles or []):
            title = bare_title(title[: bracket.start()]).rstrip(" :")
            parts.principles.append(named_lp)
    tail = _TITLE_TAIL.search(title)  # "Reading room booking — Dive Deep · Deliver Results"
    if tail and section.kind != "question" and _all_principles(tail.group(1), principles or []):
        title = title[: tail.start()]
        parts.principles.append(tail.group(1))
    filed = re.match(r"^(.{2,40}?)\s+[–—-]\s+(\S.*)$", title)  # "Migration – Moving billing off MySQL"
    if filed and filed.group(1).strip().lower() in categories:
        title = filed.group(2)
        parts.notes.insert(0, f"Theme: {filed.group(1).strip()}")
    status = _STATUS.search(title)  # "Shrinking the log bill (rough)"
    if status and title[: status.start()].strip():
        title = title[: status.start()].rstrip()
        parts.notes.insert(0, f"Status: {status.group(1)}")
    if section.kind == "question":
        title = question_heading(section.title)
        if first and parts.answered and _name_line(first, principles or []):  # "## Who was the hardest ...?"
            remark = re.search(r"\s*\(([^()]*)\)$", first)  # then "Corran Wharf room tour (2022)"
            title, first = (first[: remark.start()] if remark else first), None
            if remark:
                parts.notes.insert(0, remark.group(1))
    elif _UNNAMED.match(bare_title(title)) and parts.questions:
        title = parts.questions[0].rstrip(".?")
    if not title:
        title = first.rstrip(".") if first else section.title
    elif first:
        nodes.insert(0, {"text": first, "bullets": []})
    # "[Use template]", "TODO - pick between the rota argument and the fare-cap one"
    unwritten = all(_PLACEHOLDER.fullmatch(t) or _TO_DO.match(t) for t in (n.get("text", "") for n in nodes))
    # a quiz to fill in ("1. **Conflict:** a pilot with a limit of ___ minutes") is no telling either
    # (a story told with a number still to check, "Cut the bill by ___%", is a story: it has a
    # Situation or an Action)
    blanks = sum(bool(_BLANK.search(ln.raw)) for ln in section.lines)
    told = any(n.get("star") in ("S", "T", "A") for n in nodes)
    unwritten = unwritten or (blanks >= max(2, len(nodes) // 2) and not told)
    if not nodes or unwritten or _PLACEHOLDER.fullmatch(title):  # "## Story #2: [Your Story Here]"
        return None, parts
    sid = new_id(title, used)
    named = [section.principle] if section.principle else []
    for text in parts.principles:
        for name in re.split(r"[,;/·•|]|\band\b(?= [A-Z])|#", text):
            pid = match_principle(name, principles or [])
            if pid and pid not in named:
                named.append(pid)
    story: StoryEntity = {
        "id": sid,
        "title": title,
        "principles": named,
        "bullets": yaml_shape(nodes),
    }
    if parts.notes:
        story["notes"] = parts.notes
    return story, parts
