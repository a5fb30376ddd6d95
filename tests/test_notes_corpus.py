"""Prep notes laid out like public behavioral-interview files, one fixture per layout, each in our
own words (tests/notes_layouts/), imported and compared with what it holds, counted by hand.

Where each layout was seen (public GitHub Markdown, 2026-11, read with the search tool; their text
is not copied here):
- question-headings-under-themes.md: numbered theme headings ("## 2. Conflict Questions"), a
  question as the heading of its answer ("### Q1. ..."), "**Structure:**" then "- **S:**" items, a
  section that explains the STAR method: vennamprasad/DevCrack-Mobile-Interviews
  Leadership/04_Behavioral_Questions.md
- quoted-letter-items.md: "### 1. Tell me ..." headings, "**Goal**:" above the answer, quoted
  "- **S**: \"...\"" items, a tips list: farhanashrafdev/TheUltimateDevOpsBible-ZeroToHero
  Interview/behavioral.md
- question-list-only.md: a STAR-method section and a numbered list of questions, no story:
  hotka/career-kit .claude/skills/interview-master/references/behavioral-interview.md
- letter-paragraphs-and-answer-points.md: "**S:** \"...\"" paragraphs under "**Question:**", theme
  sections with "**Good Answer Points:**" and an unmarked "**Example:**" answer:
  shahadot786/complete-full-stack-roadmap 11-Interview-Preparation/Behavioral-Questions/README.md
- blockquote-answers.md: front matter, "### Q1: ..." headings, "**What they're looking for:**",
  "**Example Answer (STAR):**" and the parts in a block quote: liamtran96/Interview
  docs/BehaviorQuestions/conflict-resolution.md
- answer-in-code-block.md: front matter, quoted questions, a framework and a worked answer inside
  code blocks: shivam-g-mishra/blog docs/interview-guide/behavioral/conflict-resolution.md
- theme-document.md: a whole file for one theme, sub-themes of question lists, "### Q1: ..." with
  "**Situation:**" over a quoted paragraph: salmanbd100/full-stack-software-engineer-guide
  Behavioral/11-conflict-resolution.md
"""

from __future__ import annotations

from pathlib import Path

import pytest

from voice_coach.bank.files import load_dirs
from voice_coach.bank.notes import read_notes
from voice_coach.config import shipped_bank_dir

HERE = Path(__file__).parent / "notes_layouts"
PRINCIPLES = list(load_dirs([shipped_bank_dir()]).principles.values())
S, T, A, R, U = "S", "T", "A", "R", None  # U: a bullet with no part marked


def read(name: str):
    return read_notes((HERE / name).read_text(), PRINCIPLES, "mine")


def tags(story: dict) -> list[str | None]:
    return [b.split(":", 1)[0] if isinstance(b, str) and b[:2] in ("S:", "T:", "A:", "R:") else
            (b.get("star") if isinstance(b, dict) else None) for b in story["bullets"]]  # fmt: skip


# name: (stories as (title, tags, notes kept), questions as (filed under, text, linked to a story),
#        what the summary says it left out)
COUNTS = {
    "question-headings-under-themes.md": (
        [
            ("Tell me about a time you disagreed with a teammate.", [S, T, A, R], 0),
            ("Tell me about a time you made a mistake.", [S, T, A, R], 1),  # "*Be honest.*"
            ("What is your greatest weakness?", [U, U], 0),  # "**Example:**": a bullet per sentence
        ],
        [
            ("Conflict", "Tell me about a time you disagreed with a teammate.", True),
            ("Failure", "Tell me about a time you made a mistake.", True),
            ("Self Awareness", "What is your greatest weakness?", True),
        ],
        ["'1. The STAR Method' explains the STAR method"],
    ),
    "quoted-letter-items.md": (
        [
            ("Tell me about a time you failed.", [S, T, A, R], 1),  # the goal is a note
            ("Describe a time you delivered under a tight deadline.", [S, T, A, R], 1),
        ],
        [
            ("Behavioral", "Tell me about a time you failed.", True),
            ("Behavioral", "Describe a time you delivered under a tight deadline.", True),
        ],
        ["section 'Tips'"],
    ),
    "question-list-only.md": (
        [],
        [
            ("Behavioral interview guide", "Tell me about a time you faced a hard problem", False),
            ("Behavioral interview guide", "Describe a conflict with someone on your team", False),
            ("Behavioral interview guide", "Tell me about a project you are proud of", False),
            ("Behavioral interview guide", "How do you handle tight deadlines?", False),
            ("Behavioral interview guide", "Describe a time you failed", False),
        ],
        ["'STAR Method' explains the STAR method", "section 'Preparation Tips'"],
    ),
    "letter-paragraphs-and-answer-points.md": (
        [
            ("Tell me about a time you solved a hard performance problem", [S, T, A, R], 0),
            ("Tell me about a time you led a project", [U, U, U], 3),  # the answer points are notes
        ],
        [
            ("Behavioral interview", "Tell me about a time you solved a hard performance problem.", True),
            ("Leadership & Teamwork", "Tell me about a time you led a project", True),
            ("Leadership & Teamwork", "Describe a conflict with a team member", False),
        ],
        ["'The STAR Method' explains the STAR method"],
    ),
    "blockquote-answers.md": (
        [
            ("Tell me about a time you disagreed with a colleague's approach.", [S, T, A, A, R, R], 2),
            ("Describe a time you had a conflict with your manager.", [S, T, A, R], 2),
        ],
        [
            ("Conflict Resolution", "Tell me about a time you disagreed with a colleague's approach.", True),
            ("Conflict Resolution", "Describe a time you had a conflict with your manager.", True),
        ],
        [],
    ),
    "answer-in-code-block.md": (
        [],
        [
            ("Conflict: disagreement", "Tell me about a time you disagreed with your manager", False),
            ("Conflict: disagreement", "Describe a conflict with a coworker", False),
            ("Conflict: disagreement", "Tell me about receiving hard feedback", False),
        ],
        [
            "'Framework' explains the STAR method",
            "line 25: possible story 'Example: Disagreement with a manager' not read: its STAR parts are "
            "inside a code block",
        ],
    ),
    "theme-document.md": (
        [("Tell me about a time you disagreed with a colleague", [S, T, A, A, R, R], 0)],
        [
            ("Handling disagreements", "Tell me about a time you disagreed with a colleague", True),
            ("Handling disagreements", "Describe a time you had to defend your position", False),
            ("Handling disagreements", "How do you handle technical disagreements?", False),
            ("Difficult people", "Tell me about a time you worked with someone difficult", False),
            ("Difficult people", "Describe a time you mediated a conflict between two others", False),
        ],
        [
            "line 3: section 'Overview' holds no question or story"
        ],  # its one line of prose is said, not dropped
    ),
}


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_layout_imports_to_its_hand_counts(name):
    stories, questions, left_out = COUNTS[name]
    notes = read(name)
    assert [(s["title"], tags(s), len(s.get("notes", []))) for s in notes.stories] == stories
    ids = {s["id"] for s in notes.stories}
    got = [(q.get("principle") or q.get("theme"), q["text"], bool(q.get("stories"))) for q in notes.questions]
    assert got == questions
    assert all(set(q.get("stories", [])) <= ids for q in notes.questions)
    assert notes.principles == []  # themes invent no principle
    assert len(notes.skipped) == len(left_out) and all(
        any(want in said for said in notes.skipped) for want in left_out
    ), notes.skipped


def test_every_layout_file_is_counted():
    assert sorted(p.name for p in HERE.glob("*.md")) == sorted(COUNTS)
