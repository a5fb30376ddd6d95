"""Plain dataclasses for the bank. No I/O here: files.py reads and validates them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace

STAR_TAGS = ("S", "T", "A", "R")


@dataclass
class Principle:
    id: str
    name: str
    definition: str = ""


@dataclass
class Question:
    id: str
    principle: str  # "" for a question filed under a theme only
    text: str
    follow_ups: list[str] = field(default_factory=list)
    target_s: float | None = None
    hard_limit_s: float | None = None
    stories: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    theme: str = ""  # a competency heading of the user's notes (Conflict, Failure ...), not a principle
    look_for: list[str] = field(default_factory=list)  # words an answer that addresses it names
    example: bool = False  # shipped with voice-coach, not the user's own

    @property
    def topic(self) -> str:
        """What the question is filed under: its principle's id, else its theme."""
        return self.principle or self.theme


@dataclass
class Bullet:
    id: str
    text: str
    star: str | None = None
    children: list[Bullet] = field(default_factory=list)

    def walk(self) -> Iterator[Bullet]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Story:
    id: str
    title: str
    principles: list[str] = field(default_factory=list)
    bullets: list[Bullet] = field(default_factory=list)
    example: bool = False  # shipped with voice-coach, not the user's own
    notes: list[str] = field(default_factory=list)  # lessons, rosters ...: shown, never scored
    parts_inferred: bool = False  # its S/T/A/R tags were guessed at import, for the user to check

    def all_bullets(self) -> list[Bullet]:
        """Every bullet, nested ones included, in reading order."""
        return [b for top in self.bullets for b in top.walk()]


@dataclass
class Interviewer:
    name: str
    principles: list[str]
    minutes: float = 60.0
    focus: list[str] = field(default_factory=list)


@dataclass
class Loop:
    id: str
    title: str
    interviewers: list[Interviewer]
    example: bool = False  # shipped with voice-coach, not the user's own


@dataclass
class Rubric:
    id: str
    title: str
    prompt: str
    points: list[str]
    target_s: float | None = None  # "Why Amazon? (1 minute)"; else 90 s
    hard_limit_s: float | None = None

    def as_question(self) -> Question:
        """The rubric's prompt asked like a question (its id, no principle, its time or 90 s)."""
        return Question(
            id=self.id,
            principle="",
            text=self.prompt,
            target_s=self.target_s or 90.0,
            hard_limit_s=self.hard_limit_s,
        )


@dataclass
class Bank:
    principles: dict[str, Principle] = field(default_factory=dict)
    questions: dict[str, Question] = field(default_factory=dict)
    stories: dict[str, Story] = field(default_factory=dict)
    loops: dict[str, Loop] = field(default_factory=dict)
    rubrics: dict[str, Rubric] = field(default_factory=dict)

    def user_first(self) -> Bank:
        """The bank as practice uses it: the user's own stories and loops only, once there are any;
        the shipped examples only while the user has none of their own (they would compete with the
        user's stories for every answer, and suggest their own loop)."""
        stories = self.stories
        if any(not s.example for s in stories.values()):
            stories = {k: s for k, s in stories.items() if not s.example}
        loops = self.loops
        if any(not lp.example for lp in loops.values()):
            loops = {k: lp for k, lp in loops.items() if not lp.example}
        questions = {
            k: replace(q, stories=[s for s in q.stories if s in stories]) for k, q in self.questions.items()
        }
        return replace(self, stories=stories, loops=loops, questions=questions)

    def bullet_texts(self) -> list[str]:
        """Every bullet of every story: what the scorer embeds once, before any answer."""
        return [b.text for s in self.stories.values() for b in s.all_bullets()]

    def questions_for(self, principle: str | None = None) -> list[Question]:
        return [q for q in self.questions.values() if principle is None or q.principle == principle]

    def askable(self, principle: str | None = None) -> list[Question]:
        """The questions an interview asks: on each principle the user's own once they have any, the
        shipped ones only where they have none (a shipped question that rewords one of theirs is not
        asked beside it)."""
        own = {q.topic for q in self.questions.values() if not q.example}
        return [q for q in self.questions_for(principle) if not q.example or q.topic not in own]

    def story_principles(self) -> dict[str, set[str]]:
        """Principles each story serves: those it lists, plus those of the questions that link it."""
        serves = {s.id: set(s.principles) for s in self.stories.values()}
        for q in self.questions.values():
            for sid in q.stories:
                if sid in serves and q.principle:
                    serves[sid].add(q.principle)
        return serves

    def close_names(self, kind: str, name: str, n: int = 3) -> list[str]:
        """Ids or names of `kind` (principles, questions, stories, loops, rubrics) close to a
        mistyped one, for a "did you mean" hint."""
        import difflib

        entries = getattr(self, kind)
        names = {k: k for k in entries}
        if kind == "principles":
            names.update({p.name.lower(): p.name for p in entries.values()})
        found = difflib.get_close_matches(name.strip().lower(), list(names), n=n, cutoff=0.6)
        return list(dict.fromkeys(names[f] for f in found))

    def prompt(self, ref: str) -> tuple[Question | None, Rubric | None]:
        """A question id, or a rubric id (why-amazon, ...) asked as a question; (None, None) if neither."""
        if ref in self.questions:
            return self.questions[ref], None
        if ref in self.rubrics:
            return self.rubrics[ref].as_question(), self.rubrics[ref]
        return None, None

    def require(self, kind: str, ref: str):
        """The entry of `kind` (principles: its id, given by id or name) named `ref`; else a UserError
        that says what was not found, what is close to it and where the ids are listed."""
        from voice_coach.errors import UserError

        found = self.principle_id(ref) if kind == "principles" else getattr(self, kind).get(ref)
        if found is not None:
            return found
        close = self.close_names(kind, ref)
        hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
        singular = {"stories": "story", "principles": "principle"}.get(kind, kind.rstrip("s"))
        where = (  # `bank list` shows no loops or rubrics: name them here
            f"your {kind}: {', '.join(getattr(self, kind)) or 'none'}"
            if kind in ("loops", "rubrics")
            else f"see the {kind} with `voice-coach bank list`"
        )
        raise UserError(
            f"unknown {singular}{'' if kind == 'principles' else ' id'} '{ref}'", fix=f"{hint}{where}"
        )

    def principle_id(self, name_or_id: str) -> str | None:
        """Resolve a principle given by id or by name, case-insensitively."""
        key = name_or_id.strip().lower()
        for p in self.principles.values():
            if key in (p.id.lower(), p.name.lower()):
                return p.id
        return None
