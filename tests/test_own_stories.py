"""The user's own stories as they wrote them (../shared/user-notes): untagged, long, misspelled, two of
them twins. Answers to them are labelled in evaluation/labelled/own*.yaml (issue 26)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from conftest import need_shared
from voice_coach.api import evaluate_scoring, import_notes
from voice_coach.bank.files import load_dirs
from voice_coach.config import load_settings, shipped_bank_dir
from voice_coach.errors import UserError
from voice_coach.evaluation.evaluate import load_set, set_path
from voice_coach.scoring.analyze import analyze
from voice_coach.scoring.coaching import fix_first
from voice_coach.scoring.star import infer_parts
from voice_coach.speech.engines import transcript_from_text

WENT_MY_WAY = "disagreed-and-things-went-your-way"


@pytest.fixture(scope="module")
def own_bank(tmp_path_factory):
    notes = need_shared("user-notes/amazon-sdm-loop-prep.md")
    into = tmp_path_factory.mktemp("bank")
    import_notes(notes, into=into)
    return into


@pytest.fixture(scope="module")
def bank(own_bank):
    """The bank as practice loads it: the shipped one and the user's imported notes."""
    return load_dirs([shipped_bank_dir(), own_bank])


def test_parts_are_inferred_for_untagged_bullets_as_the_examples_tag_them():
    """The shipped stories with their tags taken away get them back from their wording alone."""
    stories = load_dirs([shipped_bank_dir()]).stories.values()
    bullets = [b for s in stories for b in s.all_bullets()]
    assert len(bullets) >= 30 and all(b.star for b in bullets)
    for story in stories:
        plain = [replace(b, star=None) for b in story.all_bullets()]
        assert infer_parts(plain) == {b.id: b.star for b in story.all_bullets()}, story.id


def test_the_users_stories_get_a_situation_actions_and_a_result(bank):
    for story_id in (WENT_MY_WAY, "disagreed-and-things-did-not-go-your-way"):
        story = bank.stories[story_id]
        # the notes tag nothing: the import wrote the inferred parts and marked them as guessed
        assert story.parts_inferred
        parts = {b.id: b.star for b in story.all_bullets()}
        assert infer_parts([replace(b, star=None) for b in story.all_bullets()]) == parts
        assert parts["1"] == "S" and parts[story.all_bullets()[-1].id] == "R", story_id
        assert {"S", "T", "A", "R"} <= set(parts.values()), story_id


def test_a_part_the_user_corrects_is_kept_and_scored(tmp_path):
    """The guessed parts are the user's to correct: a re-import keeps the correction, scoring uses it."""
    notes = need_shared("user-notes/amazon-sdm-loop-prep.md")
    import_notes(notes, into=tmp_path)
    path = tmp_path / "amazon-sdm-loop-prep.yaml"
    guessed = "'A: I made call recordings available to all the stakeholders at my company'"
    assert guessed in path.read_text()
    path.write_text(path.read_text().replace(guessed, guessed.replace("'A: ", "'R: ")))
    assert import_notes(notes, into=tmp_path).plan.count("kept-edit") == 1
    bank = load_dirs([shipped_bank_dir(), tmp_path])
    (bullet,) = [b for b in bank.stories[WENT_MY_WAY].all_bullets() if b.text.startswith("I made call")]
    assert bullet.star == "R"
    text = "I made the call recordings available to all the stakeholders at my company."
    report = analyze(transcript_from_text(text), bank, None, story_id=WENT_MY_WAY)
    assert report.sentences[0].part == "result"


def test_a_told_result_is_heard(bank):
    """The issue's telling: the report said 'no Result' and asked for one right after it was told."""
    text = (
        "At my last startup the CEO organized an offsite for the leadership team, and we were presented "
        "a new vision for citizen developers. I felt strongly it wouldn't be good for the company. I asked "
        "for a week before anything got communicated, and I organized ten calls with our existing "
        "customers. Only one of them could use it, and nine out of ten of our customers told us the new "
        "direction went against why they chose us. That brought the leadership team back to our core."
    )
    report = analyze(transcript_from_text(text), bank, bank.questions["my-backbone-2"])
    assert report.story.id == WENT_MY_WAY
    assert report.star.result.present and report.star.quantified_result
    assert not any("no Result" in f for f in report.flags)
    assert not any("result" in f.lower() for f in report.follow_ups[:1])
    assert [s.part for s in report.sentences[-2:]] == ["result", "result"], report.sentences


