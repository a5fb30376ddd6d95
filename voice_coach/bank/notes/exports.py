"""Notes as other tools write them, read as the Markdown they mean: an outliner's blocks (Logseq:
headings inside list items, block properties, ((block refs)), #tags), a notes app's export (Apple
Notes, Evernote: bold lines for headings, "•" bullets, <br>, &nbsp;, ☐ boxes), a word processor's
numbered outline ("1.2 Title", "1.2.3 Situation: ...", "→ 1.2"), Obsidian's comments and Dataview
fields, task boxes. Each rewrites the source lines in place, so every line keeps its number.
"""

from __future__ import annotations

import html
import re

from voice_coach.bank.markup import label

# HTML's <!-- ... -->; Obsidian's %% ... %% opened at a line's start, or a pair on one line set off by
# spaces ("printf's %%s" and "escaped as %%" in two stories are no comment)
_COMMENT = re.compile(r"<!--.*?-->|(?m:^[ \t]*%%.*?%%[ \t]*$)|(?<![^\s])%%[^\n%]*?%%(?![^\s])", re.S)
_BOX = r"(?:\[[ xX]\]|[☐☑☒])"
# a task's box ("- [ ] Re-time the story", "☐ ask Jenna"): the item is its text
_CHECKBOX = re.compile(rf"^(\s*)(?:((?:[-*+]|\d+[.)])\s+){_BOX}|{_BOX})\s*")
TO_CHECK = "To check:"  # a boxed question that is the writer's to answer ("- [ ] Is the onsite in person?")
_INTERVIEW_ASKS = re.compile(
    r"(?i)(?:tell|describe|give|walk|share|talk|how|what|why|when|where|who|which)\b"
    r"|(?:can|could|would|have|did|do) you\b"
)
_GLYPH = re.compile(r"^(\s*)[•◦▪‣∙●○■–]\s+")  # a notes app's bullets
_BREAK = re.compile(r"\s*<br\s*/?>\s*", re.I)
_FIELD = r"([A-Za-z][\w-]{0,30})::"
_FIELD_LINE = re.compile(rf"^(\s*(?:[-*+]\s+)?){_FIELD}(?:\s+(.*)|\s*)$")  # not "std::shared_ptr"
_VALUE = r"((?:\[\[[^\]]*\]\]|[^\]])*)"
_FIELD_ALONE = re.compile(rf"^(\s*(?:[-*+]\s+)?)\[{_FIELD}\s*{_VALUE}\]\s*$")
_FIELD_INLINE = re.compile(rf"\[{_FIELD}\s*{_VALUE}\]")
_ATX = re.compile(r"^\s{0,3}#{1,6}\s")
_BOLD_ONLY = re.compile(r"^(\*\*|__)(?!.*(\*\*|__).*(\*\*|__))(.+?)(\*\*|__)$")
_ITEM_HEADING = re.compile(r"^(\s*)[-*+]\s+(#{1,6}\s+.*)$")
_BLOCK_REF = re.compile(r"\(\(([0-9a-f-]{8,})\)\)")
_TAG = re.compile(r"(?<=\s)#(?:\[\[([^\]]+)\]\]|([A-Za-z][\w/-]*))")
_TAIL_TAGS = re.compile(r"(?:\s+#(?:\[\[[^\]]+\]\]|[\w/-]+))+\s*$")
_OUTLINE = re.compile(r"^(\s*)(\d+(?:\.\d+)*)\.?\s+(\S.*)$")
_OUTLINE_REF = re.compile(r"(?<![\w.])(\d+(?:\.\d+)+)(?![\w.])")


def as_markdown(source: list[str]) -> None:
    """The notes as their tool shows them, in Markdown the import reads (source changed in place)."""
    text = _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), "\n".join(source))
    source[:] = text.split("\n")
    _localized(source)
    _story_fences(source)
    _notes_app(source)
    _outliner(source)
    _outline(source)
    _medals(source)
    _separators(source)
    _attributions(source)
    _card_refs(source)
    _numbered_refs(source)
    _transcript(source)
    for i, raw in enumerate(source):
        box = _CHECKBOX.match(raw)
        if box:
            task = raw[box.end() :]
            # a question with a box is a thing to find out ("- [x] Is the onsite in person?"), not one asked
            ask = TO_CHECK + " " if "?" in task and not _INTERVIEW_ASKS.match(task) else ""
            raw = f"{box.group(1)}{box.group(2) or '- '}{ask}{task}"
        source[i] = _fields(raw)


