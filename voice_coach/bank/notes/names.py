"""Ids and principle names, shared by every step that files an entity: the slug an id is made of,
and the shipped principle a name in the notes means ('Earn Trust of Others' -> earn-trust), kept
apart so that headings, stories, questions and interviews all match names the same way.
"""

from __future__ import annotations

import re
import unicodedata

from voice_coach.bank.markup import clean
from voice_coach.bank.model import Principle
from voice_coach.tokens import content_tokens


def _folded(text: str) -> str:
    """Lower case, accents off Latin letters ("situación" -> "situacion"); other scripts kept, so
    two Russian titles do not both become "x"."""
    out = []
    for c in text.lower():
        base = unicodedata.normalize("NFKD", c)[:1] or c
        out.append(base if base.isascii() else c)  # "ó" -> "o"; "й" stays "й", not "и"
    return "".join(out)


def slug(text: str, limit: int = 48) -> str:
    s = re.sub(r"[\W_]+", "-", _folded(text)).strip("-")
    return s[:limit].rstrip("-") or "x"


def text_key(text: str) -> str:
    """A text as compared, whatever its case and punctuation ("Tell me ... team?" = "tell me ... team")."""
    return re.sub(r"[\W_]+", " ", _folded(text)).strip()


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
