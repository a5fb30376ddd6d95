"""Load bank files (YAML with comments, edited by hand) and report problems with file and line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from voice_coach.bank.markup import label
from voice_coach.bank.model import (
    STAR_TAGS,
    Bank,
    Bullet,
    Interviewer,
    Loop,
    Principle,
    Question,
    Rubric,
    Story,
)
from voice_coach.errors import UserError

LINE = "__line__"
KEYLINES = "__keylines__"
_TAG_PREFIX = re.compile(r"^\s*\[?([STARstar])\]?\s*[:\-]\s+(.*)$", re.S)


@dataclass
class Problem:
    file: str
    line: int
    message: str
    fix: str
    level: str = "error"

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.level}: {self.message}\n  fix: {self.fix}"


class _LineLoader(yaml.SafeLoader):
    """A SafeLoader that remembers the 1-based line of every mapping, for error messages."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    mapping = loader.construct_mapping(node, deep=True)
    mapping[LINE] = node.start_mark.line + 1
    mapping[KEYLINES] = {
        k.value: k.start_mark.line + 1 for k, _ in node.value if isinstance(k, yaml.ScalarNode)
    }
    return mapping


def _line(item: dict, key: str | None = None) -> int:
    """The line of a key in a mapping (or of the mapping itself)."""
    return item.get(KEYLINES, {}).get(key, item[LINE]) if key else item[LINE]


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)

# each section's entries, named in messages ("unknown key 'x' in story")
SINGULAR = {
    "principles": "principle",
    "questions": "question",
    "stories": "story",
    "loops": "loop",
    "rubrics": "rubric",
}

INFERRED = "inferred"  # a story's 'parts:' when the import guessed its S/T/A/R tags

_KEYS = {
    "principles": {"id", "name", "definition"},
    "questions": {
        "id",
        "principle",
        "theme",
        "text",
        "follow_ups",
        "target_s",
        "hard_limit_s",
        "stories",
        "notes",
        "look_for",
    },  # fmt: skip
    "stories": {"id", "title", "principles", "bullets", "notes", "parts"},
    "bullet": {"id", "text", "star", "bullets"},
    "loops": {"id", "title", "interviewers"},
    "interviewer": {"name", "principles", "minutes", "focus"},
    "rubrics": {"id", "title", "prompt", "points", "target_s", "hard_limit_s"},
}


