"""Prep notes in the layouts other people write, each a small file of our own words in a layout seen
in public repositories, imported and checked against what it holds, counted by hand.

Layouts and where each was seen (2026-11, public GitHub Markdown):
- bold part labels on their own line, the part's text as a paragraph or a quote below, a
  "**Question:**" line above: kartikth40/code-snippets Behavioral/BehavioralGuide.md,
  sanketjagtap1/maang-interview-roadmap Month_1/Week_1/Behavioral.md
- bold part labels opening list items ("- **Situation**: ..."): behavioral question banks that
  give a "STAR Example" per question (seen in several interview-prep repositories)
- part headings inside a story ("### Situation", "## S - Situation"): 45h1f/learning-roadmap
  09_Interview_Prep/BEHAVIORAL.md, kartikth40/code-snippets
- plain labels opening paragraphs ("Situation: ..."): STAR tip sheets
- a story template inside a code block (never a story of the user's): "Personal Story Bank
  Template" files
- "S:" / "T:" / "A:" / "R:" item prefixes: tests/test_notes_import.py OTHER_LAYOUT
"""

from __future__ import annotations

from voice_coach.bank.files import load_bank
from voice_coach.bank.notes import count_bullets, read_notes
from voice_coach.config import shipped_bank_dir

PRINCIPLES = list(load_bank([shipped_bank_dir()]).principles.values())


def tags(bullets: list) -> list[str | None]:
    """The STAR tag of each top-level bullet, in order."""
    out = []
    for b in bullets:
        if isinstance(b, dict):
            out.append(b.get("star"))
        else:
            out.append(b.split(":", 1)[0] if b[:2] in ("S:", "T:", "A:", "R:") else None)
    return out


BOLD_PARAGRAPHS = """# Behavioral prep

## Customer Obsession

### Story: The invoice export nobody asked for

**Question:** Tell me about a time you went beyond what a customer asked for.

**Situation:**
> Our largest tenant closed their books every month by hand. Their finance lead emailed us each time.

**Task:**
"I had to cut their close from three days to one without a new hire."

**Action:**
I watched two of their closes on a call. I built a CSV export that matched their ledger columns.

**Result:**
Their close took one day the next month. They renewed for two more years.

**Lessons learned:**
Watch the customer work before you design anything.
"""


def test_bold_labels_on_their_own_line():
    notes = read_notes(BOLD_PARAGRAPHS, PRINCIPLES, "mine")
    (story,) = notes.stories
    assert story["title"] == "The invoice export nobody asked for"
    assert story["principles"] == ["customer-obsession"]
    # a paragraph part gives a bullet per sentence: S 2, T 1, A 2, R 2; no label is a bullet
    assert tags(story["bullets"]) == ["S", "S", "T", "A", "A", "R", "R"]
    assert story["bullets"][2] == "T: I had to cut their close from three days to one without a new hire."
    assert story["notes"] == ["Watch the customer work before you design anything."]
    # the question above the story is a question of this story, not a bullet
    assert [(q["principle"], q["text"], q["stories"]) for q in notes.questions] == [
        (
            "customer-obsession",
            "Tell me about a time you went beyond what a customer asked for.",
            [story["id"]],
        )
    ]


LIST_LABELS = """## Ownership

### Story: Paging rotation rescue
- **Situation**: Our on-call rotation had two people left after a reorg.
- **Task**: I had to keep the pager covered for a quarter.
- **Action**: I wrote runbooks for the ten noisiest alerts.
  - I paired with each new volunteer for one shift.
- **Action**: I deleted alerts nobody had acted on in a year.
- **Result**: Pages per week fell from forty to nine.
- **What I would do differently**: Ask for volunteers before the reorg, not after.
- **Likely questions**:
  - Tell me about a time you took on something outside your role.
  - Describe a time you fixed a process nobody owned.
"""


def test_bold_labels_opening_list_items():
    notes = read_notes(LIST_LABELS, PRINCIPLES, "mine")
    (story,) = notes.stories
    assert tags(story["bullets"]) == ["S", "T", "A", "A", "R"]
    assert story["bullets"][2] == {
        "text": "I wrote runbooks for the ten noisiest alerts.",
        "star": "A",
        "bullets": ["I paired with each new volunteer for one shift."],
    }
    assert count_bullets(story["bullets"]) == 6
    assert story["notes"] == ["Ask for volunteers before the reorg, not after."]
    assert [q["text"] for q in notes.questions] == [
        "Tell me about a time you took on something outside your role.",
        "Describe a time you fixed a process nobody owned.",
    ]
    assert all(q["stories"] == [story["id"]] and q["principle"] == "ownership" for q in notes.questions)


PART_HEADINGS = """# Stories

## Dive Deep

### Checkout latency hunt

#### Situation
Checkout got slow for one region every Friday evening.

#### Task
- Find the cause before the holiday sale

#### Action
- Pulled a week of traces for that region
- Found one retry loop that hammered a cache during a batch job
- Moved the batch job off the checkout hosts

#### Result
- Friday p99 went from 4 s to 600 ms
- No checkout incident during the sale

#### Takeaways
- Look at the calendar when a problem repeats
"""


def test_part_headings_make_a_story_wherever_it_sits():
    notes = read_notes(PART_HEADINGS, PRINCIPLES, "mine")
    (story,) = notes.stories
    assert story["title"] == "Checkout latency hunt"
    assert story["principles"] == ["dive-deep"]
    assert tags(story["bullets"]) == ["S", "T", "A", "A", "A", "R", "R"]
    assert story["notes"] == ["Look at the calendar when a problem repeats"]
    assert notes.questions == []  # the story's lines are not read as Dive Deep questions
    assert not any("Checkout latency hunt" in s for s in notes.skipped)


PLAIN_LABELS = """## Earn Trust

### Story - Owning a bad migration

Situation: A schema migration I approved locked the orders table for twenty minutes.

Task: Tell the affected teams what happened and make sure it could not happen again.

Action: I wrote the incident review the same day and named my own mistake in the first line. I
added a lock-timeout check to our migration tool.

Result: No migration has locked a table since. Two teams adopted the same check.
"""


def test_plain_labels_opening_paragraphs():
    notes = read_notes(PLAIN_LABELS, PRINCIPLES, "mine")
    (story,) = notes.stories
    assert story["title"] == "Owning a bad migration"
    # the Action paragraph runs over two lines: both are Action
    assert tags(story["bullets"]) == ["S", "T", "A", "A", "R", "R"]
    assert story["principles"] == ["earn-trust"]


TEMPLATE_IN_CODE = """## Bias for Action

### Story: Shipping the beta a week early

```
Situation: At [Company], during [project], [what was happening]
Task: My job was [responsibility]
```

- S: The beta date slipped twice while we argued about the last two features.
- A: I cut both features and shipped the beta behind a flag.
- R: We got feedback from 300 users a week earlier.
"""


def test_a_template_in_a_code_block_is_not_part_of_the_story():
    notes = read_notes(TEMPLATE_IN_CODE, PRINCIPLES, "mine")
    (story,) = notes.stories
    assert tags(story["bullets"]) == ["S", "A", "R"]
    assert not any("[Company]" in str(b) for b in story["bullets"])
