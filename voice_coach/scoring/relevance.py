"""Does the answer speak of what the question asks? The question's words to listen for, heard or not.

A question of the bank lists the words an answer that addresses it names: "inputs", "metrics",
"tracked", "dashboard" for "the inputs you tracked to make sure a project delivered". The answer
addresses the question when it says at least one of them (stems compared, so "tracking" is
"tracked", and phrases word by word, so "pushed, um, back" is "pushed back").

Why words and not similarity: MiniLM similarity between a question and the answer's sentences
tells answers that address their question from answers that do not with an AUC of 0.69 only
(bench/relevance.py), and it ranked the data center story 18th of 80 for "the inputs you tracked",
which it does not answer, and 63rd for "a goal you reached despite a serious setback", which it
does. Words are what an interviewer hears: an answer that never names what was asked leaves them
to guess, and the report can say which words it listened for.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from voice_coach.bank.model import Question
from voice_coach.scoring.model import Heard, Relevance, Word
from voice_coach.scoring.text import ALWAYS_FILLERS, norm, stem
from voice_coach.units import mmss

# the words every behavioural question opens with, which say nothing about what it asks
_OPENING = re.compile(r"^(tell me about|describe|give (me )?an example of|walk me through)\s+", re.IGNORECASE)


def asks(question_text: str) -> str:
    """The question without its opening: 'the inputs you tracked to make sure a project delivered',
    'a time you missed a goal'."""
    return _OPENING.sub("", question_text).strip().rstrip("?.") or question_text


def _stems(text: str) -> list[str]:
    return [stem(t) for t in (norm(w) for w in text.replace("-", " ").split()) if t]


def heard(look_for: Sequence[str], words: Sequence[Word]) -> list[Heard]:
    """Each phrase of `look_for` the words say, at its first moment, in the order said."""
    spoken = [(stem(n), w.start) for w in words for n in [norm(w.word)] if n and n not in ALWAYS_FILLERS]
    tokens = [t for t, _ in spoken]
    found: list[Heard] = []
    for phrase in look_for:
        want = _stems(phrase)
        if not want:
            continue
        for i in range(len(tokens) - len(want) + 1):
            if tokens[i : i + len(want)] == want:
                found.append(Heard(phrase, spoken[i][1]))
                break
    return sorted(found, key=lambda h: (h.start is None, h.start or 0.0))


def judge(question: Question, words: Sequence[Word]) -> Relevance | None:
    """The answer's relevance to the question, or None when the question lists nothing to listen
    for (a question imported from notes, a free answer)."""
    if not question.look_for:
        return None
    return Relevance(asks(question.text), list(question.look_for), heard(question.look_for, words))


def listened_for(relevance: Relevance, most: int = 4) -> str:
    """The first words listened for, quoted: '"inputs", "metrics", "tracked" ...'."""
    distinct = list({tuple(_stems(w)): w for w in reversed(relevance.look_for)}.values())[::-1]
    more = " ..." if len(distinct) > most else ""
    return ", ".join(f'"{w}"' for w in distinct[:most]) + more


def describe(relevance: Relevance, addresses: bool | None = None) -> str:
    """One line for the reports: the words heard and when, or that none was. `addresses` is the
    merged fact (a follow-up's answer may have said them)."""
    said = relevance.addresses if addresses is None else addresses
    if relevance.heard:
        heard_at = ", ".join(
            f'"{h.phrase}"' + (f" ({mmss(h.start)})" if h.start is not None else "")
            for h in relevance.heard[:3]
        )
        return f"speaks of what was asked ({relevance.asks}): {heard_at}"
    if said:
        return f"speaks of what was asked ({relevance.asks}) in a follow-up's answer"
    return (
        f"may not answer the question asked ({relevance.asks}): none of its words was heard "
        f"({listened_for(relevance)})"
    )
