"""Bullet coverage and story identification.

A scorer compares a bullet with a window of one or two transcript sentences. Each window counts
only for the bullet it matches best (top-1 assignment), so one sentence that shares a keyword
with several bullets cannot cover them all. The lexical scorer here is the fallback that needs no
model; an embedding scorer can sit behind the same interface.
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from voice_coach.bank.model import Bullet, Story
from voice_coach.scoring.spelling import Speller, spell_numbers
from voice_coach.scoring.text import (
    Sentence,
    clauses,
    ends_sentence,
    first_person,
    sentences,
    speaks_generally,
    strip_fillers,
)
from voice_coach.speech.engines import Word
from voice_coach.tokens import content_tokens


class Scorer(Protocol):
    name: str
    threshold: float  # a bullet counts as covered at or above this score
    story_floor: float  # below this fit no story is named
    off_topic: float  # a sentence less like every bullet of the told story than this is an aside

    def fit(self, corpus: list[str]) -> None: ...

    def matrix(self, bullets: list[str], windows: list[str]) -> np.ndarray: ...

    def warm(self, windows: list[str]) -> None: ...


class LexicalScorer:
    """IDF-weighted recall of the bullet's content words in the window: the fallback with no model."""

    name = "lexical"
    threshold = (
        0.2  # calibrated by bench/calibrate.py on voice_coach/evaluation/labelled/labelled_answers.yaml
    )
    story_floor = 0.25
    off_topic = 0.0

    def __init__(self) -> None:
        self.idf: dict[str, float] = {}
        self.default_idf = 1.0

    def fit(self, corpus: list[str]) -> None:
        docs = [set(content_tokens(t)) for t in corpus]
        df = Counter(t for d in docs for t in d)
        n = max(1, len(docs))
        self.idf = {t: math.log((n + 1) / (c + 0.5)) + 1.0 for t, c in df.items()}
        self.default_idf = math.log(n + 1) + 1.0

    def _recall(self, want: set[str], have: set[str]) -> float:
        total = sum(self.idf.get(t, self.default_idf) for t in want)
        hit = sum(self.idf.get(t, self.default_idf) for t in want & have)
        return hit / total if total else 0.0

    def matrix(self, bullets: list[str], windows: list[str]) -> np.ndarray:
        wants = [set(content_tokens(b)) for b in bullets]  # tokenize each text once, not per pair
        haves = [set(content_tokens(w)) for w in windows]
        return np.array(
            [[self._recall(want, have) for have in haves] for want in wants], dtype=np.float32
        ).reshape(len(bullets), len(windows))

    def warm(self, windows: list[str]) -> None:
        """Nothing to prepare: word overlap is computed in no time."""


class EmbeddingScorer:
    """Cosine similarity of sentence vectors (bge-small, else MiniLM: scoring/embeddings.py), on
    MiniLM's scale; fillers are removed from windows first.

    The thresholds are calibrated on evaluation/labelled/labelled_answers.yaml by `bench/calibrate.py`.
    """

    name = "minilm-int8"  # the encoder's, set per instance
    # threshold: calibrated by bench/calibrate.py; low, because top-1 assignment removes the windows
    # that match another bullet better. Swept again with the 25 hard answers
    # (evaluation/labelled/hard_answers.yaml: paraphrases and negatives): 0.42 credits no negative but
    # one (typed, and spoken by the neural voice), yet through espeak-ng at 190 wpm recall fell from
    # 0.894 to 0.837 and story accuracy from 0.912 to 0.882 (the British voice: 0.933 -> 0.827), so
    # it stays at 0.37. The two situation-only negatives it let through are refused by the evidence
    # rules in match_bullets instead: talk in general is no evidence ("Hiring is always hard in this
    # market", 0.46) and a task told without the speaker must match clearly (IMPERSONAL_FLOOR, 0.41).
    threshold = 0.37
    story_floor = 0.53
    off_topic = 0.25

    def __init__(self, model) -> None:
        self.model = model
        self.name = model.name
        # the notes as written, matched as spoken: misspelled words of a bullet in their right form
        self.speller = speller_for(model)

    def fit(self, corpus: list[str]) -> None:
        self.model.embed([self.speller.normalize(t) for t in corpus])  # the bank's bullets, cached

    def matrix(self, bullets: list[str], windows: list[str]) -> np.ndarray:
        if not bullets or not windows:
            return np.zeros((len(bullets), len(windows)), dtype=np.float32)
        a = self.model.embed([self.speller.normalize(b) for b in bullets])
        b = self.model.embed([spell_numbers(strip_fillers(w)) for w in windows])
        return self.model.similarity(a, b)

    def warm(self, windows: list[str]) -> None:
        """Embed windows ahead of matrix(): the sentences of an answer while it is still spoken."""
        self.model.embed([spell_numbers(strip_fillers(w)) for w in windows])


