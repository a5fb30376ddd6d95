"""Prompted decoding checked: loops repaired, invented text and the prompt read back dropped, an early
stop decoded again. On the shapes Whisper was seen to produce (speech/guard.py's docstring)."""

from __future__ import annotations

import numpy as np

from voice_coach.speech.guard import Segment, guarded_words, prompted_words
from voice_coach.transcript import Word


def words(spec: str) -> list[Word]:
    """'Montreal@0.6-1.2 uh@1.9-2.7' -> timed words."""
    out = []
    for item in spec.split():
        text, times = item.split("@")
        start, end = times.split("-")
        out.append(Word(text, float(start), float(end)))
    return out


def text(found) -> str:
    return " ".join(w.word for w in found)


def test_a_loop_on_one_hesitation_keeps_the_ones_given_time():
    looped = words("Montreal,@0.6-1.3 uh,@1.9-2.8 uh,@3.2-3.4 uh,@4.0-4.7") + words("uh,@5.76-5.76") * 40
    kept = guarded_words([Segment(looped, 18.8), Segment(words("there.@5.9-6.0"), 0.4)])
    assert text(kept) == "Montreal, uh, uh, uh, there."


def test_a_loop_on_words_is_decoded_again_without_the_prompt():
    looped = words("we@0.5-0.7 shipped@0.7-1.0 it@1.0-1.1") + words("shipped@1.2-1.2 it@1.2-1.2") * 30
    assert guarded_words([Segment(looped, 9.5)]) is None


def test_text_over_silence_and_the_prompt_read_back_are_dropped():
    said = words("Montreal@0.5-1.1 I@2.0-2.1 hardly@2.1-2.3 know,@2.3-2.5 er.@2.6-3.2")
    invented = words("Thank@3.2-3.96 you@3.96-3.96 very@3.96-3.96 much.@3.96-3.96")
    echo = words("Er.@0.1-0.3 Uh,@0.3-0.5 um,@0.5-0.7 er,@0.7-0.8 ah.@0.8-1.0")
    assert text(guarded_words([Segment(said, 0.8), Segment(invented, 0.7)])) == text(said)
    assert guarded_words([Segment(echo, 1.0)]) == []
    people = words("so@0.1-0.3 uh,@0.4-0.6 uh,@0.7-0.9 uh,@1.0-1.2 uh,@1.3-1.5 yes@1.6-1.9")
    assert guarded_words([Segment(people, 1.2)]) == people  # one sound repeated is how people hesitate


def test_an_early_stop_is_decoded_again_from_the_last_word():
    audio = np.zeros(20 * 16000, dtype=np.float32)
    calls = []

    def decode(clip, budget, until):
        calls.append((len(clip) / 16000, budget, until))
        if len(calls) == 1:
            return [Segment(words("I@1.0-1.2 think@1.2-1.5 I'll@1.5-1.7 cough.@1.7-2.0"), 0.9)]
        return [Segment(words("uh,@1.0-1.3 that@1.5-1.7 happened.@1.7-2.2"), 0.9)]

    found = prompted_words(decode, audio, regions=[(1.0, 2.0), (3.0, 4.5)])
    assert text(found) == "I think I'll cough. uh, that happened."
    assert [w.start for w in found][-3:] == [3.0, 3.5, 3.7]  # timed from the start of the audio
    # the budget: 8 tokens a second of speech (2.5 s, then the 1.5 s after "cough.") and 32 spare,
    # not of audio (a loop over 20 s would write 184); no window decoded after a second before the end
    assert calls == [(20.0, 32 + 8 * 2.5, 3.5), (18.0, 32 + 8 * 1.5, 1.5)]


def test_a_hesitation_over_a_pause_is_not_heard():
    """mfa_cutoff: "forced, uh, line" with the "uh" over a 1.9 s pause after a cut-off word."""
    said = words("Montreal,@0.2-1.9 forced,@8.4-9.4 uh,@9.7-11.5 line,@12.2-12.7 uh,@12.8-13.0")
    regions = [(0.6, 1.9), (8.9, 9.5), (11.4, 11.7), (12.2, 13.1)]
    found = prompted_words(lambda *a: [Segment(said, 1.0)], np.zeros(14 * 16000, dtype=np.float32), regions)
    assert text(found) == "Montreal, forced, line, uh,"  # a word over a pause is Whisper's timing: kept