_MACHINE = {
    "id", "collapsed", "created", "updated", "alias", "aliases", "title", "icon", "template", "public",
    "filters", "type", "heading", "background color",
}  # fmt: skip
_NAMES_STORY = re.compile(r"(?:primary |backup |main )?(?:stor(?:y|ies)|answer with|use)", re.I)


def _key(name: str) -> str:
    return name.replace("-", " ").replace("_", " ")


def _fields(raw: str) -> str:
    """Dataview's and Logseq's fields: a label's ("situation:: ...", "[S:: ...]", "asked-as::") read as
    that label, one after a text ("[lp:: X]") as "(lp: X)", a property no label names (id, status,
    collapsed) left out."""
    alone = _FIELD_ALONE.match(raw) or _FIELD_LINE.match(raw)
    if alone:
        key, value = _key(alone.group(2)), (alone.group(3) or "").strip()
        if label(f"{key}: x") or _NAMES_STORY.fullmatch(key):
            return f"{alone.group(1)}{key}: {value}"
        if key.lower() in _MACHINE or not value:
            return ""  # Logseq's "id::", "collapsed::": for the tool, not the reader
        return f"{alone.group(1)}Notes: {key}: {value}"  # "station:: DUB hub": kept, never a bullet
    return _FIELD_INLINE.sub(lambda m: f"({_key(m.group(1))}: {m.group(2).strip()})", raw)


def _notes_app(source: list[str]) -> None:
    """Apple Notes / Evernote: entities and <br> undone, "•"/"◦" bullets as list items, and, in notes
    with no Markdown heading, a line that is all bold as a heading (the first the title, one in
    capitals a section, the others what it holds)."""
    for i, raw in enumerate(source):
        if "&" in raw:
            raw = html.unescape(raw).replace("\u00a0", " ").replace("\n", " ").replace("\r", " ")
        if "<" in raw:  # "...<br>◦ use: X": the link under the line above
            raw = _BREAK.sub(" ", re.sub(r"<br\s*/?>\s*[•◦▪‣∙●○■–]\s*", " → ", raw, flags=re.I)).rstrip()
        source[i] = _GLYPH.sub(lambda m: f"{m.group(1)}- ", raw)
    if any(_ATX.match(raw) for raw in source):
        return
    first = True
    for i, raw in enumerate(source):
        bold = _BOLD_ONLY.match(raw.strip())
        found = label(raw.strip()) if bold else None
        if not bold or (found is not None and found[0] == "part"):  # "__Situation__" alone: a part
            continue
        title = re.sub(r"^\d+[.)]\s+", "", bold.group(4).strip().rstrip(":"))  # "__1) Freezer alarm__"
        level = 1 if first else 2 if title.upper() == title else 3
        source[i], first = "#" * level + " " + title, False


def _outliner(source: list[str]) -> None:
    """Logseq: a heading inside a block is a heading, what the block holds moves out with it; a
    ((block ref)) names the story whose block has that id; #tags after a heading are not its title,
    and a principle's tag after a question is its principle."""
    if not any(_ITEM_HEADING.match(raw) for raw in source):
        return
    titles: dict[str, str] = {}
    title = ""
    stack: list[tuple[int, int]] = []  # (the heading block's indent, columns its children move left)
    for i, raw in enumerate(source):
        expanded = raw.expandtabs(4)
        indent = len(expanded) - len(expanded.lstrip())
        while stack and expanded.strip() and indent <= stack[-1][0]:
            stack.pop()
        shift = stack[-1][1] if stack else 0
        heading = _ITEM_HEADING.match(expanded)
        if heading:
            title = _TAIL_TAGS.sub("", heading.group(2)).strip()
            source[i] = title
            title = title.lstrip("#").strip()
            stack.append((indent, indent + 2))
            continue
        found = re.match(r"^\s*id::\s*([0-9a-f-]{8,})\s*$", expanded)
        if found and title:
            titles[found.group(1)] = title
        body = expanded.strip()
        if re.match(r"^[-*+]\s", body) and _TAG.search(body):  # "- Tell me ... #[[Dive Deep]]": its principle
            named = [a or b for a, b in _TAG.findall(body)]
            body = _TAG.sub("", body).rstrip() + "".join(f" (lp: {name})" for name in named)
        source[i] = " " * max(0, indent - shift) + body if body else ""
    for i, raw in enumerate(source):
        if "((" in raw:
            alone = re.fullmatch(r"(\s*[-*+]\s+)(\(\([0-9a-f-]+\)\))(.*)", raw)
            if alone:  # "- ((id)) — backup ((id))": the stories for the question above
                named = _BLOCK_REF.sub(lambda m: titles.get(m.group(1), ""), alone.group(2) + alone.group(3))
                named = named.replace(" — ", " · ")
                source[i] = alone.group(1) + "Story: " + named
            else:
                source[i] = _BLOCK_REF.sub(lambda m: f"(story: {titles.get(m.group(1), '')})", raw)


