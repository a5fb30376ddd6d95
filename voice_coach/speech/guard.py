"""Prompted decoding kept safe.

Whisper leaves "um" and "uh" out unless its prompt holds some, and a prompt can do harm: on a run
of real "uh"s it loops ("uh, uh, uh, ..." a hundred times), in a silence after the speech it
invents a phrase ("Thank you very much."), and on a short clip it reads the prompt back ("Er. Uh,
um, er, ah."). A prompted pass is checked segment by segment; what cannot be repaired is decoded
again without the prompt.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import groupby, pairwise

import numpy as np

from voice_coach.tokens import is_hesitation, norm
from voice_coach.transcript import Word

LOOP_RATIO = 2.4  # Whisper's own compression-ratio threshold for a decode that repeats itself
INSTANT_S = 0.02  # a word shorter than this was given no time in the audio: not heard
OVERLAP_S = 0.3  # how far outside the VAD's speech a word's middle may fall and still be heard
# a segment ending this close to the end of the speech leaves nothing to decode (as UNHEARD_S):
# with half a second, a word cut off by "done" got a window of its own and looped there (1.1 s)
DONE_S = 1.0
UNHEARD_S = 1.0  # of speech after the last word: the decode stopped early, not the speaker
# of the VAD's speech with no word of its own (between words, or inside one word's time): words were
# left out (a CI run: "I" given the time of the 4 s sentence it began, the rest squeezed past the
# speech and cut). A cough (1.3 s) or a word drawn out (1.4 s) in the human clips takes less.
LEFT_OUT_S = 2.5
# a pass's token budget per second of the VAD's speech, and over it: the neural voice at 230 wpm takes
# 6.6 a second, a short human phrase up to 15 (40 in 2.7 s, with the segment's timestamps)
TOKENS_PER_S, SPARE_TOKENS = 8, 32
MAX_NEW_TOKENS = 400  # Whisper's 448 less the prompt
SR = 16000
PIECE_S = 20.0  # a prompted pass's audio is cut at the first pause after this ...
MAX_PIECE_S = 28.0  # ... or at the last before this
WINDOW_S = 30.0  # Whisper's window: audio no longer is decoded in one piece
# what Whisper writes when it has nothing to hear (its training data's closings): in a prompted pass
# such a phrase may be invented, so it is only believed from a pass without the prompt
STOCK_PHRASES = ("thank you very much", "thanks for watching", "thank you for watching", "please subscribe")


@dataclass
class Segment:
    words: list[Word]
    compression_ratio: float
    doubtful: bool = False  # Whisper would have decoded it again at a higher temperature


def _instant(word: Word) -> bool:
    return word.start is not None and word.end is not None and word.end - word.start < INSTANT_S


def token_budget(speech_s: float) -> int:
    """The tokens a pass over this much speech may write (per window): speech with fillers fits, a
    loop ends soon. Counted on speech, not audio: a loop over a clip of cut-off words and pauses
    (6.4 s of speech in 12.7 s) wrote 125 tokens for 1.5 s where the unprompted pass took 0.7 s."""
    return min(MAX_NEW_TOKENS, int(TOKENS_PER_S * min(speech_s, WINDOW_S)) + SPARE_TOKENS)


def heard_only(words: list[Word]) -> list[Word]:
    """Without a run of three or more words given no time at the end: Whisper decoding on past the
    speech (on a window fitted to the audio it read a whole question again, every word at its last
    frame). One or two such words may be a real word cut off by the end of the audio. Without a
    fast copy at the end either (`_fast_copy`)."""
    n = len(words)
    while n and _instant(words[n - 1]):
        n -= 1
    words = words[:n] if len(words) - n >= 3 else words
    return words[: len(words) - _fast_copy(words)]


def _fast_copy(words: list[Word]) -> int:
    """How many words at the end repeat the words before them (three or more) in under a third of
    their time: Whisper looping on a short clip cut off mid-sentence ("My concern was that. My
    concern was that.", the copy in 0.16 s of a 1.4 s phrase). A person who says a phrase again
    takes about as long again."""
    keys = [norm(w.word) for w in words]
    n = len(keys)
    for period in range(3, n // 2 + 1):
        m = 0  # how far back from the end each word equals the word `period` before it
        while m < n - period and keys[n - 1 - m] == keys[n - 1 - m - period]:
            m += 1
        if m < 3 or all(is_hesitation(k) for k in keys[n - m :]):
            continue  # a loop on "uh" is the guard's to repair: people do say "uh, uh, uh"
        copy, original = words[n - m :], words[n - m - period : n - period]
        if _spoken_s(copy) is not None and _spoken_s(original):
            if 3 * _spoken_s(copy) < _spoken_s(original):
                return m
    return 0


def _spoken_s(words: list[Word]) -> float | None:
    """The time the words were given, or None when any is untimed."""
    if any(w.start is None or w.end is None for w in words):
        return None
    return sum(w.end - w.start for w in words)


def _without_echo(words: list[Word]) -> list[Word]:
    """Drop runs of four or more hesitations of three kinds or more: the prompt read back, not how
    people hesitate (they repeat one sound: "uh, uh, uh")."""
    kept: list[Word] = []
    for hesitant, group in groupby(words, key=lambda w: is_hesitation(w.word)):
        run = list(group)
        if not (hesitant and len(run) >= 4 and len({norm(w.word) for w in run}) >= 3):
            kept.extend(run)
    return kept


def still_loops(words: list[Word]) -> bool:
    """Of a segment Whisper wrote looping (compression ratio over LOOP_RATIO): do the words kept
    still repeat themselves? Not when heard_only cut the loop's copy off ("My concern was that." of
    "My concern was that. My concern was that. My"); yes while any word or phrase follows itself
    ("Montreal, Montreal, Montreal"), or the text still compresses as a loop does."""
    keys = [norm(w.word) for w in words]
    n = len(keys)
    if any(
        keys[i : i + p] == keys[i + p : i + 2 * p] for p in range(1, n // 2 + 1) for i in range(n - 2 * p + 1)
    ):
        return True
    text = " ".join(w.word for w in words).encode()
    return bool(text) and len(text) / len(zlib.compress(text)) > LOOP_RATIO


def _in_speech(word: Word, regions: list[tuple[float, float]]) -> bool:
    """The (timed) word's middle is inside, or within OVERLAP_S of, the VAD's speech."""
    middle = (word.start + word.end) / 2
    return any(a - OVERLAP_S <= middle <= b + OVERLAP_S for a, b in regions)


def _over_silence(words: list[Word], regions: list[tuple[float, float]] | None) -> bool:
    """No word of the segment is inside (or within OVERLAP_S of) the VAD's speech."""
    if regions is None:
        return False
    return not any(_in_speech(w, regions) for w in words if w.start is not None and w.end is not None)


