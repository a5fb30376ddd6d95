"""Issue 28: notes from anyone, second round. Fixtures in our own words in layouts seen in public
prep notes (tests/notes_layouts/round2/SOURCES.md): a question bank per principle that names each
question's story, numbered Q&A, a STAR+R bank, Obsidian project write-ups, competency words inside
titles, and lines that only look like questions. Each folder's expected.yaml was counted by hand
before the first run; tests/notes_expected.py compares an import with it.

round2/ is for tuning: everything in it must come through. round2-heldout/, round2-blind/ and
-blind2/ to -blind8/ were written by other hands and run once before any change for them (the numbers
they gave on first sight are in docs/measurements.md); they are held to what no import may do
(invent a question) and to the issue's bar (90% of stories, questions and links), below their
numbers after general fixes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from notes_expected import check_folder, summary

from voice_coach.bank.files import load_dirs
from voice_coach.bank.notes import read_notes
from voice_coach.config import shipped_bank_dir

HERE = Path(__file__).parent / "notes_layouts"
TUNING = sorted(yaml.safe_load((HERE / "round2" / "expected.yaml").read_text()))
PRINCIPLES = list(load_dirs([shipped_bank_dir()]).principles.values())


@pytest.mark.parametrize("name", TUNING)
def test_tuning_layout_comes_through_as_counted(name):
    checked = check_folder(HERE / "round2")[name]
    assert checked.missed == []
    assert checked.invented == []
    assert checked.links_right == checked.links
    assert checked.wrong == []


@pytest.mark.parametrize(
    "folder",
    [
        "round2-heldout",
        "round2-blind",
        "round2-blind2",
        "round2-blind3",
        "round2-blind4",
        "round2-blind5",
        "round2-blind6",
        "round2-blind7",
        "round2-blind8",
        "round2-blind9",
    ],
)
def test_held_out_layouts_invent_nothing_and_find_most(folder):
    if not (HERE / folder / "expected.yaml").exists():
        pytest.skip(f"{folder}/expected.yaml is absent")
    total = summary(check_folder(HERE / folder))
    assert total.invented == []
    assert total.stories_found / total.stories >= 0.9, total.missed
    assert total.questions_found / total.questions >= 0.9, total.missed
    assert total.links_right / total.links >= 0.9, total.wrong


def test_the_newest_blind_set_keeps_what_it_gained():
    """round2-blind10 (a twelfth hand, four more real public files, run once after blind9's fixes)
    gave 1/19 stories, 12/35 questions, 3 invented, 0/9 links on first sight; after that round's
    general fixes 13/19, 24/35, 2 invented, 6/19; with a cheat sheet's story sections read (and its
    Russian headings) 18/19, 30/35, 2 invented, 16/25. Still below the bar (a story index that links
    by file id, answers matched to questions only by topic): held to what it gained."""
    total = summary(check_folder(HERE / "round2-blind10"))
    assert total.stories_found >= 18 and total.questions_found >= 30
    assert len(total.invented) <= 2 and total.links_right >= 16


def read(text: str):
    return read_notes(text, PRINCIPLES, "mine")


def indexed(notes) -> tuple[dict, dict]:
    """The questions by text and the stories by title."""
    return {q["text"]: q for q in notes.questions}, {s["title"]: s for s in notes.stories}


def test_a_question_is_known_by_its_form_and_kept_as_written():
    notes = read(
        "## Customer Obsession\n"
        '- **Question:** "Tell me about a time you worked backwards from a customer."\n'
        "- Describe a time you said no to a customer\n"
        "- [Have Backbone; Disagree and Commit](#backbone)\n"
        "- Have follow-up details ready for deeper dives\n"
        "- I need to have ready-to-use stories.\n"
        '- End with "Would you like more detail on any part?"\n'
        "- What would I do differently? Have one honest answer per story.\n"
    )
    assert [q["text"] for q in notes.questions] == [
        "Tell me about a time you worked backwards from a customer.",
        "Describe a time you said no to a customer",  # no "?" or "." appended
    ]


def test_a_named_story_links_its_question_primary_first():
    notes = read(
        "## Ownership\n"
        "- Tell me about a time you took over a problem that was not yours.\n"
        "    - Primary story: Pager Reset · Backup: Vendor Switch\n"
        "## Stories\n"
        "### Vendor Switch: leaving the old payments vendor\n"
        "**S:** Our vendor raised prices.\n**A:** I ran a two-week trial.\n"
        "**R:** We moved with no failed payment.\n"
        "### Pager Reset\n"
        "**S:** Pages woke people nightly.\n**A:** I cut the noisy alerts.\n**R:** Pages fell by half.\n"
    )
    (q,) = notes.questions
    assert q["stories"] == ["pager-reset", "vendor-switch-leaving-the-old-payments-vendor"]
    assert all("ownership" in s["principles"] for s in notes.stories)  # the notes say they answer it


def test_a_name_that_matches_no_story_is_said():
    notes = read("## Ownership\n- Tell me about a time you owned a failure.\n    - Story: The Lost Weekend\n")
    assert any("The Lost Weekend" in line and "not among" in line for line in notes.skipped)


def test_a_principle_in_a_title_keeps_the_title_and_the_principle():
    notes = read(
        "# Prep\n## Billing Dashboard (Customer Obsession)\n"
        "**Situation:** Finance exported invoices by hand.\n**Action:** I built a dashboard.\n"
        "**Result:** The close took one day.\n**+R:** I would watch the customer first.\n"
    )
    (story,) = notes.stories
    assert story["title"] == "Billing Dashboard (Customer Obsession)"
    assert story["principles"] == ["customer-obsession"]
    assert story["notes"] == ["I would watch the customer first."]  # the +R line, not a Result
    assert len(story["bullets"]) == 3


def test_an_obsidian_write_up_becomes_a_story_with_its_tools_as_notes():
    notes = read(
        "# Projects\n> [!info] How to read\n> Each write-up follows STAR.\n\n"
        "# 1. [[Churn model rebuild|Churn Model]] // [repo](https://example.org/x)\n"
        "Our team could not tell which customers would leave. I was asked to replace the spreadsheet "
        "model before renewals. I rebuilt the pipeline and trained a new model with weekly retraining. "
        "It caught 62 percent of churners a month ahead. ^churn\n\n"
        "## Tools used\n- [[Python]]\n- [[BigQuery]]\n"
    )
    (story,) = notes.stories
    assert story["title"] == "Churn Model"
    assert len(story["bullets"]) == 4 and not any("^churn" in b for b in story["bullets"])
    assert story["notes"] == ["Tools used: Python, BigQuery"]


def test_links_and_lists_written_other_ways_come_through():
    notes = read(
        "# Prep\n"
        "## Customer Obsession\n"
        "1. Tell me about a time you went past what a customer asked for.\n"
        "   → Clinic cutover\n"
        "- Describe a request you turned down → [[Webhook sunset]]\n"
        "- Tell me about a time you earned a customer's trust back.\n"
        "  **Primary:** Clinic cutover **Backup:** Webhook sunset\n"
        '- "Have you ever committed to a call you argued against?"\n'
        "  _no story yet_\n"
        "## RAPID FIRE\n"
        "1. Give me an example of a goal you did not reach.\n"
        "2. Why engineering management and not staff engineer?\n"
        "## Questions to ask them\n"
        "- What does success look like in six months?\n"
        "- How is on-call shared?\n"
        "## Clinic cutover\n"
        "(LP: Deliver Results · Earn Trust)\n"
        "**Situation** Forty clinics ran on a vendor scheduler.\n"
        "**Task** I owned the move.\n"
        "**Action** I paired each clinic with an engineer.\n"
        "**Result** All forty moved with no lost booking.\n"
        "## B. Webhook sunset\n"
        "**S:** A partner asked to keep webhook v1.\n**A:** I offered two engineers to help them move.\n"
        "**R:** They moved in five weeks.\n"
        "## Tell me about your biggest hiring mistake\n"
        "I hired for speed over collaboration. Within a quarter two teammates asked to move. "
        "I worked with him on a plan and we parted ways. Now every loop I run has a pairing session.\n"
    )
    by_text, stories = indexed(notes)
    assert set(stories) == {"Clinic cutover", "Webhook sunset", "Tell me about your biggest hiring mistake"}
    assert by_text["Tell me about a time you went past what a customer asked for."]["stories"] == [
        "clinic-cutover"
    ]
    assert by_text["Describe a request you turned down"]["stories"] == ["webhook-sunset"]
    assert by_text["Tell me about a time you earned a customer's trust back."]["stories"] == [
        "clinic-cutover", "webhook-sunset",
    ]  # fmt: skip
    assert "stories" not in by_text["Have you ever committed to a call you argued against?"]
    assert by_text["Why engineering management and not staff engineer?"]["theme"] == "RAPID FIRE"
    assert "What does success look like in six months?" not in by_text  # theirs to answer
    clinic = stories["Clinic cutover"]
    assert [b.split()[0] for b in clinic["bullets"]] == ["S:", "T:", "A:", "R:"]  # a bullet per part
    assert {"deliver-results", "earn-trust", "customer-obsession"} <= set(clinic["principles"])
    assert (
        len(stories["Tell me about your biggest hiring mistake"]["bullets"]) == 4
    )  # the paragraph's sentences


def test_a_sub_section_that_holds_nothing_is_said():
    notes = read(
        "# Behavioral answers\n"
        "## Conflict\n- Tell me about a time you disagreed with your manager.\n"
        "### Delivery notes\n- Pause after the Result.\n- Keep it under two minutes.\n"
    )
    assert [q["text"] for q in notes.questions] == ["Tell me about a time you disagreed with your manager."]
    assert any("'Delivery notes' holds no question or story" in line for line in notes.skipped)


def test_a_question_table_bold_principles_and_numbered_answers_come_through():
    notes = read(
        "# Loop prep\n"
        "## Question table\n"
        "| LP | Question | Primary | Backup |\n|---|---|---|---|\n"
        "| Customer Obsession | Describe a time a customer asked for the wrong thing "
        "| Dock SMS | Portal freeze |\n"
        "## Added later\n"
        "**Earn Trust**\n"
        "- Tell me about a time you won back a team's trust. (story: Portal freeze)\n"
        "- How do you handle a peer who misses commitments? (story: none yet)\n"
        "## Warm-up answers\n"
        "1. Walk me through a project you're proud of\n\n"
        "   I led the move of address checks to an open dataset we host. We ran both for a month. "
        "It saves about $80k a year.\n\n"
        "## Stories\n"
        "### Dock SMS\n"
        "**Situation.** Drivers waited 70 minutes for a dock.\n**Task.** I led the booking work.\n"
        "**Action.**\n- Rode along with two drivers.\n- Built SMS booking.\n"
        "**Result.** The wait fell to 22 minutes.\n"
        "### Portal freeze\n"
        "| | |\n|---|---|\n| **Situation** | The portal froze for two hours. |\n"
        "| **Action** | I called the three biggest carriers. |\n| **Result** | None of them escalated. |\n"
        "## Ownership: Saturday certificate expiry\n"
        "Also fits: Earn Trust\n"
        "- **S:** A certificate expired on a Saturday.\n- **A:** I renewed it with the on-call engineer.\n"
        "- **R:** Partners were down 47 minutes.\n"
        'Good for questions like: "Tell me about a time you acted outside your area." / '
        '"When did you fix something nobody asked you to?"\n'
    )
    by_text, stories = indexed(notes)
    wrong_thing = by_text["Describe a time a customer asked for the wrong thing"]
    assert wrong_thing["principle"] == "customer-obsession"
    assert wrong_thing["stories"] == ["dock-sms", "portal-freeze"]
    trust = by_text["Tell me about a time you won back a team's trust."]
    assert trust["principle"] == "earn-trust" and trust["stories"] == ["portal-freeze"]
    assert "stories" not in by_text["How do you handle a peer who misses commitments?"]
    assert not any("none yet" in line for line in notes.skipped)  # "none yet" names no story
    assert len(stories["Walk me through a project you're proud of"]["bullets"]) == 3
    assert [b.split()[0] for b in stories["Dock SMS"]["bullets"]] == ["S:", "T:", "A:", "A:", "R:"]
    assert len(stories["Portal freeze"]["bullets"]) == 3
    expiry = stories["Ownership: Saturday certificate expiry"]
    assert expiry["principles"] == ["ownership", "earn-trust"]
    assert {
        "Tell me about a time you acted outside your area.",
        "When did you fix something nobody asked you to?",
    } <= set(by_text)


def test_a_question_table_whose_first_column_is_the_question():
    notes = read(
        "# P\n## Bank\n| Question | LP |\n|---|---|\n"
        "| Tell me about a time you owned a failure. | Ownership |\n"
    )
    assert [(q["text"], q["principle"]) for q in notes.questions] == [
        ("Tell me about a time you owned a failure.", "ownership")
    ]


def test_what_obsidian_notion_and_emoji_notes_show_is_read_as_shown():
    """round2-blind3's layouts, in other words: Dataview fields ("asked-as::", "[S:: ...]", "[lp:: X]"),
    task boxes, comments, a Notion toggle of the questions a story answers, emoji before labels, a
    table cell naming a backup story, an "*(LP: X)*" line, a story heading with nothing in it yet."""
    notes = read(
        "# Prep\n\n%% keys: situation, task, action, result %%\n\n"
        "## Story: Flaky build farm\nlp:: [[Dive Deep]]\n"
        "situation:: Our nightly builds failed one night in three and nobody knew why.\n"
        "action:: I bisected the failures against the agents' logs and found one disk filling up.\n"
        "result:: Nightly builds passed forty nights in a row.\n"
        "asked-as:: Walk me through a problem nobody else could pin down.\n\n"
        "## Story: Office move (TODO)\nstatus:: idea\n\n"
        "## Queue\n"
        "- [ ] Tell me about a time you fixed something that was not yours to fix. [lp:: Ownership] "
        "[story:: Flaky build farm]\n"
        "- [x] Describe a time you simplified a process for your team.\n\n"
        "## Stories\n\n### Badge printer\n"
        "- 🧩 **Situation** — Visitors waited twenty minutes at reception for a badge.\n"
        "- 🛠️ **Action** — I moved badge printing to the day before each visit.\n"
        "- ✅ **Result** — Waits fell to two minutes.\n\n"
        "<details>\n<summary>Questions it answers</summary>\n\n"
        "- Tell me about a small change that made a big difference to customers.\n\n</details>\n\n"
        "<!-- ### Old story\nS: hidden -->\n"
    )
    questions, stories = indexed(notes)
    assert set(stories) == {"Flaky build farm", "Badge printer"}
    # its own "lp::" first, then the principle of the question that names it
    assert stories["Flaky build farm"]["principles"] == ["dive-deep", "ownership"]
    assert [b.split(":")[0] for b in stories["Badge printer"]["bullets"]] == ["S", "A", "R"]
    asked = "Tell me about a time you fixed something that was not yours to fix."
    assert questions[asked]["principle"] == "ownership"
    assert questions[asked]["stories"] == ["flaky-build-farm"]
    assert "Walk me through a problem nobody else could pin down." in questions
    assert "Describe a time you simplified a process for your team." in questions
    assert questions["Tell me about a small change that made a big difference to customers."]["stories"] == [
        "badge-printer"
    ]
    assert any("Office move" in line for line in notes.skipped), notes.skipped
    assert not any("hidden" in b for s in notes.stories for b in s["bullets"])


def test_an_outliner_a_notes_app_and_a_word_outline_are_read_as_their_tools_show_them():
    """round2-blind4's kinds of export, in other words: Logseq blocks (a heading inside a block,
    properties, ((block refs)), #tags), an Apple Notes export (bold lines, "•" bullets, <br>, &nbsp;,
    ☐ boxes), a numbered Word outline with Spanish labels, and a journal of rounds already sat."""
    logseq = read(
        "title:: prep\n- ## Stories\n\t- ### Roster fix #story\n"
        "\t  id:: 0a1b2c3d-0000-4000-8000-000000000001\n"
        "\t  station:: LHR\n\t\t- **Problem:** Crews could not swap shifts without two days of calls.\n"
        "\t\t- **Action:** I built a swap board that checked the rest rules.\n"
        "\t\t- **Result:** Swaps took two hours instead of two days.\n"
        "- ## Questions\n\t- Tell me about a time you made something simpler. #[[Invent and Simplify]]\n"
        "\t\t- ((0a1b2c3d-0000-4000-8000-000000000001))\n"
    )
    questions, stories = indexed(logseq)
    assert list(stories) == ["Roster fix"]
    assert [b.split(":")[0] for b in stories["Roster fix"]["bullets"]] == ["S", "A", "R"]  # no "station"
    asked = questions["Tell me about a time you made something simpler."]
    assert asked["principle"] == "invent-and-simplify" and asked["stories"] == ["roster-fix"]

    notes_app = read(
        "__Prep for the lab job__<br>\n&nbsp;\n\n__STORIES__\n\n__1) Freezer at night__<br>\n"
        "• __Context:__ A freezer of samples alarmed at 2 a.m. and nobody answered.\n"
        "• __Action:__ I drove in and moved the racks to the backup freezer.\n"
        "• __Result:__ No sample was lost.\n\n__QUESTIONS__\n"
        "• Tell me about a time you acted with nobody to ask.<br>◦ use: Freezer at night\n"
        "• Describe a time you kept a standard under pressure.\n\n__To do__<br>\n☐ print the graph\n"
    )
    questions, stories = indexed(notes_app)
    assert list(stories) == ["Freezer at night"]
    assert questions["Tell me about a time you acted with nobody to ask."]["stories"] == ["freezer-at-night"]
    assert "Describe a time you kept a standard under pressure." in questions

    outline = read(
        "# Preparación\n\n1. Historias / Stories\n\n1.1 Bus alerts (LP: Customer Obsession)\n"
        "  1.1.1 Situación: Buses ran late and parents waited in the cold.\n"
        "  1.1.2 Acción: I set up a text alert for late buses.\n"
        "  1.1.3 Resultado: Complaints fell from 60 a month to 9.\n"
        "  1.1.4 Aprendizaje: Riding the routes convinced the drivers.\n\n"
        "1.2 Laptop repairs (LP: Dive Deep)\n  1.2.1 Situación: 1,900 laptops waited for repair.\n"
        "  1.2.2 Acción: I trained students to swap screens.\n"
        "  1.2.3 Resultado: The queue fell under 150.\n\n2. Preguntas / Questions\n"
        "  2.1 Tell me about a time you started from what customers lived through. → 1.1\n"
        "  2.2 Walk me through a problem you solved with your own data. → 1.2, backup 1.1\n"
    )
    questions, stories = indexed(outline)
    assert list(stories) == ["Bus alerts", "Laptop repairs"]
    assert stories["Bus alerts"]["principles"][0] == "customer-obsession"
    assert stories["Bus alerts"]["notes"] == ["Riding the routes convinced the drivers."]
    assert questions["Walk me through a problem you solved with your own data."]["stories"] == [
        "laptop-repairs",
        "bus-alerts",
    ]

    journal = read(
        "# Journal\n\n## Round 1 – Hiring manager (Ruth)\n\n"
        '- "Tell me about a time you missed a target." [Deliver Results]\n'
        "  - used **Christmas shelves** (below).\n"
        "- My question to her: how much of the layout is fixed?\n\n## Stories\n\n### Christmas shelves\n"
        "S: We were at 91% availability against 97%.\nA: I overrode the orders on twelve lines by hand.\n"
        "R: We finished at 95.5%.\n"
    )
    questions, stories = indexed(journal)
    assert set(questions) == {"Tell me about a time you missed a target."}
    missed = questions["Tell me about a time you missed a target."]
    assert missed["principle"] == "deliver-results" and missed["stories"] == ["christmas-shelves"]


def test_cards_a_sheet_and_a_typed_up_mock_are_read_as_written():
    """round2-blind5's kinds, in other words: cue cards with shortened and misspelt labels pointed at
    as "c2", a title followed by its principles, a pandas table with a Story column and empty cells,
    and a mock interview typed up as turns."""
    cards = read(
        "# cards\n\n#### Card 1 – Pallet count [[LP - Dive Deep]]\n"
        "- Situatoin: 2022, pallets short on 3 of 5 loads\n"
        "- Tsk: find why before peak\n- Actn: counted the loads myself two nights\n- Reslt: £9k credit\n"
        "- Lsn: count before you argue\n\n#### Card 2 – drain clash??\n(maybe)\n\n## DRILL\n"
        "1. Describe a time you checked the numbers yourself. [[LP - Dive Deep]] → c1\n"
        "2. Tell me about a time a station plan changed. → c1\n"
    )
    questions, stories = indexed(cards)
    assert list(stories) == ["Pallet count"]
    assert [b.split(":")[0] for b in stories["Pallet count"]["bullets"]] == ["S", "T", "A", "R"]
    assert stories["Pallet count"]["notes"] == ["count before you argue"]
    assert questions["Describe a time you checked the numbers yourself."]["principle"] == "dive-deep"
    assert questions["Describe a time you checked the numbers yourself."]["stories"] == ["pallet-count"]
    assert not any("clash" in q for q in questions)

    sheet = read(
        "# tracker\n\n## Sheet: Stories\n\n|    | LP | Question | Story | S | T | A | R |\n"
        "|---:|:---|:---|:---|:---|:---|:---|:---|\n"
        "|  0 | Dive Deep | Tell me about a cause nobody else found. | Oil samples | Gearboxes failed. | "
        "I had to find why. | I tested the oil. | No failure since. |\n"
        "|  1 | Ownership | Tell me about something you owned. | Oil samples (backup: Spares) | "
        "same as row 0 | same as row 0 | same as row 0 | same as row 0 |\n"
        "|  2 | Frugality | Give me an example of doing more with less. | nan | nan | nan | nan | nan |\n"
    )
    questions, stories = indexed(sheet)
    assert list(stories) == ["Oil samples"]
    assert [b.split(":")[0] for b in stories["Oil samples"]["bullets"]] == ["S", "T", "A", "R"]
    assert questions["Tell me about something you owned."]["stories"] == ["oil-samples"]

    summary = read(
        "# Stories\n\n## Customer Obsession\n\n<details>\n<summary>**Seat booking** — Customer Obsession · "
        "Deliver Results</summary>\n\n**Situation:** Seats were held by bags.\n\n**Action:** I put them on "
        "the booking system.\n\n**Result:** Seats in use went from 61% to 89%.\n\n</details>\n"
    )
    assert summary.stories[0]["title"] == "Seat booking"
    assert summary.stories[0]["principles"][:2] == ["customer-obsession", "deliver-results"]

    mock = read(
        "# Mocks\n\n## Mock 1\n\n### Ownership\n\n**Interviewer:** OK, next one. Tell me about a failure "
        "that wasn't yours.\n\n**Me:** On election night the press jammed with 38,000 copies to print, so I "
        "drove to the printer, found a spare folder and we printed by three in the morning.\n\n"
        "**Interviewer:** What would you do differently?\n\n**Me:** I'd call the printer's manager first.\n\n"
        "> Priya: strong.\n\n### Earn Trust\n\n**Interviewer:** Tell me about a mistake you admitted.\n\n"
        "**Me:** I don't have one yet.\n\n**Interviewer:** Sure.\n"
    )
    questions, stories = indexed(mock)
    assert set(questions) == {
        "Tell me about a failure that wasn't yours.",
        "Tell me about a mistake you admitted.",
    }
    (told,) = stories.values()
    assert told["title"] == "Tell me about a failure that wasn't yours."
    assert "I'd call the printer's manager first." in told["notes"]  # the follow-up's answer, a reflection


def test_what_an_export_reader_must_leave_alone():
    """A review of the export readers: ordinary notes that look a little like an export keep every
    word and every part."""
    notes = read(
        "# Prep\n\n## Round 1\n\n**Sam:** Tell me about a time you disagreed with your manager.\n\n"
        "**Me:** I disagreed about the migration plan and showed him the failure data from two outages.\n\n"
        "**Sam:** What happened?\n\n**Me:** He agreed to a staged rollout.\n\n**Me:** Thanks.\n\n"
        "## Stories\n\n### Vendor migration\n\n**Situation:** Our vendor raised prices by 40%.\n\n"
        "**Task:** I had to move 30 services in a quarter.\n\n"
        "**Action:**\n- std::shared_ptr cycles kept buffers alive, so I profiled every service first.\n"
        "- I printed the '%%s' format strings the old client used.\n\n"
        "**Result:** We moved all 30 and escaped percent signs as %% in templates; costs fell 25%.\n\n"
        "## Tell me about a time you had to ask for help.\n\n**Situation:** I was new.\n\n"
        "**Action:** I asked the on-call lead.\n\n**Result:** We fixed it in an hour.\n\n"
        "## Engineering principles - getting buy-in from six teams\n\n**Situation:** Six teams.\n\n"
        "**Action:** I wrote the principles with them.\n\n**Result:** All six signed.\n"
    )
    questions, stories = indexed(notes)
    vendor = stories["Vendor migration"]
    assert [b.split(":")[0] for b in vendor["bullets"]] == ["S", "T", "A", "A", "R"], vendor
    assert any("std::shared_ptr" in b for b in vendor["bullets"])
    assert any("%% in templates" in b for b in vendor["bullets"])
    assert "Tell me about a time you had to ask for help." in questions
    assert "Engineering principles - getting buy-in from six teams" in stories

    card = read(
        "# Cards\n\n## Card 5 – Fleet move\n\n**Situation:** Old instances.\n\n"
        "**Action:** I moved the fleet from m4 → c5 instances.\n\n**Result:** Costs fell 20%.\n"
    )
    assert any("m4 → c5 instances" in b for b in card.stories[0]["bullets"])

    theirs = read(
        "# Loop\n\n## Interview 1\n\nInterviewer: Dana\n\nQuestions to ask Dana:\n"
        "- How does your team decide what to build next quarter?\n"
        "- What does a typical on-call week look like for the team?\n"
    )
    assert theirs.questions == []


def test_links_in_footnotes_medals_and_story_numbers_reach_their_stories():
    """round2-blind6 and -blind7's links, in other words: a footnote naming the stories, "Stories:"
    and "Primary → X; fallback → Y" lines under a question, medals pointing at headings by anchor,
    "P: S2 / B: S1", a numbered answer pointing at another ("→ 1"), and "(nothing yet)"."""
    notes = read(
        "# Bank\n\n## Ownership\n\n"
        '> "Tell me about a time you fixed a thing nobody owned."\n\n'
        "Stories: Boiler alarms, Rota swap\n\n"
        "**Question:** Describe a time you kept a promise that cost you.\n"
        "Primary → Rota swap; fallback → Boiler alarms\n\n"
        "Walk me through a call you made alone.[^1]\n\n"
        "1. Tell me about a time you were wrong.\n"
        "   🥇 [Rota swap](#s2--rota-swap) 🥈 [the alarms](#s1--boiler-alarms)\n"
        "2. Give an example of a goal you missed\n   P: S1 / B: S2\n"
        "3. Describe a time you learned from a mistake.\n   → 1 (the second half)\n"
        "4. Describe a launch you were proud of.\n   🤷 nothing solid yet\n\n"
        "## Stories\n\n### S1 — Boiler alarms\n"
        "S. The plant's boiler alarms paged the wrong team at night.\n"
        "A. I rewired the routing to the on-call engineer.\nR. Night pages fell by two thirds.\n\n"
        "### S2 — Rota swap\n"
        "S. Swapping a shift took two days of calls.\nA. I built a swap board.\nR. Swaps took an hour.\n\n"
        "[^1]: Primary: Boiler alarms. Fallback: Rota swap.\n"
    )
    questions, stories = indexed(notes)
    assert set(stories) == {"Boiler alarms", "Rota swap"}
    links = {q["text"]: q.get("stories", []) for q in notes.questions}
    assert links == {
        "Tell me about a time you fixed a thing nobody owned.": ["boiler-alarms", "rota-swap"],
        "Describe a time you kept a promise that cost you.": ["rota-swap", "boiler-alarms"],
        "Walk me through a call you made alone.": ["boiler-alarms", "rota-swap"],
        "Tell me about a time you were wrong.": ["rota-swap", "boiler-alarms"],
        "Give an example of a goal you missed": ["boiler-alarms", "rota-swap"],
        "Describe a time you learned from a mistake.": ["rota-swap", "boiler-alarms"],
        "Describe a launch you were proud of.": [],
    }


def test_star_labels_as_people_mark_them_and_a_reflection_beside_them():
    """[S] / "Situation ▸" / "S/T:" / a definition list / a row of S T A R +R columns, and the +R or
    "What I'd change —" line kept as a note, never a bullet."""
    notes = read(
        "# Bank\n\n## Story 1 — DIVE DEEP: The silent queue\n"
        "[S] Orders vanished from the queue once a week.\n[A] I replayed a week of events myself.\n"
        "[R] We found a retry that swallowed errors; losses stopped.\n[+R] I'd ask for raw logs sooner.\n\n"
        "## Story 2 — Two leads\nSituation ▸ Two leads wanted the same quarter.\n"
        "Action ▸ I asked each to argue for the other's project.\nResult ▸ Both shipped in turn.\n"
        "What I'd change — I'd step in a week earlier.\n\n"
        "## Story 3 — The long rewrite\n\n| S | T | A | R | +R |\n|---|---|---|---|---|\n"
        "| A rewrite ran long. | I owned the plan. | I stopped it at month nine. | We kept three modules. "
        "| I set check-in dates now. |\n"
    )
    _, stories = indexed(notes)
    silent = stories["DIVE DEEP: The silent queue"]
    assert silent["principles"] == ["dive-deep"]  # the principle in the title, the title kept whole
    assert [b.split(":")[0] for b in silent["bullets"]] == ["S", "A", "R"]
    assert silent["notes"] == ["I'd ask for raw logs sooner."]
    assert [b.split(":")[0] for b in stories["Two leads"]["bullets"]] == ["S", "A", "R"]
    assert stories["Two leads"]["notes"] == ["I'd step in a week earlier."]
    assert stories["The long rewrite"]["bullets"] == [
        "S: A rewrite ran long.",
        "T: I owned the plan.",
        "A: I stopped it at month nine.",
        "R: We kept three modules.",
    ]
    assert stories["The long rewrite"]["notes"] == ["I set check-in dates now."]


def test_numbered_questions_answered_under_them_are_stories_and_checklists_are_not_questions():
    notes = read(
        "# Drill\n\n## Conflict\n\n"
        "1. Tell me about a project that slipped. What did you do?\n"
        "   - **S/T:** Our export rebuild was three weeks late.\n"
        "   - **A:** I split the backlog with the account manager.\n"
        "   - **R:** The customer's part shipped nine days later.\n"
        "2. Tell me about a disagreement with a peer.\n"
        "   In my second year the platform manager and I both wanted the same two engineers, and I "
        "put both roadmaps in one sheet for our director.\n"
        "3. How do you balance debt against features\n"
        "- [ ] Is the onsite in person?\n- [x] How have you grown a team?\n"
    )
    questions, stories = indexed(notes)
    assert set(stories) == {
        "Tell me about a project that slipped. What did you do?",
        "Tell me about a disagreement with a peer.",
    }
    slipped = stories["Tell me about a project that slipped. What did you do?"]
    assert [b.split(":")[0] for b in slipped["bullets"]] == ["S", "A", "R"]
    assert "How do you balance debt against features" in questions
    assert "How have you grown a team?" in questions  # a behavioural question, ticked as practised
    assert not any("onsite" in q for q in questions)  # the writer's own thing to check


def test_an_obsidian_vault_note_keeps_its_tags_callouts_and_aliases():
    """Numbered wikilink headings ("## 1 · [[Queue split]]"), "#lp/..." tags, a folded callout of the
    questions after a "### Stack" list, a link by another alias of the same note, and a prose section
    about the note itself (no story)."""
    notes = read(
        "---\ntags: [career]\n---\n# Projects\n\n## How this note works\n\n"
        "One section per project, told as I would say it aloud. The tags are for my own search and the "
        "callouts hold the questions I expect; I keep the numbers in the tip callout up to date.\n\n"
        "## 1 · [[Queue split|Splitting the upload queue]]\n#lp/dive-deep #lp/ownership\n\n"
        "Uploads waited forty minutes before anyone could publish them. I traced a few hundred of them "
        "myself and found new episodes queued behind bulk imports. I split the queue into two lanes and "
        "the wait fell to nine minutes. ^q1\n\n### Stack\n- Go workers\n\n"
        "> [!faq]- Asked as\n> Tell me about a bottleneck nobody was looking at.\n"
        "> How do you find where the time goes?\n\n"
        "# Where I'd use what\n\n"
        "- Tell me about a time you dug into data yourself. #lp/dive-deep → [[Queue split|the lanes fix]]\n"
        "- What's a call you'd reverse today? #lp/are-right-a-lot → ???\n"
    )
    questions, stories = indexed(notes)
    assert set(stories) == {"Splitting the upload queue"}
    story = stories["Splitting the upload queue"]
    assert story["principles"] == ["dive-deep", "ownership"]
    assert "Tell me about a bottleneck nobody was looking at." in questions
    assert "How do you find where the time goes?" in questions
    dug = questions["Tell me about a time you dug into data yourself."]
    assert dug["principle"] == "dive-deep" and dug["stories"] == [story["id"]]


def test_follow_ups_template_stubs_and_write_ups_under_theme_words():
    """round2-blind8's kinds, in other words: the interviewer's likely follow-ups under a question
    (asked after the answer: not questions of the bank), a story template not filled in, and a
    project told in prose under a heading that opens with a theme word ("Influence — ...")."""
    notes = read(
        "# Bank\n\n## Ownership\n\n### Q: Tell me about a time you fixed something that was not yours.\n\n"
        "> **Primary story**: `Rota swap` (the board, not the rota)\n> **Backup story**: —\n\n"
        "#### Likely follow-ups\n\n"
        "**Q: Why did nobody else fix it?**\n> Everyone thought it was someone else's.\n\n"
        "## Story #1: Rota swap\n**Situation:** Swapping a shift took two days of calls.\n"
        "**Action:** I built a swap board.\n**Result:** Swaps took an hour.\n\n"
        "## Story #2: [Your Failure Story Here]\n\n[Use template]\n\n"
        "## Projects\n\n### Influence — Retiring the old gateway\n\n"
        "Three teams still called the old gateway and none of them reported to me. I measured each "
        "team's traffic myself, showed each lead their own numbers and lent them an engineer. Two teams "
        "moved within a quarter and we switched the gateway off in March.\n"
    )
    questions, stories = indexed(notes)
    assert set(questions) == {"Tell me about a time you fixed something that was not yours."}
    assert questions["Tell me about a time you fixed something that was not yours."]["stories"] == [
        "rota-swap"
    ]
    assert set(stories) == {"Rota swap", "Influence — Retiring the old gateway"}
    said = " ".join(notes.skipped)
    assert "Likely follow-ups" in said and "[Your Failure Story Here]" in said
    assert "its story" not in said  # a remark after the name and a dash for "none" name no story


def test_a_plain_text_bank_with_numbered_principle_lines_and_story_spines():
    """round2-blind9's heading-less bank, in other words: "--*:" marks for sections, principles as
    plain numbered lines with a gloss ("2.ownership (...)", no space after the dot), questions one
    a line under "bq:" with "story: X | backup: Y" under each, stories as a "spine:" list with the
    principles they are for under "use for:", and numbered question headings pointing at another's
    answer ("→ same answer as 1", "→ use 1")."""
    notes = read(
        "# Loop prep\n\n--*: questions\n\n"
        "1.earn trust (say the bad news first)\nbq:\n"
        "Tell me about a time you told your team something they did not want to hear.\n"
        "    story: Closing the Leeds office | backup: Pager cuts\n"
        "Tell me about a time you lost someone's trust.\n    story: ???\n\n"
        "2.frugality\n(nothing yet)\n\n"
        "--*: stories\n\n### Closing the Leeds office\n\nuse for:\n- earn trust\n- ownership\n\n"
        "spine:\n- We had eleven people in Leeds and the lease ended in June.\n"
        "- I told all eleven in person the day the decision was made.\n"
        "- I found roles for eight of them on other teams before the office closed.\n"
        "- Nine of the eleven were still with the company a year later.\n\n"
        "takeaway:\n> Saying it early cost me a hard week and saved a hard year.\n\n"
        "### Pager cuts\n\nspine:\n- Our on-call rota got forty pages a week, most of them at night.\n"
        "- I deleted every alert that nobody had acted on in the last month.\n"
        "- We ended up with six pages a week, and in a year nobody asked for one of the others back.\n\n"
        '--*: numbered\n\n### 1. "Tell me about a time you cut something people liked."\n\n'
        "**My answer:** I removed the weekly demo because we had stopped learning from it. "
        "I replaced it with a written update and asked for objections for two weeks. Nobody asked "
        "for the demo back and we got four hours a week back.\n\n"
        '### 2. "How do you decide what to stop doing?"\n\n→ same answer as 1 (the demo).\n'
    )
    questions, stories = indexed(notes)
    told = questions["Tell me about a time you told your team something they did not want to hear."]
    assert told["principle"] == "earn-trust"
    assert told["stories"] == ["closing-the-leeds-office", "pager-cuts"]
    assert not questions["Tell me about a time you lost someone's trust."].get("stories")  # "???": none
    leeds = stories["Closing the Leeds office"]
    assert leeds["principles"] == ["earn-trust", "ownership"]
    assert len(leeds["bullets"]) == 4
    assert leeds["notes"] == ["Saying it early cost me a hard week and saved a hard year."]
    assert len(stories["Pager cuts"]["bullets"]) == 3
    assert questions["How do you decide what to stop doing?"]["stories"] == [
        stories["Tell me about a time you cut something people liked."]["id"]
    ]
    said = " ".join(notes.skipped)
    assert "frugality" in said  # a principle with nothing under it is said
    assert "its story" not in said and "not read" not in said


def test_parts_above_the_title_quoted_question_headings_and_bare_numbered_answers():
    """round2-blind10's kinds, in other words: a story whose "## Situation (S)" part headings sit a
    level above its "### Title" (and its "## Reflection (R)" with it), a question heading quoted
    after its number ('### Q1: "Tell me ..."'), and notes with no heading at all: numbered questions
    ("A time when ..." as well) answered in prose below, one answer pasted under two questions."""
    notes = read(
        "### Night bus timetable\n\n## Situation (S)\n\nRiders waited at stops for buses that had been "
        "cancelled.\n\n## Action (A)\n\nI wired cancellations into the app the minute depots logged "
        "them.\n\n## Result (R)\n\nComplaints about ghost buses fell by two thirds.\n\n"
        "## Reflection (R)\n\n* Ask the depot staff first.\n\n"
        '### Q1: "Tell me about a time you fixed something riders complained about."\n'
        "- **Story used:** Night bus timetable\n\n"
        "### Questions asked to interviewer\n1. What does the first month in this team look like?\n"
        "2. Who would I work with most closely?\n"
    )
    questions, stories = indexed(notes)
    bus = stories["Night bus timetable"]
    assert len(bus["bullets"]) == 3 and bus["notes"] == ["Ask the depot staff first."]
    assert set(questions) == {"Tell me about a time you fixed something riders complained about."}

    answer = (
        "I ran the pharmacy app team and our refill reminders went out a day late for a month. I "
        "traced it to a timezone setting on one server and moved every job to UTC. Late reminders "
        "stopped that week and refill complaints fell by half."
    )
    notes = read(
        f"1. A time when you found the cause nobody else had found\n\n{answer}\n\n\n"
        "2. How do you handle a slow decline in quality?\n\n\n"
        f"3. Tell me about a problem you chased down yourself\n\n{answer}\n"
    )
    questions, stories = indexed(notes)
    assert list(questions) == [
        "A time when you found the cause nobody else had found",
        "How do you handle a slow decline in quality?",
        "Tell me about a problem you chased down yourself",
    ]
    (story,) = notes.stories  # pasted twice: one story
    assert questions["Tell me about a problem you chased down yourself"]["stories"] == [story["id"]]
    assert questions["A time when you found the cause nobody else had found"]["stories"] == [story["id"]]


def test_numbered_story_names_with_star_items_under_a_theme_or_a_principle_heading():
    """round2-blind10's answer page, in other words: under a theme heading ("Failure") or a heading
    naming its principles in full-width brackets, each "1. Name:" item with "- S:" ... "- R:" items
    under it is a story of its own; a "STAR in BQ" section explains the method and is no story."""
    notes = read(
        "# Prep\n\n### STAR in BQ (from the recruiter)\n- S: set the scene\n- A: what you did\n\n"
        "#### 2. Failure:\n1. Freezer alarm miss:\n"
        "   - S: Our cold-store alarm paged nobody over a holiday weekend.\n"
        "   - A: I added a second pager route and tested it every Friday.\n"
        "   - R: No alarm has gone unanswered since.\n"
        "2. Late van rota:\n   - S: The van rota went out a week late.\n"
        "   - R: Drivers got it two weeks ahead from then on.\n\n"
        "#### 4. Hard feedback:（Earn Trust， Ownership）\n1. Loading bay redesign:\n"
        "   - S: Night staff said the new bay layout slowed them down.\n"
        "   - A: I worked two night shifts with them and moved the scanners back.\n\n"
        "#### 6. Fixing the root cause:（Think Big）\n- S: Every depot kept its own postcode list.\n"
        "- A: I built one shared postcode service.\n- R: Wrong-depot parcels fell to almost none.\n"
    )
    _, stories = indexed(notes)
    assert set(stories) == {
        "Freezer alarm miss", "Late van rota", "Loading bay redesign", "Fixing the root cause",
    }  # fmt: skip
    assert len(stories["Freezer alarm miss"]["bullets"]) == 3
    assert len(stories["Late van rota"]["bullets"]) == 2
    assert "earn-trust" in stories["Loading bay redesign"]["principles"]
    assert stories["Fixing the root cause"]["principles"] == ["think-big"]
    assert "possible story" not in " ".join(notes.skipped)


def test_what_the_new_forms_must_leave_alone():
    """A review's inputs: "asked" in a heading is not the candidate's questions for them; a statement
    that opens "The last time ..." is no question; two "N. Name:" stories under a principle stay two;
    "-> use 3 dashboards ..." is a note, not a pointer to question 3; two stories with names of
    their own are never merged, however alike their bullets."""
    notes = read(
        "## Questions I was asked at Amazon\n- Tell me about a time you missed a deadline.\n"
        "- Tell me about a time you changed a plan late.\n\n"
        "## Ownership\n- The last time the pager fired at night, nobody answered it.\n"
        "1. Freezer alarm miss:\n   - S: The cold-store alarm paged nobody.\n   - R: I added a pager route.\n"
        "2. Late van rota:\n   - S: The rota went out late.\n   - R: It goes out two weeks ahead now.\n\n"
        "## Dive Deep\n3. Describe a time you found a bug in a report.\n"
        "   -> use 3 dashboards to show what failed\n\n"
        "## Story: Billing outage\n- S: Invoices failed overnight.\n- R: Fixed by morning.\n"
        "## Story: Pager rota\n- S: Invoices failed overnight.\n- R: Fixed by morning.\n"
    )
    questions, stories = indexed(notes)
    assert set(questions) == {
        "Tell me about a time you missed a deadline.",
        "Tell me about a time you changed a plan late.",
        "Describe a time you found a bug in a report.",
    }
    assert {"Freezer alarm miss", "Late van rota", "Billing outage", "Pager rota"} <= set(stories)
    assert len(stories["Freezer alarm miss"]["bullets"]) == 2
    assert not questions["Describe a time you found a bug in a report."].get("stories")


def test_a_cheat_sheet_of_numbered_stories_in_another_language():
    """round2-blind10's cheat sheet, in other words: "## История #N: Title" stories (Russian notes,
    English questions) with a one-line pitch, a STAR table, key numbers, traits, answers to the
    follow-ups and a lesson; questions in a table and in lists pointing at "#N Word"; a quiz to fill
    in is no story. Only the STAR rows are bullets; the traits that are principles are the story's."""
    story = (
        "## История #{n}: {title}\n\n### One-liner (выучи!)\n> {pitch}\n\n### STAR за 30 секунд\n\n"
        "| S | {s} |\n|---|---|\n| T | {t} |\n| A | {a} |\n| R | {r} |\n\n"
        "### Ключевые цифры\n- **{num}**\n\n### Черты: {traits}\n\n### Follow-up ответы\n\n"
        '**"Would you do it again?"**\n> Да.\n\n### Урок\n> {lesson}\n\n---\n\n'
    )
    notes = read(
        "# Истории\n\n"
        + story.format(
            n=1,
            title="Ночной деплой",
            pitch="Откатил релиз ночью.",
            s="Релиз сломал оплату.",
            t="Я дежурил.",
            a="Откатил за 10 минут.",
            r="Потеряли 2 заказа.",
            num="10 минут",
            traits="Ownership, Humility",
            lesson="Откат важнее фикса.",
        )
        + story.format(
            n=2,
            title="Новый стажёр",
            pitch="Вырастил стажёра.",
            s="Пришёл стажёр.",
            t="Мне дали его учить.",
            a="Парное программирование.",
            r="Через месяц сам чинил баги.",
            num="1 месяц",
            traits="Collaboration",
            lesson="Учить на живых задачах.",
        )
        + "## Quick Test\n\n1. **Deploy:** откатили за ___ минут\n2. **Intern:** через ___ сам чинил\n\n"
        "## Топ вопросов\n\n| # | Вопрос (EN) | Основная | Backup |\n|---|---|---|---|\n"
        "| 1 | Tell me about a time you broke production | #1 Deploy | — |\n\n"
        '### Mentoring\n\n**Вопросы:**\n- "Tell me about someone you taught"\n'
        '- "How do you grow juniors?"\n\n**Рекомендация:** #2 Intern (primary), #1 Deploy (backup)\n'
    )
    questions, stories = indexed(notes)
    assert set(stories) == {"Ночной деплой", "Новый стажёр"}
    night = stories["Ночной деплой"]
    assert [b[:2] for b in night["bullets"]] == ["S:", "T:", "A:", "R:"]
    assert night["principles"] == ["ownership"]
    assert {"Откатил релиз ночью.", "10 минут", "Откат важнее фикса."} <= set(night["notes"])
    assert night["id"] == "ночной-деплой"  # ids keep their letters: two Russian titles are not both "x"
    assert questions["Tell me about a time you broke production"]["stories"] == [night["id"]]
    intern = stories["Новый стажёр"]["id"]
    for asked in ("Tell me about someone you taught", "How do you grow juniors?"):
        assert questions[asked]["stories"] == [intern, night["id"]]
    assert any("Quick Test" in line for line in notes.skipped)


