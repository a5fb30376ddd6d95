"""The notes as Lines, the one form every later step of the import reads: the Markdown is parsed
once, here (markdown-it-py, CommonMark with tables), into a Line per heading, paragraph, list item,
table row and HTML line, each keeping its inline markup, its nesting as an indent and the number of
the line it starts on, with front matter blanked and code blocks kept apart; sentences and table
cells, which several steps split alike, are split here too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from voice_coach.bank.markup import clean, label, unadorned
from voice_coach.bank.notes.exports import as_markdown

_ITEM = re.compile(r"^([-*+]|\d+[.)])(?:\s+(.*)|)$")  # a marker then a space: "**bold**" is no item
RULE = re.compile(r"^([-*_]\s*){3,}$")
SENTENCE = re.compile(r"(?<=[?.!])\s+(?=[A-Z0-9\"'(])")
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


def _front_matter(source: list[str]) -> None:
    """Blank a YAML front matter block (kept out of the notes, line numbers kept)."""
    if source and source[0].strip() == "---":
        for end in range(1, min(len(source), 500)):
            if source[end].strip() in ("---", "..."):
                source[: end + 1] = [""] * (end + 1)
                return


_CALLOUT = re.compile(r"^\[![\w-]+\][+-]?\s*(.*)$")  # an Obsidian callout's first line
_BOLD_LINE = re.compile(r"(\*\*|__).+?(\*\*|__)\s*(\([^)]{0,40}\))?\s*:?")
_KEY_LINE = re.compile(r"^(\*\*|__|[*_])?(?:\+\s*R\b|[A-Za-z(])[A-Za-z' )]{0,30}(\*\*|__)?\s*:(\*\*|__)?")


ARROWS = ("→", "->", "=>")  # "→ Clinic cutover": a link to the story that answers the question above
TAGS_LINE = re.compile(r"#[\w/-]+(?:[ \t,]+#[\w/-]+)*")  # Obsidian tags alone on a line
# a line that opens a question ("Tell me ...", "How do you ...") or names the story for the one
# above ("Primary → X", "Stories: X", "(go-to: X)"): a line of its own, never the tail of the last
ASKS_START = re.compile(
    r"^[\"“]?(?:Tell me|Describe|Walk me|Give (?:me )?(?:an|one) example|How (?:do|did|would|have)|"
    r"What (?:do|did|would|was|is)|Why (?:do|did|would)|When (?:did|have)|Have you)\b"
)
_LINK_START = re.compile(
    r"^\(?\s*(?:primary|backup|fallback|secondary|stor(?:y|ies)|go-to)\b[^:→\n]{0,25}(?::|→)", re.I
)
_ITALIC_LINE = re.compile(r"\*[^*\s].*[^*\s]\*|_[^_\s].*[^_\s]_")


def _soft_lines(lines: list[str]) -> list[tuple[int, list[str]]]:
    """A paragraph's source lines grouped as read: one sentence running over lines stays one, but a
    line that opens with a key ("Interviewer:", "**Task** —"), an arrow or is all italic, or follows
    one ending in ":", starts anew (Obsidian shows each line of a paragraph on its own)."""
    groups: list[tuple[int, list[str]]] = []
    for offset, raw in enumerate(lines):
        text = raw.strip()
        deflist = text.startswith(": ")  # a definition list's "Situation" then ": About 2% ..."
        text = text[2:].strip() if deflist else text
        if not text:
            continue
        prev = groups[-1][1][-1] if groups else ""
        opened = label(prev) if prev else None
        part = label(text)
        if (
            not groups
            or _KEY_LINE.match(unadorned(text))  # "🏷️ LP: ..." too
            or deflist
            or (
                part is not None
                and part[0] in ("part", "note")
                and (bool(part[2]) or text.startswith(("*", "_")))
            )
            or text.startswith(ARROWS)  # "→ Clinic cutover": the story for the line above
            # "-- shift-swap bot": a dash typed as a list, a note of its own ("-- roll back -- but": a
            # sentence's dashes, wrapped)
            or (re.match(r"--(?!-)", text) and not re.search(r"\s--(?:\s|$)", text[2:]))
            or _LINK_START.match(text)
            or ASKS_START.match(text)
            or TAGS_LINE.fullmatch(text)
            or unadorned(text) != text  # "🤷 nothing solid yet": an emoji opens a remark of its own
            or re.fullmatch(r"\([^()]{3,}\)\.?", text)  # "(no answer yet — think about ...)": a remark
            or re.match(r"(?i)same (?:answer |story )?as\b", text)  # "Same answer as #2, but ...": a pointer
            or _ITALIC_LINE.fullmatch(text)  # "_no story yet_": a remark of its own
            or prev.endswith(":")
            or (  # the answer under a question ("Tell me about ...?" then "In my second year ...")
                (
                    prev.endswith("?")
                    or (prev.endswith(".") and ASKS_START.match(prev) and len(groups[-1][1]) == 1)
                )
                and not text.endswith("?")
                and not ASKS_START.match(text)
            )
            or (opened is not None and not opened[2])  # a label alone on its line
            or _BOLD_LINE.fullmatch(prev)  # "**SITUATION** (2-3 sentences)"
        ):
            groups.append((offset, [text]))
        else:
            groups[-1][1].append(text)
    return groups


_FOOTNOTE = re.compile(r"^\[\^([^\]\s]+)\]:\s*(.*)$")


def _footnotes(source: list[str]) -> None:
    """Footnotes read where they are referred to: a question's "[^1]" becomes " → " and the note's
    text ("[^1]: Primary: Depot Wi-Fi rollout. Fallback: ..."), which names its story; the notes at
    the bottom are blanked (line numbers kept)."""
    said: dict[str, str] = {}
    for i, raw in enumerate(source):
        m = _FOOTNOTE.match(raw.strip())
        if m:
            said[m.group(1)] = m.group(2).strip()
            source[i] = ""
    if said:
        for i, raw in enumerate(source):
            source[i] = re.sub(
                r"\[\^([^\]\s]+)\]", lambda m: f" → {said[m.group(1)]}" if m.group(1) in said else "", raw
            )


def note_lines(text: str) -> list[Line]:
    """The notes as blocks, read by a CommonMark parser (markdown-it-py, tables on): one Line per
    heading, paragraph (its lines joined), list item (with its marker; indent 4 a nesting level),
    table row and HTML line; code blocks and front matter are left out. Each Line keeps the inline
    markup (bold questions, wiki links) and the number of the line it starts on."""
    from markdown_it import MarkdownIt

    source = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").split("\n")
    _front_matter(source)
    as_markdown(source)  # an outliner's, a notes app's, a word processor's export as Markdown
    _footnotes(source)
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
            source_lines = tok.content.split("\n")
            callout = _CALLOUT.match(source_lines[0].strip()) if row is None and heading is None else None
            if callout:  # "> [!example] Title": the title a line of its own, the marker left out
                if callout.group(1).strip():
                    out.append(Line(no, 4 * depth, f"**{callout.group(1).strip()}**"))
                source_lines, no = source_lines[1:], no + 1
                if not "".join(source_lines).strip():
                    continue
            groups = _soft_lines(source_lines)
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
            content = " ".join(part.strip() for part in source_lines).strip()
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


def question_column(rows: list[list[str]]) -> int | None:
    """The column of a table's questions (its header says "Question"), None if it lists none."""
    header = [c.lower() for c in rows[0]] if rows else []
    return next((i for i, c in enumerate(header) if "question" in c), None)


