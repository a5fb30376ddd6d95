"""The questions the notes list, as bank question entities: a question written as a list item
(its bold words joined, follow-ups and '(Manager)' split off), after a "Question:" label or in a
question table, filed under the principle or theme it sits under; and the question a heading asks.
Kept apart from stories because a question is read the same way wherever it is listed.
"""

from __future__ import annotations

import re

from voice_coach.bank.markup import BOLD, BOLD_JOIN, clean, label, unadorned
from voice_coach.bank.model import Principle
from voice_coach.bank.notes.entities import QuestionEntity
from voice_coach.bank.notes.lines import (
    ARROWS,
    ASKS_START,
    LIMIT_OVER_TARGET,
    SENTENCE,
    question_column,
    table_rows,
    timing,
)
from voice_coach.bank.notes.names import match_principle, slug
from voice_coach.bank.notes.sections import STORY, THEIRS, Section, asked_in, asks, bare_title

_MANAGER = re.compile(r"\((manager|managers only)\)", re.I)
# where the notes name the story that answers a question: "Primary story: X · Backup: Y", "Story: X"
STORY_LINK = re.compile(
    r"^(?:(?:primary|main|best|backup|secondary|alternate|alternative|alt|fallback|my|go-to)\s*)?"
    r"(?:stor(?:y|ies)|examples?|answer with|use)?\s*(?:\(s\))?\s*[:→=]+\s*(.+)$"
    r"|^(?:→|->|=>)\s*(?:stor(?:y|ies)\s*:?\s*)?(.+)$",
    re.I,
)
_LINK_WORD = re.compile(
    r"^(?:(?:primary|main|best|backup|secondary|alternate|alternative|alt|fallback|go-to)\s*(?:stor(?:y|ies))?|"
    r"stor(?:y|ies)(?:\s*\(s\))?|use|answer with)\s*[:→=-]+\s*",
    re.I,
)


# a story named in a sentence: "I'd use the **Cross-team Data** story here: ..."
_TOLD = re.compile(
    r"\b(?:use|tell|pick|go with|answer with)\s+(?:the|my)\s+"
    r"[\"“]?([A-Z][^.?!\"”]{2,60}?)[\"”]?\s+(?:story|example)\b"
)
# a link after the question on its own line: "Tell me about ... → [[oncall-handoff-bot]]"
ARROW = re.compile(r"\s+(?:→|->|=>)\s+(?=\S)")


_TAIL_LINK = re.compile(
    r"\s*\((?:stor(?:y|ies)|use|primary)\s*:\s*([^)]+)\)\s*$|\s+[—–]\s+\*\*([^*]+)\*\*\s*$", re.I
)
_LP_PAREN = re.compile(
    r"\s*(?:\((?:lps?|principles?|leadership principles?)\s*:\s*([^)]+)\)"
    r"|\[\[(?:lps?|principles?)\s*[-–:]\s*([^\]|]+)(?:\|[^\]]*)?\]\])",
    re.I,
)
# "used **Christmas availability** (below)", "**Click & collect lockers** — the one I tell best": a link
# word before it, or a name of two words or more (a one-word bold lead-in, "**Careful** — ...", is a note)
_BOLD_NAME = re.compile(
    r"^(?:(?:used|use|told|tell|answer(?:ed)? with)\s+\*\*([^*]{3,60})\*\*"
    r"|\*\*([^*\s]+(?:\s+[^*\s]+)+)\*\*(?!\s*:))",
    re.I,
)
_BOLD_BACKUP = re.compile(r"\bbackup\b[^*]{0,30}\*\*([^*]{3,60})\*\*", re.I)
_TAG_PRINCIPLE = re.compile(r"\s*\[([^\[\]]{3,60})\]\s*$")
_BACKUP_WORD = re.compile(r"^(?:backup|secondary|alternate|alternative|alt|fallback|or)\s+", re.I)
_ROLE_ONLY = re.compile(r"(?i)primary|main|backup|secondary|alternate|alternative|alt|fallback")
_NONE_YET = re.compile(r"^(?:(?:none|tbd|todo|n/?a|nothing|no story|no answer)\b|\?+$)", re.I)


_LP_TAG = re.compile(r"\s*#(?:lp|principle)/([\w-]+)", re.I)


def _asked_alone(body: str) -> bool:
    """A paragraph that is one question and nothing else ('> "Tell me about ..."', "Describe a time
    ... → Story"): a question by its form, as a list item would be."""
    text = ARROW.split(clean(body), maxsplit=1)[0].strip()
    return bool(ASKS_START.match(text)) and len(SENTENCE.split(text)) == 1 and asks(text.strip('"“”'))


