"""The synthetic candidate of the demos: what it says to a question and to each follow-up.

It tells a bank story bullet by bullet. To show the follow-ups at work it can leave gaps on
purpose: no result at all, or a result without its numbers; asked about them, it tells them.
"""

from __future__ import annotations

import re
from pathlib import Path

from voice_coach.audio.capture import FileSource
from voice_coach.bank.model import Bullet, Rubric, Story
from voice_coach.scoring.followups import Probe
from voice_coach.scoring.star import with_parts
from voice_coach.scoring.text import substance
from voice_coach.speech import tts

RATE = 165  # words per minute: a candidate a little slower than the interviewer

_NUMBER = re.compile(
    r"\$?\b(\d[\d,.]*|dozens?|hundreds?|thousands?|millions?|twice|half)\s*"
    r"(%|percent|k|m|ms|x|hours?|days?|weeks?|months?|minutes?|people|customers?)?(?=\W|$)"
)


def _sentence(text: str) -> str:
    if text.strip().endswith(":"):  # introduces the next bullet: "It became clear it was:"
        return text.strip()
    text = text.strip().rstrip(".")
    return text + "." if text else ""


def without_numbers(text: str) -> str:
    """A result told vaguely: 'cut costs by 30%' -> 'cut costs a lot'."""
    return re.sub(r"\s+", " ", _NUMBER.sub("a lot", text)).strip()


def answer(story: Story, gap: str | None = None, seconds: float | None = None) -> str:
    """The story told in order; gap 'no-result' drops the Result bullets, 'no-number' strips their
    numbers. Within `seconds` (at RATE) a long story is told as a candidate would in the time: its
    opening, its task and its most substantive bullets (a user's notes run to 30 bullets, 3 minutes)."""
    bullets = [b for b in with_parts(story).all_bullets() if not (b.star == "R" and gap == "no-result")]
    if seconds is not None:
        bullets = _within(bullets, seconds * RATE / 60)
    lines = []
    for b in bullets:
        text = without_numbers(b.text) if (b.star == "R" and gap == "no-number") else b.text
        lines.append(_sentence(text))
    return " ".join(lines)


def _within(bullets: list[Bullet], words: float) -> list[Bullet]:
    """The bullets a telling of about `words` words keeps, in story order: the first of the
    situation and of the task, then by substance (results and actions with facts), top level first."""
    firsts = {next((i for i, b in enumerate(bullets) if b.star == part), None) for part in ("S", "T")}
    order = sorted(
        range(len(bullets)),
        key=lambda i: (
            i not in firsts,
            -substance(bullets[i].text, bullets[i].star),
            "." in bullets[i].id,
            i,
        ),
    )
    keep: set[int] = set()
    used = 0
    for i in order:
        n = len(bullets[i].text.split())
        if used + n <= words or not keep:
            keep.add(i)
            used += n
    # a bullet that introduces its sub-bullets ("... for two reasons:") is told with its first one
    ids = [b.id for b in bullets]
    for i in sorted(keep):
        child = f"{bullets[i].id}.1"
        if bullets[i].text.rstrip().endswith(":") and child in ids:
            keep.add(ids.index(child))
    return [b for i, b in enumerate(bullets) if i in keep]


def rubric_answer(rubric: Rubric, seconds: float | None = None) -> str:
    """The prompt's points in order; within `seconds`, each point's first sentences, in turn."""
    points = [re.split(r"(?<=[.!?])\s+", p.strip()) for p in rubric.points]
    if seconds is None:
        return " ".join(_sentence(s) for sents in points for s in sents)
    words, used, keep = seconds * RATE / 60, 0, set()
    turns = [(i, k) for k in range(max(map(len, points), default=0)) for i in range(len(points))]
    for i, k in turns:  # first sentences first, then second ones ..., until one does not fit
        if k >= len(points[i]):
            continue
        n = len(points[i][k].split())
        if keep and used + n > words:
            break
        keep.add((i, k))
        used += n
    return " ".join(
        _sentence(s) for i, sents in enumerate(points) for k, s in enumerate(sents) if (i, k) in keep
    )


def _bullets(story: Story, ids: list[str]) -> list[Bullet]:
    return [b for b in story.all_bullets() if b.id in ids]


def reply(story: Story | None, probe: Probe, told: set[str]) -> str | None:
    """The answer to a follow-up, or None when the candidate has nothing to add."""
    if story is None:
        return None
    every = story.all_bullets()
    if "result" in probe.parts:
        chosen = [b for b in every if b.star == "R"]
    elif "action" in probe.parts:
        chosen = [b for b in every if b.star == "A"]
        return (
            " ".join(
                _sentence("I personally made sure that " + b.text[:1].lower() + b.text[1:])
                for b in chosen[:2]
            )
            or None
        )
    elif probe.bullets:
        chosen = _bullets(story, probe.bullets)
    else:  # the question's own follow-up: what was not said yet
        chosen = [b for b in every if b.id not in told][:2] or every[-1:]
    return " ".join(_sentence(b.text) for b in chosen) or None


def spoken(text: str, path: Path, speed: float, rate: int = RATE, voice: str | None = None) -> FileSource:
    """The candidate saying text, as a recorder source fed at `speed` times real time (0: at once)."""
    return FileSource(tts.synthesize(text, path, rate=rate, voice=voice), speed=speed)


def reply_source(
    story: Story | None,
    probe: Probe,
    told: set[str],
    path: Path,
    speed: float,
    rate: int = RATE,
    voice: str | None = None,
) -> FileSource | None:
    """The spoken answer to a follow-up, as a recorder source (None: nothing to say)."""
    text = reply(story, probe, told)
    return spoken(text, path, speed, rate, voice) if text else None
