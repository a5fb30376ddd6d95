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


def test_a_segment_over_silence_is_dropped_even_when_it_loops():
    """Whisper's second window after a cut-off last word: a loop where the VAD hears nothing."""
    said = words("I@0.56-1.04 volunteered@1.04-1.5 to@1.5-1.98 lead@1.98-2.18 the...@2.18-2.92")
    sorry = words("I'm@2.92-3.16") + words("sorry,@3.16-3.16 I'm@3.16-3.16") * 30  # as seen, VAD to 2.49
    assert text(guarded_words([Segment(said, 0.8), Segment(sorry, 12.0)], regions=[(0.93, 2.49)])) == text(
        said
    )
    assert guarded_words([Segment(said, 0.8), Segment(sorry, 12.0)]) is None  # no VAD: cannot tell


def test_with_no_speech_found_by_the_vad_the_unprompted_pass_decides():
    """A quiet microphone the VAD does not hear: nothing to check a prompted pass against."""
    calls = []
    assert prompted_words(lambda *a: calls.append(a) or [], np.zeros(16000, dtype=np.float32), []) is None
    assert calls == []


def test_a_stock_closing_that_took_time_is_believed_only_without_the_prompt():
    # a streamed stretch, prompted, ended "... processing. Thank you very much." over its trailing pause
    said = words("before@0.5-0.8 processing.@0.8-1.4 Thank@1.6-1.9 you@1.9-2.0 very@2.0-2.2 much.@2.2-2.6")
    assert guarded_words([Segment(said, 1.1)]) is None
    assert text(guarded_words([Segment(said[:2], 1.0)])) == "before processing."


def test_a_long_answer_is_prompted_piece_by_piece_cut_in_its_pauses():
    # Whisper's prompt reaches only its first 30 s window: a 70 s answer decoded in one prompted pass
    # would count fillers in its first half minute only
    regions = [(t + 0.5, t + 3.5) for t in range(0, 70, 4)]  # 3 s of speech, 1 s pauses
    calls = []

    def decode(clip, budget, until):
        calls.append(len(clip) / 16000)
        said = " ".join(f"it@{t + 0.9}-{t + 2.2} said.@{t + 2.2}-{t + 3.5}" for t in range(0, int(until), 4))
        return [Segment(words(f"uh,@0.6-0.9 {said}"), 1.0)]  # to the speech's end

    found = prompted_words(decode, np.zeros(70 * 16000, dtype=np.float32), regions)
    assert len(calls) == 3 and max(calls) <= 30 and abs(sum(calls) - 70) < 0.01
    assert [w.start for w in found if w.word == "uh,"] == [0.6, 20.6, 40.6]  # cut mid-pause: 20.0, 40.0


def test_pieces_are_cut_only_past_one_window_and_never_run_past_it():
    from voice_coach.speech.guard import pieces

    assert pieces([(0.5, 20.2), (20.6, 21.4)], 21.6) == [(0.0, 21.6)]  # one window: no 1.2 s tail
    # no pause from 19.3 s to 45 s: cut at the last pause before 28 s, not the first after 20 s
    assert pieces([(0.5, 19.0), (19.3, 45.0), (45.3, 50.0)], 50.0) == [
        (0.0, 19.15),
        (19.15, 45.15),
        (45.15, 50.0),
    ]


def test_a_prompted_pass_that_keeps_nothing_of_the_speech_is_decoded_again():
    echo = words("Er.@0.1-0.3 Uh,@0.3-0.5 um,@0.5-0.7 er,@0.7-0.8 ah.@0.8-1.0")  # the prompt read back
    audio = np.zeros(4 * 16000, dtype=np.float32)
    assert prompted_words(lambda *a: [Segment(echo, 1.0)], audio, [(0.5, 3.0)]) is None
    assert prompted_words(lambda *a: [Segment(echo, 1.0)], audio, [(0.5, 1.0)]) == []  # half a second


