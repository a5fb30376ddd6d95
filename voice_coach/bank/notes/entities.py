"""The shapes of the entities an import of notes gives, as the bank's YAML files hold them: the
importer hands plain dicts to the bank writer (bank/sync.py dumps them as they are, key order
included), so these are TypedDicts, naming the keys of each entity for readers and type checkers
with no change to the dicts or to the YAML written from them; keys are listed in written order."""

from typing import NotRequired, TypedDict


class ShapedBullet(TypedDict):
    """A bullet with sub-bullets ('- S: text' is the shape of one without)."""

    text: str
    star: NotRequired[str]
    bullets: "list[str | ShapedBullet]"


class StoryEntity(TypedDict):
    id: str
    title: str
    principles: list[str]
    parts: NotRequired[str]  # 'inferred': set after the import when the notes tag no part
    bullets: list[str | ShapedBullet]
    notes: NotRequired[list[str]]


class QuestionEntity(TypedDict):
    id: str
    principle: NotRequired[str]  # a question is filed under its principle, or else its theme
    theme: NotRequired[str]
    text: str
    follow_ups: NotRequired[list[str]]
    notes: NotRequired[list[str]]
    stories: NotRequired[list[str]]
    target_s: NotRequired[float]  # from "(2 minutes)" beside the question
    hard_limit_s: NotRequired[float]


class InterviewEntity(TypedDict):
    name: str
    principles: list[str]
    minutes: NotRequired[float]
    focus: NotRequired[list[str]]


class LoopEntity(TypedDict):
    id: str
    title: str
    interviewers: list[InterviewEntity]


class RubricEntity(TypedDict):
    id: str
    title: str
    prompt: str
    points: list[str]
    target_s: NotRequired[float]
    hard_limit_s: NotRequired[float]


class PrincipleEntity(TypedDict):
    """A principle the notes name that is none of the shipped ones."""

    id: str
    name: str
    definition: str