@functools.cache
def speller_for(model) -> Speller:
    """One speller per model, built once: a scorer is made for every answer scored, and building
    the speller and correcting the bank's bullets again took 0.05 s of each report."""
    vocabulary = model.tokenizer.get_vocab()
    return Speller(sorted(vocabulary, key=vocabulary.get))


def default_scorer() -> Scorer:
    """The embedding scorer when its model packages are installed, else the lexical fallback."""
    from voice_coach.scoring.embeddings import load_encoder

    model = load_encoder()
    return EmbeddingScorer(model) if model is not None else LexicalScorer()


@dataclass
class Window:
    text: str
    first: int  # sentence indexes, inclusive
    last: int
    clause: bool = False  # one clause of a sentence that says several things


SHORT_WINDOW = 5  # words: a window under this is judged as a clause
LONG_SENTENCE = 28  # words; fast speech comes back from Whisper as run-on sentences
CHUNK, STEP = 16, 8


def windows(sents: list[Sentence], size: int = 2) -> list[Window]:
    """Windows of one and two sentences, overlapping 16-word chunks of any run-on sentence, and the
    clauses of a sentence that has several (each may tell a bullet of its own)."""
    out = []
    for i in range(len(sents)):
        for n in range(1, size + 1):
            if i + n <= len(sents):
                text = " ".join(s.text for s in sents[i : i + n])
                # a few words ("At my last startup,") say too little to be evidence on their own
                out.append(Window(text, i, i + n - 1, clause=len(text.split()) < SHORT_WINDOW))
        words = sents[i].text.split()
        if len(words) > LONG_SENTENCE:
            for start in range(0, len(words) - CHUNK + STEP, STEP):
                out.append(Window(" ".join(words[start : start + CHUNK]), i, i))
    for i, s in enumerate(sents):
        parts = clauses(s.text)
        if len(parts) > 1:
            out.extend(Window(part, i, i, clause=True) for part in parts)
    return out


def warm_answer(scorer: Scorer, words: list[Word], stop: Callable[[], bool] = lambda: False) -> None:
    """Embed the windows of an answer's words so far, while the user is still speaking, so that after
    the answer only its last stretch is new (a 2-minute answer's scoring: 0.25 s -> 0.04 s). A few
    windows at a time, until stop() says more urgent work (the next stretch to transcribe) waits."""
    texts = [w.text for w in windows(sentences(words))]
    for i in range(0, len(texts), WARM_BATCH):
        if stop():
            return
        scorer.warm(texts[i : i + WARM_BATCH])


WARM_BATCH = 16  # the encoder's batch: about 0.05 s of work between checks


@dataclass
class BulletMatch:
    bullet: Bullet
    score: float
    covered: bool
    window: Window | None


