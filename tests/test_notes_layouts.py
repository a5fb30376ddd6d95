"""Prep notes in the layouts other people write, each a small file of our own words in a layout seen
in public material, imported and checked against what it holds, counted by hand.

Layouts, and where each was seen (2026-11, public GitHub Markdown, read with the search tool):
1. bold part labels on their own line, the text below as a paragraph or a quote, a "**Question:**"
   above: kartikth40/code-snippets Behavioral/BehavioralGuide.md, sanketjagtap1/maang-interview-roadmap
   Month_1/Week_1/Behavioral.md
2. bold part labels opening list items ("- **Situation**: ..."): behavioral question banks with a
   "STAR Example" per question
3. part headings inside a story ("#### Situation", "## S - Situation"): 45h1f/learning-roadmap
   09_Interview_Prep/BEHAVIORAL.md
4. plain labels opening paragraphs ("Situation: ..."), continued on the next line: STAR tip sheets
5. a template inside a code block: "Personal Story Bank Template" files
6. story-bank template ("### Story #1: ...", Quick Summary, Tags, "Usable for Questions About",
   uppercase "**SITUATION** (2-3 sentences)"): organvm-iv-taxis/a-i--skills skills/professional/
   interview-preparation/references/story-bank-template.md, TudorFlorea/interview-prep
   behavioral/02-story-bank.md
7. numbered principle headings ("### 1. Customer Obsession") with "**Example Question:**" and the
   parts right under the principle, no story heading: Amazon LP preparation files (an "Amazon
   Leadership Principles Preparation" note; dezhouc2/leetcode_summary Amazon/BQ.md numbers them)
8. stories in `<details><summary>` blocks with "(S)" / "S:" item tags: the collapsible-section
   Markdown of GitHub docs, applied to stories (no STAR file in this layout was found)
9. a story per table row under Situation/Task/Action/Result columns, and a story as a table of
   parts: story-bank index tables (tlmaloney/interview-coach-skill references/storybank-guide.md),
   STAR guides that lay the parts out as table rows
10. stories under competency themes (Conflict, Failure) naming their principles under "**LPs:**"
11. "S:" / "T:" / "A:" / "R:" item prefixes, interview rounds, question tables:
    tests/test_notes_import.py OTHER_LAYOUT
12. the user's own Obsidian notes: tests/test_notes_import.py (../shared/user-notes)
13. YAML front matter above the notes (Obsidian, static-site Markdown)
14. a story as a list item ("- **Story: ...**") with its parts as sub-items, among questions
"""

from __future__ import annotations

from voice_coach.bank.files import load_dirs
from voice_coach.bank.notes import count_bullets, read_notes
from voice_coach.config import shipped_bank_dir

PRINCIPLES = list(load_dirs([shipped_bank_dir()]).principles.values())


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


STORY_BANK = """# Story bank

## Ownership

### Story #1: The flaky deploy pipeline

**Quick Summary:** Made deploys boring again in a month.

**Tags:** #ownership #reliability

**Usable for Questions About:**
- Tell me about a time you owned a problem nobody asked you to fix
- Describe a time you improved a process for the whole team

**SITUATION** (2 sentences)
Deploys failed one time in five. Every team waited on a rerun.

**TASK**
I decided the pipeline was mine to fix, though no one owned it.

**ACTION**
I sorted a month of failures by cause. I fixed the three causes behind most of them.

**RESULT**
Failures dropped to one in fifty.

**Talking Time:** about 2 minutes
"""


def test_story_bank_template_layout():
    notes = read_notes(STORY_BANK, PRINCIPLES, "mine")
    (story,) = notes.stories
    assert story["title"] == "The flaky deploy pipeline"
    assert tags(story["bullets"]) == ["S", "S", "T", "A", "A", "R"]
    assert story["notes"] == [
        "Made deploys boring again in a month.",
        "#ownership #reliability",
        "about 2 minutes",
    ]
    assert [q["text"] for q in notes.questions] == [
        "Tell me about a time you owned a problem nobody asked you to fix",
        "Describe a time you improved a process for the whole team",
    ]


QUESTION_THEN_PARTS = """# Amazon LP prep

### 1. Customer Obsession

**Example Question:** Tell me about a time you went above and beyond for a customer.

**Situation:** A clinic could not book appointments after our release.

**Task:** I had to restore booking for them the same day.

**Action:** I rolled back their tenant only. I called their office manager every hour.

**Result:** Booking was back in two hours, and they stayed with us.

### 12. Dive Deep

**Example Question:** Tell me about a problem you solved by digging into the data.
"""


def test_question_then_parts_under_a_numbered_principle():
    notes = read_notes(QUESTION_THEN_PARTS, PRINCIPLES, "mine")
    (story,) = notes.stories
    assert story["principles"] == ["customer-obsession"]
    assert tags(story["bullets"]) == ["S", "T", "A", "A", "R"]
    questions = [(q["principle"], q["text"], q.get("stories")) for q in notes.questions]
    assert questions[0] == (
        "customer-obsession",
        "Tell me about a time you went above and beyond for a customer.",
        [story["id"]],
    )
    assert questions[1] == (
        "dive-deep",
        "Tell me about a problem you solved by digging into the data.",
        None,  # a question of the principle, no story told yet
    )
    assert len(questions) == 2


