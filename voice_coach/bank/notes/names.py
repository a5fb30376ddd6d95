"""Ids and principle names, shared by every step that files an entity: the slug an id is made of,
and the shipped principle a name in the notes means ('Earn Trust of Others' -> earn-trust), kept
apart so that headings, stories, questions and interviews all match names the same way.
"""

from __future__ import annotations

import unicodedata

from voice_coach.bank.markup import clean
from voice_coach.bank.model import Principle
from voice_coach.tokens import content_tokens


def _words_of(text: str, joiner: str) -> str:
    """The letters and digits of text, lower case, runs of anything else as joiner. Latin letters
    with accents count as the rest ("Café prep" -> "caf-prep", the ids an import has always given,
    so a re-import finds them); letters of other scripts are kept, so two Russian titles do not
    both become "x"."""
    out = []
    for c in text.lower():
        latin = (unicodedata.normalize("NFKD", c)[:1] or c).isascii()
        out.append(c if (c.isascii() and c.isalnum()) or (c.isalnum() and not latin) else " ")
    return joiner.join("".join(out).split())


def slug(text: str, limit: int = 48) -> str:
    s = _words_of(text, "-")
    return s[:limit].rstrip("-") or "x"


def text_key(text: str) -> str:
    """A text as compared, whatever its case and punctuation ("Tell me ... team?" = "tell me ... team")."""
    return _words_of(text, " ")


def new_id(text: str, used: set[str]) -> str:
    """The slug of text, made unique among the ids used (and added to them)."""
    sid = slug(text)
    while sid in used:
        sid += "-2"
    used.add(sid)
    return sid


def _name_tokens(name: str) -> set[str]:
    return set(content_tokens(name))


def match_principle(name: str, principles: list[Principle]) -> str | None:
    """A principle id for a name as the user wrote it ('Earn Trust of Others' -> earn-trust)."""
    want = _name_tokens(clean(name))
    if not want:
        return None
    best, best_score = None, 0.0
    for p in principles:
        have = _name_tokens(p.name) | _name_tokens(p.id.replace("-", " "))
        common = len(want & have)
        score = common / min(len(want), len(_name_tokens(p.name)) or 1)
        if common >= 2 or (common == 1 and len(want) == 1):
            if score > best_score:
                best, best_score = p.id, score
    return best if best_score >= 0.66 else None
