"""Where each part of the notes begins and what it is: the notes split at their headings into
Sections, each classified by its heading text (a principle's name, a competency theme, "Story ...",
a question, "Interview N", "Why ...?", "System Design", a STAR guide), whatever its level, with the
lines it holds; a STAR part label that opens a story where no heading does makes that story's
section, and what is left out is said with its line number.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from voice_coach.bank.markup import TAG_LINE, clean, label
from voice_coach.bank.model import Principle
from voice_coach.bank.notes.exports import TO_CHECK
from voice_coach.bank.notes.lines import (
    SENTENCE,
    Line,
    next_said,
    note_lines,
    question_column,
    table_rows,
    timing,
)
from voice_coach.bank.notes.names import match_principle, slug

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
STORY = re.compile(r"^(?:story|история)\b\s*#?(?:\d[\w.]*|[A-Z]\b)?\s*(?:[-–—:]\s*(.*))?$", re.I)
_INTERVIEW = re.compile(r"^(mock\s+)?interview(er)?\s*#?\s*\d+\b|^round\s*\d+\b", re.I)
_NUMBERED = re.compile(r"^(?:lp|principle|leadership principle)\s*#?\s*(\d{1,2})\b")
# a heading that is itself a question ("### Q1. Tell me about ...", "### 2. Describe a time ...")
QUESTION_HEAD = re.compile(
    r"^(?:(?:q(?:uestion)?\s*#?\s*\d+|\d+)\s*[.:)\-–—]\s*)?[\"“]?"
    r"((?:tell (?:me|us)|describe|give (?:me |us )?(?:an? )?example|walk (?:me|us)|"
    r"how (?:do|did|would|have) you|"
    r"what (?:is|was|are|were|would|do|did)|why (?:do|did|are|should)|have you|share a time|talk about|"
    r"can you|when (?:have|did) you)\b.*)$",
    re.I,
)
# a section that explains the STAR method itself: a guide, never a story
_GUIDE = re.compile(
    r"^(?:the\s+)?star(?:\s+(?:method|technique|format|framework|model))?$"
    r"|^star (?:in|for) (?:bq|behaviou?ral)\b|^(?:answer\s+)?framework\b|^how to (?:answer|use)\b",
    re.I,
)
# headings that only say "questions here": they take the theme of the heading above them
_GENERIC = re.compile(
    r"^(?:(?:common|sample|example|typical|likely|possible|behaviou?ral|interview|practice|more)\s+)*"
    r"questions?$"
    r"|^(?:топ|частые|типичные|основные)\s+вопрос(?:ы|ов)$",  # Russian: "Топ вопросов", top questions
    re.I,
)
# competency themes people file questions under (not Amazon principles: no principle is invented)
THEME_WORDS = re.compile(
    r"\b(conflicts?|failures?|mistakes?|leadership|team ?work|collaboration|challenges?|successes|"
    r"communication|feedback|weakness(?:es)?|strengths?|motivation|self[- ]awareness|growth|influence|"
    r"ambiguity|prioriti[sz]ation|initiative|adaptability|problem[- ]solving|mentor(?:ing|ship)|"
    r"decision[- ]making|time management|stakeholders?|disagreements?|difficult people|pressure|"
    r"deadlines?)\b",
    re.I,
)
# "2.", "2)", "2 ·", and "2.ownership" (a plain line, no space after the dot)
_NUMBER_PREFIX = re.compile(r"^(?:\d+\s*[.)·]|[ivx]+\.)\s+|^\d{1,2}\.(?=[A-Za-z])", re.I)
_SUMMARY = re.compile(r"^<summary>(.*?)</summary>\s*$", re.I)
_DETAILS_END = re.compile(r"^</details>\s*$", re.I)


@dataclass
class Section:
    kind: str  # principle, story, interview, rubric, other
    title: str
    level: float
    line: int
    principle: str | None = None  # principle id, for principle and story sections
    lines: list[Line] = field(default_factory=list)
    theme: str = ""  # the competency theme it sits under, when not a principle
    prose: bool = False  # a write-up in paragraphs, no part marked: a bullet per sentence
    qa: bool = False  # an "A: ..." answer to the question right above it, in a principle or theme
    parent: Section | None = None  # the theme whose heading titles this story and whose questions it answers


def bare_title(title: str) -> str:
    """A heading without numbering or leading symbols ("## 2. 💼 Conflict" -> "Conflict")."""
    t = re.sub(r"^[^\w(]+", "", clean(title))
    return re.sub(r"^[^\w(]+", "", _NUMBER_PREFIX.sub("", t)).strip()


def theme_name(title: str) -> str:
    """'2. Conflict Questions' -> 'Conflict'."""
    t = re.sub(r"\s*\([^)]*\)$", "", bare_title(title))
    t = re.sub(r"\s+(?:questions?|stories|answers?|examples?)$", "", t, flags=re.I)
    return t or bare_title(title)


# a heading over what goes with the answer above it, never questions of the bank: the interviewer's
# likely follow-ups (asked after the answer, answered in it), what to avoid saying
_ASIDE = re.compile(
    r"^(?:likely |possible |expected |probable )?follow[- ]?ups?(?: questions?)?$"
    r"|^if they (?:probe|push|dig)\b|^what not to say$|^watch out\b"
)


def _classify(title: str, principles: list[Principle]) -> tuple[str, str | None]:
    # "feedback:（Earn Trust，Ownership）": full-width marks read as ASCII, a bracket apart from the word
    t = re.sub(r"(?<=\S)\(", " (", unicodedata.normalize("NFKC", clean(title)))
    low = t.lower()
    if "system design" in low:
        return "rubric:system-design", None
    asked = timing(t)[0].lower()  # "Why Amazon? (1 minute)"
    if asked.startswith("why ") and (asked.endswith("?") or len(asked.split()) <= 3):
        return "rubric:" + slug(timing(t)[0]), None  # "Why Amazon? (1 minute)": why-amazon
    if _INTERVIEW.match(low) and "instruction" not in low:
        return "interview", None
    if _ASIDE.search(low):
        return "aside", None  # "Likely follow-ups", "If they probe": about the answer above
    if STORY.match(t):
        return "story", None
    numbered = _NUMBERED.match(low)
    if numbered and 1 <= int(numbered.group(1)) <= len(principles):
        return "principle", principles[int(numbered.group(1)) - 1].id  # "LP 11", "Principle #3"
    if note_heading(t):
        return "other", None  # "Tags: Leadership, Communication" names tags, not a theme
    bare = bare_title(t)
    pid = match_principle(_NUMBER_PREFIX.sub("", t), principles)  # "5.dive deep" too
    glossed = re.sub(r"\s*\([^)]*\)", "", _NUMBER_PREFIX.sub("", t))
    if pid is None and glossed != t:
        pid = match_principle(glossed, principles)  # "ownership (long term over short term)"
    head = re.split(r"\s*(?::|\s[-–—|]\s)\s*", bare, maxsplit=1)
    if pid is None and len(head) == 2 and len(head[0].split()) <= 4:
        pid = match_principle(head[0], principles)  # "Ownership: Saturday certificate expiry"
    if asked_in(bare) and not THEIRS.search(bare):  # "What should I ask them at the end?": theirs
        return "question", pid  # "Customer Obsession: Tell me about ...", "STAR Question 4 : Tell me ..."
    if pid:
        core = _CORE_NOISE.sub(" ", re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", bare))
        if match_principle(core, principles) == pid and len(_extra_words(core, pid, principles)) <= 1:
            return "principle", pid
        return "story", pid  # "Billing Dashboard (Customer Obsession)": a story titled so, of that principle
    if _GUIDE.match(bare):
        return "guide", None
    if _GENERIC.match(bare):
        return "generic", None
    if THEME_WORDS.search(bare) and "principle" not in low:
        return "theme", None
    return "other", None


_CORE_NOISE = re.compile(
    r"\b(?:lp|lps|leadership|principles?|questions?|stories|story|examples?|answers?|notes?|prep)\b|[#:\-–—|]",
    re.I,
)


def _extra_words(core: str, pid: str, principles: list[Principle]) -> set[str]:
    """The words of a heading that are not its principle's name ("Billing Dashboard")."""
    from voice_coach.tokens import content_tokens

    principle = next(p for p in principles if p.id == pid)
    named = set(content_tokens(principle.name)) | set(content_tokens(pid.replace("-", " ")))
    return set(content_tokens(core)) - named