def test_a_result_told_first_is_the_result(bank):
    """Issue 26: "a sentence that states an outcome is a Result wherever it stands in the answer"; an
    answer that opens with how it ended had its first sentence called the Situation."""
    text = (
        "In the end we did not change direction: one customer out of ten said they could use it. "
        "Our CEO had organized an offsite for the leadership team and presented a vision for citizen "
        "developers. I asked for a week before anything went out to the other teams, and I organized "
        "ten twenty-minute calls with our existing customers."
    )
    report = analyze(transcript_from_text(text), bank, bank.questions["my-backbone-2"])
    assert report.story.id == WENT_MY_WAY
    assert report.sentences[0].part == "result", report.sentences
    assert report.star.result.present and report.star.action.present


def test_a_count_of_people_is_no_result_unless_it_is_a_share():
    """Only "N out of M" is an outcome wherever it stands; "five people in two time zones" is not."""
    from voice_coach.scoring.star import label_sentence

    assert label_sentence("Our team was five people in two time zones.", None, 0.5) != "R"
    assert label_sentence("I spent two weeks in Dublin with the vendor.", None, 0.5) != "R"
    assert label_sentence("Nine customers out of ten said no.", None, 0.5) == "R"


def test_misspelled_bullets_are_matched_as_spoken(bank):
    """'I consolodated the data ...' is heard when said correctly."""
    text = (
        "Our CEO organized an offsite for the leadership team and presented a new product vision. "
        "I organized ten twenty-minute calls with existing customers. "
        "Then I consolidated the data we collected into a short summary and published it."
    )
    report = analyze(transcript_from_text(text), bank, bank.questions["my-backbone-2"], story_id=WENT_MY_WAY)
    (bullet,) = [b for b in report.bullets if b.id == "16"]
    assert "consolodated" in bullet.text  # shown as written
    assert bullet.covered, bullet


@pytest.mark.parametrize(
    "name, floors",
    [
        # measured 2026-12-07 with bge-small, typed: own 0.948 / 0.792 / 1.000 / 0.806, held out 0.949 /
        # 0.793 / 1.000 / 0.831 (MiniLM: 0.939 / 0.759 and 0.913 / 0.707); floors about one answer
        # below: the embeddings' last digits move with the CPU's kernels; issue 26 asks precision 0.9,
        # recall 0.85, story 1.0, STAR 0.8
        ("own", {"precision": 0.93, "recall": 0.77, "story_accuracy": 0.97, "star_accuracy": 0.79}),
        ("own-heldout", {"precision": 0.93, "recall": 0.74, "story_accuracy": 0.94, "star_accuracy": 0.8}),
    ],
)
def test_answers_to_the_users_stories_score_at_least_as_measured(own_bank, monkeypatch, name, floors):
    monkeypatch.setenv("VOICE_COACH_BANK_DIR", str(own_bank))
    metrics = evaluate_scoring(name, settings=load_settings()).metrics()["text"]
    assert metrics["answers"] >= (30 if name == "own" else 14)
    for key, floor in floors.items():
        assert metrics[key] >= floor, (key, metrics)
    # the Task and Result, each >= 0.7 of the sentences labelled so (typed: 0.82-0.89, 0.71-0.79)
    for part in ("task", "result"):
        assert metrics["star_recall"][part] >= 0.7, (part, metrics["star_recall"])


def test_a_set_about_stories_not_in_the_bank_says_which_notes_to_import(vc_env, monkeypatch, tmp_path):
    monkeypatch.setenv("VOICE_COACH_BANK_DIR", str(tmp_path / "empty"))
    with pytest.raises(UserError) as err:
        evaluate_scoring("own", settings=load_settings())
    assert WENT_MY_WAY in str(err.value) and "amazon-sdm-loop-prep.md" in err.value.fix


