"""Shared text helpers: normalizing words, splitting a transcript into timed sentences, telling talk
in general (habits, opinions) from what happened."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from voice_coach.speech.engines import Word
from voice_coach.tokens import norm

_END = re.compile(r"[.?!]+[\"')\]]*$")


@dataclass
class Sentence:
    text: str
    first: int  # index of the first word in the transcript's word list
    last: int  # index of the last word (inclusive)
    start: float | None
    end: float | None

    @property
    def seconds(self) -> float | None:
        if self.start is None or self.end is None:
            return None
        return max(0.0, self.end - self.start)


# a comma followed by one of these starts a new clause: fast speech comes back from Whisper as
# "I checked the logs, we added an index, our tickets halved." (comma splices, one "sentence")
_CLAUSE_SUBJECTS = frozenset({"i", "we", "they", "he", "she", "our", "my"})
MIN_CLAUSE = 4  # words on each side of a split
# a clause opened by one of these is subordinate: "Before the plan went out, I asked for a week."
_SUBORDINATE = frozenset(
    "after although as because before during if once since though unless until when whenever while".split()
)


def _clause_ends(words: list[Word], begin: int, end: int) -> list[int]:
    """Indexes (inclusive ends) of the comma-spliced clauses in words[begin:end + 1]."""
    ends, start = [], begin
    for i in range(begin + MIN_CLAUSE - 1, end - MIN_CLAUSE + 1):
        if (
            i - start + 1 >= MIN_CLAUSE
            and words[i].word.rstrip().endswith(",")
            and norm(words[i + 1].word) in _CLAUSE_SUBJECTS
            and norm(words[start].word) not in _SUBORDINATE
        ):
            ends.append(i)
            start = i + 1
    return [*ends, end]


# Quick speech comes back with fewer full stops: a stretch longer than this many words is split
# into clauses where the speaker paused, at a comma, or where a clause opens ("and I", "so we",
# "then", "in the end"), so that its STAR parts do not hang on Whisper's punctuation.
LONG_CLAUSE = 25
MIN_SIDE = 6  # words on each side of such a split
_OPENS = frozenset({"and", "so", "but", "then", "because"})
_DISCOURSE = (("in", "the", "end"), ("as", "a", "result"), ("after", "that"), ("finally",), ("eventually",))


def _cue(words: list[Word], i: int) -> float:
    """How clearly a new clause starts at words[i] (0: not at all)."""
    prev, here = words[i - 1], words[i]
    score = 0.0
    if prev.end is not None and here.start is not None and here.start - prev.end >= 0.3:
        score += 2.0 + min(1.0, here.start - prev.end)  # a pause
    if prev.word.rstrip().endswith((",", ";", ":")):
        score += 1.0
    after = norm(words[i + 1].word) if i + 1 < len(words) else ""
    if norm(here.word) in _OPENS and after in _CLAUSE_SUBJECTS:
        score += 1.5
    ahead = tuple(norm(w.word) for w in words[i : i + 3])
    if any(ahead[: len(d)] == d for d in _DISCOURSE):
        score += 1.5
    return score


def _split_long(words: list[Word], begin: int, end: int) -> list[int]:
    """Inclusive ends of the clauses of words[begin:end + 1], a long one split at its best cue."""
    if end - begin + 1 <= LONG_CLAUSE:
        return [end]
    middle = (begin + end) / 2
    cues = [(_cue(words, i), -abs(i - middle), i) for i in range(begin + MIN_SIDE, end - MIN_SIDE + 2)]
    best = max((c for c in cues if c[0] > 0), default=None)
    if best is None:
        return [end]
    cut = best[2]
    return [*_split_long(words, begin, cut - 1), *_split_long(words, cut, end)]


def ends_sentence(text: str) -> bool:
    """The text ends at a full stop, question or exclamation mark (a piece of a long one does not)."""
    return bool(_END.search(text))


def sentences(words: list[Word]) -> list[Sentence]:
    """Group words into sentences at sentence punctuation, comma-spliced clauses apart, and a long
    stretch without a full stop into its clauses."""
    out: list[Sentence] = []
    begin = 0
    for i, w in enumerate(words):
        if _END.search(w.word) or i == len(words) - 1:
            for clause_end in _clause_ends(words, begin, i):
                for end in _split_long(words, begin, clause_end):
                    chunk = words[begin : end + 1]
                    text = " ".join(x.word for x in chunk).strip()
                    if text:
                        out.append(Sentence(text, begin, end, chunk[0].start, chunk[-1].end))
                    begin = end + 1
    return out


_CLAUSE_BREAK = re.compile(
    r"(?<=[,;:])\s+|\s+(?=(?:and|but|because|which|plus|so|while|then|after|before|who|where|when)\b)",
    re.I,
)


def clauses(text: str) -> list[str]:
    """A sentence's clauses, for matching what each says (not for STAR, which keeps its sentences):
    split at commas and at conjunctions, a piece under MIN_CLAUSE words kept with the one before."""
    out: list[str] = []
    pending = ""
    for piece in _CLAUSE_BREAK.split(text):
        pending = f"{pending} {piece}".strip() if piece and piece.strip() else pending
        if len(pending.split()) >= MIN_CLAUSE:
            out.append(pending)
            pending = ""
    if pending:
        if out:
            out[-1] += " " + pending
        else:
            out.append(pending)
    return out


# Fillers (PRODUCT.md, Metrics): these always count; "basically" and "actually" carry no meaning in
# an answer either, but a sentence keeps them unless they are set off by a comma.
ALWAYS_FILLERS = frozenset("um umm uh uhh uhm er erm ah ahh eh hmm hm hmmm mm mmm basically actually".split())
# These count only when set off: at a sentence start, next to a comma, or next to a pause.
SET_OFF_FILLERS: tuple[tuple[str, ...], ...] = (
    ("you", "know"),
    ("i", "mean"),
    ("sort", "of"),
    ("kind", "of"),
    ("like",),
    ("so",),
    ("right",),
)
_SOUNDS = sorted(ALWAYS_FILLERS - {"basically", "actually"}, key=len, reverse=True)
_SET_OFF = [" ".join(p) for p in SET_OFF_FILLERS if p not in (("so",), ("right",))] + ["basically"]
_FILLER_RE = re.compile(
    rf"\b({'|'.join(w + '+' for w in _SOUNDS)})\b[,.]?\s*|,?\s*\b({'|'.join(_SET_OFF)})\b,\s*",
    re.I,
)


@functools.lru_cache(maxsize=8192)
def strip_fillers(text: str) -> str:
    """Remove filler words so they do not dilute a sentence's meaning ('I, uh, did' -> 'I, did').
    Cached: an answer's windows are stripped for every story they are compared with (0.03 s)."""
    return " ".join(_FILLER_RE.sub(" ", text).replace(" ,", ",").split())