def match_bullets(
    story: Story, sents: list[Sentence], scorer: Scorer, by_place: bool = True, clauses: bool = True
) -> list[BulletMatch]:
    """Each bullet's best window that is evidence for it. A window counts for the bullet it matches
    best (by_place: a near tie goes to the bullet whose place in the story is nearest the window's
    in the answer), and also for another bullet whose words it says (see _also_told) or that is its
    parent or sub-bullet (_family_told); a clause
    window only for a bullet it matches clearly above the rest."""
    bullets = story.all_bullets()
    wins = [w for w in windows(sents) if clauses or not w.clause]
    if not bullets:
        return []
    texts = [w.text for w in wins]
    table = scorer.matrix([b.text for b in bullets], texts)
    single: dict[int, int] = {}  # sentence -> its own window (the first one: not a run-on's chunk)
    for k, w in enumerate(wins):
        if w.first == w.last:
            single.setdefault(w.first, k)
    # which bullet a window tells: the most similar, all else equal the one whose place in the story
    # is nearest the window's place in the answer ("That brought the leadership team back to our core"
    # ends an answer: the story's last bullet, not its first, "CEO organized an offsite for the core
    # leadership team", however many words they share)
    best_for_window = table.argmax(axis=0) if wins else np.zeros(0, dtype=int)
    is_clause = np.array([w.clause for w in wins], dtype=bool)
    if wins and by_place:  # the place decides a near tie only, and not for a clause
        where_b = np.arange(len(bullets))[:, None] / max(1, len(bullets) - 1)
        where_w = np.array([w.first for w in wins])[None, :] / max(1, len(sents) - 1)
        nearest = (table - PLACE_WEIGHT * np.abs(where_b - where_w)).argmax(axis=0)
        cols = np.arange(len(wins))
        near = (table[best_for_window, cols] - table[nearest, cols] < PLACE_MARGIN) & ~is_clause
        best_for_window = np.where(near, nearest, best_for_window)
    counts = np.zeros(table.shape, dtype=bool)
    if wins:
        counts[best_for_window, np.arange(len(wins))] = True
        counts |= _also_told(bullets, texts, table)
        counts |= _family_told(bullets, table, best_for_window)
        counts &= ~is_clause[None, :] | _clearly_one(table)
    general = [speaks_generally(s.text) for s in sents]
    # who speaks is a sentence's: a clause or a run-on's piece ("the boss liked the idea of using it
    # himself") is told by the "I" of its sentence ("When I questioned the people championing it, ...")
    whole = _whole_sentences(sents)
    spoken = [" ".join(dict.fromkeys(whole[i] for i in range(w.first, w.last + 1))) for w in wins]

    def evidence(bi: int, wi: int) -> bool:
        closest = _closest(table, wins[wi], bi, single)
        return (
            table[bi, wi] >= scorer.threshold
            and _evidence_prefers(table, wins[wi], bi, single, closest)
            and not general[closest]
            and _speaker_or_clear(bullets[bi], spoken[wi], float(table[bi, wi]))
        )

    out = []
    for bi, bullet in enumerate(bullets):
        ranked = sorted(np.flatnonzero(counts[bi]), key=lambda k: -table[bi, k])
        if not ranked:
            out.append(BulletMatch(bullet, 0.0, False, None))
            continue
        # the best window that is evidence (a two-sentence window leaning to another bullet is not,
        # though the sentence under it alone may be)
        wi = next((k for k in ranked if evidence(bi, k)), None)
        chosen = ranked[0] if wi is None else wi
        out.append(BulletMatch(bullet, round(float(table[bi, chosen]), 3), wi is not None, wins[chosen]))
    return out


PLACE_WEIGHT, PLACE_MARGIN = 0.15, 0.1

# A sentence that tells two bullets ("The CEO had crafted it with our newly hired project management
# director": bullets "It was crafted by our CEO with input from the new project management director"
# and "Recently hired new project management director") covers both when it matches the second
# clearly (ALSO_FLOOR) and says most of its words (ALSO_WORDS, IDF-weighted): siblings that merely
# resemble each other share a few words, not most. Set on the user's own stories (tuning set); the
# shipped sets keep precision 0.99-1.00.
ALSO_FLOOR, ALSO_WORDS = 0.45, 0.5

# One clause of a sentence ("... , and it was billed as a session for refining our direction") is a
# window of its own, so a sentence that packs several bullets can cover each; being short, a clause
# counts only for a bullet it matches at CLAUSE_FLOOR and by CLAUSE_MARGIN over every other bullet.
CLAUSE_FLOOR, CLAUSE_MARGIN = 0.45, 0.1