def note_heading(title: str) -> bool:
    """A heading that is a note label with its text ("Tags: Leadership, Communication")."""
    found = label(title)
    return bool(found and found[0] == "note" and found[2])


def asked_in(bare: str) -> str:
    """The question a heading asks, "" when it asks none: the whole heading, or what follows its
    label ("STAR Question 4 : Tell me about ...", "Conflict: Describe a time ...")."""
    m = QUESTION_HEAD.match(bare)
    if m:
        return m.group(1).strip().strip('"“”')
    asked = bare.endswith("?") and not bare.endswith("??")  # "Card 5 – drainage clash??": a doubt
    if asked and len(bare.split()) >= 4 and not re.search(r"[:|]\s", bare):
        return bare.strip('"“”')
    parts = re.split(r"\s*(?::|\s[-–—|]\s)\s*", bare, maxsplit=1)
    if len(parts) == 2 and len(parts[0].split()) <= 5:
        m = QUESTION_HEAD.match(parts[1])
        if m or (parts[1].endswith("?") and len(parts[1].split()) >= 4):
            return (m.group(1) if m else parts[1]).strip().strip('"“”')
    return ""


def _context(stack: list[Section]) -> Section | None:
    """The section body lines belong to: the innermost recognized one. A guide keeps only its own
    lines (what sits under it is read on its own)."""
    for i in range(len(stack) - 1, -1, -1):
        section = stack[i]
        if section.kind in ("guide", "aside"):
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
    asked: tuple[int, str] | None = None  # the question line just read (line number, text)
    container: Section | None = None  # the principle or theme it was read in
    details: list[Section] = []  # open <details> blocks, as sections
    inside: list[Section] = []  # unrecognized sub-sections read as part of the principle or theme above
    from_bold: set[int] = set()  # principle sections opened by a bold line, not a heading
    raised: set[int] = set()  # stories whose part headings sit a level above their title
    theirs: Section | None = None  # a "Questions to ask" heading: the headings after it are its lists
    variants = False  # a question label read under the heading: its list is of one story's questions
    titled: dict[int, Section] = {}  # a story titled by a "1. Name:" item -> the section holding it
    seen, asked_at = 0, -2  # lines read; the line the question just read was on
    numbered_at: int | None = None  # the indent of that question when it is a numbered item
    lines = note_lines(text)
    # two or more numbered questions each answered right below it, parts marked: a Q&A sheet, not
    # one story's file that lists the questions it answers above its parts
    qa_document = _answered_questions(lines) >= 2
    for k, line in enumerate(lines):
        seen += 1
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
        bold = re.fullmatch(r"(?:\*\*|__)([^*_]{3,60}?):?(?:\*\*|__):?", line.raw.strip())
        # "1.customer obsession (gloss)": a plain numbered line, no list (no space after the dot)
        if not bold and not line.item:
            bold = re.fullmatch(r"(\d{1,2}\.[A-Za-z][^*_]{2,80})", line.raw.strip())
        if (
            bold
            and not line.item
            and label(line.raw) is None  # "**Action.**" is a part, never "Bias for Action"
            and _classify(bold.group(1), principles)[0] == "principle"
        ):
            # "**Earn Trust**" on a line of its own, its questions below: a principle's heading
            level = next((int(s.level) for s in reversed(stack) if id(s) not in from_bold), 0) + 1
            line = Line(line.no, 0, "#" * min(6, level) + " " + bold.group(1))
            made_bold = True
        else:
            made_bold = False
        heading = _HEADING.match(line.raw) if line.indent < 4 else None
        if heading and not TAG_LINE.match(line.raw):
            variants = False
            level, name = len(heading.group(1)), heading_text(heading.group(2))
            is_title = level == 1 and not title
            if is_title:
                title = clean(name)
            found_label = label(name)
            # a note label heading ("#### Takeaways") belongs to a story it sits in, never to one above
            in_story = any(sec.kind in ("story", "question") and sec.level < level for sec in stack)
            in_story = in_story or bool(stack and id(stack[-1]) in raised)  # "## Reflection (R)" too
            # ... and so does one with its text ("### Traits: Ownership, Humility")
            note_with_text = bool(found_label and found_label[2] and found_label[0] == "note" and in_story)
            bare_label = found_label and (not found_label[2] or note_with_text)
            if bare_label and stack and (found_label[0] == "part" or in_story):
                # "### Tutor scheduling rebuild" then "## Situation (S)": parts one level above the
                # story's title belong to the story just opened, when no story holds it
                latest = stack[-1]
                keep = (
                    latest.level > level
                    and (latest.kind == "story" or (found_label[0] == "part" and latest.kind == "other"))
                    and not any(sec.kind in ("story", "question") for sec in stack[:-1])
                )
                while len(stack) > 1 and stack[-1].level >= level and not (keep and stack[-1] is latest):
                    stack.pop()
                if keep:
                    raised.add(id(latest))
                story = _story_for_label(stack, found, own, skipped)
                if story is not None:
                    said = clean(name) if note_with_text else f"**{clean(name)}**"
                    story.lines.append(Line(line.no, 0, said))
                    current = story
                    continue
            while stack and stack[-1].level >= level:
                stack.pop()
            kind, pid = _classify(name, principles)
            # below it, its lists; beside it, only a list named for whom it asks ("### HR" after an
            # empty "### Questions to Ask"); "## Ownership" after it is the notes again
            beside = (
                theirs is not None and level == theirs.level and not own[id(theirs)]
                and _AUDIENCE.fullmatch(clean(name)) is not None
            )  # fmt: skip
            if theirs is not None and not (level > theirs.level or beside):
                theirs = None
            if theirs is not None:
                # "### Questions to Ask" then "### HR", "### Engineers": its lists, however leveled
                skipped[line.no] = f"line {line.no}: section '{clean(name)}' holds questions you ask them"
                kind = "aside"
            asks_them = theirs is None and kind == "other" and bool(THEIRS.search(clean(name)))
            outer_theme = next((s.theme for s in reversed(stack) if s.theme), "")
            if kind == "generic":  # "Common Questions": of the principle or theme above, else the document's
                kind = "other" if any(s.kind == "principle" for s in stack) else "theme"
                theme = outer_theme or (theme_name(title) if title else "General")
            else:
                theme = theme_name(name) if kind == "theme" else outer_theme
            if kind in ("story", "question") and pid is None:
                pid = next((s.principle for s in reversed(stack) if s.kind == "principle"), None)
            asked = None
            section = Section(kind, clean(name), level, line.no, pid, theme="" if pid else theme)
            if asks_them:
                theirs = section
            stack.append(section)
            found.append(section)
            own[id(section)] = []
            if made_bold:
                from_bold.add(id(section))
            if summary:
                details.append(section)
            # body lines belong to the innermost recognized section (an unrecognized sub-heading
            # inside a principle keeps that principle's context)
            current = _context(stack)
            if kind == "guide":
                skipped[line.no] = (
                    f"line {line.no}: section '{clean(name)}' explains the STAR method (a guide, not a story)"
                )
            elif kind == "aside" and theirs is None:
                skipped[line.no] = (
                    f"line {line.no}: section '{clean(name)}' goes with the answer above it "
                    "(follow-ups or what to avoid): not questions or stories of the bank"
                )
            elif kind == "other" and current is not None and current.kind in ("principle", "theme"):
                inside.append(section)  # its lines read as the principle's or theme's: said if they hold none
            elif current is None and not is_title:
                skipped[line.no] = (
                    f"line {line.no}: section '{clean(name)}' "
                    "(not a principle, theme, story, interview or rubric)"
                )
            continue
        said = _ANSWER.match(line.raw) if not line.item else None
        answer = said.group(1) if said else None
        if answer is None and asked is not None and asked_at == seen - 1 and _told(line):
            answer = clean(line.raw)  # a numbered question, its answer told below it
        elif answer is None and asked is not None and asked_at == seen - 1 and line.item:
            said_item = Line(line.no, 0, line.item.group(2) or "")
            # ... or in items beside it: "4. Tell me ...?" then "- I wanted to move tile metadata ..."
            # (an item under it is the question's note)
            beside = numbered_at is not None and line.indent <= numbered_at
            if beside and _told(said_item) and not said_item.raw.rstrip().endswith("?"):
                answer = clean(said_item.raw)
        # "1. Tell me about ..." with its STAR parts in items under it: a story of its own, not the
        # theme's ("- **S/T:** A backend engineer ...", "- **A:**", "- **R:** ...")
        # nested under it, or, in a Q&A sheet, a bulleted list right after it ("1. Tell me ..." then
        # "- Situation: ...")
        beside_it = qa_document and line.indent == numbered_at and line.raw[:1] in ("-", "*", "+")
        under = (
            answer is None and asked is not None and asked_at == seen - 1 and numbered_at is not None
            and line.item is not None and (line.indent > numbered_at or beside_it)
        )  # fmt: skip
        parts_under = under and (_opens_part(line) or _note_before_parts(lines, k))
        # ... or items under it that tell what happened, unlabelled ("1. At Heronry the publisher cut
        # our platforms ...", "2. I was the build lead ..."): the answer, an item a bullet
        told_under = under and not parts_under and _tells_event(lines, k, line.indent)
        # ... or part labels right after it, a short line naming the project between ("* Give me an
        # example ...?", "when I worked on the booking app.", "situation: in 2021 we moved ...")
        lead = lines[k - 1] if k else line
        if not line.item and (said_label := label(line.raw)) and said_label[0] == "question":
            # "**Question variants:**" then the list, under a story's own heading: the story below
            # answers them all (a principle's "questions:" list is the principle's)
            variants = current is None or current.kind != "principle"
        parts_after = (
            answer is None and asked is not None and not line.item and _opens_part(line) and not variants
            and (asked_at == seen - 1 or (
                asked_at == seen - 2 and not lead.item and label(lead.raw) is None
                and len(clean(lead.raw).split()) <= 12
            ))
        )  # fmt: skip
        parts_under = parts_under or told_under or parts_after
        if (
            (answer or parts_under)
            and asked is not None
            and container is None
            and stack
            and stack[-1].kind == "other"
            and not THEIRS.search(stack[-1].title)  # "Questions for the Interviewer": theirs to answer
        ):
            container = stack[-1]  # "## Delivery" holding "Q: ..." / "A: ...": the questions' theme
            container.kind, container.theme = "theme", theme_name(container.title)
            container.lines = list(own[id(container)])
            skipped.pop(container.line, None)
        if (answer or parts_under) and asked is not None and container is not None:  # "Q: ..." then "A: ..."
            first = line if parts_under else Line(line.no, 0, "**Answer:** " + (answer or ""))
            opening = [Line(line.no, 0, "**Answer:**"), line] if told_under else [first]
            if parts_after and asked_at == seen - 2:
                opening = [lead, line]  # the line naming the project: the story's first, its title if a name
            current = Section(
                "question", asked[1], container.level + 0.5, asked[0], container.principle,
                theme=container.theme, qa=True, lines=opening,
            )  # fmt: skip
            found.append(current)
            own[id(current)] = []
            asked = None
            continue
        # "1. Label printer outage:" with "- S: ..." / "- A: ..." items under it, in a principle or a
        # theme: a story of its own titled by the item, as a heading would title it
        nxt = lines[k + 1] if k + 1 < len(lines) else None
        holder = titled.get(id(current), current) if current is not None else None
        # a heading that names a story but holds titled stories ("#### 4. Negative feedback: (Earn
        # Trust)" over "1. Dispatcher screen redesign:") is their principle or theme
        bare_story = holder is not None and holder.kind == "story" and not holder.qa and not holder.lines
        named = (
            _title_item(line)
            if holder is not None
            and (holder.kind in ("principle", "theme") or bare_story)
            and nxt is not None
            and nxt.item is not None
            and nxt.indent > line.indent
            and _opens_part(nxt)
            else ""
        )
        if holder is not None and named:
            if bare_story:
                holder.kind = "principle" if holder.principle else "theme"
                holder.theme = "" if holder.principle else theme_name(holder.title)
            current = Section(
                "story", named, holder.level + 0.5, line.no, holder.principle,
                theme=holder.theme, qa=True, parent=holder if holder.kind == "theme" else None,
            )  # fmt: skip
            titled[id(current)] = holder  # the next "2. Name:" item is the holder's too
            found.append(current)
            own[id(current)] = []
            continue
        question = _question_line(line)
        top = stack[-1] if len(stack) == 1 else None
        if (
            question and line.item and current is None and top and top.kind == "other" and top.title == title
            and qa_document and not THEIRS.search(title)
        ):  # fmt: skip
            # numbered questions straight under the document's title: its questions, one theme
            top.kind, top.theme, current = "theme", theme_name(title), top
            skipped.pop(top.line, None)
        if question and not stack and line.item:
            # notes with no heading at all, only numbered questions and their answers: one theme
            current = Section("theme", "Notes", 1, line.no, theme=theme_name(title or "Notes"))
            stack.append(current)
            found.append(current)
            own[id(current)] = []
        if question and (current is None or current.kind in ("principle", "theme") or current.qa):
            if current is not None and current.qa:
                current = container  # the next question of the list
            asked, container, asked_at = (line.no, question), current, seen
            numbered_at = line.indent if line.item and line.item.group(1)[0].isdigit() else None
        if stack:
            own[id(stack[-1])].append(line)
        if (current is None or current.kind in ("principle", "theme")) and stack and _opens_part(line):
            current = _story_for_label(stack, found, own, skipped)
            if current is not None and line not in current.lines:
                current.lines.append(line)
            continue
        if current is not None:
            current.lines.append(line)
    _prose_stories(found, own, skipped)
    _question_lists(found, own, skipped)
    _answered_headings(found, own)
    for section in inside:  # read as the principle's or theme's lines: said when they hold nothing
        lines = [ln for ln in own.get(id(section), []) if clean(ln.raw)]
        if section.kind == "other" and lines and not any(map(_holds, lines)):
            skipped[section.line] = (
                f"line {section.line}: section '{section.title}' holds no question or story"
            )
    holders = {id(s.parent) for s in found if s.parent is not None}  # themes with titled stories inside
    for section in found:  # say which left-out sections look like stories, and why they were not read
        left_out = section.kind == "other" and section.line in skipped
        if (section.kind == "theme" and id(section) not in holders) or left_out:
            why = _unread_story(own.get(id(section), []))
            if why:
                skipped[section.line] = (
                    f"line {section.line}: possible story '{section.title}' not read: {why}"
                )
    return title, [s for s in found if s.kind not in ("other", "guide", "aside")], list(skipped.values())


