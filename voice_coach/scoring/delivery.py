"""Delivery metrics from word timestamps, as PRODUCT.md "Metrics, defined" states them."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from voice_coach.scoring.model import Delivery, Filler, Fillers, Hedge, Pause
from voice_coach.scoring.text import SET_OFF_FILLERS, pronoun_counts
from voice_coach.speech.engines import Word
from voice_coach.tokens import is_hesitation, norm

PAUSE_S = 1.0
LONG_PAUSE_S = 2.5
EXCLUDED_PAUSE_S = 2.0  # pauses longer than this do not count as speaking time

SET_OFF_GAP_S = 0.3


@dataclass
class DeliveryBands:
    wpm_band: tuple[float, float] = (130.0, 160.0)
    wpm_flags: tuple[float, float] = (110.0, 190.0)


def _set_off_before(words: list[Word], i: int) -> bool:
    if i == 0:
        return True
    prev = words[i - 1]
    if prev.word.rstrip().endswith((",", ".", "?", "!", ";", ":", "-")):
        return True
    return _gap(prev, words[i]) >= SET_OFF_GAP_S


def _set_off_after(words: list[Word], j: int) -> bool:
    if words[j].word.rstrip().endswith((",", ".", "?", "!", ";", ":", "-")):
        return True
    if j + 1 >= len(words):
        return True
    return _gap(words[j], words[j + 1]) >= SET_OFF_GAP_S


def _gap(a: Word, b: Word) -> float:
    if a.end is None or b.start is None:
        return 0.0
    return b.start - a.end


SINGLE_WORDS = frozenset({"so", "like", "right"})
# how Whisper also writes the pronoun ("I hardly know. Er.") and a word's drawn-out ending ("Align,
# er."): the two false fillers of the shared human clips, both the clip's last word
ALSO_A_WORD = frozenset({"er", "err"})


def find_fillers(words: list[Word]) -> list[Filler]:
    """Filler words and phrases with their start times.

    "so", "like" and "right" count only when set off after them (a comma, a pause, the end): "It
    was, like, huge" and "so, um," are fillers; "So I asked", ", so I committed" and "this is like
    so many" are a sentence's own words. A phrase ("you know", "I mean") counts when set off on
    either side. An "er" that ends the answer is not counted: nothing follows it to hesitate
    before, and "er" is also how Whisper writes "'er" and the drawn-out end of a word."""
    normed = [norm(w.word) for w in words]
    found: list[Filler] = []
    i = 0
    while i < len(words):
        if is_hesitation(words[i].word) or normed[i] in ("basically", "actually"):
            if not (i == len(words) - 1 and normed[i] in ALSO_A_WORD):
                found.append(Filler(normed[i], words[i].start))
            i += 1
            continue
        for phrase in SET_OFF_FILLERS:
            n = len(phrase)
            if tuple(normed[i : i + n]) != phrase:
                continue
            after = _set_off_after(words, i + n - 1)
            if after if phrase[0] in SINGLE_WORDS and n == 1 else (after or _set_off_before(words, i)):
                found.append(Filler(" ".join(phrase), words[i].start))
                i += n
                break
        else:
            i += 1
    return found


HEDGES = (
    ("i", "think"),
    ("i", "guess"),
    ("i", "believe"),
    ("i", "feel", "like"),
    ("maybe",),
    ("probably",),
    ("perhaps",),
    ("possibly",),
    ("hopefully",),
    ("somewhat",),
    ("kind", "of"),
    ("sort", "of"),
)


def find_hedges(words: list[Word]) -> list[Hedge]:
    """Phrases that soften a claim ("I think", "maybe", "sort of"): interviewers hear doubt in them."""
    normed = [norm(w.word) for w in words]
    found: list[Hedge] = []
    i = 0
    while i < len(words):
        for phrase in HEDGES:
            if tuple(normed[i : i + len(phrase)]) == phrase:
                found.append(Hedge(" ".join(phrase), words[i].start))
                i += len(phrase)
                break
        else:
            i += 1
    return found


def i_we_ratio(words: list[Word]) -> float | None:
    """Share of first-person singular among I/we subject pronouns (None when neither occurs)."""
    singular, plural = pronoun_counts(w.word for w in words)
    total = singular + plural
    return round(singular / total, 3) if total else None


def place_words(words: list[Word], regions: list[tuple[float, float]]) -> list[Word]:
    """Word times moved inside the speech regions: Whisper lets a word run over the silence before
    or after it, which hides the pause (a 2.3 s silence came back as a 1.4 s gap)."""
    if not regions:
        return words
    starts = [a for a, _ in regions]
    out = []
    for w in words:
        if w.start is None or w.end is None:
            out.append(w)
            continue
        start, end = w.start, w.end
        i = max(0, bisect_right(starts, start) - 1)
        j = max(0, bisect_right(starts, end) - 1)
        if start > regions[i][1] and i + 1 < len(regions):  # begins in a silence: at the next speech
            i += 1
        # a word stretched across a silence belongs to the stretch of speech it overlaps most
        k = max(range(i, max(i, j) + 1), key=lambda r: min(end, regions[r][1]) - max(start, regions[r][0]))
        start = min(max(start, regions[k][0]), regions[k][1])
        end = max(min(end, regions[k][1]), start)
        out.append(Word(w.word, round(start, 3), round(max(start, end), 3), w.probability))
    return out


def _gaps(regions: list[tuple[float, float]]) -> list[tuple[float, float]]:
    return [(a[1], b[0]) for a, b in zip(regions, regions[1:], strict=False)]


LONG_OVER = 1.25  # a 2:41 answer against a 2:00 target is long (at 1.5 it went unflagged up to 3:00)


def delivery(
    words: list[Word],
    duration_s: float | None,
    target_s: float,
    bands: DeliveryBands | None = None,
    regions: list[tuple[float, float]] | None = None,
) -> Delivery:
    """The 'delivery' block of the answer report. Timing keys are None for a typed answer. With
    the recording's speech regions, pauses and speaking time come from the audio; otherwise from
    the gaps between word times."""
    bands = bands or DeliveryBands()
    fillers = find_fillers(words)
    timed = [w for w in words if w.start is not None and w.end is not None]
    ratio = i_we_ratio(words)
    hedges = find_hedges(words)
    if not timed:
        return Delivery(
            fillers=Fillers(len(fillers), None, fillers),
            i_we_ratio=ratio,
            target_s=target_s,
            wpm_band=list(bands.wpm_band),
            hedges=hedges,
        )
    pauses: list[Pause] = []
    excluded, long_pauses = 0.0, 0
    if regions:  # the audio's own silences, between the first and the last word
        gaps = [(a, b) for a, b in _gaps(regions) if b > timed[0].start and a < timed[-1].end]
    else:
        gaps = [(a.end, b.start) for a, b in zip(timed, timed[1:], strict=False)]
    for start, end in gaps:
        gap = end - start
        if gap >= PAUSE_S:
            pauses.append(Pause(round(start, 3), round(end, 3)))
        if gap > EXCLUDED_PAUSE_S:
            excluded += gap
        if gap >= LONG_PAUSE_S:
            long_pauses += 1
    speaking = max(0.0, timed[-1].end - timed[0].start - excluded)
    wpm = len(words) / speaking * 60.0 if speaking > 0 else 0.0
    per_min = len(fillers) / speaking * 60.0 if speaking > 0 else 0.0
    flags = []
    if wpm and wpm < bands.wpm_flags[0]:
        flags.append(f"slow: {wpm:.0f} wpm (aim for {bands.wpm_band[0]:.0f}-{bands.wpm_band[1]:.0f})")
    elif wpm > bands.wpm_flags[1]:
        flags.append(f"fast: {wpm:.0f} wpm (aim for {bands.wpm_band[0]:.0f}-{bands.wpm_band[1]:.0f})")
    if per_min > 4.8:
        flags.append(f"many fillers: {per_min:.1f} per minute (about 1.2 reads as fluent)")
    if long_pauses:
        flags.append(f"{long_pauses} long pause(s) of {LONG_PAUSE_S} s or more")
    length = duration_s or speaking
    if length > target_s * LONG_OVER:
        flags.append(f"long: {length:.0f} s against a target of {target_s:.0f} s")
    if len(hedges) >= 3:
        flags.append(
            f"{len(hedges)} hedges ({', '.join(sorted({h.phrase for h in hedges}))}): state what you did"
        )
    if ratio is not None and ratio < 0.5:
        flags.append("'we' outnumbers 'I': say what you did yourself")
    return Delivery(
        speaking_s=round(speaking, 2),
        wpm=round(wpm, 1),
        pauses=pauses,
        long_pauses=long_pauses,
        fillers=Fillers(len(fillers), round(per_min, 2), fillers),
        i_we_ratio=ratio,
        target_s=target_s,
        wpm_band=list(bands.wpm_band),
        hedges=hedges,
        flags=flags,
    )
