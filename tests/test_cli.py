"""The commands that load no speech model, run in-process with click's CliRunner, and the defects
found in review, each pinned by a test that failed before its fix."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
import wave
from html import unescape
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from contract import assert_contract
from voice_coach.cli import cli
from voice_coach.errors import ExitCode

ANSWER = (
    "Our cloud bill had doubled in a year while traffic grew only twenty percent. "
    "The CFO asked me to cut cost without slowing the teams. "
    "I tagged every resource by team and published a weekly cost report. "
    "We cut the monthly bill by thirty-eight percent in one quarter."
)


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def user_bank(vc_env, tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "mybank"
    folder.mkdir()
    monkeypatch.setenv("VOICE_COACH_BANK_DIR", str(folder))
    return folder


def test_help_and_version():
    assert invoke("--help").exit_code == 0
    assert "0.1.0" in invoke("--version").output


def test_analyze_text_json_is_the_contract_and_errors_map_to_exit_codes(vc_env, tmp_path):
    answer = tmp_path / "a.txt"
    answer.write_text(ANSWER)
    result = invoke("analyze", "--text", str(answer), "--question", "frugality-saved", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert_contract(report)
    assert report["story"]["id"] == "cloud-costs"
    bad = invoke("analyze", "--text", str(answer), "--question", "nope")
    assert bad.exit_code == ExitCode.BAD_INPUT and "unknown question id 'nope'" in bad.stderr
    assert "Traceback" not in bad.output


def test_history_json_and_csv_list_the_same_columns(vc_env, tmp_path):
    answer = tmp_path / "a.txt"
    answer.write_text(ANSWER)
    assert invoke("analyze", "--text", str(answer), "--question", "frugality-saved").exit_code == 0
    [row] = json.loads(invoke("history", "--json").stdout)
    assert row["question_id"] == "frugality-saved" and row["story_id"] == "cloud-costs"
    [csv_row] = list(csv.DictReader(io.StringIO(invoke("history", "--csv").stdout)))
    assert list(csv_row) == list(row) and csv_row["story_id"] == "cloud-costs"
    session = row["session_id"]
    report = json.loads(invoke("report", session[:15], "--json").stdout)
    assert report["session"] == session and report["answers"][0]["question"]["id"] == "frugality-saved"


def test_session_prefix_resolves_only_when_unique(vc_env, tmp_path):
    answer = tmp_path / "a.txt"
    answer.write_text(ANSWER)
    for _ in range(2):
        assert invoke("analyze", "--text", str(answer)).exit_code == 0
    ids = [r["session_id"] for r in json.loads(invoke("history", "--json").stdout)]
    assert len(set(ids)) == 2
    prefix = ids[0][:16]  # '20261126-004512-': the date and time, not the random part
    both = invoke("report", prefix[:9], "--json")  # the day: matches both sessions
    assert both.exit_code == ExitCode.BAD_INPUT and "matches 2 sessions" in both.stderr
    one = invoke("report", ids[0][:-1], "--json")  # a real prefix, not the whole id
    assert one.exit_code == 0 and json.loads(one.stdout)["session"] == ids[0]


def test_bank_validate_reports_a_non_text_interviewer_name(user_bank):
    (user_bank / "loops.yaml").write_text(
        "loops:\n  - id: mine\n    title: Mine\n    interviewers:\n"
        "      - name: 42\n        principles: [ownership]\n"
    )
    result = invoke("bank", "validate")
    assert result.exit_code == ExitCode.PROBLEMS_FOUND
    assert "loops.yaml:5" in result.stderr and "interviewer has no name" in result.stderr


def test_unknown_key_names_the_entry_in_the_singular(user_bank):
    (user_bank / "stories.yaml").write_text(
        "stories:\n  - id: mine\n    title: Mine\n    bogus: 1\n"
        "    bullets:\n      - 'S: something happened'\n"
    )
    result = invoke("bank", "validate")
    assert "unknown key 'bogus' in story" in result.output and "storie" not in result.output.replace(
        "stories", ""
    )


def test_markup_in_a_story_title_prints_as_itself(user_bank, tmp_path):
    title = "Cut [/] costs [bold]fast"
    (user_bank / "stories.yaml").write_text(
        "stories:\n  - id: markup\n    title: '" + title + "'\n    principles: [frugality]\n"
        "    bullets:\n      - 'S: our cloud bill doubled in a year while traffic grew only a little'\n"
        "      - 'A: I tagged every resource by team and published a weekly cost report'\n"
    )
    listed = invoke("bank", "list")
    assert listed.exit_code == 0 and title in listed.stdout
    answer = tmp_path / "a.txt"
    answer.write_text(ANSWER)
    shown = invoke("analyze", "--text", str(answer), "--story", "markup")
    assert shown.exit_code == 0, shown.output
    assert title in shown.stdout
    assert invoke("report").exit_code == 0  # the session summary too


def test_follow_ups_setting_is_read_and_checked(vc_env, tmp_path):
    from voice_coach.config import config_path, load_settings

    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text("follow_ups = 0\n")
    assert load_settings().follow_ups == 0
    config_path().write_text("follow_ups = 9\n")
    result = invoke("history")
    assert result.exit_code == ExitCode.BAD_INPUT and "'follow_ups' must be a whole number" in result.stderr


def test_i_and_we_are_counted_once_the_same_way(vc_env):
    """'my', 'our', 'us' are not subjects: the report's I/we share and the debrief agree."""
    import voice_coach as vc
    from voice_coach.interview.review import signal
    from voice_coach.scoring.followups import action_pronouns

    text = (
        "Our team owned the billing service for our largest customers. "
        "I decided to rewrite our retry logic myself and I asked my manager for two weeks. "
        "I moved us to idempotent requests and I tested it with our support team. "
        "Failed payments dropped by 40 percent."
    )
    report = vc.analyze_text(text)
    i, we = action_pronouns(report)
    assert report.delivery.i_we_ratio == 1.0 and we == 0 and i >= 2
    assert "we-not-i" not in [p for p in report.follow_ups if "personally" in p]
    from voice_coach.history.store import Attempt
    from voice_coach.interview.review import _answer

    answer = _answer(Attempt(1, "s", "q", "p", None, None, "done", 0.0, report=report))
    assert (answer["i_actions"], answer["we_actions"]) == (i, we)
    assert not any("'we'" in reason for reason in signal([answer])[1])