def test_the_twelfth_and_thirteenth_hands_keep_what_they_gained():
    """round2-blind11 (four layouts no earlier set had) and round2-blind12 (a new public file of each
    of the issue's four kinds), run once each on first sight: blind11 10/19 stories, 25/39
    questions, 8 invented, 4/11 links; blind12 13/22, 24/39, 4 invented, 17/17. After this round's
    general fixes blind11 14/19, 39/39, 1, 9/16 and blind12 21/22, 39/39, 2, 31/31 (a project told in
    the present tense, "I am training a model ...", is not read as told: "I'm still thinking about
    which story fits" would be too): held there."""
    eleven = summary(check_folder(HERE / "round2-blind11"))
    assert eleven.stories_found >= 14 and eleven.questions_found >= 39
    assert len(eleven.invented) <= 1 and eleven.links_right >= 9
    twelve = summary(check_folder(HERE / "round2-blind12"))
    assert twelve.stories_found >= 21 and twelve.questions_found >= 39
    assert len(twelve.invented) <= 2 and twelve.links_right >= 31
    # round2-blind13 (a fifteenth hand, a new public file of each of the kinds, run once after
    # the review's fixes): 5/21, 18/26, 0 invented, 0/11 on first sight; 20/21, 26/26, 0, 14/16 after
    thirteen = summary(check_folder(HERE / "round2-blind13"))
    assert thirteen.stories_found >= 20 and thirteen.questions_found >= 26
    assert thirteen.invented == [] and thirteen.links_right >= 14
    # round2-blind14 (a sixteenth hand, the same four kinds again, run once after the second
    # review's fixes): 3/17, 28/35, 2 invented, 3/22 on first sight; not fixed yet, held there
    fourteen = summary(check_folder(HERE / "round2-blind14"))
    assert fourteen.stories_found >= 3 and fourteen.questions_found >= 28
    assert len(fourteen.invented) <= 2 and fourteen.links_right >= 3