def _under(ln, indent: int) -> bool:
    """A list item nested deeper than the label line's items."""
    return ln.item is not None and ln.indent > indent >= 0


def story_names(text: str) -> list[str]:
    """The stories a link line names, primary first: "Primary story: SalesMart · Backup: Vendor" ->
    ['SalesMart', 'Vendor']; [] when the line names none."""
    bold = _BOLD_NAME.match(BOLD_JOIN.sub(lambda m: m.group(1) or " ", text.strip()))
    name = (bold.group(1) or bold.group(2)).strip() if bold else ""
    if name and not re.search(r"[:?]\s*$", name) and not label(name) and not asks(name):
        return [name, *(m.group(1).strip() for m in _BOLD_BACKUP.finditer(text))]
    t = clean(text)
    told = _TOLD.search(t)
    if told:
        return [told.group(1).strip()]
    t = re.sub(r"^\((.*)\)$", r"\1", t.strip())  # "(go-to: Depot Wi-Fi; if they've heard it: Fare-cap)"
    first = STORY_LINK.match(t)
    if not first or not _LINK_WORD.match(t) and not t.startswith(ARROWS):
        return []
    names = []
    # "Primary: X Backup: Y", "X (backup: Y)": a second label starts a second name
    t = re.sub(
        r"\s*\((?=(?:backup|secondary|alternate|alternative|alt|fallback)\b)([^)]*)\)",
        r" · \1",
        t,
        flags=re.I,
    )
    t = re.sub(
        r"\s+(?=(?:backup|secondary|alternate|alternative|alt|fallback)\b[\w ]{0,8}:)", " · ", t, flags=re.I
    )
    if _NONE_YET.match(_LINK_WORD.sub("", t.lstrip("→=>- ")).lstrip("—–-( ")):
        return []  # "Stories: — (nothing solid yet)"
    t = re.sub(r"(?<=\S)\s*\([^()]*\)", "", t)  # "H3 — Deploy freeze (the freeze, not the tooling)": a remark
    for piece in re.split(r"\s*(?:[·•|;,/]|\s-\s|\bor\b)\s*", t):
        piece = _LINK_WORD.sub("", piece.strip().lstrip("→=>- ")).strip(" .\"“”'*_→=>-")
        piece = re.sub(r"^[^:]{3,40}:\s+(?=\S)", "", piece)  # "if they've already heard it: Fare-cap refunds"
        piece = unadorned(_BACKUP_WORD.sub("", piece).strip(" `"))  # "`Teller queue`, backup `Card freeze`"
        if _ROLE_ONLY.fullmatch(piece):
            continue  # "#4 Priorities (backup)": the role, read above, names no story
        if piece.strip(" —–-") and len(piece) <= 80 and not _NONE_YET.match(piece):
            names.append(piece)
    return names


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
    question = question.strip().strip('"“”').strip()  # as written: no mark added
    return question, follow, notes