_ANSWER = re.compile(r"^(?:\*\*|__)?A(?:\*\*|__)?\s*[:.)](?:\*\*|__)?\s+(.+)$")  # "A: ..." after a question
# a question by its form: an imperative that asks for a story, or a question word and its verb
_ASKS = re.compile(
    r"^(?:tell (?:me|us)|describe|give (?:me |us )?(?:an? |one )?(?:example|instance)|walk (?:me|us) through|"
    r"share (?:a|an|one|the)\b|talk (?:me |us )?(?:about|through)|explain|name (?:a|one) time|"
    r"think (?:of|about) a time|recall a time|(?:a|the (?:last|first)) time (?:when |that )?you\b|"
    r"(?:what|how|why|when|where|who|which)(?:'s|’s)?\s+(?:is|was|are|were|do|does|did|would|will|has|have|"
    r"had|can|could|should|makes?|made|kind|type|sort|part|\w+ (?:you|your|did|do|was|is|would)\b)|"
    r"(?:can|could|would|have|has|do|did|are|were|is) (?:you|your|there)\b)",
    re.I,
)


# a note to self ("What would I do differently?", "Tell me the question back in my own words")
_TO_SELF = re.compile(
    r"\b(?:I|[Mm]y|[Mm]yself|[Mm]ine)\b(?!['’]d like)|(?i:\bwhich (?:of my )?(?:story|stories)\b)"
)
# a tip that quotes a question ('End with "Would you like more detail?"')
_TIP = re.compile(
    r"^(?:end|start|open|close|finish|say|lead|use|keep|have|remember|try|ask|avoid|don['’]t|do not|make|"
    r"prepare|practi[cs]e|pick|record|write|bring|mention|repeat|review|check|note)\b",
    re.I,
)


