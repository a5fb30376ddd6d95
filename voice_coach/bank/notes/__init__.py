"""Read Obsidian-style Markdown prep notes into bank entities (dicts in the bank's YAML shape).

The notes are written for people, not parsers: headings at any level, tab-indented sub-bullets,
bold questions split word by word (`**Tell** **me**`), wiki links, images and scheduling text.
Sections are recognized by their heading text (a principle's name, "Interview N", "Story ...",
"Why ...?", "System Design"), whatever their level; everything else is left out.

The import runs in steps, a module each, every one importing only the ones before it: lines (the
Markdown parsed into Lines), names (ids, principle names), sections (the notes split at headings
and classified), questions, shape (a story's bullets in YAML shape), stories, interviews (and
rubrics, and the links from questions to stories), then read (read_notes, the entry point).
entities names the keys of what they return. This package re-exports what the rest of the
program uses, so `from voice_coach.bank.notes import read_notes` is all a caller needs.
"""

from voice_coach.bank.notes.entities import (
    InterviewEntity,
    LoopEntity,
    PrincipleEntity,
    QuestionEntity,
    RubricEntity,
    ShapedBullet,
    StoryEntity,
)
from voice_coach.bank.notes.interviews import link_notes
from voice_coach.bank.notes.lines import MAX_INDENT, Line
from voice_coach.bank.notes.names import match_principle, slug
from voice_coach.bank.notes.questions import question_heading, split_question
from voice_coach.bank.notes.read import Notes, read_notes
from voice_coach.bank.notes.sections import Section, theme_name
from voice_coach.bank.notes.shape import count_bullets, part_counts, shaped_bullets, tag_shape
from voice_coach.bank.notes.stories import MAX_DEPTH, StoryParts

__all__ = [
    "MAX_DEPTH",
    "MAX_INDENT",
    "InterviewEntity",
    "Line",
    "LoopEntity",
    "Notes",
    "PrincipleEntity",
    "QuestionEntity",
    "RubricEntity",
    "Section",
    "ShapedBullet",
    "StoryEntity",
    "StoryParts",
    "count_bullets",
    "link_notes",
    "match_principle",
    "part_counts",
    "question_heading",
    "read_notes",
    "shaped_bullets",
    "slug",
    "split_question",
    "tag_shape",
    "theme_name",
]