def table_rows(lines: list[Line]) -> list[list[str]]:
    rows = [
        [c.strip() for c in ln.raw.strip().strip("|").split("|")] for ln in lines if ln.raw.startswith("|")
    ]
    return [r for r in rows if not all(re.fullmatch(r":?-{2,}:?", c) for c in r if c)]


def next_said(lines: list[Line], k: int) -> int | None:
    """The index of the first line after lines[k] that has words, None when none has."""
    return next((i for i in range(k + 1, len(lines)) if clean(lines[i].raw)), None)


def sentences(text: str) -> list[str]:
    return [x.strip() for x in SENTENCE.split(text) if x.strip()]


# the time an answer should take, as notes say it: "(2 minutes)", "[60 s]", "- 90 seconds" at the
# end, "Time: 2 min"; never "an outage fixed in 5 minutes" inside the question's own words
_UNIT = r"(\d{1,3}(?:\.\d)?)\s*(minutes?|mins?|m|seconds?|secs?|s)\b"
_AT_END = r"(?=[.?!]?\s*$)"  # a time is said at the end: "What happened in the first (30 seconds)?" is none
_TIMING = re.compile(
    rf"\s*(?:[(\[]\s*(?:~|about\s+|target:?\s*|time:?\s*)?{_UNIT}\s*[)\]]{_AT_END}"
    rf"|\s[-–—]\s*{_UNIT}\s*{_AT_END}|\b(?:time|target|timebox|time box)\s*:\s*{_UNIT}\s*{_AT_END})",
    re.I,
)
LIMIT_OVER_TARGET = 1.75  # the shipped default: a 2:00 target stops at 3:30


def timing(text: str) -> tuple[str, float | None]:
    """(the text without its timing, the target in seconds) for "Why Amazon? (1 minute)"."""
    m = _TIMING.search(text)
    if m is None:
        return text, None
    number, unit = next((m.group(i), m.group(i + 1)) for i in (1, 3, 5) if m.group(i))
    seconds = float(number) * (60 if unit.lower().startswith("m") else 1)
    if not 10 <= seconds <= 1800:
        return text, None
    kept = (text[: m.start()] + text[m.end() :]).strip()
    if kept and kept[-1] not in ".?!" and text.rstrip()[-1:] in (".", "?", "!"):
        kept += text.rstrip()[-1]
    return kept, seconds
