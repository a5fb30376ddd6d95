"""STAR parts: a label per sentence (Situation, Task, Action, Result or other), time per part.

Order of evidence, as measured on the labelled answers: a sentence like none of the told story's
bullets is other (an aside); then the S/T/A/R tag of the user's own bullet the sentence matches;
then cue-phrase rules; then position in the answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from voice_coach.bank.model import Bullet, Story
from voice_coach.scoring.model import TAGS, Star, StarPart
from voice_coach.scoring.text import QUANTITY, Sentence, first_person, speaks_generally, told_in_past

if TYPE_CHECKING:
    from voice_coach.scoring.coverage import BulletMatch

# where each part usually sits in an answer (0 first, 1 last), and how much that counts against
# similarity when bullets of two parts claim one sentence (chosen on the labelled answers)
ORDER = {"S": 0.1, "T": 0.25, "A": 0.55, "R": 0.9}
ORDER_WEIGHT = 0.2

_CUES = {
    "R": r"\b(as a result|in the end|ultimately|the result|resulted|outcome|we ended up|ended up|"
    r"increased|reduced|reduction|decreased|improved|improvement|sav(ed|ing)|grew|dropped|fell|cut|launched|"
    r"doubled|tripled|halved|(i|we) learned|lesson|went from|percent|since then|stayed|"
    r"(went|was|were) live|went (up|down)|brought on|(are|is) still (here|there|with us|on the team)|"
    r"(one|two|three|four|five|six|seven|eight|nine|ten|\d+) ((\w+ )?out of|of the|in) (ten|\w+|\d+)|"
    r"came around|"
    r"went back to|(brought|came|got) (\w+ ){1,3}back|"
    r"back to (our|the) core)\b|%",
    "T": r"\b(my (goal|task|job|role|responsibility)|i (was|were) (asked|responsible|tasked)|i needed to|"
    r"i had to|we had to|i wanted (us |the team )?to|the goal was|needed to|challenge was|"
    r"had to (convince|decide|find)|i (felt|believed|thought|was convinced|disagreed)|"
    r"my (view|concern|worry) was)\b",
    "A": r"\b(i (decided|organized|organised|asked|wrote|built|created|met|called|set up|started|led|ran|"
    r"pulled|found|fixed|made|proposed|presented|shared|published|scheduled|interviewed|worked|"
    r"talked|reached out|took|went|brought|changed|designed|hired|coached|gave|drove|pushed)|"
    r"so i|then i|first,? i|next,? i|after that)\b",
    "S": r"\b(at the time|back (then|in)|when i was|i was (working|leading|running)|our (company|team|"
    r"product|ceo)|the company|there was|we were|we had|it was|context|startup|offsite)\b",
}
_COMPILED = {k: re.compile(v, re.I) for k, v in _CUES.items()}
# what can only be an outcome: a share of people, how it ended
_OUTCOME_SAID = re.compile(
    r"\b((one|two|three|four|five|six|seven|eight|nine|ten|\d+) (out of|in|\w+ out of) "
    r"(ten|\d+|\w+ (customers|users|people))|"
    r"in the end|as a result|ended up|we ended|the outcome)\b",
    re.I,
)


# a share of the people asked ("one customer out of ten", "nine out of ten of our users"): an outcome
# wherever it is told, result first included
_SHARE = re.compile(
    r"\b(one|two|three|four|five|six|seven|eight|nine|ten|\d+) (\w+ )?out of "
    r"(ten|\d+|\w+ (customers|users|people))\b",
    re.I,
)


def label_sentence(
    text: str, bullet_tag: str | None, position: float, previous: str | None = None
) -> str | None:
    """One of S, T, A, R, or None for 'other'. `previous` is the sentence before's label: more about
    the world with no word of the speaker ("The dashboards were built by another team years ago")
    goes on with the situation rather than starting the actions."""
    if bullet_tag in TAGS:
        return bullet_tag
    if speaks_generally(text):
        return None
    for tag in ("R", "T", "A", "S"):
        if _COMPILED[tag].search(text):
            return tag
    if position < 0.2:
        return "S"
    if previous == "S" and not first_person(text):
        return "S"
    return "A" if position < 0.85 else None


# What a story's own bullet says of its part when its notes did not tag it (issue 26: the user's
# notes tag none). A stance or a need is the task; "I" with a verb in the past is an action; an outcome
# after the actions is the result.
_STANCE = re.compile(
    r"\b(i (felt|believed|thought|knew|was convinced|was worried|worried)|my (analysis|view|concern|worry)|"
    r"i needed|i had to|i wanted|i set out|my (goal|task|job|aim)|the goal (was|is)|we needed to|"
    r"asked me to|was asked to|were it up to me|(i|we) would have)\b",
    re.I,
)
_I_DID = re.compile(
    r"\bi (\w+ed|took|made|went|ran|wrote|met|told|brought|built|chose|gave|led|sent|spent|set up|"
    r"found|got|put|sat|spoke|began|drove|held|kept|left|paid|sought|taught|won|also \w+ed|quickly \w+ed)\b",
    re.I,
)
_I = re.compile(r"\bi\b", re.I)
_MORE_OUTCOME = re.compile(r"\b(only (one|1)|back to|let me|adopted|agreed|sufficient|so far)\b", re.I)


def _outcome(text: str) -> bool:
    """A bullet that tells an outcome: a Result cue, or how the notes put one ("Only 1 customer")."""
    return bool(_COMPILED["R"].search(text) or _MORE_OUTCOME.search(text))


def infer_parts(bullets: Sequence[Bullet]) -> dict[str, str]:
    """A STAR part for each untagged bullet of a story, in reading order: before the first action
    the situation, after the last action the result; a stance or need is the task and an outcome
    after the first action the result wherever it stands; a sub-bullet goes with its parent
    unless it says otherwise."""
    flat = list(bullets)
    acts = [i for i, b in enumerate(flat) if _I_DID.search(b.text) and not _STANCE.search(b.text)]
    first_act, last_act = (acts[0], acts[-1]) if acts else (len(flat), len(flat) - 1)
    parts: dict[str, str] = {}
    for i, b in enumerate(flat):
        parent = parts.get(b.id.rsplit(".", 1)[0]) if "." in b.id else None
        if b.star in TAGS:
            part = b.star
        elif _STANCE.search(b.text) and i <= last_act:
            part = "T"
        elif i in acts:
            part = "A"
        elif i > first_act and _outcome(b.text):
            part = "R"
        elif parent:
            part = parent
        elif i > last_act:
            # after the actions what happened is the result; what the structure does (present) is not
            part = "R" if told_in_past(b.text) else "A"
        elif i < first_act:
            part = "S"
        else:
            part = "A"
        parts[b.id] = part
    return parts


def with_parts(story: Story) -> Story:
    """The story with a part on every bullet: its own tags, the others inferred (infer_parts)."""
    flat = story.all_bullets()
    if all(b.star in TAGS for b in flat):
        return story
    parts = infer_parts(flat)

    def tag(b: Bullet) -> Bullet:
        return replace(b, star=parts[b.id], children=[tag(c) for c in b.children])

    return replace(story, bullets=[tag(b) for b in story.bullets])


def bullet_tags(matches: Sequence[BulletMatch], sims: np.ndarray) -> dict[int, str]:
    """The STAR tag of each covered bullet, given to the one sentence of its window most like it.

    sims[b, s] is the similarity of bullet b with sentence s. A two-sentence window often pairs the
    bullet's own sentence with a neighbour from another part, which must not inherit the tag. When
    bullets of two parts claim one sentence, the usual order of a STAR answer breaks the near tie.
    """
    n = sims.shape[1]
    best: dict[int, tuple[float, str]] = {}
    for row, m in zip(sims, matches, strict=True):
        if not (m.covered and m.bullet.star in ORDER and m.window):
            continue
        i = max(range(m.window.first, m.window.last + 1), key=lambda k: row[k])
        score = float(row[i]) - ORDER_WEIGHT * abs(i / max(1, n - 1) - ORDER[m.bullet.star])
        if i not in best or score > best[i][0]:
            best[i] = (score, m.bullet.star)
    return {i: tag for i, (_, tag) in best.items()}


# A piece Whisper cut off its sentence, which goes on with the sentence before rather than starting a
# part of its own: "Not to write two separate apps." or "explaining why ..." (Whisper puts such full
# stops differently with the CPU's kernels and the pace: issue 25's finding).
_CONTINUES = re.compile(r"^\W*(not|which|explaining|meaning|including|leaving|making|hoping)\b", re.I)


def continues(text: str) -> bool:
    """Does this sentence only go on with the one before it (a fragment, not a clause of its own)?"""
    return bool(_CONTINUES.search(text))


def label_answer(
    sents: Sequence[Sentence],
    matches: Sequence[BulletMatch],
    sims: np.ndarray | None,
    off_topic: float | None = None,
) -> list[str | None]:
    """A STAR tag (or None for other) per sentence.

    matches and the rows of sims are the told story's bullets; with off_topic set, a sentence whose
    best similarity to every bullet is below it is an aside (the hotel's pool, the office coffee).
    """
    tags = bullet_tags(matches, sims) if sims is not None and len(matches) else {}
    n = max(1, len(sents))
    labels: list[str | None] = []
    for i, s in enumerate(sents):
        if i not in tags and labels and continues(s.text):
            labels.append(labels[-1])
        elif (
            i not in tags  # the evidence for a covered bullet is no aside
            and off_topic is not None
            and sims is not None
            and len(matches)
            and sims[:, i].max() < off_topic
        ):
            labels.append(None)
        else:
            tag = tags.get(i)
            if tag in ("S", "A") and (
                "A" in labels and _OUTCOME_SAID.search(s.text) or _SHARE.search(s.text)
            ):
                # an outcome told after the actions is the result, though its words echo the situation
                # or an action ("nine out of ten customers told us ...", "in the end ...")
                tag = "R"
            elif tag in ("S", "A") and _STANCE.search(s.text) and not _OUTCOME_SAID.search(s.text):
                # what the speaker thought or needed is the task, though it echoes a situation bullet
                tag = "T"
            elif tag == "A" and "A" not in labels and _COMPILED["S"].search(s.text) and not _I.search(s.text):
                # before any action, how things stood with no "I" in it is the situation, though a
                # word of it echoes an action ("we were short ..., one applicant impressed the
                # interviewers" for "I ... trained six interviewers")
                tag = "S"
            elif tag == "S" and "A" in labels and _COMPILED["R"].search(s.text):
                # ("we brought on two senior people" after "we were short two engineers")
                tag = "R"
            labels.append(label_sentence(s.text, tag, i / n, labels[-1] if labels else None))
    # a result told is heard: a covered Result bullet makes its own sentence the Result when
    # nothing else did (the report never says "no Result" right after one was told)
    if "R" not in labels and sims is not None:
        for row, m in zip(sims, matches, strict=True):
            if m.covered and m.bullet.star == "R" and m.window:
                labels[max(range(m.window.first, m.window.last + 1), key=lambda k: row[k])] = "R"
                break
    return labels


def star_block(sents: list[Sentence], labels: list[str | None]) -> Star:
    """The 'star' block of the report: presence, seconds, share and evidence per part."""
    timed = all(s.seconds is not None for s in sents)
    weight = [(s.seconds if timed else len(s.text.split())) or 0.0 for s in sents]
    total = sum(w for w, lab in zip(weight, labels, strict=True) if lab) or 1.0
    block = Star()
    for tag, part in TAGS.items():
        idx = [i for i, lab in enumerate(labels) if lab == tag]
        amount = sum(weight[i] for i in idx)
        setattr(
            block,
            part,
            StarPart(
                present=bool(idx),
                seconds=round(amount, 2) if timed else None,
                share=round(amount / total, 3),
                evidence=sents[idx[0]].text if idx else "",
            ),
        )
    results = [sents[i].text for i, lab in enumerate(labels) if lab == "R"]
    block.quantified_result = any(QUANTITY.search(t) for t in results)
    return block


def star_flags(block: Star) -> list[str]:
    flags = []
    if not block.result.present:
        flags.append("no Result: say how it ended, with a number if you can")
    elif not block.quantified_result:
        flags.append("Result has no number: quantify it (%, time, money, people)")
    if block.situation.share > 1 / 3:
        flags.append(f"Situation takes {block.situation.share:.0%} of the answer (keep it under a third)")
    if block.action.present and block.action.share < 0.4:
        flags.append(f"Action is only {block.action.share:.0%} of the answer (aim for about 60%)")
    if not block.action.present:
        flags.append("no Action: say what you did, step by step")
    return flags