def asks(text: str) -> bool:
    """A question by its form: it ends in "?" or opens as one ("Tell me about ...", "Describe ...",
    "What was ..."); a tip ("Have details ready"), a note to self or a link never is."""
    t = text.strip().strip("*_").strip()
    if t[:1] in '"“' and t[-1:] in '"”':
        t = t[1:-1].strip()  # a quoted question
    if (
        len(t.split()) < 4
        or re.match(r"^\[[^\]]*\]\([^)]*\)\W*$", t)
        or _TO_SELF.search(t)
        or t.startswith(TO_CHECK)
    ):
        return False
    if t.endswith("?") and not _TIP.match(t):
        return True
    return any(_ASKS.match(x) for x in SENTENCE.split(t))  # "Often, we decide as a group. Give me ..."


def _question_line(line: Line) -> str:
    """The question a list item or a "Q:" line asks ("" if it asks none)."""
    body = line.item.group(2) or "" if line.item else line.raw
    found = label(body)
    if found and found[0] == "question" and found[2]:
        body = found[2]
    elif found or not line.item:
        return ""
    text = clean(body).strip('"“” ')
    return text if asks(text) else ""


_URL_LINK = re.compile(r"\[[^\]]*\]\((?:https?:|www\.)[^)]*\)")


def heading_text(name: str) -> str:
    """A heading as its title reads: a link to a web page beside the title left out ("2. [[natural
    amenity regression]] // [repo](https://...)" -> "2. [[natural amenity regression]]")."""
    kept = _URL_LINK.sub("", name)
    kept = re.sub(r"(?:\s*(?://|[|·•–—-]))+\s*$", "", kept).strip()
    return kept if clean(kept) else name