def _in_last_second(words: list[Word], regions: list[tuple[float, float]] | None) -> bool:
    """Less than UNHEARD_S of the VAD's speech follows the segment's first word: a loop on a word cut
    off by "done" ("databases." then "bass bass bass bass" in the last 0.6 s). Dropped, it loses what
    an early stop there would (prompted_words leaves such a tail undecoded); failing the pass would
    decode the whole stretch again after "done" (1.7 s of a 3.5 s stretch)."""
    start = words[0].start
    return regions is not None and start is not None and speech_after(regions, start) < UNHEARD_S


def _stock_phrase(words: list[Word]) -> bool:
    said = " ".join(norm(w.word) for w in words)
    return any(phrase in said for phrase in STOCK_PHRASES)


def guarded_words(
    segments: Iterable[Segment], regions: list[tuple[float, float]] | None = None
) -> list[Word] | None:
    """The words of a prompted pass that can be trusted, or None: decode again without the prompt.

    A segment over silence (none of its words where the VAD hears speech: Whisper's second window
    after a cut-off last word loops "I'm sorry, I'm sorry" there) is dropped. A looping segment that
    loops on one hesitation keeps the words the audio gave time to (a real "uh, uh, uh" is kept, its
    hundred copies are not); a loop on anything else is not repairable, unless it starts in the
    speech's last second (`_in_last_second`): dropped. A segment whose words mostly
    take no time is text invented over silence, dropped. A stock closing ("Thank you very much.")
    is believed only from the unprompted pass: a streamed stretch got one invented at its end.
    Segments are read as they are decoded: at the first that fails, no further window is decoded."""
    kept: list[Word] = []
    for segment in segments:
        words = segment.words
        if not words or _over_silence(words, regions):
            continue
        if segment.compression_ratio > LOOP_RATIO:
            top = Counter(norm(w.word) for w in words).most_common(1)[0][0]
            if is_hesitation(top):
                words = [w for w in words if not _instant(w)]
            elif still_loops(words):
                if _in_last_second(words, regions):
                    continue
                return None
        elif len(words) >= 3 and 2 * sum(_instant(w) for w in words) >= len(words):
            continue
        if _stock_phrase(words):
            return None
        kept.extend(_without_echo(words))
    return kept


def _hesitation_in_silence(word: Word, regions: list[tuple[float, float]] | None) -> bool:
    """An "uh" or "um" whose middle is more than OVERLAP_S from the VAD's speech: a prompted pass
    writes one over a pause after a cut-off word ("forced, uh, line": 1.8 s of "uh" over a 1.9 s
    pause). A hesitation is voiced, so the VAD hears it; other words are left alone, Whisper stretches
    their times over pauses."""
    if regions is None or not is_hesitation(word.word) or word.start is None or word.end is None:
        return False
    return not _in_speech(word, regions)