class _Reader:
    def __init__(self) -> None:
        self.bank = Bank()
        self.problems: list[Problem] = []
        self.where: dict[tuple[str, str], tuple[str, int]] = {}
        self.keylines: dict[tuple[str, str], dict[str, int]] = {}
        self.roots: dict[tuple[str, str], Path | None] = {}
        self.root: Path | None = None
        self.shipped = False  # reading the shipped bank: its stories and loops are examples

    def problem(self, file: str, line: int, message: str, fix: str, level: str = "error") -> None:
        self.problems.append(Problem(file, line, message, fix, level))

    def read_file(self, path: Path) -> None:
        name = str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.problem(name, 1, f"cannot read the file: {exc}", "save it as UTF-8 text, or remove it")
            return
        try:
            doc = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark else 1
            self.problem(
                name,
                line,
                f"not valid YAML: {getattr(exc, 'problem', exc)}",
                "check indentation and quoting on that line (quote text that contains ': ')",
            )
            return
        if doc is None:
            return
        if not isinstance(doc, dict):
            self.problem(
                name,
                1,
                "expected sections such as 'questions:' at the top level",
                "start the file with one of: principles:, questions:, stories:, loops:, rubrics:",
            )
            return
        for section, items in doc.items():
            if section in (LINE, KEYLINES):
                continue
            if section not in _KEYS or section in ("bullet", "interviewer"):
                self.problem(
                    name,
                    _line(doc, section),
                    f"unknown section '{section}'",
                    "use principles:, questions:, stories:, loops: or rubrics:",
                )
                continue
            if not isinstance(items, list):
                self.problem(
                    name,
                    doc[LINE],
                    f"'{section}' must be a list of entries ('- id: ...')",
                    "indent each entry under the section with a leading '- '",
                )
                continue
            for item in items:
                if not isinstance(item, dict):
                    self.problem(
                        name,
                        doc[LINE],
                        f"an entry of '{section}' is not a mapping: {item!r}",
                        "write each entry as keys, e.g. '- id: my-id'",
                    )
                    continue
                getattr(self, f"_read_{section}")(name, item)

    # -- one reader per section -------------------------------------------------------------
    def _common(self, file: str, kind: str, item: dict, required: tuple[str, ...]) -> str | None:
        line = item[LINE]
        for key in item:
            if key not in (LINE, KEYLINES) and key not in _KEYS[kind]:
                self.problem(
                    file,
                    _line(item, key),
                    f"unknown key '{key}' in {SINGULAR[kind]}",
                    f"use only: {', '.join(sorted(_KEYS[kind]))}",
                )
        for key in required:
            value = item.get(key)
            if not isinstance(value, str) or not value.strip():
                self.problem(
                    file,
                    _line(item, key),
                    f"{SINGULAR[kind]} has no '{key}' (or it is empty)",
                    f"add '{key}: ...' with some text",
                )
                return None
        ident = str(item.get("id", "")).strip()
        if (kind, ident) in self.where:
            f0, l0 = self.where[(kind, ident)]
            if (
                self.roots.get((kind, ident)) == self.root
            ):  # a later bank folder overrides; one must not repeat
                at = f"line {l0}" if f0 == file else f"{f0}:{l0}"
                self.problem(
                    file,
                    line,
                    f"duplicate {SINGULAR[kind]} id '{ident}' (first at {at})",
                    "give each entry its own id",
                )
                return None
        self.where[(kind, ident)] = (file, line)
        self.roots[(kind, ident)] = self.root
        self.keylines[(kind, ident)] = item.get(KEYLINES, {})
        return ident

    def _read_principles(self, file: str, item: dict) -> None:
        ident = self._common(file, "principles", item, ("id", "name"))
        if ident:
            self.bank.principles[ident] = Principle(
                ident, item["name"].strip(), str(item.get("definition") or "").strip()
            )

    def _read_questions(self, file: str, item: dict) -> None:
        theme = item.get("theme")
        theme = theme.strip() if isinstance(theme, str) else ""
        # a question is filed under a principle, or (imported from notes) under a theme only
        required = ("id", "text") if theme and not item.get("principle") else ("id", "principle", "text")
        ident = self._common(file, "questions", item, required)
        if not ident:
            return
        self.bank.questions[ident] = Question(
            id=ident,
            principle=str(item.get("principle") or "").strip(),
            theme=theme,
            text=" ".join(item["text"].split()),
            follow_ups=self._strings(file, item, "follow_ups"),
            target_s=self._seconds(file, item, "target_s"),
            hard_limit_s=self._seconds(file, item, "hard_limit_s"),
            stories=self._strings(file, item, "stories"),
            notes=self._strings(file, item, "notes"),
            look_for=self._strings(file, item, "look_for"),
            example=self.shipped,
        )

    def _read_stories(self, file: str, item: dict) -> None:
        ident = self._common(file, "stories", item, ("id", "title"))
        if not ident:
            return
        raw = item.get("bullets")
        if not isinstance(raw, list) or not raw:
            self.problem(
                file,
                item[LINE],
                f"story '{ident}' has no bullets",
                "add 'bullets:' with one '- S: ...' line per point of the story",
            )
            raw = []
        bullets = self._bullets(file, item[LINE], raw, prefix="")
        parts = item.get("parts")
        if parts not in (None, INFERRED):
            self.problem(
                file,
                _line(item, "parts"),
                f"story '{ident}': 'parts' is {parts!r}",
                f"write 'parts: {INFERRED}' (its tags were guessed at import) or leave it out",
            )
        self.bank.stories[ident] = Story(
            ident,
            item["title"].strip(),
            self._strings(file, item, "principles"),
            bullets,
            self.shipped,
            self._strings(file, item, "notes"),
            parts_inferred=parts == INFERRED,
        )

    def _bullets(self, file: str, line: int, raw: list, prefix: str) -> list[Bullet]:
        out: list[Bullet] = []
        for i, entry in enumerate(raw, start=1):
            auto_id = f"{prefix}{i}"
            if isinstance(entry, str | int | float):
                text, star = _split_tag(str(entry))
                out.append(Bullet(auto_id, text, star))
                continue
            if not isinstance(entry, dict):
                self.problem(
                    file,
                    line,
                    f"bullet {auto_id} is neither text nor a mapping",
                    "write a bullet as '- S: text' or '- {text: ..., star: S}'",
                )
                continue
            line = entry[LINE]
            for key in entry:
                if key not in (LINE, KEYLINES) and key not in _KEYS["bullet"]:
                    self.problem(
                        file,
                        _line(entry, key),
                        f"unknown key '{key}' in bullet",
                        "use only: bullets, id, star, text",
                    )
            text, star = _split_tag(str(entry.get("text") or ""))
            tag = entry.get("star", star)
            if tag is not None:
                tag = str(tag).strip().upper()
                if tag not in STAR_TAGS:
                    self.problem(
                        file,
                        _line(entry, "star"),
                        f"bad STAR tag '{entry.get('star')}'",
                        "use S, T, A or R (or leave 'star' out)",
                    )
                    tag = None
            if not text.strip():
                self.problem(file, line, "bullet has no text", "add 'text: ...' or remove the bullet")
            bid = str(entry.get("id") or auto_id)
            children = self._bullets(file, line, entry.get("bullets") or [], prefix=f"{bid}.")
            out.append(Bullet(bid, text.strip(), tag, children))
        return out

    def _read_loops(self, file: str, item: dict) -> None:
        ident = self._common(file, "loops", item, ("id", "title"))
        if not ident:
            return
        people = []
        for raw in item.get("interviewers") or []:
            if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or not raw["name"].strip():
                where = _line(raw, "name") if isinstance(raw, dict) else item[LINE]
                self.problem(file, where, "an interviewer has no name (or it is not text)", "add 'name: ...'")
                continue
            people.append(
                Interviewer(
                    raw["name"].strip(),
                    self._strings(file, raw, "principles"),
                    self._seconds(file, raw, "minutes") or 60.0,
                    self._strings(file, raw, "focus"),
                )
            )
        self.bank.loops[ident] = Loop(ident, item["title"].strip(), people, example=self.shipped)

    def _read_rubrics(self, file: str, item: dict) -> None:
        ident = self._common(file, "rubrics", item, ("id", "title"))
        if ident:
            self.bank.rubrics[ident] = Rubric(
                ident,
                item["title"].strip(),
                str(item.get("prompt") or ""),
                self._strings(file, item, "points"),
                self._seconds(file, item, "target_s"),
                self._seconds(file, item, "hard_limit_s"),
            )

    # -- value helpers ----------------------------------------------------------------------
    def _strings(self, file: str, item: dict, key: str) -> list[str]:
        value = item.get(key)
        if value is None:
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str | int | float) for v in value):
            self.problem(
                file,
                _line(item, key),
                f"'{key}' must be a list of text items",
                f"write '{key}:' followed by lines '- ...'",
            )
            return []
        return [" ".join(str(v).split()) for v in value if str(v).strip()]

    def _seconds(self, file: str, item: dict, key: str) -> float | None:
        value = item.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            self.problem(
                file,
                _line(item, key),
                f"'{key}' must be a positive number, not {value!r}",
                f"write e.g. '{key}: 120'",
            )
            return None
        return float(value)

    def _story_warnings(self, story: Story, file: str, line: int) -> None:
        """What looks wrong in a story: no S/T/A/R tag at all, a bullet that is only a label, too many."""
        bullets = story.all_bullets()
        if bullets and not any(b.star for b in bullets):
            self.problem(
                file,
                line,
                f"story '{story.id}' has no S/T/A/R tag: its STAR parts are guessed from the wording",
                "start its bullets with S:, T:, A: or R: (or mark the parts in your notes and import again)",
                level="warning",
            )
        for b in bullets:
            found = label(b.text)
            if found and not found[2]:
                self.problem(
                    file,
                    line,
                    f"story '{story.id}' has a bullet that is only a label: '{b.text}'",
                    "use the label as a tag on the bullets it introduces (e.g. 'A: ...'), and remove it",
                    level="warning",
                )
        if len(bullets) > MAX_STORY_BULLETS:
            self.problem(
                file,
                line,
                f"story '{story.id}' has {len(bullets)} bullets (over {MAX_STORY_BULLETS}): an answer "
                "cannot cover them all",
                "keep the points you would say in 3 minutes; move the rest to 'notes:'",
                level="warning",
            )

    def cross_check(self) -> None:
        bank = self.bank
        for q in bank.questions.values():
            file, line = self.where[("questions", q.id)]
            keys = self.keylines[("questions", q.id)]
            if q.principle and q.principle not in bank.principles:
                self.problem(
                    file,
                    keys.get("principle", line),
                    f"question '{q.id}' names unknown principle '{q.principle}'",
                    "use an id from principles.yaml",
                )
            for sid in q.stories:
                if sid not in bank.stories:
                    self.problem(
                        file,
                        keys.get("stories", line),
                        f"question '{q.id}' links unknown story '{sid}'",
                        "use a story id from stories.yaml, or remove the link",
                    )
        for q in bank.questions.values():
            if len(q.text.split()) < 4:
                file, line = self.where[("questions", q.id)]
                self.problem(
                    file,
                    self.keylines[("questions", q.id)].get("text", line),
                    f"question '{q.id}' is only '{q.text}': a label or a fragment, not a question",
                    "write the whole question, or remove it",
                    level="warning",
                )
        for s in bank.stories.values():
            file, line = self.where[("stories", s.id)]
            for pid in s.principles:
                if pid not in bank.principles:
                    self.problem(
                        file,
                        line,
                        f"story '{s.id}' names unknown principle '{pid}'",
                        "use an id from principles.yaml",
                    )
            self._story_warnings(s, file, line)
        used = bank.user_first()  # the gaps practice will meet: the user's own stories and loop, once any
        serves = used.story_principles()
        for loop in used.loops.values():
            file, line = self.where[("loops", loop.id)]
            for person in loop.interviewers:
                for pid in person.principles:
                    if pid not in bank.principles:
                        self.problem(
                            file,
                            line,
                            f"interviewer '{person.name}' owns unknown principle '{pid}'",
                            "use an id from principles.yaml",
                        )
                    elif not any(pid in ps for ps in serves.values()):
                        self.problem(
                            file,
                            line,
                            f"no story for '{pid}', which {person.name} will ask about",
                            "write a story for it and list the principle under its 'principles:'",
                            level="warning",
                        )
        for p in bank.principles.values():
            if not bank.questions_for(p.id):
                file, line = self.where[("principles", p.id)]
                self.problem(
                    file,
                    line,
                    f"principle '{p.id}' has no questions",
                    f"add questions with 'principle: {p.id}'",
                    level="warning",
                )


