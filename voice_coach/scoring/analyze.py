"""Build the answer report (the `analyze --json` contract of PRODUCT.md) from a transcript."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

from voice_coach.bank.model import Bank, Bullet, Question, Rubric, Story
from voice_coach.config import Settings
from voice_coach.errors import UserError
from voice_coach.scoring.coverage import (
    Scorer,
    confidence,
    default_scorer,
    match_bullets,
    other_story_told,
    story_scores,
)
from voice_coach.scoring.delivery import DeliveryBands, delivery, place_words
from voice_coach.scoring.followups import choose
from voice_coach.scoring.model import (
    TAGS,
    AnswerReport,
    AudioInfo,
    BulletResult,
    ModelInfo,
    QuestionRef,
    SentenceResult,
    StoryMatch,
    TranscriptBlock,
)
from voice_coach.scoring.relevance import judge
from voice_coach.scoring.star import label_answer, star_block, star_flags, with_parts
from voice_coach.scoring.text import sentences, tells_no_time
from voice_coach.speech.engines import Transcript

STORY_BY_BULLETS = 4  # covered bullets that name a story even when no sentence is a close match
FREE_ANSWER = Question(id="free", principle="", text="(free answer)")


def by_bullets_needed(story: Story) -> int:
    """Bullets that name a story with no close sentence: 4, or a quarter of a long story's (the user's
    stories run to 26-30 bullets, and a story not in the notes covered 5 of one)."""
    return max(STORY_BY_BULLETS, math.ceil(len(story.all_bullets()) / 4))


def rubric_story(rubric: Rubric) -> Story:
    """A rubric's points scored like a story's bullets (Why Amazon's reasons, a design checklist)."""
    return Story(
        id=f"rubric:{rubric.id}",
        title=rubric.title,
        bullets=[Bullet(id=f"{rubric.id}-{i}", text=point) for i, point in enumerate(rubric.points, 1)],
    )


def analyze(
    transcript: Transcript,
    bank: Bank,
    question: Question | None = None,
    story_id: str | None = None,
    audio_path: str | Path | None = None,
    target_s: float = 120.0,
    bands: DeliveryBands | None = None,
    scorer: Scorer | None = None,
    rubric: Rubric | None = None,
) -> AnswerReport:
    """Score one answer: STAR, the story told and its bullets, delivery, follow-ups to ask."""
    question = question or FREE_ANSWER
    target = question.target_s or target_s
    regions = transcript.speech_regions
    if regions:  # word times inside the speech the audio holds (pauses from the audio)
        transcript = replace(transcript, words=place_words(transcript.words, regions))
    sents = sentences(transcript.words)
    if scorer is None:
        scorer = default_scorer()
        scorer.fit(bank.bullet_texts())

    general = rubric is None and story_id is None and tells_no_time([s.text for s in sents])
    if rubric is not None:
        story, conf = rubric_story(rubric), 1.0
    elif general:  # what one usually does is no story, however close its words are to one
        story, conf = None, 0.0
    elif story_id is not None:
        if story_id not in bank.stories:
            raise UserError(
                f"unknown story id '{story_id}'",
                fix="see the ids with `voice-coach bank list`, or leave out --story",
            )
        story, conf = bank.stories[story_id], 1.0
    else:
        ranked = story_scores(list(bank.stories.values()), sents, scorer, question.stories)
        story = bank.stories[ranked[0].id] if ranked else None
        if story and ranked[0].told < scorer.story_floor:
            # no sentence matches closely (a hard paraphrase), but a story whose bullets are covered
            # one after another was told: keyword distractors cover at most 2 on the labelled set
            # (a bullet's best window counts here even where its evidence sentence leans elsewhere)
            # (which bullet a window tells does not matter here, only that the story's bullets are
            # told: so without the place rule, which can leave a bullet just under the threshold)
            told_bullets = sum(
                m.score >= scorer.threshold
                for m in match_bullets(story, sents, scorer, by_place=False, clauses=False)
            )
            story = story if told_bullets >= by_bullets_needed(story) else None
        conf = confidence(ranked) if story else 0.0

    mixed = (
        other_story_told(story, list(bank.stories.values()), sents, scorer)
        if story is not None and rubric is None
        else None
    )
    if story is not None:
        story = with_parts(story)  # untagged notes: each bullet's part inferred from its wording
    matches = match_bullets(story, sents, scorer) if story else []
    sims = scorer.matrix([m.bullet.text for m in matches], [s.text for s in sents]) if matches else None
    labels = label_answer(
        sents, matches, sims, off_topic=scorer.off_topic if story and rubric is None else None
    )
    star = star_block(sents, labels)
    deliv = delivery(transcript.words, transcript.duration_s, target, bands, regions)

    bullets = [
        BulletResult(
            id=m.bullet.id,
            text=m.bullet.text,
            star=m.bullet.star,
            covered=m.covered,
            score=m.score,
            evidence=m.window.text if (m.window and m.covered) else "",
        )
        for m in matches
    ]
    covered = sum(b.covered for b in bullets)
    words = list(transcript.words)  # one Word from the engine to the report
    expected = question.stories
    report = AnswerReport(
        question=QuestionRef(question.id, question.text, question.principle or None),
        audio=AudioInfo(str(audio_path) if audio_path else None, transcript.duration_s),
        transcript=TranscriptBlock(transcript.text, words),
        delivery=deliv,
        star=star,
        story=StoryMatch(
            id=story.id if story else None,
            title=story.title if story else None,
            confidence=conf,
            expected=expected,
            other_than_expected=bool(story and expected and story.id not in expected),
            general_talk=general,
            mixed_with=mixed[0] if mixed else None,
            mixed_evidence=mixed[1] if mixed else "",
        ),
        bullets=bullets,
        coverage=round(covered / len(bullets), 3) if bullets else 0.0,
        rubric=rubric.id if rubric else None,
        sentences=[
            SentenceResult(s.text, s.start, s.end, TAGS.get(lab) if lab else None, s.first, s.last)
            for s, lab in zip(sents, labels, strict=True)
        ],
        # a rubric prompt is judged by its points: STAR flags would judge a "Why Amazon?" as a story
        flags=(star_flags(star) if rubric is None else []) + deliv.flags,
        model=ModelInfo(transcript.engine, transcript.model, transcript.seconds, scorer.name),
        relevance=judge(question, words, bank, scorer)
        if rubric is None and question is not FREE_ANSWER
        else None,
    )
    # what an interviewer would ask next: the answer's gaps, then the question's own follow-ups
    if not rubric:
        report.follow_ups = [p.text for p in choose(report, question.follow_ups, limit=10)]
    return report


def score(
    transcript: Transcript,
    bank: Bank,
    settings: Settings,
    question: Question | None = None,
    audio_path: str | Path | None = None,
    story_id: str | None = None,
    target_s: float | None = None,
    rubric: Rubric | None = None,
) -> AnswerReport:
    """The answer report with the user's settings (target, pace band): the one scoring path for
    answers, follow-ups, recovered attempts and `analyze`."""
    return analyze(
        transcript,
        bank,
        question,
        story_id=story_id,
        audio_path=audio_path,
        target_s=target_s or settings.target_s,
        bands=DeliveryBands(settings.wpm_band, settings.wpm_flags),
        rubric=rubric,
    )
