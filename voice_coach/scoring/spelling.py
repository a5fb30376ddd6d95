"""Notes as written, matched as spoken: a misspelled word in a bullet ("acellerator", "consolodated")
is matched in its correct form, since Whisper writes what was said correctly. Only for matching: the
bullet keeps its own text everywhere it is shown.

The dictionary is the embedding model's own vocabulary (22,501 whole words): a word it does not know
is split into pieces that mean nothing alike ("acellerator" -> "ace ##ller ##ator"), so a correction
changes the vector exactly where it matters.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection
from functools import lru_cache

_WORD = re.compile(r"[A-Za-z]+")
_SUFFIXES = ("ing", "ed", "es", "s", "ly", "er", "ers", "ment", "ments", "ion", "ions")
MIN_LENGTH = 6  # shorter words are names, abbreviations or too close to other words to correct
CUTOFF = 0.84  # difflib ratio: "consolodated" -> "consolidated" 0.92, "acellerator" -> "accelerator" 0.95


def _ending(word: str) -> str:
    return next((s for s in sorted(_SUFFIXES, key=len, reverse=True) if word.endswith(s)), "")


_NUMBERS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty"
).split()
_SMALL_NUMBER = re.compile(r"(?<![\d.,$€£])\b(1?\d|20)\b(?![.,]\d|%)")


def spell_numbers(text: str) -> str:
    """Small counts as words, as a speaker says them and Whisper mostly writes them: the notes'
    "Only 1 customer" and "9 articulated" then match "only one" and "nine out of ten"."""
    return _SMALL_NUMBER.sub(lambda m: _NUMBERS[int(m.group())], text)


class Speller:
    def __init__(self, vocabulary: Collection[str]) -> None:
        """vocabulary: words in order of preference (a tokenizer's, whose first ids are the common
        words), used to break a tie between two corrections ("approiate": appropriate, approximate)."""
        words = [w for w in vocabulary if w.isalpha() and w.islower()]
        self.known = frozenset(words)
        self._rank = {w: i for i, w in enumerate(words)}
        self._by_letter: dict[str, list[str]] = {}
        for w in words:
            if len(w) >= MIN_LENGTH - 1:
                self._by_letter.setdefault(w[0], []).append(w)

    def is_known(self, word: str) -> bool:
        """A word of the vocabulary, one of its inflections, or two of its words run together."""
        known = self.known
        if word in known or word + "d" in known or word + "s" in known:
            return True
        for s in _SUFFIXES:
            stem = word[: -len(s)]
            if word.endswith(s) and (stem in known or stem + "e" in known or stem[:-1] in known):
                return True
        return any(word[:i] in known and word[i:] in known for i in range(3, len(word) - 2))

    @lru_cache(maxsize=4096)  # noqa: B019 (one speller per process, kept for its life)
    def correct(self, word: str) -> str:
        """The vocabulary word a lower-case word was meant to be, or the word itself."""
        if len(word) < MIN_LENGTH or self.is_known(word):
            return word
        best, best_key = word, (CUTOFF, 0)
        matcher = difflib.SequenceMatcher(b=word)
        for w in self._by_letter.get(word[0], []):
            if not -1 <= len(w) - len(word) <= 2:
                continue  # a slip drops letters more than it adds them ("procuring" is no "pouring")
            if _ending(w) != _ending(word) and w.startswith(word[: -len(_ending(word)) or None]):
                continue  # another ending is another word ("validating" is no "validation")
            matcher.set_seq1(w)
            if matcher.real_quick_ratio() < CUTOFF or matcher.quick_ratio() < CUTOFF:
                continue
            key = (matcher.ratio(), -self._rank[w])
            if key[0] >= CUTOFF and key > best_key:
                best, best_key = w, key
        return best

    @lru_cache(maxsize=8192)  # noqa: B019 (the bank's bullets, normalized for every answer)
    def normalize(self, text: str) -> str:
        """The text with its misspelled lower-case words corrected (names and acronyms left alone) and
        its small counts spelled out."""
        text = spell_numbers(text)
        return _WORD.sub(lambda m: self.correct(m.group()) if m.group().islower() else m.group(), text)