# First-person subject pronouns: the one definition behind the I/we ratio and the "we, not I" checks.
I_SUBJECTS = frozenset({"i", "i'm", "i've", "i'd", "i'll"})
WE_SUBJECTS = frozenset({"we", "we're", "we've", "we'd", "we'll"})
FIRST_PERSON = (
    I_SUBJECTS | WE_SUBJECTS | frozenset({"me", "my", "mine", "myself", "us", "our", "ours", "ourselves"})
)


def first_person(text: str) -> bool:
    """Does the text speak of the speaker ("I", "me", "our" ...)?"""
    return any(norm(w) in FIRST_PERSON for w in text.split())


def pronoun_counts(words: Iterable[str]) -> tuple[int, int]:
    """(I, we) subject pronouns among the words (raw transcript words or whitespace tokens)."""
    singular = plural = 0
    for w in words:
        t = norm(w)
        singular += t in I_SUBJECTS
        plural += t in WE_SUBJECTS
    return singular, plural


# Talk about how one works in general, not about a time: habits, opinions, hypotheticals ("I always
# share bad news early", "I'd talk to the customers", "Quality is everyone's responsibility"), and
# saying there is no example. Without a bullet or a cue such a sentence is other, not a STAR part by
# its position: an answer of it has no situation and no actions (evaluation/labelled/hard_answers.yaml).
_GENERAL = re.compile(
    r"\b(always|usually|generally|in general|typically|tend to|i would|i'd|would probably|if that happened|"
    r"i think|i believe|to me|i try to|i like to|should|have to|need to|matters?|is about|means|"
    r"is (the most|everyone)|(is|are) important)\b",
    re.I,
)
# no example, or what one would do (at the start: "I said I would fix it" is a story's sentence)
_NO_EXAMPLE = re.compile(
    r"\b(don't have a (specific |good )?example|can't think of|not sure i've|(a )?good question)\b|"
    r"^(if that happened,? )?(i'd|i would)\b",
    re.I,
)
# a verb in the past tense: the sentence tells what happened
_PAST = re.compile(
    r"\b(was|were|had|did|made|took|went|ran|found|told|wrote|met|said|got|led|saw|became|gave|brought|"
    r"built|chose|came|kept|left|lost|paid|sent|spent|thought|won|\w{3,}ed)\b",
    re.I,
)


