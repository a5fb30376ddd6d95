"""Markdown as people write it in prep notes: markup out, words kept; and the labels that mark the
parts of a story. Shared by the notes importer and the bank validator."""

from __future__ import annotations

import re
import unicodedata

_IMAGE = re.compile(r"!\[\[[^\]]*\]\]|!\[[^\]]*\]\([^)]*\)")
_WIKI = re.compile(r"\[\[([^\]|#]*)(?:#([^\]|]*))?(?:\|([^\]]*))?\]\]")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_URL = re.compile(r"https?://\S+")
_BLOCK_ID = re.compile(r"\s\^[A-Za-z0-9-]+\s*$")  # Obsidian's "^block-id" at the end of a line
TAG_LINE = re.compile(r"^(#[\w/-]+\s*)+$")
BOLD_JOIN = re.compile(r"\*\*(\s*)\*\*")
BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_HTML = re.compile(r"<[^>\n]{1,200}>")


def clean(text: str) -> str:
    """Markup out, words kept: images, wiki links, links, bold, HTML tags, odd spacing."""
    text = _IMAGE.sub("", text)
    text = _BLOCK_ID.sub("", text)
    # a wiki link reads as its alias ([[note|alias]]), its heading ([[note#Heading]]) or its name
    text = _WIKI.sub(lambda m: (m.group(3) or m.group(2) or m.group(1)).strip(), text)
    text = _LINK.sub(lambda m: m.group(1), text)
    text = _URL.sub("", text)
    text = BOLD_JOIN.sub(lambda m: m.group(1) or " ", text)
    text = text.replace("**", "").replace("__", "")
    text = _HTML.sub("", text)
    return " ".join(text.split()).strip()


# Labels people put in their stories. A STAR part label tags what follows it; a note label starts
# text that is kept with the story but never scored (lessons, what I would do differently ...); a
# question label starts the questions the story answers. A label itself is never a bullet.
PART_LABELS = {
    # PAR's Problem is where things stood and what was needed; Spanish notes' labels as they are written
    "S": (
        "situation",
        "context",
        "background",
        "the situation",
        "problem",
        "situación",
        "situacion",
        "contexto",
    ),
    "T": (
        "task",
        "tasks",
        "goal",
        "goals",
        "objective",
        "the task",
        "my task",
        "my role",
        "tarea",
        "objetivo",
    ),
    "A": (
        "action",
        "actions",
        "approach",
        "what i did",
        "the actions",
        "actions taken",
        "my actions",
        "acción",
        "accion",
        "acciones",
    ),
    "R": (
        "result",
        "results",
        "outcome",
        "outcomes",
        "impact",
        "the result",
        "results and impact",
        "resultado",
        "resultados",
    ),
}
NOTE_LABELS = (
    "lessons learned", "lesson learned", "lessons", "lesson", "learnings", "what i learned", "learned",
    "what i would do differently", "what i'd do differently",
    "looking back", "in hindsight", "next time", "learning", "l", "aprendizaje", "lección", "leccion",
    "what i would change", "do differently", "what i'd change", "what i'd do better",
    "takeaways", "takeaway", "key takeaways", "reflection", "reflections", "retrospective",
    "connection to the principle", "connection to principle", "connection to the lp", "connection to lp",
    "why this story", "why it fits", "principles", "principles demonstrated", "lps", "lps demonstrated",
    "leadership principles", "leadership principle", "principle", "lp", "best for", "also fits",
    "also fits principles", "fits",
    "tags", "notes", "team", "roster", "status", "last practised", "last practiced",
    "links", "references", "quick summary",
    "summary", "talking time", "timing", "potential follow-ups i should prepare", "follow-ups to prepare",
    "what they're looking for", "what they are looking for", "what interviewers look for",
    "what they want", "what they want to hear", "good answer points", "answer points", "key points",
    "why this works", "tips", "tip", "avoid", "red flags", "common mistakes",
    "tools", "tools used", "tech stack", "stack", "technologies", "technologies used",
    # a cheat sheet's story sections: the pitch, the numbers again, answers to the follow-ups, traits
    "one-liner", "one liner", "key numbers", "key figures", "follow-up answers",
    "follow-ups", "follow ups", "traits",
    "depth", "technical depth",  # "+DEPTH (if they go technical)": detail kept for a follow-up
    "nugget", "the nugget", "headline",  # the one sentence said before the story
)  # fmt: skip
# Labels that open a worked answer: what follows is the story, its parts unmarked unless labelled
ANSWER_LABELS = (
    "example", "example answer", "sample answer", "strong answer", "good answer", "my answer", "answer",
    "example response", "sample response", "my story", "structure", "star answer", "star example",
    "spine", "story spine", "beats", "story beats",
)  # fmt: skip
QUESTION_LABELS = (
    "question", "questions", "q", "example question", "example questions", "likely questions",
    "possible questions", "sample questions", "variations", "question variations",
    "likely prompts", "prompts", "interview prompts", "question variants", "variants", "also answers",
    "use it for", "use for", "asked as", "answers", "usable for questions about", "good for",
    "example question", "sample question", "interview question", "good for questions like",
    "questions like", "use for questions like", "use it for questions like",
    "question triggers", "the question triggers",
)  # fmt: skip
_LABEL_OF = {w: ("part", tag) for tag, words in PART_LABELS.items() for w in words}
_LABEL_OF.update({w: ("note", None) for w in NOTE_LABELS})
_LABEL_OF.update({w: ("question", None) for w in QUESTION_LABELS})
_LABEL_OF.update({w: ("answer", None) for w in ANSWER_LABELS})
_LETTER_PART = re.compile(
    r"^[(\[]?([STAR])[)\]]?\s*(?:[-–—=:.)]\s*(?:(?:situation|task|action|result)s?\b[:.]?\s*)?|$)(.*)$"
)
_BOLD_WORD = re.compile(r"^(\*\*|__)([A-Za-z][A-Za-z'’ ]{0,30}?)\.?(\*\*|__)(?:\s+(\w.*))?$")
_WORD_LABEL = re.compile(r"^([A-Za-z][A-Za-z'’ -]{0,40}?)\s*(?::|\s[-–—]\s|\s*$)\s*(.*)$")