def _outline(source: list[str]) -> None:
    """A word processor's numbered outline pasted as text ("1.1 Title", "  1.1.1 Situation: ...",
    "2.4 Describe ... → 1.2, backup 1.4"): a numbered line that says little is a heading at its
    depth, one with a label or a sentence a list item; a number after an arrow names its heading."""
    numbered = [_OUTLINE.match(raw) for raw in source]
    headed = sum(1 for raw in source if _ATX.match(raw))  # a title at most: the outline is the structure
    deep = sum(1 for m in numbered if m and m.group(2).count(".") >= 2)  # "1.2.3": an outline's parts
    if deep < 3 or headed > 1:
        return
    titles: dict[str, str] = {}
    for i, m in enumerate(numbered):
        if not m:
            continue
        number, text = m.group(2), m.group(3).strip()
        depth = number.count(".") + 1
        found = label(text)
        if found is None and depth <= 2 and len(text.split()) <= 12 and not text.endswith(("?", ".")):
            source[i] = "#" * min(6, depth + 1) + " " + text
            titles[number] = re.sub(r"\s*\([^)]*\)\s*$", "", text)
        else:
            source[i] = "  " * max(0, depth - 2) + "- " + text
    _point_at(source, _OUTLINE_REF, titles, drop_remark=True)  # "→ 1.1 (the panel may ask in Spanish)"


_CARD_HEADING = re.compile(
    r"^#{1,6}\s*(?:card|story|s)\s*#?(\d+|[A-Z](?=\s))\s*[-–—:.]\s*(.+?)\s*(?:\[\[[^\]]*\]\])?\s*$", re.I
)
_CARD_REF = re.compile(r"(?i:\b(?:c|card|story|s)\s*#?(\d+)\b)|\b(?:[Cc]ard|[Ss]tory)\s+([A-Z])\b")
# "P: S5 / B: S3" under a question: primary and backup by the stories' numbers
_PRIMARY_BACKUP = re.compile(r"^(\s*)P\s*:\s*(.*)$")
# "→ see Story B below.", "→ Story A (Zoom 17 tiles). Lead with ...": a pointer, then a remark
_LEAD_REF = re.compile(
    r"^(?:see\s+)?((?:[Cc]ard|[Ss]tory)\s+(?:#?\d+|[A-Z]))\b(?:\s+(?:below|above|again))?", re.I
)


_MEDAL = re.compile(r"^(\s*)🥇\s*(.*)$")
_ANCHOR_LINK = re.compile(r"\[([^\]]+)\]\(#([^)\s]+)\)")


def _medals(source: list[str]) -> None:
    """Medals for the story to tell ("🥇 [Merchant payouts](#s1--merchant-payouts) 🥈 [the 3DS
    deadline](#s5--...)"): a link line, primary then backup, each the heading its anchor points at."""
    headings = {}
    for raw in source:
        h = re.match(r"^#{1,6}\s+(.+?)\s*$", raw)
        if h:  # the anchor a Markdown renderer gives the heading
            anchor = re.sub(r"[^\w\- ]", "", h.group(1).lower()).replace(" ", "-")
            headings[anchor] = re.sub(r"(?i)^(?:s|story|card)\s*#?\d+\s*[-–—:.]\s*", "", h.group(1))
    for i, raw in enumerate(source):
        m = _MEDAL.match(raw)
        if not m:
            continue
        names = []
        for part in re.split(r"\s*🥈\s*", m.group(2), maxsplit=1):
            link = _ANCHOR_LINK.search(part)
            names.append(headings.get(link.group(2), link.group(1)) if link else part.strip())
        source[i] = m.group(1) + "→ " + " · backup ".join(n for n in names if n)


