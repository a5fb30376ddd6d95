"""What to fix first: at most three, ranked, each with its moment; heavy fillers are not lost behind
the story's smaller gaps."""

from __future__ import annotations

from voice_coach.bank import load_dirs
from voice_coach.config import shipped_bank_dir
from voice_coach.scoring.analyze import analyze
from voice_coach.scoring.coaching import MAX_FIXES, fix_first
from voice_coach.speech.engines import Transcript, Word

BANK = load_dirs([shipped_bank_dir()])
Q = BANK.questions["customer-obsession-metric"]

SITUATION = (
    "Our dashboards said average latency was healthy, but support tickets about a slow app kept going up. "
    "The dashboards were built by another team years ago and nobody had looked at them for a long time. "
    "Our biggest customers were on a renewal call that month, and our support lead was worried about it. "
)
# told with "we", and close enough to the story's actions that both encoders credit them: "We looked
# past the averages at the slowest requests" was the plotted 99th percentile for MiniLM, not for bge,
# and "2 of 5 bullets told" then took the place of "'we' over 'I'" among the three fixes
ACTIONS = (
    "We pulled the raw request logs and plotted the slowest requests of every customer. "
    "We found that one database index was missing for our largest accounts, and we added it. "
)


def spoken(text: str, seconds_per_word: float = 0.4) -> Transcript:
    """The text as Whisper would time it, word after word."""
    words = [Word(w, i * seconds_per_word, i * seconds_per_word + 0.3) for i, w in enumerate(text.split())]
    return Transcript(text, words, len(words) * seconds_per_word, engine="test", model="none")


def with_fillers(text: str, every: int) -> str:
    """'um,' after every `every` words."""
    words = text.split()
    return " ".join(w + (" um," if i % every == every - 1 else "") for i, w in enumerate(words))


def texts(transcript: Transcript) -> list[str]:
    return [f.text for f in fix_first(analyze(transcript, BANK, Q))]


def test_fixes_are_ranked_and_at_most_three_with_their_moments():
    report = analyze(spoken(SITUATION + ACTIONS), BANK, Q)
    fixes = fix_first(report)
    assert 1 <= len(fixes) <= MAX_FIXES
    assert fixes[0].text.startswith("no result")
    assert fixes[0].at_s is not None and fixes[0].at_s >= report.sentences[-1].start
    we = next(f for f in fixes if f.text.startswith("'we' "))
    assert we.at_s == next(s.start for s in report.sentences if s.part == "action")


def position(fixes: list[str], start: str) -> int:
    return next(i for i, f in enumerate(fixes) if f.startswith(start) or start in f)


def test_heavy_fillers_rank_before_a_long_situation_and_we_over_i():
    """An answer at 15 fillers a minute listed "no result", "situation 36%" and "'we' over 'I'" and
    never the fillers (the screenshot's answer, issue 17): heavy fillers now come before the last two."""
    heavy = texts(spoken(with_fillers(SITUATION + ACTIONS, every=6)))
    assert heavy[0].startswith("no result")
    assert position(heavy, "fillers") == 1 and "pause instead of 'um'" in heavy[1], heavy
    assert heavy[2].startswith("the situation took"), heavy
    # a few fillers (under 4 a minute) come after the long situation and 'we' over 'I'
    few = texts(spoken(with_fillers(SITUATION + ACTIONS, every=30)))
    assert few[1].startswith("the situation took") and few[2].startswith("'we' "), few


def test_the_pause_fix_counts_the_pauses_the_delivery_flag_counts():
    """Fix first said "pauses of 2 s or more" where the delivery flag says 2.5 s (issue 30): a 2.2 s
    pause is in neither, a 2.8 s pause in both."""
    from voice_coach.scoring.coaching import _delivery_fixes

    for gap, counted in ((2.2, False), (2.8, True)):
        transcript = spoken(SITUATION + ACTIONS)
        words = transcript.words
        half = len(words) // 2
        shifted = [Word(w.word, w.start + gap, w.end + gap) if i >= half else w for i, w in enumerate(words)]
        report = analyze(
            Transcript(transcript.text, shifted, (transcript.duration_s or 0) + gap, "test", "none"), BANK, Q
        )
        flagged = any("long pause" in f for f in report.delivery.flags)
        fixes = [f.text for f in _delivery_fixes(report) if "pause" in f.text]
        assert flagged == counted and bool(fixes) == counted, (gap, report.delivery.flags, fixes)
        assert all("2.5 s or more" in f for f in fixes)


def test_the_report_names_each_filler_at_its_moment():
    """Issue 29: the report shows the fillers as heard, the word and the moment (the HTML timeline's
    ticks are drawn from the same list)."""
    from voice_coach.report.terminal import fillers_heard

    report = analyze(spoken("So, um, we looked past the averages, uh, at the slowest requests."), BANK, Q)
    assert fillers_heard(report) == "so 0:00 · um 0:00 · uh 0:02"  # word 7, 0.4 s a word
    many = analyze(spoken(with_fillers(SITUATION + ACTIONS, every=3)), BANK, Q)
    assert fillers_heard(many).endswith(f"· {many.delivery.fillers.count - 6} more")