def test_story_files_with_depth_triggers_properties_and_attributed_questions():
    """blind11's and blind12's kinds, in other words: "## STORY N: TITLE (Theme)" with its question
    triggers, "+DEPTH" and "+LEARNING" parts and a TODO story whose question still counts; a project
    note whose "**Status:**" and "**Stack:**" lines are properties; a
    numbered list of questions each tagged with the company that asked it, answered in items under
    it, one pointing at another by its number in a list numbered anew; and the headings after an
    empty "Questions to Ask" heading, which are its lists."""
    notes = read(
        "# Stories\n\n## STORY 1: THE LOST PARCEL SCANS (Incident)\n\n### The Question Triggers\n"
        '- "Tell me about an outage you handled"\n\n### THE STORY\n\n**SITUATION** (30 seconds)\n'
        '> "Scanners at two depots stopped uploading, and 900 parcels went missing from tracking."\n\n'
        '**ACTION** (60 seconds)\n> "I replayed the scanner queue from the backup and fixed the expired '
        'certificate."\n\n**RESULT**\n> "Every parcel was back in tracking by noon."\n\n**+DEPTH** (if they '
        'dig)\n> "The certificate had a one-year expiry nobody tracked."\n\n**+LEARNING**\n> "Track every '
        'expiry in one calendar."\n\n## STORY 2: ROTA ARGUMENT (Conflict)\n\n### The Question Triggers\n'
        '- "Tell me about a disagreement with your manager"\n\n### THE STORY\n\nTODO - write it up\n\n'
        "## Projects\n\n### [[Returns sorter]]\n**Status:** In progress\n**Stack:** Python, DuckDB\n\n"
        "Returned parcels sat at each depot for a week before anyone sorted them. I trained a model "
        "on past decisions so that the scanner suggests where each parcel goes. In the pilot the pile "
        "now clears in three days, and I want it under two before we roll it out.\n"
    )
    questions, stories = indexed(notes)
    scans = stories["THE LOST PARCEL SCANS"]
    assert len(scans["bullets"]) == 3
    assert "Track every expiry in one calendar." in scans["notes"] and "Theme: Incident" in scans["notes"]
    assert questions["Tell me about an outage you handled"]["stories"] == [scans["id"]]
    assert "stories" not in questions["Tell me about a disagreement with your manager"]
    sorter = stories["Returns sorter"]
    assert "In progress" in sorter["notes"] and len(sorter["bullets"]) >= 3

    notes = read(
        "## Questions\n\n1. *Gannet question* (https://example.com/gannet) – Tell us about a time "
        "plans changed late.\n    1. Our client cut the launch from three cities to one, a month before "
        "go-live.\n    2. I rebuilt the rollout plan over a weekend and moved two people to testing.\n"
        "    3. We launched on the original date in the one city.\n"
        "2. *Puffin question* – What is your biggest weakness?\n\n### More\n\n"
        "1. How do you handle changing requirements?\n"
        "    1. → same story as 1. (the client cut)\n\n"
        "### Questions to Ask\n### Recruiter\n1. How many rounds are there?\n"
    )
    questions, stories = indexed(notes)
    assert set(questions) == {
        "Tell us about a time plans changed late.", "What is your biggest weakness?",
        "How do you handle changing requirements?",
    }  # fmt: skip
    (story,) = notes.stories
    assert len(story["bullets"]) == 3
    assert questions["How do you handle changing requirements?"]["stories"] == [story["id"]]
    assert any("holds questions you ask them" in line for line in notes.skipped)