def speech_after(regions: list[tuple[float, float]], t: float) -> float:
    """Seconds of speech (the VAD's regions) after time t."""
    return sum(max(0.0, b - max(a, t)) for a, b in regions)


def speech_between(regions: list[tuple[float, float]], t0: float, t1: float) -> float:
    """Seconds of speech (the VAD's regions) between times t0 and t1."""
    return sum(max(0.0, min(b, t1) - max(a, t0)) for a, b in regions)


def unheard(words: list[Word], regions: list[tuple[float, float]] | None) -> bool:
    """Does the VAD hear LEFT_OUT_S or more of speech the words do not account for: before the
    first word, between two words, or inside one word's time? Whisper then left words out (a
    segment squeezed past the speech, or given no time, and cut), which no check of the words alone
    can see. Speech after the last word is an early stop, decoded again by the caller."""
    timed = [w for w in words if w.start is not None and w.end is not None]
    if not regions or not timed:
        return False
    spans = [(0.0, timed[0].start - OVERLAP_S), *((w.start, w.end) for w in timed)]
    spans += [(a.end, b.start) for a, b in pairwise(timed)]
    return any(speech_between(regions, a, b) >= LEFT_OUT_S for a, b in spans)


def pieces(regions: list[tuple[float, float]], duration: float) -> list[tuple[float, float]]:
    """Spans of the audio for prompted passes, cut in the middle of pauses: at the first pause after
    PIECE_S of a piece, or at the last one before MAX_PIECE_S when the next comes later; audio of one
    window (WINDOW_S) or less is not cut. Whisper's prompt reaches only the first 30 s window it
    decodes, so a whole 2-minute answer in one pass would count fillers in its first half minute
    only (streaming cuts stretches in the same way)."""
    spans: list[tuple[float, float]] = []
    start, earlier = 0.0, None
    for (_, end), (following, _) in pairwise(regions):
        if duration - start <= WINDOW_S:
            break
        cut = round((end + following) / 2, 3)
        if cut - start > MAX_PIECE_S and earlier is not None:
            spans.append((start, earlier))
            start = earlier
        if cut - start >= PIECE_S and duration - start > WINDOW_S:
            spans.append((start, cut))
            start, earlier = cut, None
        else:
            earlier = cut
    spans.append((start, duration))
    return spans


def prompted_words(
    decode: Callable[[np.ndarray, int, float | None], Iterable[Segment]],
    audio: np.ndarray,
    regions: list[tuple[float, float]],
) -> list[Word] | None:
    """Prompted passes (`decode(audio, token_budget, until)`, at temperature 0) over the audio's
    pieces, checked; None: decode again without the prompt (so too when the VAD hears no speech:
    nothing to check against)."""
    if not regions:
        return None
    words: list[Word] = []
    for a, b in pieces(regions, len(audio) / SR):
        inside = [(max(x, a) - a, min(y, b) - a) for x, y in regions if y > a and x < b]
        found = _prompted_piece(decode, audio[int(a * SR) : int(b * SR)], inside)
        if found is None:
            return None
        words += [w.shifted(a) for w in found]
    return words


def _prompted_piece(
    decode: Callable[[np.ndarray, int, float | None], Iterable[Segment]],
    audio: np.ndarray,
    regions: list[tuple[float, float]],
) -> list[Word] | None:
    """One piece's prompted pass, checked. The budget ends a loop soon, so it costs little. A
    prompted decode can stop early (after a cough): speech the VAD hears after its last word is
    decoded from there, once. `decode` stops once a segment reaches the end of the speech (`until`):
    after a word cut off by "done", Whisper would decode a second window of silence, and prompted it
    fills that window to the budget (measured: a 2.9 s last stretch took 3.9 s instead of 1.1 s)."""

    def checked(clip: np.ndarray, at: float = 0.0) -> list[Word] | None:
        budget = token_budget(speech_after(regions, at))
        until = regions[-1][1] - at - DONE_S if regions else None
        return guarded_words(decode(clip, budget, until), [(a - at, b - at) for a, b in regions])

    words = checked(audio)
    if words is None or (not words and speech_after(regions, 0.0) >= UNHEARD_S):
        return None  # nothing kept of a second or more of speech: decode it without the prompt
    end = (words[-1].end or 0.0) if words else 0.0
    if words and speech_after(regions, end) >= UNHEARD_S:
        rest = checked(audio[int(end * SR) :], end)
        if rest is None:
            return None
        words += [w.shifted(end) for w in rest]
    if unheard(words, regions):
        return None  # speech left without its words: again, unprompted
    # last: the decode did reach past such a word, and its time is not speech left undecoded
    return [w for w in words if not _hesitation_in_silence(w, regions)]
