"""Fillers heard against a verbatim reference: the numbers bench/real_fillers.py prints and the
human-speech test asserts.

A reference filler is um/uh/er/erm/ah/hm/hmm/mm in the reference text ("'er" is the pronoun her);
a found one is what the report counts (scoring.delivery.find_fillers). Matches are counted per
sound family, min(found, said), so a filler heard as another one does not count.
"""

from __future__ import annotations

import re
from collections import Counter

from voice_coach.scoring.delivery import find_fillers
from voice_coach.transcript import Word

_FAMILY = [
    ("um", r"u+m+|u+h+m+"),
    ("uh", r"u+h+"),
    ("er", r"e+r+m*"),
    ("ah", r"a+h+"),
    ("hm", r"h+m+|m+h*m+"),
]


def family(word: str) -> str | None:
    w = word.lower().strip('.,?!;:"')
    if w.startswith(("'", "’")):
        return None  # 'er: the pronoun
    return next((name for name, pattern in _FAMILY if re.fullmatch(pattern, w)), None)


def said(reference: str) -> Counter:
    """The fillers of a verbatim reference, by family (<noise> and [tags] left out)."""
    text = re.sub(r"<[^>]*>|\[[^\]]*\]", " ", reference)
    return Counter(f for f in (family(w) for w in text.split()) if f)


def heard(words: list[Word]) -> Counter:
    """The fillers the report counts in a transcript, by family."""
    return Counter(f for f in (family(x.word) for x in find_fillers(words)) if f)


def matched(found: Counter, reference: Counter) -> int:
    return sum(min(found[k], reference[k]) for k in reference)