_FIRST_PERSON = re.compile(r"\b(?:I|we|my|our|We|My|Our)\b")
# something the writer did: "I split the queue", "we found", "I'd already asked", "I was" (not what
# they are doing: "I'm still thinking about which story fits", "I am leading the payments team")
_DID = re.compile(
    r"\b(?:I|[Ww]e)(?:'d)?\s+(?:\w+ly\s+|had\s+|then\s+|also\s+|first\s+)?"
    r"(?:\w{2,}ed|was|were|had|did|went|took|made|built|ran|wrote|led|got|found|told|gave|set|put|kept|"
    r"brought|began|saw|knew|thought|felt|sent|spent|chose|drove|won|lost|left|met|paid|sold|split|"
    r"cut|shut|rebuilt|became|came|held|heard|said|sat|stood|taught|caught|bought|fought|dug|hit|let|"
    r"quit|rode|broke|spoke|grew|drew|overheard|rewrote|undertook|withdrew)\b"
)


def _prose(lines: list[Line], least: int = 3, words: int = 40) -> bool:
    """A write-up told in paragraphs: three sentences or more, forty words, in the first person
    (under a question heading, an answer: two sentences will do)."""
    text = " ".join(clean(ln.raw) for ln in lines if not (ln.code or ln.item or ln.raw.startswith("|")))
    sentences = [x for x in re.split(r"(?<=[.!?])\s+", text) if len(x.split()) >= 3]
    first_person = len(_FIRST_PERSON.findall(text))
    told = _DID.search(text) is not None  # "How this page works: ... the one I lead with" tells nothing
    return len(sentences) >= least and len(text.split()) >= words and first_person >= 2 and told


