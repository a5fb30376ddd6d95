"""Follow-up probes aimed at an answer's gaps, and what the follow-up answers recovered.

Each rule is a small function of the answer's report (and, for one rule, the user's history). They
are tried in a fixed order: the more important gap first, the question's own follow-ups last. A
probe aimed at STAR parts that an earlier probe already aims at is skipped, so the interviewer
never asks for the result twice.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field

from voice_coach.scoring.model import AnswerReport, Merged, ProbeResult
from voice_coach.scoring.text import pronoun_counts


@dataclass
class Probe:
    rule: str  # over-time, off-question, no-result, unquantified-result, we-not-i, long-situation,
    # usually-missed, question
    text: str  # what the interviewer says
    reason: str  # why it was asked, shown in the report
    parts: list[str] = field(default_factory=list)  # STAR parts it tries to recover
    bullets: list[str] = field(default_factory=list)  # bullet ids it tries to recover


def over_time(report: AnswerReport, stopped_by: str | None, limit_s: float | None) -> Probe | None:
    """The answer ran into the hard limit: interrupt politely and ask for the ending."""
    if stopped_by != "time limit":
        return None
    limit = f"{limit_s / 60:.1f}-minute" if limit_s else "time"
    return Probe(
        "over-time",
        "Let me stop you there, in the interest of time. In a sentence or two: how did it end?",
        f"the answer reached the {limit} limit",
        parts=["result"],
    )


def off_question(report: AnswerReport) -> Probe | None:
    """None of the question's words was heard: an interviewer asks the question again."""
    rel = report.relevance
    if rel is None or rel.addresses:
        return None
    return Probe(
        "off-question",
        f"Let me come back to my question. {report.question.text}",
        "none of the question's words was heard",
    )


def no_result(report: AnswerReport) -> Probe | None:
    if report.star.result.present:
        return None
    return Probe(
        "no-result",
        "What was the result? How did it end, and how did you know it had worked?",
        "no Result was heard",
        parts=["result"],
    )


def unquantified_result(report: AnswerReport) -> Probe | None:
    star = report.star
    if not star.result.present or star.quantified_result:
        return None
    return Probe(
        "unquantified-result",
        "Can you put a number on that result? How much, how many, or how fast?",
        "the result has no number in it",
        parts=["result"],
    )


def action_pronouns(report: AnswerReport) -> tuple[int, int]:
    """(I, we) subject pronouns in the sentences labelled Action (the whole answer when no sentence
    was labelled Action): counted as the report's I/we ratio counts them."""
    chosen = [s for s in report.sentences if s.part == "action"] or report.sentences
    return pronoun_counts(w for s in chosen for w in s.text.split())


def we_not_i(report: AnswerReport) -> Probe | None:
    """'We' dominating the actions: Amazon interviewers probe for what you did."""
    i, we = action_pronouns(report)
    if we < 2 or we <= i:
        return None
    return Probe(
        "we-not-i",
        "You said 'we' a lot. What did you personally do?",
        f"the actions say 'we' {we} times and 'I' {i} times",
        parts=["action"],
    )


def long_situation(report: AnswerReport) -> Probe | None:
    share = report.star.situation.share or 0.0
    if share <= 1 / 3:
        return None
    return Probe(
        "long-situation",
        "That is useful background. What exactly did you do, step by step?",
        f"the situation took {share:.0%} of the answer (over a third)",
        parts=["action"],
    )


def usually_missed(report: AnswerReport, missed: dict[str, tuple[int, int]]) -> Probe | None:
    """A bullet of the story left out now and in most earlier tellings (missed, told) >= (2, 2)."""
    candidates = []
    for b in report.bullets:
        n_missed, told = missed.get(b.id, (0, 0))
        if not b.covered and told >= 2 and n_missed * 2 > told:
            candidates.append((n_missed / told, told, b))
    if not candidates:
        return None
    rate, told, bullet = max(candidates, key=lambda c: (c[0], c[1], c[2].id))
    topic = bullet.text.rstrip(".").strip()
    return Probe(
        "usually-missed",
        f"Tell me more about this part: {topic[:1].lower() + topic[1:]}.",
        f"you left this bullet out in {round(rate * told)} of your last {told} tellings of the story",
        bullets=[bullet.id],
    )


def choose(
    report: AnswerReport,
    question_follow_ups: list[str],
    stopped_by: str | None = None,
    limit_s: float | None = None,
    missed: dict[str, tuple[int, int]] | None = None,
    limit: int = 2,
) -> list[Probe]:
    """The probes to ask after this answer, most important first, at most `limit`."""
    rules: list[Callable[[], Probe | None]] = [
        lambda: over_time(report, stopped_by, limit_s),
        lambda: off_question(report),
        lambda: no_result(report),
        lambda: unquantified_result(report),
        lambda: we_not_i(report),
        lambda: long_situation(report),
        lambda: usually_missed(report, missed or {}),
    ]
    chosen: list[Probe] = []
    aimed: set[str] = set()
    for rule in rules:
        probe = rule()
        if probe is None or (probe.parts and set(probe.parts) <= aimed):
            continue
        chosen.append(probe)
        aimed |= set(probe.parts)
    for text in question_follow_ups:
        chosen.append(Probe("question", text, "the question's own follow-up"))
    return chosen[: max(0, limit)]


def merge(report: AnswerReport, answers: list[tuple[Probe, AnswerReport | None]]) -> AnswerReport:
    """Fold follow-up answers into the answer's report: which probe recovered which bullets and parts.

    Sets `probes` (each with what it recovered) and `merged` (coverage, covered bullet ids, STAR
    parts present, quantified result) across the answer and its follow-ups. The answer's own fields
    are left as they were, so the `analyze --json` contract holds for the first answer alone.
    """
    covered = {b.id for b in report.bullets if b.covered}
    present = set(report.star.present())
    quantified = report.star.quantified_result
    addresses = report.relevance.addresses if report.relevance else None
    probes = []
    for probe, sub in answers:
        item = ProbeResult(probe.rule, probe.text, probe.reason, list(probe.parts), list(probe.bullets))
        item.answered = sub is not None
        if sub is not None:
            item.transcript = sub.transcript.text
            item.audio_path = sub.audio.path
            item.duration_s = sub.audio.duration_s or 0.0
            now = {b.id for b in sub.bullets if b.covered}
            item.recovered_bullets = sorted(now - covered)
            covered |= now
            parts = set(sub.star.present())
            if "result" in probe.parts and sub.star.result.present:
                parts.add("result")  # an answer to "how did it end?" is the result, however worded
            item.recovered_parts = sorted(parts - present)
            present |= parts
            if sub.star.quantified_result and not quantified:
                item.quantified_now = quantified = True
            if addresses is False and sub.relevance and sub.relevance.addresses:
                addresses = True
        probes.append(item)
    total = len(report.bullets)
    return dataclasses.replace(
        report,
        follow_ups=[p.text for p in probes],
        probes=probes,
        merged=Merged(
            coverage=round(len(covered) / total, 3) if total else 0.0,
            covered=sorted(covered),
            star_present=sorted(present),
            quantified_result=quantified,
            addresses=addresses,
        ),
    )