DETAILS_BLOCKS = """## Frugality

<details>
<summary>Story: Halving the test bill</summary>

- (S) Our CI bill doubled in six months.
- (T) I had to cut it without slowing merges.
- (A) I cached dependencies between runs.
- (A) I moved nightly jobs to spot machines.
- (R) The bill fell by 52 percent.

</details>

<details>
<summary>Story: Reusing the old laptops</summary>

- S: Twenty laptops sat in a cupboard after a hardware refresh.
- A: I wiped them and gave them to the new interns.
- R: We bought no laptops that summer.

</details>
"""


def test_stories_in_details_blocks_with_letter_tags():
    notes = read_notes(DETAILS_BLOCKS, PRINCIPLES, "mine")
    assert [s["title"] for s in notes.stories] == ["Halving the test bill", "Reusing the old laptops"]
    assert [tags(s["bullets"]) for s in notes.stories] == [["S", "T", "A", "A", "R"], ["S", "A", "R"]]
    assert all(s["principles"] == ["frugality"] for s in notes.stories)
    assert notes.stories[0]["bullets"][0] == "S: Our CI bill doubled in six months."


TABLE_STORIES = """## Deliver Results

| Story | Situation | Task | Action | Result |
|---|---|---|---|---|
| Quarter-end launch | A partner set the date. | I owned it. | I cut two features. | We launched on time. |
| One database | Two databases had to merge. | I kept the shop open. | I ran both a week. | No downtime. |

## Earn Trust

### Story: The missed estimate

| Part | What happened |
|---|---|
| Situation | My estimate for the search rewrite was off by a month. |
| Action | I told my manager the day I knew. I gave a new date with the risks listed. |
| Result | We hit the new date. |
"""


def test_stories_in_tables():
    notes = read_notes(TABLE_STORIES, PRINCIPLES, "mine")
    titles = [s["title"] for s in notes.stories]
    assert titles == ["Quarter-end launch", "One database", "The missed estimate"]
    assert [tags(s["bullets"]) for s in notes.stories] == [
        ["S", "T", "A", "R"],
        ["S", "T", "A", "R"],
        ["S", "A", "A", "R"],
    ]
    assert [s["principles"] for s in notes.stories] == [["deliver-results"]] * 2 + [["earn-trust"]]


THEMES = """# Behavioral stories

## Conflict

- Tell me about a time you disagreed with a peer.
- Why it mattered
- Conflict

### Story: Two teams, one API
- **Situation:** Payments and Checkout both wanted to own the refund API.
- **Action:** I wrote a one-page proposal with both options and their costs.
- **Result:** We agreed in one meeting and shipped in three weeks.
- **LPs:** Earn Trust, Have Backbone; Disagree and Commit

## Failure

### Story: The launch I called too early
- **Situation:** I announced a launch date before load testing.
- **Result:** We slipped by two weeks.
- **Lessons learned:** Test before you promise.
- **Likely questions:** Tell me about a time you missed a date you set.
"""


def test_themes_are_not_principles_and_stories_name_their_own():
    notes = read_notes(THEMES, PRINCIPLES, "mine")
    assert notes.principles == []  # "Conflict" and "Failure" invent no principle
    first, second = notes.stories
    assert first["principles"] == ["earn-trust", "backbone"]
    assert first["notes"] == ["Earn Trust, Have Backbone; Disagree and Commit"]
    assert tags(first["bullets"]) == ["S", "A", "R"]
    assert second["principles"] == [] and second["notes"] == ["Test before you promise."]
    # the themes are kept as themes: their questions, and those of a story without a principle,
    # are filed under them; a fragment under 4 words is no question
    assert [(q.get("principle"), q.get("theme"), q["text"]) for q in notes.questions] == [
        (None, "Conflict", "Tell me about a time you disagreed with a peer."),
        (None, "Failure", "Tell me about a time you missed a date you set."),
    ]
    assert notes.questions[1]["stories"] == [second["id"]]
    assert notes.skipped == []


FRONT_MATTER = """---
title: Loop prep
tags: [interview, amazon]
Situation: this is front matter, not a story
---

## Bias for Action

### Story: Fixing the broken import on a Friday
- S: Customer imports failed after a library upgrade late on a Friday.
- A: I rolled back the library within the hour, before anyone asked.
- R: No customer lost data.
"""


def test_front_matter_is_left_out():
    notes = read_notes(FRONT_MATTER, PRINCIPLES, "mine")
    (story,) = notes.stories
    assert tags(story["bullets"]) == ["S", "A", "R"]
    assert not any("front matter" in str(b) for b in story["bullets"])
    assert notes.loops == [] and notes.questions == []


STORY_AS_ITEM = """## Learn and Be Curious

- Tell me about a time you learned something new to solve a problem.
- Situation.
- Why?
- **Story: Learning SQL tuning in a week**
  - **Situation**: Our reports took ten minutes to load.
  - **Action**: I read the query planner docs and rewrote the three slowest queries.
  - **Result**: Reports loaded in twenty seconds.
"""


def test_a_story_in_a_list_item_and_no_label_or_fragment_questions():
    notes = read_notes(STORY_AS_ITEM, PRINCIPLES, "mine")
    assert [q["text"] for q in notes.questions] == [
        "Tell me about a time you learned something new to solve a problem."
    ]  # not "Situation." (a label) nor "Why?" (a fragment), nor the story's title
    (story,) = notes.stories
    assert story["title"] == "Learning SQL tuning in a week"
    assert tags(story["bullets"]) == ["S", "A", "R"]
    assert story["principles"] == ["learn-and-be-curious"]