def _told_items(lines: list[Line]) -> bool:
    """A story told as a list under its answer label ("spine:", "Beats:"), no part marked: the items
    after the label tell it as a write-up would (three or more, in the first person, past tense)."""
    start = next((k for k, ln in enumerate(lines) if (f := label(ln.raw)) and f[0] == "answer"), None)
    if start is None:
        return False
    items = [Line(ln.no, 0, clean(ln.item.group(2) or "")) for ln in lines[start + 1 :] if ln.item]
    return len(items) >= 3 and _prose(items)


def holds_more(section: Section, found: list[Section]) -> bool:
    """Whether the section read after this one sits inside it."""
    after = found[found.index(section) + 1 :]
    return bool(after) and after[0].level > section.level


def _prose_stories(found: list[Section], own: dict[int, list[Line]], skipped: dict[int, str]) -> None:
    """Left-out sections that tell a story in prose (a project write-up) become stories with a bullet
    per sentence, their parts inferred later; a "Tools used" list under one is kept as its notes."""
    story: Section | None = None
    for section in found:
        lines = own.get(id(section), [])
        if story is not None and section.level <= story.level:
            story = None
        left_out = section.kind == "other" and section.line in skipped
        # a write-up under a theme word ("### Influence — Retiring the SOAP gateway"): no question in
        # it and nothing under it, only a story told
        told = section.kind == "theme" and not any(map(_holds, lines)) and not holds_more(section, found)
        if (left_out or told) and story is None and (_prose(lines) or _told_items(lines)):
            section.kind, section.prose, section.lines = "story", True, list(lines)
            section.title = bare_title(section.title)
            skipped.pop(section.line, None)
            story = section
        elif left_out and story is not None and label(section.title) and label(section.title)[0] == "note":
            # the list, up to a label of the story's own after it ("> [!question]- Questions this answers")
            end = next((k for k, ln in enumerate(lines) if not ln.item and label(ln.raw)), len(lines))
            listed = ", ".join(
                clean(ln.item.group(2) or "") if ln.item else clean(ln.raw) for ln in lines[:end]
            )
            story.lines.append(Line(section.line, 0, f"**Notes:** {clean(section.title)}: {listed}"))
            story.lines.extend(lines[end:])
            skipped.pop(section.line)