def _tiny_wav(path: Path) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes((np.sin(np.arange(16000) / 8) * 3000).astype(np.int16).tobytes())


def test_recover_keeps_the_attempts_engine_story_and_rubric(vc_env, tmp_path, monkeypatch):
    """An interrupted answer is finished with the engine and model it was recorded with, scored
    against the story it was practised for, and a rubric prompt against its rubric."""
    import importlib

    recovering = importlib.import_module("voice_coach.interview.recover")
    from voice_coach.config import load_settings
    from voice_coach.history.store import Store
    from voice_coach.speech.engines import transcript_from_text

    asked: list[tuple[str, str]] = []

    class Scripted:
        def __init__(self, engine, model, *_):
            asked.append((engine, model))
            self.name, self.model = engine, model

        def transcribe(self, audio):
            text = "I want to build for customers at a scale nowhere else offers. " + ANSWER
            transcript = transcript_from_text(text)
            transcript.duration_s = len(audio) / 16000
            return transcript

    monkeypatch.setattr(recovering, "engine_for", lambda _settings, engine, model: Scripted(engine, model))
    settings = load_settings()
    wav1, wav2 = tmp_path / "a1.wav", tmp_path / "a2.wav"
    _tiny_wav(wav1)
    _tiny_wav(wav2)
    with Store(settings.db_path) as store:
        sid = store.start_session("practice", "openai-whisper", "base")
        story_attempt = store.start_attempt(
            sid, "frugality-saved", "frugality", "pricing-test", str(wav1), "openai-whisper", "base"
        )
        rubric_attempt = store.start_attempt(sid, "why-amazon", "", None, str(wav2), "openai-whisper", "base")
    result = invoke("recover")
    assert result.exit_code == 0 and "recovered 2 answer(s)" in result.stdout
    assert set(asked) == {("openai-whisper", "base")}
    with Store(settings.db_path) as store:
        by_id = {a.id: a for a in store.attempts(sid)}
    assert by_id[story_attempt].report.story.id == "pricing-test"  # the story practised
    assert by_id[rubric_attempt].report.rubric == "why-amazon"
    asked.clear()
    with Store(settings.db_path) as store:
        store.set_status(story_attempt, "failed", error="x")
    assert invoke("recover", "--model", "tiny.en").exit_code == 0
    assert asked == [("openai-whisper", "tiny.en")]  # --model wins over the recorded model


