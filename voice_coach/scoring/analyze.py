"""Build the answer report (the `analyze --json` contract of PRODUCT.md) from a transcript."""

from __future__ import annotations

from pathlib import Path

from voice_coach.bank.model import Bank, Question
from voice_coach.errors import UserError
from voice_coach.scoring.coverage import Scorer, confidence, default_scorer, match_bullets, story_scores
from voice_coach.scoring.delivery import DeliveryBands, delivery
from voice_coach.scoring.star import PARTS, label_sentence, star_block, star_flags
from voice_coach.scoring.text import sentences
from voice_coach.speech.engines import Transcript

FREE_ANSWER = Question(id="free", principle="", text="(free answer)")


def gap_follow_ups(star: dict, ratio: float | None) -> list[str]:
    """Probes an interviewer would ask where the answer is thin."""
    probes = []
    if not star["result"]["present"]:
        probes.append("What was the result? How did it end?")
    elif not star["quantified_result"]:
        probes.append("Can you put a number on that result?")
    if ratio is not None and ratio < 0.5:
        probes.append("You said 'we' a lot. What did you personally do?")
    return probes


def analyze(
    transcript: Transcript,
    bank: Bank,
    question: Question | None = None,
    story_id: str | None = None,
    audio_path: str | Path | None = None,
    target_s: float = 120.0,
    bands: DeliveryBands | None = None,
    scorer: Scorer | None = None,
) -> dict:
    question = question or FREE_ANSWER
    target = question.target_s or target_s
    sents = sentences(transcript.words)
    if scorer is None:
        scorer = default_scorer()
        scorer.fit([b.text for s in bank.stories.values() for b in s.all_bullets()])

    if story_id is not None:
        if story_id not in bank.stories:
            raise UserError(
                f"unknown story id '{story_id}'",
                fix="see the ids with `voice-coach bank list`, or leave out --story",
            )
        story, conf = bank.stories[story_id], 1.0
    else:
        ranked = story_scores(list(bank.stories.values()), sents, scorer, question.stories)
        story = bank.stories[ranked[0].id] if ranked and ranked[0].told >= scorer.story_floor else None
        conf = confidence(ranked) if story else 0.0

    matches = match_bullets(story, sents, scorer) if story else []
    tag_of_sentence: dict[int, str] = {}
    for m in matches:
        if m.covered and m.bullet.star and m.window:
            for i in range(m.window.first, m.window.last + 1):
                tag_of_sentence.setdefault(i, m.bullet.star)
    n = max(1, len(sents))
    labels = [label_sentence(s.text, tag_of_sentence.get(i), i / n) for i, s in enumerate(sents)]
    star = star_block(sents, labels)
    deliv = delivery(transcript.words, transcript.duration_s, target, bands)

    bullets = [
        {
            "id": m.bullet.id,
            "text": m.bullet.text,
            "star": m.bullet.star,
            "covered": m.covered,
            "score": m.score,
            "evidence": m.window.text if (m.window and m.covered) else "",
        }
        for m in matches
    ]
    covered = sum(b["covered"] for b in bullets)
    expected = question.stories
    return {
        "question": {"id": question.id, "text": question.text, "principle": question.principle or None},
        "audio": {"path": str(audio_path) if audio_path else None, "duration_s": transcript.duration_s},
        "transcript": {
            "text": transcript.text,
            "words": [{"word": w.word, "start": w.start, "end": w.end} for w in transcript.words],
        },
        "delivery": deliv,
        "star": star,
        "story": {
            "id": story.id if story else None,
            "title": story.title if story else None,
            "confidence": conf,
            "expected": expected,
            "other_than_expected": bool(story and expected and story.id not in expected),
        },
        "bullets": bullets,
        "coverage": round(covered / len(bullets), 3) if bullets else 0.0,
        "follow_ups": list(question.follow_ups) + gap_follow_ups(star, deliv["i_we_ratio"]),
        "sentences": [
            {"text": s.text, "start": s.start, "end": s.end, "part": PARTS.get(lab) if lab else None}
            for s, lab in zip(sents, labels, strict=True)
        ],
        "flags": star_flags(star) + deliv["flags"],
        "model": {
            "engine": transcript.engine,
            "name": transcript.model,
            "transcribe_s": transcript.seconds,
            "scorer": scorer.name,
        },
    }