def _title_item(line: Line) -> str:
    """The title a list item gives the STAR items under it ("1. Label printer outage:"), "" if none:
    a short name ending in a colon, no label and no question."""
    text = clean(line.item.group(2) or "") if line.item else ""
    if not text.endswith(":") or label(text) is not None or asks(text):
        return ""
    name = text[:-1].strip()
    return name if 1 <= len(name.split()) <= 8 else ""


def _tells_event(lines: list[Line], k: int, indent: int) -> bool:
    """The items from lines[k] on, at its indent, tell what happened: two or more, the first in the
    first person, one saying what the writer did ("I got both leads on one call"), none a note to
    self ("Use my Postgres story and focus on how I brought data", "Don't badmouth ...")."""
    items = []
    for ln in lines[k:]:
        if not clean(ln.raw):
            continue
        if ln.item is None or ln.indent < indent:
            break
        if ln.indent == indent:
            items.append(clean(ln.item.group(2) or ""))
    if len(items) < 2 or any(_REMINDER.match(t) for t in items):
        return False
    return _told(Line(lines[k].no, 0, items[0])) and any(_DID.search(t) for t in items)


# a note to self under a question: what to say, use or stress, not what happened
_REMINDER = re.compile(
    r"(?i)^(?:use|focus|mention|talk|say|don'?t|do not|lead with|keep|remember|avoid|emphasi[sz]e|"
    r"highlight|start|end with|explain|show|bring up|tell|pick|stress|make sure|try)\b"
)


def _told(line: Line) -> bool:
    """A paragraph that tells what happened in the first person: the answer to the question above."""
    text = clean(line.raw)
    return (
        not line.item
        and label(line.raw) is None
        and not line.raw.startswith(("|", "#"))
        and len(text.split()) >= 12
        and bool(_FIRST_PERSON.search(text))
        and not asks(text)
    )


def _bold_title(line: Line) -> str:
    """The title a bold line alone gives what follows it ("**Stale feature flags**"), "" if none."""
    m = re.fullmatch(r"(\*\*|__)([^*_]{3,80})(\*\*|__)", line.raw.strip()) if not line.item else None
    return m.group(2).strip() if m and label(m.group(2)) is None else ""


def _holds(line: Line) -> bool:
    return bool(_question_line(line) or _opens_part(line))


def _answered_headings(found: list[Section], own: dict[int, list[Line]]) -> None:
    """A question heading answered in a first-person paragraph, no part marked ("### Tell me about
    your biggest hiring mistake" + "I hired ... Now every loop I run ..."): a story, a bullet per sentence."""
    for section in found:
        lines = own.get(id(section), [])
        if section.kind == "question" and not section.qa and not any(map(_opens_part, lines)):
            section.prose = _prose(lines, 2, 15)