def test_export_and_forget_read_typed_rows(vc_env, tmp_path):
    answer = tmp_path / "a.txt"
    answer.write_text(ANSWER)
    assert invoke("analyze", "--text", str(answer)).exit_code == 0
    out = tmp_path / "export"
    assert invoke("export", str(out)).exit_code == 0
    [doc] = [json.loads(p.read_text()) for p in out.glob("*/session.json")]
    assert doc["answers"][0]["report"]["story"]["id"] == "cloud-costs"
    assert doc["session"]["kind"] == "analyze"
    result = invoke("forget", "--all", "--yes")
    assert result.exit_code == 0 and "1 answer(s)" in result.stdout
    assert json.loads(invoke("history", "--json").stdout) == []
    shutil.rmtree(out)


def test_history_names_close_matches_and_shows_interrupted_attempts(vc_env, tmp_path, monkeypatch):
    from voice_coach.config import load_settings
    from voice_coach.history.store import Store

    monkeypatch.setenv("COLUMNS", "80")
    answer = tmp_path / "a.txt"
    answer.write_text(ANSWER)
    assert invoke("analyze", "--text", str(answer), "--question", "frugality-saved").exit_code == 0
    with Store(load_settings().db_path) as store:
        sid = store.start_session("practice", "faster-whisper", "base")
        store.start_attempt(sid, "earn-trust-change", "earn-trust", None, "/x.wav", "faster-whisper", "base")
    typo = invoke("history", "--principle", "Earn Trst")
    assert typo.exit_code == ExitCode.BAD_INPUT and "did you mean 'Earn Trust'" in typo.stderr
    nothing = invoke("history", "--principle", "dive-deep")
    assert nothing.exit_code == 0 and "no attempts for principle Dive Deep yet" in nothing.stdout
    listed = invoke("history")
    assert sid[:15] in listed.stdout  # a unique prefix, never cut at 80 columns
    assert "interrupted" in listed.stdout and "voice-coach recover" in listed.stdout
    # an analyzed answer is listed with its kind, and does not count as practice
    assert "analyze" in listed.stdout and "never practised: " in listed.stdout
    assert "Frugality" in listed.stdout.split("never practised: ")[1]
    bad_story = invoke("history", "--story", "cloud-cost")
    assert "did you mean 'cloud-costs'" in bad_story.stderr


def test_history_shows_per_principle_whether_each_answer_spoke_of_what_was_asked(
    vc_env, tmp_path, monkeypatch
):
    """Issue 17 item 6: the last attempts of each principle, relevance among them."""
    told = {
        "off": "Our data center was closed two weeks early and the whole operations team stayed.",
        "on": "I tracked two inputs every week, migrated services and open alerts, and we closed early.",
    }
    for name, text in told.items():
        (tmp_path / f"{name}.txt").write_text(text)
        assert (
            invoke("analyze", "--text", str(tmp_path / f"{name}.txt"), "-q", "deliver-key-inputs").exit_code
            == 0
        )
    db = sqlite3.connect(Path(vc_env["VOICE_COACH_DATA_DIR"]) / "history.sqlite3")
    with db:
        db.execute("UPDATE sessions SET kind = 'practice'")
    db.close()
    monkeypatch.setenv("COLUMNS", "160")
    out = invoke("history").stdout
    table = out[out.index("progress per principle") :]
    row = next(line for line in table.splitlines() if "deliver-results" in line)
    cells = [c.strip() for c in row.strip("│ ").split("│")]
    # STAR parts came out as "-  -" before: the history's rows carry no reports
    assert "asked" in table and cells[3] == "---R  S---" and cells[-1] == "no  yes", row
    page = tmp_path / "report.html"
    assert invoke("report", "--html", str(page)).exit_code == 0
    html = unescape(page.read_text())
    assert "Progress per principle (last 3)" in html
    assert "<td>deliver-results</td><td>2</td>" in html and "<td>no · yes</td>" in html
    # the latest session is the answer that named its inputs
    assert (
        'speaks of what was asked (the inputs you tracked to make sure a project delivered): "tracked"'
        in html
    )