def test_words_given_no_time_after_the_speech_are_not_heard():
    """On a fitted window Whisper read a question again after its end, every word at the last frame."""
    from voice_coach.speech.guard import heard_only

    said = words("in@5.6-5.86 the@5.86-6.0 end?@6.0-6.34")
    again = words("Tell@6.8-6.8 me@6.8-6.8 about@6.8-6.8 a@6.8-6.8")
    assert heard_only(said + again) == said
    cut_off = words("the@5.86-6.0 en-@6.8-6.8")  # one word squeezed at the end may be a real one
    assert heard_only(cut_off) == cut_off


def test_a_phrase_copied_in_no_time_after_itself_is_not_heard():
    """A short last stretch cut off mid-sentence: Whisper wrote its phrase twice, the copy squeezed
    into 0.16 s; the loop it made as a prompted pass (compression 2.6) is repaired, not decoded again."""
    from voice_coach.speech.guard import heard_only

    said = words("My@0.46-0.98 concern@0.98-1.4 was@1.4-1.68 that.@1.68-1.84")
    copy = words("My@1.84-1.84 concern@1.84-1.84 was@1.84-1.84 that.@1.84-2.0")
    assert heard_only(said + copy) == said
    assert text(guarded_words([Segment(heard_only(said + copy + copy[:1]), 2.59)])) == text(said)
    again = words("My@2.2-2.7 concern@2.7-3.1 was@3.1-3.4 that.@3.4-3.6")  # said again, taking time
    assert heard_only(said + again) == said + again
    looping = words("Montreal,@0.6-1.2 Montreal,@1.2-1.2 Montreal,@1.2-1.3 Forst?@1.4-1.9")
    assert guarded_words([Segment(looping, 2.7)]) is None  # a word after itself: still a loop


def test_a_loop_on_a_word_cut_off_in_the_last_second_is_dropped_alone():
    """As seen in the room: "done" pressed on the last word, the stretch's VAD speech to 3.55 s."""
    said = words(
        "I@0.7-1.0 labeled@1.0-1.3 all@1.3-1.7 our@1.7-1.9 servers@1.9-2.3 and@2.3-2.6 databases.@2.6-3.0"
    )
    bass = words("bass@2.97-3.13 bass@3.13-3.43 bass@3.43-3.43 bass@3.43-3.53")
    regions = [(0.6, 3.55)]
    assert text(guarded_words([Segment(said, 0.8), Segment(bass, 3.7)], regions)) == text(said)
    # the same loop with more than a second of speech after it starts: the pass is not trusted
    assert guarded_words([Segment(said, 0.8), Segment(bass, 3.7)], [(0.6, 4.2)]) is None
    assert guarded_words([Segment(said, 0.8), Segment(bass, 3.7)]) is None  # no VAD: cannot tell


def test_speech_left_without_its_words_is_decoded_again_without_the_prompt():
    """As in a CI run of the room: the 17 s stretch came back "... architecture. I", the "I" given the
    time of the whole sentence it began and the rest squeezed past the speech (and cut as such)."""
    said = words("in@11.0-11.3 his@11.3-11.5 own@11.5-11.8 architecture.@11.8-12.5")
    audio = np.zeros(17 * 16000, dtype=np.float32)
    regions = [(10.9, 12.5), (12.6, 16.5)]

    def passes(*segments: str, regions=regions) -> bool:
        found = prompted_words(
            lambda *a: [Segment(said, 1.2), *(Segment(words(s), 0.9) for s in segments)], audio, regions
        )
        return found is not None

    assert not passes("I@12.6-16.2")  # 3.6 s of speech in one word
    assert not passes("I@12.6-12.8 wrote@15.4-15.7 it.@15.7-16.4")  # 2.6 s between two words
    # words through all of the speech, a cough (1.3 s) or a word drawn out (2.2 s): kept
    whole = "I@12.6-12.8 wrote@12.8-13.4 it@13.4-14.2 down@14.3-15.2 there.@15.2-16.4"
    assert passes(whole)
    assert not passes(whole, regions=[(7.0, 12.5), (12.6, 16.5)])  # 3.7 s of speech before the first
    assert passes("I@12.6-12.8 wrote@14.1-14.6 it@14.6-14.8 do-o-own.@14.8-16.4")