_SEPARATOR = re.compile(r"^[-=~*]{2,4}:\s*(\w.*?)\s*$")  # "--*: my stories", "==: rules"


# The words that give notes in another language their structure, read as the English ones the import
# knows (the author's own text is left as written): Russian cheat sheets ("### Урок", "**Вопросы:**",
# "**Рекомендация:** #1 Conflict (primary)"). A story's heading ("## История #1: ...") is quoted in
# what the import says, so sections.STORY knows it as it is; Spanish part labels are in
# markup.PART_LABELS.
_LOCAL_WORDS = {
    "урок": "Lesson",
    "уроки": "Lessons",
    "ключевые цифры": "Key numbers",
    "черты": "Traits",
    "follow-up ответы": "Follow-up answers",
    "вопросы": "Questions",
    "ситуация": "Situation",
    "задача": "Task",
    "действия": "Action",
    "результат": "Result",
    "основная": "Primary",
    "запасная": "Backup",
}
# "**Рекомендация:** #1 Conflict": a link only when it names a story's number
_LOCAL_LINK = re.compile(r"(?i)^(\s*(?:[-*+]\s+)?(?:\*\*|__)?)рекомендаци[яи](?=\s*[:*_].*#\s*\d)")
_LOCAL_COLUMNS = {"основная": "Primary", "запасная": "Backup", "вопрос": "Question"}  # a table's header
_LOCAL = re.compile(
    r"(?i)^(\s*(?:#{1,6}\s+|[-*+]\s+)?(?:\*\*|__)?)("
    + "|".join(sorted(map(re.escape, _LOCAL_WORDS), key=len, reverse=True))
    + r")(?=\s*(?:#\s*\d|[:*_|]|$))"
)
_LOCAL_CELL = re.compile(r"(?i)(?<=\|)(\s*)(" + "|".join(_LOCAL_COLUMNS) + r")(\s*(?:\([^|()]*\))?\s*)(?=\|)")


def _localized(source: list[str]) -> None:
    """Headings, labels and table columns of notes written in another language, in English words."""
    for i, raw in enumerate(source):
        raw = _LOCAL.sub(lambda m: m.group(1) + _LOCAL_WORDS[m.group(2).lower()], raw)
        raw = _LOCAL_LINK.sub(lambda m: m.group(1) + "Stories", raw)  # advice ("Рекомендация: ...") stays
        if raw.lstrip().startswith("|"):
            raw = _LOCAL_CELL.sub(lambda m: m.group(1) + _LOCAL_COLUMNS[m.group(2).lower()] + m.group(3), raw)
        source[i] = raw


# "1. *Tidewell question* (https://...) – If you could ...": where the question was asked, before it
_ATTRIBUTION = re.compile(
    r"^(\s*(?:[-*+]|\d{1,3}[.)])\s+)\*([^*\n]{1,80}?)\bquestions?\*\s*(?:\([^()\n]*\))?\s*\*?\s*[–—:-]\s*\*?"
)
_NOT_WHO = re.compile(r"(?i)\s*(?:why|what|how|follow|this|that|the|my|an?|sample|example|good|bad|likely)\b")


def _attributions(source: list[str]) -> None:
    """A question list that says which company asked each: the question as asked (italics that
    were never closed, "*Sorrel question* (url)* – *Tell me ...", left without a stray "*"). Only
    a question after it, and never a label of the notes ("*Why this question* – they want ...",
    "*Follow-up question* – What would you ...")."""
    for i, raw in enumerate(source):
        m = _ATTRIBUTION.match(raw)
        asked = raw[m.end() :] if m else ""
        if m and (_INTERVIEW_ASKS.match(asked) or "?" in asked) and not _NOT_WHO.match(m.group(2)):
            source[i] = m.group(1) + raw[m.end() :]


_SLOT = re.compile(r"\[[^\]]*\]")  # a template's "[Company]", "[what was happening]"
_FENCE = re.compile(r"^\s*(```|~~~)\s*(\w*)\s*$")