def test_an_answer_typed_in_a_code_block_and_dashes_typed_as_a_list():
    """blind11's per-principle notes, in other words: an answer typed into a code block under its
    question ("situation:", "task:", "action:" lines after a line naming the project) is the
    question's story; "-- name" lines under a question are notes, not words of the question; a
    template in a code block ("Situation: At [Company] ...") stays a template."""
    notes = read(
        "## 1: Customer Obsession\n> questions:\n* Tell me about a customer you won back.\n```\n"
        "  the pharmacy app.\nsituation: in 2022 refill reminders went out a day late for a month.\n"
        " task: get the reminders on time without a new release\n"
        " action: I moved every reminder job to UTC and watched the send log for a week.\n```\n\n"
        "## 3. Invent & simplify\n* Tell me about something you built that nobody asked for\n"
        "    -- rota bot\n    -- label printer fix\n\n"
        "## 4. Bias for Action\n```\nSituation: At [Company], during [project], [what was happening]\n"
        "Task: My job was [responsibility] for the whole [team]\n```\n"
    )
    questions, stories = indexed(notes)
    assert set(questions) == {
        "Tell me about a customer you won back.", "Tell me about something you built that nobody asked for",
    }  # fmt: skip
    (story,) = notes.stories
    assert story["title"] == "Tell me about a customer you won back."
    assert [b[:2] for b in story["bullets"]][-3:] == ["S:", "T:", "A:"]
    assert questions["Tell me about a customer you won back."]["stories"] == [story["id"]]