def test_the_first_fix_is_a_missing_result_or_action_not_an_aside(bank):
    """Fix first and the debrief's "next" said 'add "I'm very open to new ideas"' on every run."""
    text = (
        "Our CEO organized an offsite for the leadership team, and we were presented a new vision for "
        "the product. I felt strongly it wouldn't be good for the company, so I pushed back."
    )
    report = analyze(transcript_from_text(text), bank, bank.questions["my-backbone-2"], story_id=WENT_MY_WAY)
    missed = report.missed()
    assert "I'm very open to new ideas" in missed
    first = next(b for b in report.bullets if b.text == missed[0])
    assert first.star in ("R", "A") and first.text != "I'm very open to new ideas", first
    assert missed.index("I'm very open to new ideas") > len(missed) / 2


def test_practice_and_the_loop_ask_the_users_own_questions(bank):
    """`practice --principle backbone` asked a shipped question beside the user's own eight."""
    from voice_coach.interview import pick_questions

    for seed in range(5):
        picked = pick_questions(bank, principles=["backbone"], count=3, seed=seed)
        assert all(q.id.startswith("my-backbone-") for q in picked), [q.id for q in picked]
    mine = {q.topic for q in bank.questions.values() if not q.example}
    shipped_only = next(p for p in bank.principles if p not in mine and bank.questions_for(p))
    assert all(q.example for q in bank.askable(shipped_only))  # where the user has none: shipped ones
    assert {q.id for q in bank.askable()} >= {q.id for q in bank.questions.values() if not q.example}


def test_the_users_loop_asks_their_questions(bank):
    from voice_coach.interview import make_plan

    plan = make_plan(bank, bank.loops["amazon-sdm-loop-prep"], set(), voices=[("joe", 170)])
    asked = [s.ref for s in plan.steps if s.kind == "question"]
    mine = [q for q in asked if not bank.questions[q].example]
    own_topics = {q.topic for q in bank.questions.values() if not q.example}
    assert mine and all(q in mine for q in asked if bank.questions[q].topic in own_topics), asked


def test_a_sentence_that_tells_two_bullets_covers_both(bank):
    """'The CEO had crafted it with our newly hired project management director' says bullet 6 (crafted
    by the CEO with the director) and bullet 2 (a newly hired director): one window, two credits."""
    text = (
        "Our CEO organized an offsite for the core leadership team, and it was billed as a session for "
        "refining our direction and strategy. The CEO had crafted a new vision for our front-end product "
        "with our newly hired project management director. I asked for a week before anything got "
        "communicated to other teams."
    )
    report = analyze(transcript_from_text(text), bank, bank.questions["my-backbone-2"], story_id=WENT_MY_WAY)
    covered = {b.id for b in report.bullets if b.covered}
    assert {"1", "2", "3", "6", "13"} <= covered, covered
    assert not covered & {"17", "18", "19"}  # no result was told


def test_twin_stories_are_told_apart_by_what_differs(bank):
    """Both stories open with the CEO and a new front-end product; the actions and the end differ.
    The story the answer told wins clearly (it won by 0.48-0.60 when every bullet weighed the same)."""
    went = [
        "Our CEO brought the leaders together off site and, with a director he had just hired, pitched "
        "turning what my team was building into a no-code tool for business users. I pushed back: our "
        "existing customers had helped shape it and were waiting for it, and we were too small to chase "
        "a new audience. So I asked for a week and got ten current customers on calls to weigh the two "
        "directions. Only one could use the new idea, nine said it went against why they picked us, and "
        "the leadership went back to serving professional developers.",
        "At an offsite, leadership unveiled a new vision for our front-end product aimed at people who "
        "don't code. I questioned the people behind it and found it mostly came from the new director's "
        "past low-code jobs. I asked for one week and ran customer calls. Nine out of ten customers said "
        "it went against why they chose us.",
    ]
    did_not = (
        "Leadership wanted a new front-end product because growth was slow. I disagreed and wrote a memo "
        "with a roadmap of what customers asked for. I also talked to some agency customers, and to my "
        "surprise several wanted a new front-end tool. The team went ahead, I asked to be its architect, "
        "and our beta now has dozens of developers."
    )
    for text in went:
        report = analyze(transcript_from_text(text), bank, bank.questions["my-backbone-1"])
        assert (report.story.id, report.story.confidence >= 0.65) == (WENT_MY_WAY, True), report.story
    report = analyze(transcript_from_text(did_not), bank, bank.questions["my-backbone-1"])
    assert report.story.id == "disagreed-and-things-did-not-go-your-way"