# a question the candidate asks the panel ("What should I ask them?", "Questions to ask Dana:")
# whom the candidate's questions are for, as a list under "Questions to ask" is headed
_AUDIENCE = re.compile(
    r"(?i)(?:for |to )?(?:the )?(?:hr|recruiters?|engineers?|peers?|the team|team ?mates?|hiring managers?|"
    r"managers?|interviewers?|panel|bar ?raisers?|directors?|skip[- ]levels?|founders?|leadership)"
)
THEIRS = re.compile(
    r"\bask (?:them|her|him|the (?:interviewers?|panel|hiring manager|recruiter))\b|\bto ask\b(?! for)"
    r"|\b(?:questions?|qs)(?: asked)? (?:for|to) (?:them|(?:the )?(?:interviewers?|panel))\b",
    re.I,
)
# questions the candidate asks them, not questions to answer
_FOR_THEM = re.compile(
    r"\bask\b|\b(?:for|to) (?:them|(?:the |my )?interviewers?|the panel)\b|\breverse\b", re.I
)


def _question_lists(found: list[Section], own: dict[int, list[Line]], skipped: dict[int, str]) -> None:
    """A left-out section whose list is mostly questions ("## RAPID FIRE", "## Questions I still need
    stories for") is a question list: a theme named by its heading."""
    for section in found:
        if section.kind != "other" or section.line not in skipped or _FOR_THEM.search(section.title):
            continue
        items = [ln for ln in own.get(id(section), []) if ln.item and ln.indent == 0]
        asking = sum(1 for ln in items if _question_line(ln))
        listed = question_column(table_rows(own.get(id(section), []))) is not None  # a question table
        if (asking >= 2 and asking * 2 >= len(items)) or listed:
            section.kind, section.theme = "theme", theme_name(section.title)
            section.lines = list(own[id(section)])
            skipped.pop(section.line)


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


def _answered_questions(lines: list[Line]) -> int:
    """How many numbered questions have a STAR part (or a note, then a part) on the next line."""
    count = 0
    for k, line in enumerate(lines):
        if line.item and line.item.group(1)[0].isdigit() and _question_line(line):
            nxt = next_said(lines, k)
            count += nxt is not None and (_opens_part(lines[nxt]) or _note_before_parts(lines, nxt))
    return count


def _note_before_parts(lines: list[Line], k: int) -> bool:
    """An item that is a note label, a part straight after it ("- Nugget: the one sentence first",
    then "- Situation: ..."): the note opens the answer."""
    found = label(lines[k].item.group(2) or "") if lines[k].item else None
    after = next_said(lines, k)
    return bool(found and found[0] == "note" and after is not None and _opens_part(lines[after]))


def _opens_part(line: Line) -> bool:
    """A body line that opens a STAR part ('**Situation:** ...', 'Task:', '- **Action**: ...')."""
    raw = line.item.group(2) or "" if line.item else line.raw
    if raw.startswith("|"):  # "| **Situation** | During peak week ... |": a part in a table
        cells = [c.strip() for c in raw.strip().strip("|").split("|")]
        found = label(cells[0]) if len(cells) >= 2 and clean(cells[1]) else None
        return bool(found and found[0] == "part")
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
            titled = _bold_title(section.lines[0]) if section.lines else ""
            if titled:  # "> [!example]- Stale feature flags" above the parts: the story's own title
                section.title, section.lines = titled, section.lines[1:]
            skipped.pop(section.line, None)
            return section
        if section.kind in ("principle", "theme"):
            # half a level below the principle (or theme): the next part heading keeps it, the next
            # real heading (a new story or principle) closes it
            # under a theme ("## CROSS-FUNCTIONAL INFLUENCE", "### [Failure] The widget") the
            # heading is the story's title and the theme's questions ask for it
            titled = section.kind == "theme"
            story = Section(
                "story", section.title if titled else "Story", section.level + 0.5, section.line,
                section.principle, theme=section.theme, parent=section if titled else None,
            )  # fmt: skip
            # the paragraphs right above the first label ("**Question:** ...") belong to the story,
            # and a "- Story: ..." item right above names it
            lead: list[Line] = []
            while section.lines and not section.lines[-1].item:
                lead.insert(0, section.lines.pop())
            last = section.lines[-1] if section.lines else None
            if not lead and last is not None and last.item and STORY.match(clean(last.item.group(2) or "")):
                story.title = clean(section.lines.pop().item.group(2) or "")
            story.lines = lead
            found.append(story)
            own[id(story)] = []
            stack.append(story)
            return story
    return None