def section_questions(
    section: Section,
    counter: dict[str, int],
    named: dict[str, list[str]] | None = None,
    principles: list[Principle] | None = None,
) -> list[QuestionEntity]:
    """The questions a principle's or theme's section lists, in order: its top-level items that ask
    (sub-items are a question's notes), the questions after a "Question:" / "Q:" label, and the rows
    of a question table. A line that names the story answering the question above ("Primary story:
    X · Backup: Y") goes into named (question id -> story names, primary first)."""
    items = [ln for ln in section.lines if ln.item and clean(ln.item.group(2) or "")]
    out: list[dict] = []
    top = min((ln.indent for ln in items), default=0)
    theirs_at: int | None = None  # the indent of items under "Questions to ask Dana:"
    linked = 0  # the questions before this one have their stories named
    for ln in section.lines:
        body = (ln.item.group(2) or "") if ln.item else ln.raw.lstrip("> ")
        if not clean(body):
            continue
        if theirs_at is not None and (not ln.item or ln.indent <= theirs_at) and not _under(ln, theirs_at):
            theirs_at = None
        alone = re.fullmatch(r"(\*\*|__)[^*_]+(\*\*|__)", body.strip())  # "__Ask them__" on its own line
        if (clean(body).endswith(":") or alone) and THEIRS.search(clean(body)):
            theirs_at = ln.indent if ln.item else -1
            continue
        if theirs_at is not None:
            continue  # a question the candidate asks them
        top_item = ln.item is not None and ln.indent <= top
        if STORY.match(clean(body)) and top_item:
            continue  # "- Story: ..." among questions is a story's label, never a question
        names = story_names(body)
        if names and out and not ln.item and ln.indent == 0 and not out[-1]["names"]:
            # a paragraph after a list of questions ("**Recommendation:** #1 Conflict, #4 Priorities")
            # names the stories of every question listed since the last link (an indented line is
            # the item's above)
            for q in out[linked:]:
                if not q["names"]:
                    q["names"].extend(names)
            linked = len(out)
            continue
        if names and out:
            out[-1]["names"].extend(names)
            linked = len(out)
            if ln.item and not top_item and len(clean(body)) > len(names[0]) + 12:
                out[-1]["notes"].append(clean(body))  # "used **X** (below). Landed OK.": a note as well
            continue
        if ln.item and not top_item:
            if out:  # a sub-item under a question: the user's note ("Tell story about ...")
                out[-1]["notes"].append(clean(body))
            continue
        found = label(body)
        if found and found[0] == "question" and found[2]:
            body = found[2]  # "**Question:** "Tell me ..."", "Q: ..."
        elif found or (not ln.item and not _asked_alone(body)):
            linked = len(out)  # "(no story yet)" under a question closes it: a link below is not its
            continue  # "Situation.", "Tips:" are labels; a paragraph asks after a label or alone
        body, target = timing(body)
        body, *link = ARROW.split(body, maxsplit=1)
        tags = _LP_TAG.findall(body)  # "Tell me ... #lp/dive-deep": Obsidian's tag names the principle
        body = _LP_TAG.sub("", body).rstrip()
        lp = _LP_PAREN.search(body)  # "... (LP: Ownership)", Dataview's "[lp:: Ownership]", "[[LP - X]]"
        said = match_principle(lp.group(1) or lp.group(2), principles or []) if lp else None
        if tags and not said:
            said = match_principle(tags[0].replace("-", " "), principles or [])
        body = _LP_PAREN.sub("", body)
        tag = _TAG_PRINCIPLE.search(body)  # '"Tell me about ..." [Deliver Results]'
        tagged = match_principle(tag.group(1), principles or []) if tag else None
        if tagged:
            said, body = said or tagged, body[: tag.start()]
        tail = _TAIL_LINK.search(body)  # "... (story: Carrier portal freeze)", "... — **Duplicate invoices**"
        if tail and not link:
            body, link = body[: tail.start()], [tail.group(1) or tail.group(2)]
        question, follow, notes = split_question(body)
        if not asks(question):
            continue  # a tip, a link, a note to self: never made a question
        entry = {"text": question, "follow_ups": follow, "notes": notes, "line": ln.no, "target": target}
        out.append(entry | {"names": story_names("→ " + link[0]) if link else [], "principle": said})
    rows = table_rows(section.lines)
    qcol = question_column(rows)
    if qcol is not None:
        header = [c.lower() for c in rows[0]]
        fcol = next((i for i, c in enumerate(header) if "follow" in c), None)
        scols = [i for i, c in enumerate(header) if re.search(r"stor|primary|backup|alternat", c)]
        pcol = next(
            (i for i, c in enumerate(header) if re.fullmatch(r"lps?|principles?|leadership principles?", c)),
            None,
        )
        for r in rows[1:]:
            if qcol < len(r) and clean(r[qcol]):
                follow = (
                    [s for s in SENTENCE.split(clean(r[fcol]))] if fcol is not None and fcol < len(r) else []
                )
                stories = [n for i in scols if i < len(r) for n in story_names(f"Story: {r[i]}")]
                said = (
                    match_principle(r[pcol], principles or []) if pcol is not None and pcol < len(r) else None
                )
                out.append(
                    {"text": clean(r[qcol]), "follow_ups": [f for f in follow if f], "notes": [], "line": 0,
                     "names": stories, "principle": said}
                )  # fmt: skip
    result: list[QuestionEntity] = []
    for q in out:
        principle = q.get("principle") or section.principle  # a table's LP column, else the section's
        entry = filed_question(q["text"], principle, section.theme, counter, q.get("target"))
        if q["follow_ups"]:
            entry["follow_ups"] = q["follow_ups"]
        if q["notes"]:
            entry["notes"] = q["notes"]
        if q["names"] and named is not None:
            named[entry["id"]] = q["names"]
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
    """The question a heading asks, without its numbering or label ("Q1. Tell me ..." -> "Tell me ...")."""
    bare = bare_title(title)
    return asked_in(bare) or bare.strip().strip('"“”')