def test_what_this_rounds_forms_must_leave_alone():
    """A review's inputs for the cheat-sheet, story-file and attribution forms: each was misread by
    a first version of them."""
    notes = read(
        "## Questions to ask the interviewer\n\n## Ownership\n- Tell me about a time you owned a problem.\n"
        "### Story: Billing migration\n- **Situation:** Our AWS bill doubled in a year.\n"
        "- **Action:** I tagged every resource and stopped idle clusters at night.\n"
        "- **Result:** Cut the bill by ___% (check with finance).\n- Saved ___ hours of on-call a month.\n"
        "**Team:** four of us\n- Priya - backend lead\n- Tom - SRE\n- Ana - product\n"
        "### Story 2: Payments outage (Black Friday)\n**Signals:** error rate at 4%, p99 over 2s.\n\n"
        "We paged the on-call and I rolled back the release.\n\n"
        "**Triggers:** a config push and a cache flush.\n"
        "## Dive Deep\n1. Tell me about a time you dug into data.\n"
        "   - Use my Postgres story and focus on how I brought data to the table\n"
        "   - Don't badmouth the manager, keep it about the decision\n"
        "2. Tell me about a time you were wrong.\n   - Рекомендация: говорить медленнее\n"
        "3. Tell me about a time you found a root cause.\n   - → same story as 1\n"
        "- *Why this question* – they want to see that I act without being asked\n"
        "## About me\nI'm still thinking about which story fits. I'm leaning towards the launch slip, but my "
        "manager story might be better, and I am leading the payments team now.\n"
    )
    questions, stories = indexed(notes)
    # nothing swallowed, nothing made up
    assert set(stories) == {"Billing migration", "Payments outage (Black Friday)"}
    billing = stories["Billing migration"]
    assert len(billing["bullets"]) == 4 and "Priya - backend lead" in billing["notes"]
    outage = stories["Payments outage (Black Friday)"]
    said = " ".join(str(b) for b in outage["bullets"]) + " ".join(outage.get("notes", []))
    assert "rolled back" in str(outage["bullets"]) and "config push" in said
    assert set(questions) == {
        "Tell me about a time you owned a problem.", "Tell me about a time you dug into data.",
        "Tell me about a time you were wrong.", "Tell me about a time you found a root cause.",
    }  # fmt: skip
    assert "stories" not in questions["Tell me about a time you were wrong."]
    assert "говорить медленнее" in " ".join(questions["Tell me about a time you were wrong."]["notes"])
    assert not any("говорить" in line for line in notes.skipped)

    notes = read(
        "## Ownership\n1. Tell me about a mess you owned.\n   - Story: Flaky CI\n"
        "2. Tell me about onboarding.\n3. Tell me about data work.\n   - Story: Old report\n"
        "## Customer Obsession\n1. Tell me about a customer you delighted.\n   - → same story as 3\n"
        "2. Tell me about listening.\n   - → #1 Flaky\n"
        "3. Tell me about a redesign.\n   - Story: Onboarding redesign\n"
        "### Story #1: Flaky CI\n- S: CI failed one run in five.\n- A: I fixed the three top causes.\n"
        "### Story #1: Onboarding redesign\n- S: Onboarding took a week.\n- A: I cut it to a day.\n"
        "### Story: Old report\n- S: The report was wrong.\n- A: I rebuilt it.\n"
        "### Story: EU move\n- A: Steps:\n  1. Moved the US data over one weekend\n"
        "  2. Same as 1, but for the EU region, with the privacy team on the call\n"
    )
    questions, stories = indexed(notes)
    assert questions["Tell me about a customer you delighted."]["stories"] == ["onboarding-redesign"]
    assert questions["Tell me about listening."]["stories"] == ["flaky-ci"]  # "#1" twice: by its name
    assert "Same as 1, but for the EU region" in str(stories["EU move"]["bullets"])

    notes = read(
        "## Ownership\n\n**Tell me about a time you took on more than your role.**\n\nStory: Billing\n\n"
        "**Tell me about a decision you made alone.**\n\n(no story yet)\n\n"
        "**Tell me about a long-standing problem you fixed.**\n\nStory: Flaky CI\n\n"
        "### Story: Flaky CI\n- S: CI failed.\n- A: I fixed it.\n### Story: Billing\n- S: Billing failed.\n"
        "- A: I fixed it.\n"
    )
    questions, _ = indexed(notes)
    assert "stories" not in questions["Tell me about a decision you made alone."]
    assert notes.stories[0]["id"] == "flaky-ci"
    from voice_coach.bank.notes.names import slug

    assert slug("Café prep") == "caf-prep"  # as before: a re-import finds the ids it gave
    assert slug("Ночной деплой") == "ночной-деплой"