def test_debug_prints_the_traceback_as_well_as_the_message(vc_env, tmp_path):
    answer = tmp_path / "a.txt"
    answer.write_text(ANSWER)
    args = ["analyze", "--text", str(answer), "--question", "no-such-question"]
    plain = invoke(*args)
    assert plain.exit_code == ExitCode.BAD_INPUT and "unknown question id 'no-such-question'" in plain.stderr
    assert "Traceback" not in plain.output
    debug = invoke("--debug", *args)
    assert debug.exit_code == ExitCode.BAD_INPUT and "Traceback" in debug.stderr
    assert debug.stderr.rstrip().endswith("fix: see the questions with `voice-coach bank list`")
    assert "error: unknown question id 'no-such-question'" in debug.stderr


def test_the_report_fits_a_screen_and_full_shows_everything(vc_env, tmp_path, monkeypatch):
    """Issue 30: the report after an answer was about 110 lines, "Fix first" scrolled off and ids
    broke mid-word. At 80 columns the summary is at most a screen, nothing wraps mid-id; --full shows
    every bullet with its evidence."""
    answer = tmp_path / "a.txt"
    answer.write_text(ANSWER.rsplit(". ", 1)[0] + ".")  # no result: something to fix first
    monkeypatch.setenv("COLUMNS", "80")
    short = invoke("analyze", "--text", str(answer), "--question", "frugality-saved", "--no-history").stdout
    lines = short.rstrip("\n").splitlines()
    assert len(lines) <= 20 and max(len(line) for line in lines) <= 80, short
    assert "Fix first:" in short and "STAR " in short and "--full" in short and "✓" not in short
    assert "frugality-saved" in lines[0]  # the id whole on its line
    full = invoke("analyze", "--text", str(answer), "--question", "frugality-saved", "--no-history", "--full")
    assert "✓" in full.stdout and "CFO" in full.stdout and len(full.stdout.splitlines()) > len(lines)


def test_history_never_breaks_an_id_at_80_columns(vc_env, monkeypatch):
    """Issue 30: "my-backbo / ne-1" in history, and two twin stories both shown as "disagreed-a...".
    Long ids are shortened in the middle, each still told apart, never wrapped."""
    from voice_coach.config import load_settings
    from voice_coach.history.store import Store

    monkeypatch.setenv("COLUMNS", "80")
    twins = ["disagreed-and-things-went-your-way", "disagreed-and-things-did-not-go-your-way"]
    with Store(load_settings().db_path) as store:
        for story in twins * 2:
            sid = store.start_session("practice", "faster-whisper", "base")
            aid = store.start_attempt(sid, "my-backbone-1", "backbone", story, "/x.wav", "fw", "base")
            store.db.execute("UPDATE attempts SET status = 'done', coverage = 0.5 WHERE id = ?", (aid,))
    out = invoke("history").stdout
    assert max(len(line) for line in out.splitlines()) <= 80, out
    assert "my-backbone-1" in out  # whole, on one line
    shown = {line for line in out.splitlines() if "…" in line and "your-way" in line}
    assert any("went-your-way" in line for line in shown) and any("go-your-way" in line for line in shown), (
        out
    )


def test_shorten_keeps_short_names_and_tells_long_ones_apart():
    from voice_coach.units import shorten

    assert shorten(["my-backbone-1", "a"], 16) == {"my-backbone-1": "my-backbone-1", "a": "a"}
    twins = shorten(["disagreed-and-things-went-your-way", "disagreed-and-things-did-not-go-your-way"], 12)
    assert len(set(twins.values())) == 2 and all("…" in v for v in twins.values())


