"""The debrief quotes the facts of each answer and never contradicts them: a cut-off answer is
never strong, a missing result after follow-ups skipped for time says so, a quantified result is
quoted, and missed bullets come as a list, shortest first."""

from __future__ import annotations

from voice_coach.bank import load_dirs
from voice_coach.config import shipped_bank_dir
from voice_coach.history.store import Attempt
from voice_coach.interview.review import _answer, signal
from voice_coach.report.debrief import to_markdown
from voice_coach.scoring.analyze import analyze
from voice_coach.scoring.model import Ending
from voice_coach.speech.engines import transcript_from_text

BANK = load_dirs([shipped_bank_dir()])
Q = BANK.questions["backbone-disagree-manager"]
TOLD = (
    "Before our spring launch the head of sales proposed moving every customer to an annual-only "
    "price plan. I believed it would drive away our small monthly customers, and I had to convince the "
    "executive team. I asked for two weeks to test the plan before anything was announced. I ran a "
    "price test on 400 new sign-ups and showed half of them the annual-only plan. I sent the raw "
    "results to every executive with a one-page memo."
)
RESULT = " Sign-ups fell by 35 percent in the annual-only group, and the executives kept monthly billing."


def answer(text: str, ending: Ending | None = None) -> dict:
    report = analyze(transcript_from_text(text), BANK, Q)
    report.ending = ending
    return _answer(Attempt(1, "s", Q.id, Q.principle, report.story.id, None, "done", 0.0, report=report))


def test_a_complete_answer_is_strong_and_its_number_is_quoted():
    level, reasons, _ = signal([answer(TOLD + RESULT, Ending("silence", 210.0))])
    assert level == "strong", reasons
    assert any(r.startswith('a quantified result: "Sign-ups fell by 35 percent') for r in reasons), reasons


def test_an_answer_cut_off_at_the_limit_is_never_strong():
    level, reasons, nxt = signal([answer(TOLD + RESULT, Ending("time limit", 210.0))])
    assert level == "inclined"
    assert "cut off at the time limit (3:30): the answer did not finish" in reasons
    assert nxt.startswith("finish within the time")


def test_no_result_after_follow_ups_skipped_for_time_says_they_were_skipped():
    _, reasons, _ = signal([answer(TOLD, Ending("silence", 210.0, follow_ups_skipped=2))])
    assert "no result: 2 follow-up(s) skipped for time, so it was not asked for" in reasons
    assert not any("even after" in r for r in reasons)
    _, reasons, _ = signal([answer(TOLD)])
    assert "no result (no follow-up was asked)" in reasons


def test_missed_bullets_are_a_list_shortest_first():
    item = answer(TOLD[:200])
    assert len(item["missed"]) >= 3 and item["missed"] == sorted(item["missed"], key=len)
    debrief = {
        "session": "s",
        "kind": "loop",
        "loop": None,
        "principles": [
            {
                "name": "Have Backbone",
                "signal": "inclined",
                "coverage": 0.3,
                "reasons": [],
                "answers": [item],
                "next": "x",
            }
        ],
        "rubrics": [],
        "story_reuse": [],
    }
    text = to_markdown(debrief)
    assert "Missed:\n\n" + "\n".join(f"- {m}" for m in item["missed"]) in text


def test_the_debrief_page_opens_with_a_line_per_principle_and_folds_the_evidence():
    """Issue 30: the debrief page was 5,300 px tall with up to 24 red "missed" bullets per principle
    and no summary. It opens with a line per principle (signal, the one next thing); the evidence and
    the missed bullets are folded below it."""
    import re

    from voice_coach.report.debrief import to_html

    row = {
        "name": "Earn Trust",
        "signal": "inclined",
        "coverage": 0.5,
        "reasons": ["a result with a number"],
        "next": "tell the result first",
        "answers": [
            {
                "interviewer": "Natesh",
                "question": "Tell me about a time.",
                "evidence": ["I asked."],
                "missed": ["x"] * 24,
            }
        ],
    }
    page = to_html(
        {
            "session": "s1",
            "loop": "",
            "principles": [row, {**row, "name": "Dive Deep", "next": "name the metric"}],
            "rubrics": [],
            "story_reuse": [],
        }
    )
    summary = page[page.index('<table class="summary">') : page.index("</table>")]
    assert re.findall(r"<tr>.*?</tr>", summary, re.S) and summary.count("<tr>") == 2
    assert "tell the result first" in summary and "name the metric" in summary and "inclined" in summary
    first_section = page.index("<section")
    assert page.index('<table class="summary">') < first_section  # the summary comes first
    details = page[page.index("<details>") : page.index("</details>")]
    assert "24 bullet(s) missed" in details and details.count("<li>x</li>") == 24