# A task or action told without "I", "we", "my" ... must match its bullet clearly: the passive
# paraphrases credited rightly score 0.55-0.78 ("Batch work moved to spot capacity"), the mood of a
# situation told alone 0.41 ("It was a really tense time for the whole company ..." for "I had to
# convince the executive team"). Set on the tuning sets; the held-out ones (0.55, 0.63) keep theirs.
IMPERSONAL_FLOOR = 0.5


def _also_told(bullets: list[Bullet], windows_text: list[str], table: np.ndarray) -> np.ndarray:
    """(bullet, window) pairs where the window says the bullet, whichever bullet it matches best."""
    texts = [b.text for b in bullets]
    words = LexicalScorer()
    words.fit(texts)
    return (table >= ALSO_FLOOR) & (words.matrix(texts, windows_text) >= ALSO_WORDS)


# A window that goes to one bullet also tells that bullet's parent or sub-bullet when it matches it
# at FAMILY_FLOOR: the user's notes nest their facts ("It became clear the new direction was:" over
# "Deeply rooted in what the new PM had delivered ..."), and a sentence tells a bullet with its
# sub-bullets. Own tuning set: recall 0.792 -> 0.822, precision 0.948 -> 0.949 (0.45: 0.833 at
# 0.941); held out, looked at once: 0.793 -> 0.805 at 0.949 -> 0.936; the shipped sets, flat, the
# same. Siblings were tried too: every top-level bullet is a sibling, precision 0.87.
FAMILY_FLOOR = 0.5


def _family_told(bullets: list[Bullet], table: np.ndarray, owner: np.ndarray) -> np.ndarray:
    """(bullet, window) pairs where the window tells the parent or a sub-bullet of the bullet it went to."""
    index = {id(b): i for i, b in enumerate(bullets)}
    kin: list[set[int]] = [set() for _ in bullets]
    for parent in bullets:
        for child in parent.children:
            kin[index[id(parent)]].add(index[id(child)])
            kin[index[id(child)]].add(index[id(parent)])
    out = np.zeros(table.shape, dtype=bool)
    for w, o in enumerate(owner):
        for b in kin[int(o)]:
            out[b, w] = table[b, w] >= FAMILY_FLOOR
    return out


def _clearly_one(table: np.ndarray) -> np.ndarray:
    """(bullet, window): the bullet is the window's, by CLAUSE_MARGIN over the next (and at CLAUSE_FLOOR)."""
    if table.shape[0] < 2:
        return table >= CLAUSE_FLOOR
    top2 = np.sort(table, axis=0)[-2:]
    return (table >= CLAUSE_FLOOR) & (table - top2[0][None, :] >= CLAUSE_MARGIN) & (table >= top2[1][None, :])


def _whole_sentences(sents: list[Sentence]) -> list[str]:
    """For each sentence, the text up to its full stops: a long one is scored in pieces."""
    out: list[str] = []
    start = 0
    for i, s in enumerate(sents):
        if ends_sentence(s.text) or i == len(sents) - 1:
            text = " ".join(x.text for x in sents[start : i + 1])
            out.extend([text] * (i + 1 - start))
            start = i + 1
    return out


def _speaker_or_clear(bullet: Bullet, said: str, score: float) -> bool:
    return bullet.star not in ("T", "A") or score >= IMPERSONAL_FLOOR or first_person(said)


def _closest(table: np.ndarray, win: Window, bi: int, single: dict) -> int:
    """The window's sentence most like the bullet on its own."""
    inside = [i for i in range(win.first, win.last + 1) if i in single]
    return max(inside, key=lambda i: table[bi, single[i]]) if inside else win.first


def _evidence_prefers(table: np.ndarray, win: Window, bi: int, single: dict, closest: int) -> bool:
    """A two-sentence window is evidence for a bullet only when its sentence closest to that bullet,
    on its own, matches it better than any other bullet: otherwise a pair whose sentences each tell
    another bullet covered a third one as well (a result next to the other result, the situation next
    to the task: two credits not said in the held-out hard answers)."""
    if win.first == win.last or closest not in single:
        return True
    return int(table[:, single[closest]].argmax()) == bi


