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

from voice_coach.bank.model import Bank, Question
from voice_coach.scoring.coverage import Scorer
from voice_coach.scoring.model import Heard, Relevance, Word
from voice_coach.scoring.text import ALWAYS_FILLERS
from voice_coach.tokens import norm, stem
from voice_coach.units import mmss

# the words every behavioural question opens with, which say nothing about what it asks
_OPENING = re.compile(r"^(tell me about|describe|give (me )?an example of|walk me through)\s+", re.IGNORECASE)


# MiniLM cosine between a notes question's first sentence and a bank question above which it is the
# same question reworded: 11 of the 27 questions of the user's notes reach it (0.72 to 0.95), each
# the bank's question in other words; the next (0.68, "a team member struggling to keep up") is
# matched to a question about morale, which it is not.
BORROW_FLOOR = 0.70


def asks(question_text: str) -> str:
    """The question without its opening: 'the inputs you tracked to make sure a project delivered',
    'a time you missed a goal'."""
    return _OPENING.sub("", question_text).strip().rstrip("?.") or question_text


def _stems(text: str) -> list[str]:
    """The phrase's words as compared: stems, or as written for a phrase marked '=' (its sense is
    in its form: '=inputs', the things tracked, not 'input from the director')."""
    exact = text.startswith("=")
    tokens = (norm(w) for w in text.lstrip("=").replace("-", " ").split())
    return [t if exact else stem(t) for t in tokens if t]


def heard(look_for: Sequence[str], words: Sequence[Word]) -> list[Heard]:
    """Each phrase of `look_for` the words say, as said ("tracking" for "tracked") at its first
    moment, in the order said; a word two phrases find ("input", "inputs") once."""
    spoken = [(stem(n), n, w.start) for w in words for n in [norm(w.word)] if n and n not in ALWAYS_FILLERS]
    stems = [t for t, _, _ in spoken]
    forms = [n for _, n, _ in spoken]
    found: dict[int, Heard] = {}
    for phrase in look_for:
        want = _stems(phrase)
        if not want:
            continue
        tokens = forms if phrase.startswith("=") else stems
        for i in range(len(tokens) - len(want) + 1):
            if tokens[i : i + len(want)] == want:
                said = " ".join(n for _, n, _ in spoken[i : i + len(want)])
                if i not in found or len(said) > len(found[i].phrase):
                    found[i] = Heard(said, spoken[i][2])
                break
    return [found[i] for i in sorted(found)]


def _first_sentence(text: str) -> str:
    return re.split(r"(?<=[.?!])\s", text.strip(), maxsplit=1)[0]


def words_for(question: Question, bank: Bank, scorer: Scorer) -> tuple[list[str], str | None]:
    """The words to listen for: the question's own, else those of the bank question it rewords
    (a notes question: "Tell me about a time when you strongly disagreed with your manager ...")
    with the id lent from; none when no bank question is that close."""
    if question.look_for or scorer.name == "lexical":
        return list(question.look_for), None
    lenders = [q for q in bank.questions.values() if q.look_for and q.id != question.id]
    if not lenders:
        return [], None
    sims = scorer.matrix([_first_sentence(question.text)], [q.text for q in lenders])[0]
    best = int(sims.argmax())
    return (list(lenders[best].look_for), lenders[best].id) if sims[best] >= BORROW_FLOOR else ([], None)


def judge(question: Question, words: Sequence[Word], bank: Bank, scorer: Scorer) -> Relevance | None:
    """The answer's relevance to the question, or None when there is nothing to listen for (a
    notes question unlike any of the bank's, a free answer)."""
    look_for, lender = words_for(question, bank, scorer)
    if not look_for:
        return None
    return Relevance(asks(question.text), look_for, heard(look_for, words), lender)


def listened_for(relevance: Relevance, most: int = 4) -> str:
    """The first words listened for, quoted: '"inputs", "metrics", "tracked" ...'."""
    seen: set[tuple[str, ...]] = set()
    distinct = []
    for w in relevance.look_for:  # one form of each word: "input", not "input", "inputs"
        if tuple(_stems(w)) not in seen:
            seen.add(tuple(_stems(w)))
            distinct.append(w)
    more = " ..." if len(distinct) > most else ""
    return ", ".join(f'"{w.lstrip("=")}"' for w in distinct[:most]) + more


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