def _story_fences(source: list[str]) -> None:
    """A story typed into a code block to keep its line breaks ("```" then "situation: in 2021 we
    moved ...", "task: ...", "action: ..."): its lines read as the notes they are. A block of code,
    or a template with nothing told ("Situation: [what happened]"), stays a code block."""
    i = 0
    while i < len(source):
        opened = _FENCE.match(source[i])
        if not opened or opened.group(2).lower() not in ("", "text", "txt", "markdown", "md"):
            i += 1
            continue
        fence = opened.group(1)
        end = next((k for k in range(i + 1, len(source)) if source[k].strip().startswith(fence)), None)
        if end is None:
            return
        told = [
            found for raw in source[i + 1 : end]
            if (found := label(raw.strip())) and found[0] == "part" and len(found[2].split()) >= 4
            and not _SLOT.search(found[2])
        ]  # fmt: skip
        # told, not instructions ("Situation: Set the scene and give the context."): someone says I or we
        mine = any(re.search(r"\b(?:I|[Ww]e|[Mm]y|[Oo]ur)\b", found[2]) for found in told)
        if len(told) >= 2 and mine:
            source[i] = source[end] = ""
            for k in range(i + 1, end):
                source[k] = source[k].strip()
        i = end + 1


def _separators(source: list[str]) -> None:
    """A plain-text file's section marks ("--*: my stories"): headings under the title, as read."""
    for i, raw in enumerate(source):
        m = _SEPARATOR.match(raw)
        if m:
            source[i] = "## " + m.group(1)


_NUMBERED_Q = re.compile(r"^(?:#{1,6}\s+)?(\d{1,2})[.)]\s+(\S.*?)\s*$")  # "5. ..." or "### 5. ..."
# "→ 8", "same story as 5", "same as 9 ↑", "→ same answer as 4", "→ use 6 (the row limit)": the
# number ends the pointer ("-> use 3 dashboards to ..." is a note)
_NUMBER_REF = re.compile(
    r"""(?ix) ^(\s*(?:(?:[-*+]|\d{1,2}[.)])\s+)?)
    (?: (?:→|->) \s* (?:(?:same\ (?:answer\ |story\ )?as | use | see) \s+)?
      | same\ (?:answer\ |story\ )?as \s+ )
    \#?(\d{1,2}) \b (?!\.\d) (?=\s*(?:[(↑—–-]|[.,;:!]|$))"""
)


def _numbered_refs(source: list[str]) -> None:
    """An answer that points at another numbered question ("→ 8 (the no half)", "same story as 5",
    "Same answer as #2", an item "1. → same story as 3."): a link to the story told under that
    question, which bears its text. A list numbered anew under each heading points within itself."""
    list_of: list[int] = []  # each line's list: a heading, or numbering that starts again, opens one
    asked: list[tuple[int, int, str, str]] = []  # (line, list, number, text) of the numbered questions
    current = last = 0
    for i, raw in enumerate(source):
        numbered = _NUMBERED_Q.match(raw)
        heading = not numbered and _ATX.match(raw)
        if numbered and int(numbered.group(1)) <= last or heading:
            current += 1
        last = int(numbered.group(1)) if numbered else 0 if heading else last
        list_of.append(current)
        if numbered and not _NUMBER_REF.match(raw):
            asked.append((i, current, numbered.group(1), numbered.group(2)))
    for i, raw in enumerate(source):
        ref = _NUMBER_REF.match(raw)
        if not ref or (_NUMBERED_Q.match(raw) and not ref.group(1).strip()):
            continue
        # an item points with nothing after the number ("1. → same story as 3. (the cut)"); "3. Same as
        # 2, but for the EU region" is a step of its own
        if ref.group(1).strip() and not re.match(r"\s*(?:[.(]|$)", raw[ref.end() :]):
            continue
        above = next((q for q in reversed(asked) if q[0] < i), None)  # the question it sits under
        mine = [q for q in asked if q[2] == ref.group(2) and q is not above]
        same_list = [q for q in mine if q[1] == list_of[i]]
        before = [q for q in mine if q[0] < i]
        # its own list's question of that number, else the nearest before it, else the last after it
        target = same_list[0] if same_list else (before or mine or [None])[-1]
        if target is not None:
            source[i] = ref.group(1) + "→ " + target[3].strip('"“”')