@dataclass
class StoryFit:
    id: str
    fit: float  # ranks the stories: bullets told (the distinctive ones weigh more), sentences explained
    told: float  # mean of the answer's three best sentence scores, asides left out: was it told at all?


def story_scores(
    stories: list[Story], sents: list[Sentence], scorer: Scorer, preferred: list[str] | None = None
) -> list[StoryFit]:
    """Each story's fit to the answer, best first."""
    preferred = preferred or []
    all_windows = [w for w in windows(sents) if not w.clause]
    wins = [w.text for w in all_windows]
    single_cols = [i for i, w in enumerate(all_windows) if w.first == w.last]  # within one sentence
    scored = []
    for story in stories:
        bullets = [b.text for b in story.all_bullets()]
        if not bullets or not wins:
            scored.append(StoryFit(story.id, 0.0, 0.0))
            continue
        table = scorer.matrix(bullets, wins)
        # bullets told apart from the other stories' weigh more: twin stories share their situation
        told_apart = _distinct(
            scorer, bullets, [b.text for o in stories if o is not story for b in o.all_bullets()]
        )
        by_bullet = float((table.max(axis=1) * told_apart).sum() / told_apart.sum())
        # and how well the story explains the answer's sentences: a partial answer tells a quarter of
        # a long story's bullets, and those well
        by_sentence = float(table[:, single_cols].max(axis=0).mean())
        fit = (by_bullet + by_sentence) / 2
        if story.id in preferred:
            fit += 0.02  # a linked story wins a near tie, never a clear loss
        per_sentence = np.sort(table[:, single_cols].max(axis=0))[::-1]
        on_topic = per_sentence[per_sentence >= scorer.off_topic]  # an aside does not count against
        told = float(on_topic[:3].mean()) if len(on_topic) else 0.0
        scored.append(StoryFit(story.id, fit, told))
    return sorted(scored, key=lambda x: -x.fit)


def other_story_told(
    story: Story, stories: list[Story], sents: list[Sentence], scorer: Scorer
) -> tuple[str, str] | None:
    """(another story's id, the sentence) when a sentence tells that story far more than the one
    named: "I organized ten twenty-minute calls with customers" in the other twin's answer. Strict
    (MIXED_FLOOR, MIXED_GAP): a bullet the two stories both have ("I was the person closest to our
    customers") must not make an answer mixed."""
    texts = [w.text for w in windows(sents) if w.first == w.last]  # sentences and their clauses
    if not texts:
        return None
    own = scorer.matrix([b.text for b in story.all_bullets()], texts).max(axis=0)
    found: tuple[float, str, str] | None = None
    for other in stories:
        if other.id == story.id or not other.all_bullets():
            continue
        theirs = scorer.matrix([b.text for b in other.all_bullets()], texts).max(axis=0)
        for i in np.flatnonzero((theirs >= MIXED_FLOOR) & (theirs - own >= MIXED_GAP)):
            if found is None or theirs[i] - own[i] > found[0]:
                found = (float(theirs[i] - own[i]), other.id, texts[i])
    return (found[1], found[2]) if found else None


# Set on the user's twin stories (tuning and held-out mixed answers: 3 of 6 called, no answer of
# any other kind in the six labelled sets; at 0.55 and 0.1, 5 of 6 and one false: a bullet both
# stories share)
MIXED_FLOOR, MIXED_GAP = 0.7, 0.3


def _distinct(scorer: Scorer, bullets: list[str], others: list[str]) -> np.ndarray:
    """How much each bullet tells this story apart from the others: twin stories that share their
    situation are told apart by the bullets they do not share."""
    if not others:
        return np.ones(len(bullets))
    like = scorer.matrix(bullets, others).max(axis=1)
    return np.clip(1.0 - like, 0.05, None) ** 2


def confidence(scores: list[StoryFit], temperature: float = 0.05) -> float:
    """Softmax probability of the best story against the others."""
    if not scores:
        return 0.0
    top = scores[0].fit
    weights = [math.exp((s.fit - top) / temperature) for s in scores]
    return round(weights[0] / sum(weights), 3) if top > 0 else 0.0
