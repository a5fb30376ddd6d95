"""Delivery metrics on hand-built word timings, where every number can be checked by hand."""

from __future__ import annotations

from voice_coach.scoring.delivery import delivery, find_fillers, i_we_ratio
from voice_coach.speech.engines import Word


def words(spec: str, step: float = 0.4, gaps: dict[int, float] | None = None) -> list[Word]:
    out, t = [], 0.0
    for i, w in enumerate(spec.split()):
        t += (gaps or {}).get(i, 0.0)
        out.append(Word(w, round(t, 3), round(t + step - 0.1, 3)))
        t += step
    return out


def test_fillers_always_and_set_off():
    ws = words("Um, so I like this design. It was, like, huge, you know. Uh I basically rebuilt it.")
    found = [f.word for f in find_fillers(ws)]
    assert found == ["um", "like", "you know", "uh", "basically"]
    # 'like' as a verb and 'so' mid-sentence are not fillers
    assert find_fillers(words("I like it so much")) == []


def test_so_like_and_er_count_only_as_fillers():
    """Issue 29: "So I asked ..." and ", so I committed" were counted (jfk.flac: "many fillers" for
    one "so"), "like" as a verb too, and "'er" (the pronoun in "I hardly know 'er") was an "er"."""
    for text in (
        "So I asked for a week, so I committed to the plan.",
        "And so my fellow Americans, ask not what your country can do for you.",
        "this is like so many words",
        "montreal forced aligner i hardly know 'er",
        "Montreal for Steleiner. I hardly know. Er.",  # as Whisper wrote mfa_erpause.flac
        "Mon, Trial, Forced, Align, er.",  # mfa_internalsil.flac: "aligner" drawn out, no filler
    ):
        assert find_fillers(words(text)) == [], text
    found = [f.word for f in find_fillers(words("So, um, we shipped it, right? It was, like, fine."))]
    assert found == ["so", "um", "right", "like"]
    # an "er" with words after it hesitates before them; "uh" or "um" at the end is still counted
    assert [f.word for f in find_fillers(words("We knew, er, what to do, uh."))] == ["er", "uh"]


def test_drawn_out_and_closed_mouth_sounds_count():
    """ "hm" and "mm" were never counted, nor a sound drawn out past the listed spellings."""
    found = [f.word for f in find_fillers(words("Hmmm, mm, I think, mhm, ummm, uhh, errm, we shipped it."))]
    assert found == ["hmmm", "mm", "mhm", "ummm", "uhh", "errm"]


def test_set_off_by_pause():
    # "like" then a pause is a filler; a pause before "like a dream" leaves it the sentence's word
    assert [f.word for f in find_fillers(words("it was like a dream", gaps={3: 0.8}))] == ["like"]
    assert find_fillers(words("it was like a dream", gaps={2: 0.8})) == []


def test_pauses_wpm_and_long_pauses():
    # 10 words, 0.4 s each, a 1.2 s pause after word 3 and a 3.0 s pause after word 6
    ws = words("one two three four five six seven eight nine ten", gaps={3: 1.2, 6: 3.0})
    d = delivery(ws, duration_s=10.0, target_s=120)
    assert [(p.start, p.end) for p in d.pauses] == [(1.1, 2.4), (3.5, 6.6)]
    assert d.long_pauses == 1
    # speaking time: first start 0.0 to last end 8.1, minus the 3.1 s gap (over 2 s) -> 5.0 s
    assert d.speaking_s == 5.0
    assert d.wpm == 120.0


def test_i_we_ratio():
    assert i_we_ratio(words("We did it and we shipped and I asked")) == round(1 / 3, 3)
    assert i_we_ratio(words("nothing here")) is None


def test_typed_answer_has_null_timings():
    d = delivery([Word("Um", None, None), Word("hello", None, None)], None, 120)
    assert d.wpm is None and d.speaking_s is None and d.fillers.count == 1


def test_hedges():
    from voice_coach.scoring.delivery import find_hedges

    ws = words("I think we maybe fixed it, I guess, and it was sort of faster. I thinkpad.")
    assert [h.phrase for h in find_hedges(ws)] == ["i think", "maybe", "i guess", "sort of"]
    d = delivery(ws, 10.0, 120)
    assert len(d.hedges) == 4 and any("hedges" in f for f in d.flags)


def test_an_answer_well_over_its_target_is_flagged_long():
    """A 2:41 answer against a 2:00 target got no length flag (issue 26)."""
    words = [Word("word", i * 0.4, i * 0.4 + 0.3) for i in range(400)]
    long_flags = [f for f in delivery(words, 161.0, 120.0).flags if f.startswith("long")]
    assert long_flags == ["long: 161 s against a target of 120 s"]
    assert not [f for f in delivery(words[:300], 130.0, 120.0).flags if f.startswith("long")]