def test_a_session_page_shows_progress_as_it_stood_then(vc_env, tmp_path):
    """Issue 30: a session page's "Progress per principle" showed attempts from later sessions."""
    for n in (1, 2):
        (tmp_path / f"{n}.txt").write_text(ANSWER)
        assert invoke("analyze", "--text", str(tmp_path / f"{n}.txt"), "-q", "frugality-saved").exit_code == 0
    db = sqlite3.connect(Path(vc_env["VOICE_COACH_DATA_DIR"]) / "history.sqlite3")
    with db:
        db.execute("UPDATE sessions SET kind = 'practice'")
    first = db.execute("SELECT id FROM sessions ORDER BY started_at LIMIT 1").fetchone()[0]
    db.close()
    for session, attempts in ((first, 1), (None, 2)):
        page = tmp_path / f"{attempts}.html"
        assert invoke("report", *([session] if session else []), "--html", str(page)).exit_code == 0
        html = unescape(page.read_text())
        assert f"<td>frugality</td><td>{attempts}</td>" in html, html[html.find("Progress") :][:600]


def test_the_trend_plot_runs_by_date(vc_env, tmp_path):
    """Issue 30: the trend plot ran by attempt number with no dates. Attempts three days apart are
    placed at their dates (the axis names the days), with the band each number should be in."""
    for n in (1, 2, 3):
        (tmp_path / f"{n}.txt").write_text(ANSWER)
        assert invoke("analyze", "--text", str(tmp_path / f"{n}.txt"), "-q", "frugality-saved").exit_code == 0
    db = sqlite3.connect(Path(vc_env["VOICE_COACH_DATA_DIR"]) / "history.sqlite3")
    with db:
        db.execute("UPDATE sessions SET kind = 'practice'")
        for n, (aid,) in enumerate(db.execute("SELECT id FROM attempts ORDER BY id").fetchall()):
            day = 1_764_000_000 + n * 3 * 86400  # 2025-11-24 16:00 UTC, then every three days
            db.execute("UPDATE attempts SET created_at = ?, wpm = 150 WHERE id = ?", (day, aid))
    db.close()
    plot = tmp_path / "trend.svg"
    assert invoke("history", "--plot", str(plot)).exit_code == 0
    svg = plot.read_text()
    assert "date of the attempt" in svg and ("Nov" in svg or "Dec" in svg), svg[:300]
    assert "attempt of the principle" not in svg


def test_practice_names_a_close_principle(vc_env):
    """Issue 30: `practice --principle "Earn Trst"` had no "did you mean" (history had); every
    lookup of the bank now gives one, before any device is opened."""
    typo = invoke("practice", "--principle", "Earn Trst")
    assert typo.exit_code == ExitCode.BAD_INPUT and "did you mean 'Earn Trust'" in typo.stderr
    story = invoke("practice", "--story", "cloud-cost")
    assert story.exit_code == ExitCode.BAD_INPUT and "did you mean 'cloud-costs'" in story.stderr
    rubric = invoke("practice", "--rubric", "why-amazn")
    assert rubric.exit_code == ExitCode.BAD_INPUT and "did you mean 'why-amazon'" in rubric.stderr


def test_unknown_names_read_right_and_list_what_bank_list_does_not():
    """Review: "unknown storie id"; loops and rubrics are not in `bank list`, so the error names them."""
    from voice_coach.api import load_bank
    from voice_coach.errors import UserError

    bank = load_bank()
    with pytest.raises(UserError) as story:
        bank.require("stories", "cloud-cost")
    assert str(story.value).startswith("unknown story id 'cloud-cost'")
    with pytest.raises(UserError) as loop:
        bank.require("loops", "nope")
    assert "your loops: example-sdm-loop" in str(loop.value)
    from voice_coach.bank.notes.lines import timing

    # a time inside a question is its words, not its target
    assert timing("What happened in the first (30 seconds)? Tell me.")[1] is None
    assert timing("Is your response time: 5 minutes or less?")[1] is None
