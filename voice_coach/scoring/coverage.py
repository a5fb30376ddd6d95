"""Bullet coverage and story identification.

A scorer compares a bullet with a window of one or two transcript sentences. Each window counts
only for the bullet it matches best (top-1 assignment), so one sentence that shares a keyword
with several bullets cannot cover them all. The lexical scorer here is the fallback that needs no
model; an embedding scorer can sit behind the same interface.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Protocol

from voice_coach.bank.model import Bullet, Story
from voice_coach.scoring.text import Sentence, content_tokens


class Scorer(Protocol):
    name: str
    threshold: float

    def fit(self, corpus: list[str]) -> None: ...

    def score(self, bullet: str, window: str) -> float: ...


class LexicalScorer:
    """IDF-weighted recall of the bullet's content words in the window."""

    name = "lexical"
    threshold = 0.45

    def __init__(self) -> None:
        self.idf: dict[str, float] = {}
        self.default_idf = 1.0

    def fit(self, corpus: list[str]) -> None:
        docs = [set(content_tokens(t)) for t in corpus]
        df = Counter(t for d in docs for t in d)
        n = max(1, len(docs))
        self.idf = {t: math.log((n + 1) / (c + 0.5)) + 1.0 for t, c in df.items()}
        self.default_idf = math.log(n + 1) + 1.0

    def score(self, bullet: str, window: str) -> float:
        want = set(content_tokens(bullet))
        if not want:
            return 0.0
        have = set(content_tokens(window))
        total = sum(self.idf.get(t, self.default_idf) for t in want)
        hit = sum(self.idf.get(t, self.default_idf) for t in want & have)
        return hit / total if total else 0.0


@dataclass
class Window:
    text: str
    first: int  # sentence indexes, inclusive
    last: int


def windows(sents: list[Sentence], size: int = 2) -> list[Window]:
    out = []
    for i in range(len(sents)):
        for n in range(1, size + 1):
            if i + n <= len(sents):
                out.append(Window(" ".join(s.text for s in sents[i : i + n]), i, i + n - 1))
    return out


@dataclass
class BulletMatch:
    bullet: Bullet
    score: float
    covered: bool
    window: Window | None


def match_bullets(
    story: Story, sents: list[Sentence], scorer: Scorer, top1: bool = True
) -> list[BulletMatch]:
    """Best window per bullet; with top1 a window only counts for the bullet it matches best."""
    bullets = story.all_bullets()
    wins = windows(sents)
    if not bullets:
        return []
    table = [[scorer.score(b.text, w.text) for w in wins] for b in bullets]
    if top1 and wins:
        best_for_window = [
            max(range(len(bullets)), key=lambda bi, wi=wi: table[bi][wi]) for wi in range(len(wins))
        ]
    out = []
    for bi, bullet in enumerate(bullets):
        candidates = [wi for wi in range(len(wins)) if not top1 or best_for_window[wi] == bi]
        if not candidates:
            out.append(BulletMatch(bullet, 0.0, False, None))
            continue
        wi = max(candidates, key=lambda k: table[bi][k])
        score = table[bi][wi]
        out.append(BulletMatch(bullet, round(score, 3), score >= scorer.threshold, wins[wi]))
    return out


def story_scores(
    stories: list[Story], sents: list[Sentence], scorer: Scorer, preferred: list[str] | None = None
) -> list[tuple[str, float]]:
    """Each story's fit to the answer (mean best-window score of its bullets), best first."""
    preferred = preferred or []
    wins = windows(sents)
    scored = []
    for story in stories:
        bullets = story.all_bullets()
        if not bullets or not wins:
            scored.append((story.id, 0.0))
            continue
        fit = sum(max(scorer.score(b.text, w.text) for w in wins) for b in bullets) / len(bullets)
        if story.id in preferred:
            fit += 0.03  # a linked story wins a near tie, never a clear loss
        scored.append((story.id, fit))
    return sorted(scored, key=lambda x: -x[1])


def confidence(scores: list[tuple[str, float]], temperature: float = 0.05) -> float:
    """Softmax probability of the best story against the others."""
    if not scores:
        return 0.0
    top = scores[0][1]
    weights = [math.exp((s - top) / temperature) for _, s in scores]
    return round(weights[0] / sum(weights), 3) if top > 0 else 0.0