def _same_label(one: str, two: str) -> bool:
    a, b = _LABEL_OF.get(one.strip().lower()), _LABEL_OF.get(two.strip().lower())
    return a is not None and b is not None and a == b


def label(text: str) -> tuple[str, str | None, str] | None:
    """('part', 'S', rest), ('note', None, rest), ('question', None, rest) or ('answer', None, rest)
    when the text opens with a label ('**Situation:** ...', 'Task -', '(A) ...', 'S: ...',
    'Lessons learned'), else None."""
    text = unadorned(text.strip())  # "🧩 Situation:", "- 🛠️ **Action** —": the emoji only decorates
    t = clean(text).strip()
    if not t:
        return None
    bold = _BOLD_WORD.match(text)
    if (
        bold and bold.group(2).strip().lower() in _LABEL_OF
    ):  # "**Situation** An outside agency ...": the bold ends it
        kind, tag = _LABEL_OF[bold.group(2).strip().lower()]
        return kind, tag, clean(bold.group(4) or "").strip()
    t = re.sub(r"^\(([A-Za-z][\w ]{1,30}:[^()]*)\)$", r"\1", t)  # "*(LP: Earn Trust)*": the label inside
    t = re.sub(r"^[\[(]([STAR]|\+\s*R)[\])]\s+(?=\S)", r"\1: ", t)  # "[S] At 06:10 ...", "[+R] I'd ..."
    t = re.sub(r"^([A-Za-z+][A-Za-z'’ ]{0,40}?)\s*[▸►»]\s*", r"\1: ", t)  # "Situation ▸ ...", "+R ▸"
    t = re.sub(r"^([STAR])\s*/\s*[STAR](?=\s*[:.\-–—])", r"\1", t)  # "S/T: ...": told as one, a Situation
    pair = re.match(r"^([A-Za-z]{3,}[A-Za-z' ]*?)\s*/\s*([A-Za-z]{3,}[A-Za-z' ]*?)(?=\s*:)", t)
    if pair and _same_label(pair.group(1), pair.group(2)):
        t = pair.group(1) + t[pair.end() :]  # "Reflection / Lessons:", "Result/Impact:" (not "Task/Action:")
    t = re.sub(r"^\+\s*R\b", "Reflection", t)  # STAR+R: the "+R" line is the story's reflection
    t = re.sub(r"^\+\s*(?=[A-Za-z]{2})", "", t)  # "+LEARNING", "+DEPTH": a part added to STAR
    t = re.sub(r"^([*_])([A-Za-z][\w' ]{0,40}:?)\1(?=\s|:|$)", r"\2", t)  # "_Reflection:_ ..."
    t = re.sub(r"^([A-Za-z' -]{2,40}?)\s*\([^)]{0,40}\)\s*(?=:|$)", r"\1", t)  # "SITUATION (2 sentences)"
    m = _LETTER_PART.match(t)
    if m and (len(t) <= 2 or t[1:2] in ":)]-–—=. " or t[0] in "(["):
        letter_form = t[0] in "([" or re.match(r"^[STAR]\s*[:\-–—=.]", t) or len(t) == 1
        if letter_form:
            return "part", m.group(1), m.group(2).strip()
    m = _WORD_LABEL.match(t)
    if m:
        word = m.group(1).strip().lower().rstrip(":")
        if word == "status" and len(m.group(2).split()) > 3:
            return None  # "Status: live in all 14 markets" is what happened, "Status: Ready" a property
        if word in _LABEL_OF:
            kind, tag = _LABEL_OF[word]
            return kind, tag, m.group(2).strip()
        if _ANSWERS_LABEL.fullmatch(word):
            return "question", None, m.group(2).strip()
        typed = _ABBREVIATED.get(word) or _misspelt(word)  # "Tsk:", "Reslt:", "Situatoin:"
        if typed:
            kind, tag = _LABEL_OF[typed]
            return kind, tag, m.group(2).strip()
    return None