MAX_STORY_BULLETS = 40  # more than a 3-minute answer can cover: probably notes, not one story


def _split_tag(text: str) -> tuple[str, str | None]:
    """'S: The team ...' -> ('The team ...', 'S')."""
    match = _TAG_PREFIX.match(text)
    if match:
        return " ".join(match.group(2).split()), match.group(1).upper()
    return " ".join(text.split()), None


def read_bank(dirs: list[Path]) -> tuple[Bank, list[Problem]]:
    """Read every *.yaml under the given folders; later folders override entries of earlier ones.
    Stories and loops of the shipped bank are marked as examples."""
    from voice_coach.config import shipped_bank_dir

    shipped = shipped_bank_dir().resolve()
    reader = _Reader()
    for folder in dirs:
        if not folder.is_dir():
            continue
        reader.root = folder
        reader.shipped = folder.resolve() == shipped
        for path in sorted(folder.rglob("*.y*ml")):
            reader.read_file(path)
    reader.cross_check()
    return reader.bank, reader.problems


def load_dirs(dirs: list[Path]) -> Bank:
    """Load the bank as practice uses it (the user's own stories and loop first: Bank.user_first),
    raising a UserError that lists the problems if it has errors."""
    bank, problems = read_bank(dirs)
    errors = [p for p in problems if p.level == "error"]
    if errors:
        listing = "\n".join(str(p) for p in errors[:20])
        raise UserError(
            f"the question bank has {len(errors)} error(s):\n{listing}",
            fix="correct the lines above (voice-coach bank validate lists them all)",
        )
    if not bank.questions:
        raise UserError(
            "the question bank has no questions", fix=f"check the bank folders: {', '.join(map(str, dirs))}"
        )
    return bank.user_first()