def test_the_demo_candidate_tells_a_long_story_in_the_time_it_has(bank):
    """The user's stories run to 30 bullets (over 3 minutes aloud): in a 75 s demo question every
    answer was cut off and every follow-up skipped. Told in 45 s: its opening, task, actions and
    results, in order, and scored as that story."""
    import voice_coach.interview.candidate as candidate

    story = bank.stories[WENT_MY_WAY]
    full, short = candidate.answer(story), candidate.answer(story, seconds=45)
    assert len(full.split()) > 400 and len(short.split()) <= 45 * candidate.RATE / 60 * 1.3
    assert short.startswith("CEO organized a company offsite") and "was:." not in short
    report = analyze(transcript_from_text(short), bank, bank.questions["my-backbone-2"])
    assert report.story.id == WENT_MY_WAY
    assert {"situation", "task", "action", "result"} <= {s.part for s in report.sentences}
    assert not candidate.answer(story, gap="no-result", seconds=45).count("9 articulated")


def test_an_answer_that_tells_parts_of_the_twin_story_says_so(bank):
    """The 'did not go' story told with the other twin's customer calls in the middle."""
    text = (
        "Our CEO was frustrated that we weren't growing fast enough, and he wanted to add a front-end "
        "product to our backend. I felt strongly it was a distraction from our core. I organized ten "
        "twenty-minute calls with existing customers and had them do a pros and cons exercise on the "
        "two product visions. The team decided to go ahead anyway, so I made the case to be the "
        "architect, and we launched a beta earlier this year."
    )
    report = analyze(transcript_from_text(text), bank, bank.questions["my-backbone-1"])
    assert report.story.id == "disagreed-and-things-did-not-go-your-way"
    assert report.story.mixed_with == WENT_MY_WAY and "ten twenty-minute calls" in report.story.mixed_evidence
    assert any("part of another story" in str(f) for f in fix_first(report))
    # told alone, each story is not mixed
    for item in load_set(set_path("own"))[:3]:
        alone = analyze(transcript_from_text(item.text), bank, bank.questions[item.question])
        assert alone.story.mixed_with is None, item.id


def test_a_few_words_are_no_evidence(bank):
    """Issue 26: 'Deeply rooted in what the new PM had delivered in past roles at low-code startups'
    was credited from "At my last startup," (a sentence of four words)."""
    text = (
        "At my last startup, our CEO organized an offsite for the leadership team. At the offsite, the CEO "
        "presented a new vision for citizen developers. I asked for a week and called ten customers."
    )
    report = analyze(transcript_from_text(text), bank, bank.questions["my-backbone-2"], story_id=WENT_MY_WAY)
    credited = {b.id: b.evidence for b in report.bullets if b.covered}
    assert "10.1" not in credited and "1" in credited, credited


def test_a_clause_is_told_by_the_i_of_its_sentence(bank):
    """An action in a sentence's later clause ("where customers compared the pros and cons of the two
    visions") has no "I" of its own; its sentence's "I ran ten twenty-minute calls" is its speaker."""
    answers = {a.id: a for a in load_set(set_path("own"))}
    # a clause, and a piece of a sentence too long to score whole ("..., the boss liked the idea of
    # using it himself, and they figured ...": "When I questioned the people championing it" opens it)
    for answer_id, told in (("own-w-partial-2", {"14", "14.1"}), ("own-w-para-1", {"10.2"})):
        item = answers[answer_id]
        question = bank.questions[item.question]
        report = analyze(transcript_from_text(item.text), bank, question, story_id=item.story)
        credited = {b.id for b in report.bullets if b.covered}
        assert told <= credited, (answer_id, credited)