# how often something happens: what one does in general ("every spring", "ten pages a week")
_HABIT = re.compile(
    r"\b((every|each) (day|week|month|quarter|year|spring|summer|fall|autumn|winter|morning|sprint|release)|"
    r"a (day|week|month|quarter|year)|weekly|daily|monthly|often|always|usually|typically|generally|"
    r"in general|regularly|tend to)\b",
    re.I,
)


def told_in_past(text: str) -> bool:
    """Does the text tell what happened (a verb in the past)?"""
    return bool(_PAST.search(text))


# a number, a share, money or a count: what makes a result quantified and a bullet a fact
QUANTITY = re.compile(
    r"(\d|%|\$|€|£|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
    r"thirty|forty|fifty|hundred|thousand|million|billion|half|double|doubled|tripled|twice|"
    r"percent|dozens?)\b)",
    re.I,
)
_WEIGHT = {"R": 3, "A": 2, "T": 1, "S": 0}


def substance(text: str, part: str | None) -> int:
    """How much a bullet would add to an answer: a result, then an action, with a fact (a count)
    first; an opinion or an aside in the present ("I'm very open to new ideas") last."""
    return _WEIGHT.get(part or "", 1) + bool(QUANTITY.search(text)) - 2 * (not told_in_past(text))


# "I'd" before a past participle is "I had" ("I'd written up why ..."), a story's sentence; before a
# verb's base form it is "I would" ("I'd fix it first"), what one would do
_I_HAD = re.compile(
    r"\bi'd (?=(already |just |never |also |since |first )?((?!(need|feed|proceed|succeed|exceed|speed|"
    r"bleed|breed|heed|embed|shed)\b)\w+ed|been|done|gone|made|had|told|said|built|met|left|lost|"
    r"spent|sent|kept|brought|thought|found|got|gotten|heard|led|won|written|spoken|taken|given|seen|"
    r"known|begun|chosen|shown|grown|drawn)\b)",
    re.I,
)


def speaks_generally(text: str) -> bool:
    """A sentence of habits, opinions or hypotheticals, or one saying there is no example."""
    text = _I_HAD.sub("I had ", text)
    return bool(_NO_EXAMPLE.search(text)) or (bool(_GENERAL.search(text)) and not _PAST.search(text))


def tells_no_time(texts: list[str]) -> bool:
    """An answer that tells no story: not one verb in the past, and habits or "I don't have an
    example" ("Every spring our head of sales runs a launch event. I review about ten
    pricing pages a week."). Every such answer of the labelled sets tells no story, and every
    answer that tells one has a verb in the past (evaluation/labelled/)."""
    texts = [_I_HAD.sub("I had ", t) for t in texts]
    if not texts or any(_PAST.search(t) for t in texts):
        return False
    # habits, not opinions: "we should test the price first" may be a story told in the present
    return any(_HABIT.search(t) or _NO_EXAMPLE.search(t) for t in texts)