def test_nuggets_named_answers_categories_and_short_names():
    """blind13's kinds, in other words: numbered questions straight under the document's title, each
    answered by a "- Nugget:" line then "- Situation:" ... items at the same indent; a story under
    a question heading titled by the name on its first line, named again by its first words under
    other questions ("Dockside lift - took twice as long"); "### Category – Title" stories whose
    category is in the file's Categories list, a "(rough)" status off the title, and a
    "Reflection / Lessons:" line kept as a note."""
    notes = read(
        "# PRACTICE SET 2\n\nAnswer each with a nugget first.\n\n"
        "1. Tell me about something you are proud of.\n\n"
        "- Nugget: I fixed the night-shift stock sheet.\n- Situation: Stock went out of date unseen.\n"
        "- Action: I turned the binder into a shared sheet.\n- Result: Waste fell by two thirds.\n\n"
        "2. Tell me about a time you were wrong.\n\n- Nugget:\n- Situation:\n- Action:\n- Result:\n"
    )
    questions, stories = indexed(notes)
    assert set(questions) == {
        "Tell me about something you are proud of.",
        "Tell me about a time you were wrong.",
    }
    (story,) = notes.stories
    assert story["title"] == "Tell me about something you are proud of."
    assert "I fixed the night-shift stock sheet." in story["notes"] and len(story["bullets"]) == 3

    notes = read(
        "# Questions on Ownership\n\n## Tell me about a problem you fixed that was not yours.\n\n"
        "Dockside lift outage (found it on the night shift)\n\n"
        "### Situation\n- The goods lift stopped twice a week.\n"
        "### Action\n- I logged every stop and found the worn sensor.\n"
        "### Result\n- No stops in six months.\n\n"
        "## Tell me about a goal you missed.\n\nDockside lift - the fix took twice as long as I said\n\n"
        "## Categories\n- Migration\n- Cost\n\n## Seeds\n\n### Migration – Moving invoices to Postgres\n"
        "- Situation: Invoices shared a busy MySQL cluster.\n- Action: I dual-wrote for three weeks.\n"
        "- Result: No failed invoices.\n"
        "- Reflection / Lessons: Row counts caught more than the tests did.\n\n"
        "### Cost – Shrinking the log bill (rough)\n- Situation: Logs cost more than compute.\n"
        "- Action: I sampled debug logs.\n"
    )
    questions, stories = indexed(notes)
    assert set(stories) == {"Dockside lift outage", "Moving invoices to Postgres", "Shrinking the log bill"}
    lift = stories["Dockside lift outage"]["id"]
    assert questions["Tell me about a problem you fixed that was not yours."]["stories"] == [lift]
    assert questions["Tell me about a goal you missed."]["stories"] == [lift]
    invoices = stories["Moving invoices to Postgres"]
    assert (
        "Theme: Migration" in invoices["notes"]
        and "Row counts caught more than the tests did." in invoices["notes"]
    )
    assert "Status: rough" in stories["Shrinking the log bill"]["notes"]


