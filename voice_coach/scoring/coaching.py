"""What to fix first in an answer: at most three things, ranked, each with its moment in the
recording. Read from the report's facts (never recomputed), so the terminal, the HTML page and the
debrief say the same thing. A rubric prompt (Why Amazon, system design) is judged by its points,
never by STAR."""

from __future__ import annotations

from dataclasses import dataclass

from voice_coach.scoring.delivery import LONG_PAUSE_S
from voice_coach.scoring.followups import action_pronouns
from voice_coach.scoring.model import AnswerReport
from voice_coach.scoring.relevance import listened_for
from voice_coach.units import mmss

MAX_FIXES = 3
FILLERS_PER_MIN = 3.0  # more than this is heard as hesitant
# one filler every 7 or 8 seconds: heard before the content, so it ranks with the story's gaps
HEAVY_FILLERS_PER_MIN = 8.0


@dataclass(frozen=True)
class Fix:
    text: str
    at_s: float | None = None  # where in the recording it shows (None: the answer as a whole)

    def __str__(self) -> str:
        return self.text + (f" (at {mmss(self.at_s)})" if self.at_s is not None else "")


def _first(report: AnswerReport, part: str) -> float | None:
    return next((s.start for s in report.sentences if s.part == part and s.start is not None), None)


def _star_fixes(report: AnswerReport) -> list[Fix]:
    out: list[Fix] = []
    merged = report.totals()
    if "result" not in merged.star_present:
        last = report.sentences[-1].end if report.sentences else None
        out.append(Fix("no result: end with what changed, and a number", last))
    elif not merged.quantified_result:
        out.append(Fix("the result has no number: how much, how many, how fast", _first(report, "result")))
    if "action" not in merged.star_present:
        out.append(Fix("no actions: say what you did, step by step", None))
    return out


def _situation_fix(report: AnswerReport) -> list[Fix]:
    share = report.star.situation.share
    if share <= 1 / 3:
        return []
    at = _first(report, "task") or _first(report, "action")
    return [Fix(f"the situation took {share:.0%} of the answer: reach your actions sooner", at)]


def _coverage_fix(report: AnswerReport) -> list[Fix]:
    """A rubric prompt's first missing point; a story's first missing bullet when under 60% told."""
    if not report.rubric and not report.story.id:
        return [Fix("none of your stories was recognised: tell one, bullet by bullet")]
    missed, total = report.missed(), len(report.bullets)
    what = "points of the prompt" if report.rubric else "bullets of your story told"
    if missed and (report.rubric or report.totals().coverage < 0.6):
        return [Fix(f'{total - len(missed)} of {total} {what}: add "{missed[0]}"')]
    return []


def _mixed_fix(report: AnswerReport) -> list[Fix]:
    """A sentence of another story: the interviewer hears two stories and remembers neither."""
    story = report.story
    if not story.mixed_with:
        return []
    at = next((s.start for s in report.sentences if s.text == story.mixed_evidence), None)
    said = story.mixed_evidence if len(story.mixed_evidence) <= 60 else story.mixed_evidence[:59] + "…"
    return [Fix(f'part of another story ({story.mixed_with}): "{said}"; tell one story per answer', at)]


def _fillers_fix(report: AnswerReport, above: float) -> list[Fix]:
    d = report.delivery
    if d.fillers.per_min is None or d.fillers.per_min <= above:
        return []
    first = next((f.start for f in d.fillers.items if f.start is not None), None)
    return [Fix(f"{d.fillers.count} fillers ({d.fillers.per_min}/min): pause instead of 'um'", first)]


def _delivery_fixes(report: AnswerReport) -> list[Fix]:
    d = report.delivery
    out: list[Fix] = []
    low, high = (d.wpm_band or [130.0, 160.0])[:2]
    if d.wpm is not None and (d.wpm > high + 30 or d.wpm < low - 20):
        out.append(Fix(f"pace {d.wpm:.0f} wpm: aim for {low:.0f}-{high:.0f}"))
    # the same pauses the delivery flag counts ("2 long pause(s) of 2.5 s or more")
    long_pauses = [p for p in d.pauses if p.seconds >= LONG_PAUSE_S]
    if long_pauses:
        out.append(
            Fix(f"{len(long_pauses)} pause(s) of {LONG_PAUSE_S:g} s or more: the first", long_pauses[0].start)
        )
    return out


def _relevance_fix(report: AnswerReport) -> list[Fix]:
    rel = report.relevance
    if rel is None or report.totals().addresses is not False:
        return []
    return [Fix(f"may not answer the question asked: name what it asks for ({listened_for(rel)})")]


def fix_first(report: AnswerReport) -> list[Fix]:
    """At most three fixes, the most important first: running out of time, not speaking of what
    was asked, talk in general instead of a story, missing STAR parts (not for a rubric prompt),
    the story's coverage, heavy fillers,
    a long situation, 'we' over 'I', then the rest of delivery (fillers, pace, pauses)."""
    out: list[Fix] = []
    ending = report.ending
    if ending and ending.cut_off:
        out.append(Fix(f"cut off at the time limit ({mmss(ending.limit_s)}): finish sooner", ending.limit_s))
    out += _relevance_fix(report)
    if report.story.general_talk:  # no story at all: its STAR parts and bullets are beside the point
        out.append(Fix("you spoke in general (what you usually do): tell one time it happened, in the past"))
    else:
        if not report.rubric:
            out += _star_fixes(report)
        out += _coverage_fix(report)
        out += _mixed_fix(report)
    heavy = _fillers_fix(report, HEAVY_FILLERS_PER_MIN)
    out += heavy
    if not report.rubric:
        out += _situation_fix(report)
        i_we = _we_over_i(report)
        if i_we:
            out.append(i_we)
    if not heavy:
        out += _fillers_fix(report, FILLERS_PER_MIN)
    out += _delivery_fixes(report)
    return out[:MAX_FIXES]


def _we_over_i(report: AnswerReport) -> Fix | None:
    i, we = action_pronouns(report)
    if we > i:
        first = _first(report, "action")
        return Fix(f"'we' {we} times and 'I' {i} in your actions: say what you did", first)
    return None
