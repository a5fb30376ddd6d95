"""Words as the whole program compares them: normalized, lightly stemmed, stopwords left out.

Beneath the bank (principle names in notes), scoring (coverage, relevance) and the interview
(which interviewer asks a rubric), so each compares words the same way.
"""

from __future__ import annotations

import re

_PUNCT = re.compile(r"[^\w'%$]+")

STOPWORDS = frozenset(
    """
a an the and or but if then so of to in on at by for with from into onto about as is was were be been
being are am it its this that these those there here i me my mine we us our ours you your he she him
her his they them their what which who whom whose when where why how all any both each few more most
other some such no nor not only own same than too very can will just should would could did do does
doing done had has have having up down out over under again further once also really one
""".split()
)

_NUMBERS = {
    w: str(i)
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen twenty".split()
    )
}
_NUMBERS.update(
    {
        "thirty": "30",
        "forty": "40",
        "fifty": "50",
        "hundred": "100",
        "thousand": "1000",
        "half": "50%",
        "percent": "%",
    }
)


def norm(word: str) -> str:
    """Lowercase, punctuation stripped (apostrophes kept): 'So,' -> 'so'."""
    return _PUNCT.sub("", word.lower()).strip("'")


def stem(token: str) -> str:
    """A deliberately light stemmer: enough to match 'organized' with 'organize', 'calls' with 'call'."""
    if token in _NUMBERS:
        return _NUMBERS[token]
    for suffix in ("ations", "ation", "ings", "ing", "ied", "ies", "ed", "es", "ly", "s"):
        if len(token) > len(suffix) + 2 and token.endswith(suffix):
            token = token[: -len(suffix)]
            break
    return token.rstrip("e") if len(token) > 3 else token


def content_tokens(text: str) -> list[str]:
    tokens = (norm(w) for w in text.replace("-", " ").replace("/", " ").split())
    return [stem(t) for t in tokens if t and t not in STOPWORDS]


# a hesitation sound however long it is drawn out: "ummm", "uhh", "hmmm", "mm", "mhm", "erm"
_SOUND = re.compile(r"^(?:u+m+|u+h+m*|e+r+m*|a+h+|e+h+|h+m+|m+h*m+)$")


def is_hesitation(word: str) -> bool:
    """A hesitation sound, not the pronoun Whisper writes "'er" ("I hardly know 'er")."""
    raw = word.strip().strip('.,?!;:"')
    return not raw.startswith(("'", "’")) and bool(_SOUND.match(norm(raw)))