def test_what_the_nugget_and_name_line_forms_must_leave_alone():
    """A second review's inputs: each was misread by a first version of blind13's forms."""
    notes = read("# Questions to ask the interviewer\n1. What does success look like in 90 days?\n")
    assert notes.questions == []
    notes = read(
        "# Payments outage\n1. Tell me about a time you handled a crisis.\n2. Tell me about acting fast.\n\n"
        "- Situation: Card payments failed for an hour.\n- Action: I rolled back the gateway config.\n"
        "- Result: Recovered in 20 minutes.\n"
    )
    assert [s["title"] for s in notes.stories] == ["Payments outage"]
    notes = read(
        "## Ownership\n### Kafka migration\n- Situation: Our queue fell over weekly.\n"
        "- Action: I moved us to Kafka.\n"
        "### Tell me about a time you simplified something\n"
        "- Not Kafka migration, too technical for this panel\n"
        "## Tell me about a time you failed\nKeep it under two minutes\n- Situation: I missed a date.\n"
        "- Action: I told the team the same day.\n- Result: We shipped a week late.\n"
        "## Tell me about a risk you took\nPayment fallback (Acme, 2022)\n"
        "- Situation: The provider was flaky.\n"
        "- Action: I added a second provider.\n## STAR template\n```\n"
        "Situation: Set the scene and give the necessary context.\n"
        "Task: Describe what your responsibility was in that situation.\n```\n"
        "## Week plan\n- Monday\n  - Activity: mock interview with Sam, focus on conflict stories\n"
        "- Tuesday\n  - Activity: rewrite the failure story and time it\n"
    )
    questions, stories = indexed(notes)
    assert "stories" not in questions["Tell me about a time you simplified something"]
    assert "Tell me about a time you failed" in stories  # "Keep it under two minutes" is a reminder
    fallback = stories["Payment fallback"]
    assert "Acme, 2022" in fallback["notes"]
    assert set(stories) == {"Kafka migration", "Tell me about a time you failed", "Payment fallback"}
    notes = read(
        "### Story: Outage\n- Situation: Card payments failed on Black Friday. The fix was obvious\n"
        "  -- roll back -- but nobody wanted to own the call.\n- Task/Action: I ran the rollback myself.\n"
    )
    (story,) = notes.stories
    assert len(story["bullets"]) == 2