def _card_refs(source: list[str]) -> None:
    """Cue cards pointed at by number ("→ c4, backup c1" under "#### Card 4 – Snagging app"): the
    number read as the card's title."""
    titles = {m.group(1): m.group(2) for m in map(_CARD_HEADING.match, source) if m}
    if titles:
        for i, raw in enumerate(source):
            said = _PRIMARY_BACKUP.match(raw)
            if said and _CARD_REF.search(said.group(2)):
                source[i] = said.group(1) + "→ " + re.sub(r"\bB\s*:\s*", "backup ", said.group(2))
        for i, raw in enumerate(source):  # the pointer kept, the remark after it left out
            arrow = re.search(r"(?:→|->)\s*(.*)$", raw)
            lead = _LEAD_REF.match(arrow.group(1)) if arrow else None
            if lead and not _only_refs(arrow.group(1), _CARD_REF):
                source[i] = raw[: arrow.start()] + "→ " + lead.group(1)
        _point_at(source, _CARD_REF, titles)


def _point_at(source: list[str], ref: re.Pattern, titles: dict[str, str], drop_remark: bool = False) -> None:
    """What follows an arrow, when it only points ("→ 1.2, backup 1.4", "→ c4"), read as the titles
    the references number; a reference to no title kept as written."""
    for i, raw in enumerate(source):
        arrow = re.search(r"(?:→|->)\s*(.*)$", raw)
        if arrow and ref.search(arrow.group(1)) and _only_refs(arrow.group(1), ref):
            named = ref.sub(lambda m: titles.get(m.group(m.lastindex or 0), m.group(0)), arrow.group(1))
            if drop_remark:
                named = re.sub(r"\s*\([^)]*\)\s*$", "", named)
            source[i] = raw[: arrow.start()] + "→ " + named


_TURN = re.compile(r"^\*\*([A-Z][\w .'’-]{0,30}?)(?::\*\*|\*\*\s*:)\s*(.*)$")
_CANDIDATE = re.compile(r"(?i)me|i|candidate|myself")


def _transcript(source: list[str]) -> None:
    """A mock interview typed up as turns ("**Interviewer:** ..." / "**Me:** ..."): under each
    heading the first question asked is a question (what leads into it left out) and the answer after
    it its story; later turns are follow-ups: what they ask is not a question of the bank, and what I
    said to "What would you do differently?" is the story's reflection, the rest its notes."""
    matched = ((i, _TURN.match(raw.strip())) for i, raw in enumerate(source))
    # "**Situation:** ..." is a story's part, never a turn
    turns = {i: m for i, m in matched if m and label(m.group(1) + ": x") is None}
    if sum(1 for m in turns.values() if _CANDIDATE.fullmatch(m.group(1))) < 3:
        return
    state, previous = "heading", ""
    for i, raw in enumerate(source):
        if _ATX.match(raw):
            state = "heading"
            continue
        m = turns.get(i)
        if m is None:
            continue
        said = m.group(2).strip()
        if not _CANDIDATE.fullmatch(m.group(1)):  # the interviewer
            if state == "heading":
                asking = re.split(r"(?<=[.!?])\s+", said)
                start = next((k for k, x in enumerate(asking) if _ASKS_HERE.match(x) or x.endswith("?")), 0)
                source[i], state = "- " + " ".join(asking[start:]), "asked"
            else:
                source[i], state, previous = "", "follow-up", said
            continue
        told = len(said.split()) >= 15 and not said.startswith(("*", "_"))
        if state == "asked":
            source[i], state = (f"A: {said}" if told else f"*{said.strip('*_')}*"), "answered"
        else:
            source[i] = f"{'Reflection' if re.search(r'(?i)differently', previous) else 'Notes'}: {said}"


_ASKS_HERE = re.compile(r"(?i)(?:tell|describe|give|walk|how|what|why|when|have)\b")


def _only_refs(tail: str, ref: re.Pattern) -> bool:
    """Does what follows an arrow only point ("→ c4, backup c1", "→ 1.2 (sort of)"), not tell ("from
    m4 → c5 instances")?"""
    rest = ref.sub(" ", re.sub(r"\([^)]*\)", " ", tail))
    return not re.sub(r"(?i)\b(?:backup|primary|alt|or|and|also|maybe)\b|[\s,;/·:.?!—–-]+", "", rest)