# labels as people shorten them on cue cards
_ABBREVIATED = {
    "sit": "situation", "sitn": "situation", "ctx": "context", "tsk": "task", "act": "action",
    "actn": "action", "acts": "actions", "res": "result", "reslt": "result", "rslt": "result",
    "lsn": "lesson", "lrn": "learned",
}  # fmt: skip
_PART_WORDS = sorted({w for words in PART_LABELS.values() for w in words if " " not in w and len(w) >= 6})


def _misspelt(word: str) -> str | None:
    """A STAR part's label with a letter or two out of place ("Situatoin", "Resutl")."""
    if " " in word or len(word) < 6:
        return None
    return next((w for w in _PART_WORDS if w[0] == word[0] and _one_slip(word, w)), None)


def _one_slip(a: str, b: str) -> bool:
    """One letter swapped with its neighbour or dropped ("situatoin", "resutl", "situaton")."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    i = next((k for k in range(min(len(a), len(b))) if a[k] != b[k]), min(len(a), len(b)))
    # swapped or dropped, not changed or added: "Content" is no "Context", "Auction" no "Action"
    return a[i:] == b[i + 1 :] or (a[i : i + 2] == b[i : i + 2][::-1] and a[i + 2 :] == b[i + 2 :])


def unadorned(text: str) -> str:
    """The text without the emoji (and their joiners and variation selectors) it opens with."""
    i = 0
    while i < len(text) and (text[i].isspace() or unicodedata.category(text[i]) in ("So", "Sk", "Mn", "Cf")):
        i += 1
    return text[i:] if i and i < len(text) else text


# "Questions it answers", "Questions this story covers", "Prompts it fits": the questions a story answers
_ANSWERS_LABEL = re.compile(
    r"(?:questions?|prompts?) (?:it|this(?: story| one)?|that it|the story) "
    r"(?:answers?|covers?|fits?|can answer|works for)"
)
