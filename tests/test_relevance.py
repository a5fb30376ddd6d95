"""Relevance: an answer that never names what its question asks is not "strong", and every report
says which of the question's words it heard. Calibrated on the hand-labelled pairs of
evaluation/labelled/relevance.yaml (which questions each story does and does not answer)."""

from __future__ import annotations

import yaml

import voice_coach.interview.candidate as candidate
from voice_coach.bank import load_dirs
from voice_coach.bank.model import Question
from voice_coach.config import shipped_bank_dir
from voice_coach.evaluation.evaluate import LABELLED, SETS, load_set
from voice_coach.history.store import Attempt
from voice_coach.interview.review import _answer, signal
from voice_coach.scoring.analyze import analyze
from voice_coach.scoring.coaching import fix_first
from voice_coach.scoring.followups import Probe, merge
from voice_coach.scoring.model import Word
from voice_coach.scoring.relevance import asks, heard
from voice_coach.speech.engines import transcript_from_text

BANK = load_dirs([shipped_bank_dir()])


def words(text: str) -> list[Word]:
    return [Word(w.word, w.start, w.end) for w in transcript_from_text(text).words]


def timed(text: str) -> list[Word]:
    """Spoken words, half a second each."""
    return [Word(w, i * 0.5, i * 0.5 + 0.4) for i, w in enumerate(text.split())]


def test_words_are_heard_by_stem_and_phrases_through_fillers():
    said = timed("Then I pushed, um, back on the plan. I kept tracking the numbers.")
    found = heard(["tracked", "pushed back", "back pushed", "dashboard"], said)
    assert [(h.phrase, h.start) for h in found] == [("pushed back", 1.0), ("tracking", 5.0)]
    # whole words only: "in" is not "input"
    assert heard(["input"], timed("We met in the morning.")) == []


def test_the_ask_is_the_question_without_its_opening():
    assert asks("Tell me about the inputs you tracked to make sure a project delivered.") == (
        "the inputs you tracked to make sure a project delivered"
    )
    assert asks("Describe a time you missed a goal.") == "a time you missed a goal"


def test_every_shipped_question_lists_words_to_listen_for():
    assert all(q.look_for for q in BANK.questions.values())


def report_for(story: str, question: str):
    return analyze(
        transcript_from_text(candidate.answer(BANK.stories[story])), BANK, BANK.questions[question]
    )


def test_a_story_that_does_not_answer_the_question_is_never_strong():
    """The loop demo told the data center story to "the inputs you tracked": 'strong, 100%' before."""
    q = BANK.questions["deliver-key-inputs"]
    report = report_for("datacenter-exit", q.id)
    assert report.coverage == 1.0 and report.relevance is not None
    assert report.relevance.addresses is False
    assert fix_first(report)[0].text == (
        "may not answer the question asked: name what it asks for "
        '("inputs", "metric", "measure", "tracked" ...)'
    )
    attempt = Attempt(1, "s", q.id, q.principle, report.story.id, None, "done", 0.0, report=report)
    level, reasons, nxt = signal([_answer(attempt)])
    assert level == "inclined", reasons
    assert reasons[0].startswith("may not answer the question asked (the inputs you tracked")
    assert '"inputs", "metric"' in reasons[0]
    assert nxt.startswith("answer what was asked")
    # the interviewer asks the question again, before the story's gaps
    assert report.follow_ups[0] == "Let me come back to my question. " + q.text
    # the same story to a question it answers: its words are heard, with their moment
    good = report_for("datacenter-exit", "deliver-setback")
    assert good.relevance is not None and [h.phrase for h in good.relevance.heard][:1] == ["left"]
    assert not any(f.text.startswith("may not answer") for f in fix_first(good))


def test_a_follow_up_that_names_the_ask_counts():
    report = report_for("datacenter-exit", "deliver-key-inputs")
    follow = analyze(
        transcript_from_text("I tracked two inputs every Monday: tickets migrated and open alerts."),
        BANK,
        BANK.questions["deliver-key-inputs"],
        story_id="datacenter-exit",
    )
    merged = merge(report, [(Probe("question", "Why those inputs?", "", [], []), follow)])
    assert report.totals().addresses is False and merged.totals().addresses is True
    assert not any(f.text.startswith("may not answer") for f in fix_first(merged))


def test_a_notes_question_borrows_the_words_of_the_bank_question_it_rewords():
    told = candidate.answer(BANK.stories["datacenter-exit"])
    reworded = Question(
        id="notes-q1",
        principle="",
        theme="Delivery",
        text="Tell me about a time when you tracked inputs to make sure a project delivered. What were they?",
    )
    report = analyze(transcript_from_text(told), BANK, reworded)
    assert report.relevance is not None and report.relevance.words_of == "deliver-key-inputs"
    assert report.totals().addresses is False
    unlike = Question(
        id="notes-q2", principle="", theme="Misc", text="Which programming language do you like best?"
    )
    report = analyze(transcript_from_text(told), BANK, unlike)
    assert report.relevance is None and report.totals().addresses is None
    assert "relevance" not in report.to_dict()
    assert analyze(transcript_from_text(told), BANK).relevance is None  # a free answer asks nothing


def labelled_pairs(split: str) -> list[tuple[str, str, int]]:
    labels = yaml.safe_load((LABELLED / "relevance.yaml").read_text(encoding="utf-8"))["stories"]
    names = {"tuning": ("labelled", "hard"), "heldout": ("heldout", "hard-heldout")}[split]
    out = []
    for name in names:
        for a in load_set(LABELLED / SETS[name]):
            if a.story:
                lists = labels[a.story][split]
                out += [(a.text, q, 1) for q in lists["addresses"]] + [(a.text, q, 0) for q in lists["not"]]
    return out


def test_calibrated_on_labelled_pairs_tuning_and_held_out():
    """Caught: non-addressing pairs flagged; wrongly flagged: addressing pairs with none of the
    question's words (measured 0.82 / 0.13 tuning, 0.93 / 0.38 held out: half of those are answers
    that never say what was asked, the rest say it in other words; bench/relevance.py)."""
    for split, caught_min, wrong_max in (("tuning", 0.78, 0.16), ("heldout", 0.85, 0.42)):
        pairs = labelled_pairs(split)
        flagged = [(not heard(BANK.questions[q].look_for, words(text)), y) for text, q, y in pairs]
        caught = sum(f for f, y in flagged if y == 0) / sum(y == 0 for _, y in flagged)
        wrong = sum(f for f, y in flagged if y == 1) / sum(y == 1 for _, y in flagged)
        assert caught >= caught_min and wrong <= wrong_max, (split, caught, wrong)


def test_a_word_is_heard_in_the_questions_sense_only():
    """Issue 26: "input" from "with input from the director" is advice, not the inputs tracked;
    "short" from "a short summary" is no setback. Said in the question's sense, they are heard."""
    inputs = BANK.questions["deliver-key-inputs"].look_for
    setback = BANK.questions["deliver-setback"].look_for
    assert not heard(inputs, words("The CEO drafted it with input from the new director."))
    assert not heard(setback, words("I published a short summary for everyone."))
    assert [h.phrase for h in heard(inputs, words("The inputs we watched were weekly signups."))] == [
        "inputs"
    ]
    assert [h.phrase for h in heard(setback, words("We fell short of the launch date."))] == ["fell short"]
