"""voice_coach as a library: the README example runs, the typed report round-trips to the JSON
contract and its schema, errors carry what / where / fix, the store is a well-behaved resource."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import voice_coach as vc
from conftest import ROOT
from contract import assert_contract
from voice_coach.history.store import Attempt, SessionRecord, Store
from voice_coach.scoring.model import AnswerReport
from voice_coach.speech.engines import Transcript, Word

CLOUD = (
    "Our cloud bill had doubled in a year while traffic grew only twenty percent. "
    "The CFO asked me to cut cost without slowing the teams. "
    "I tagged every resource by team and published a weekly cost report. "
    "We cut the monthly bill by thirty-eight percent in one quarter."
)


def test_readme_library_example_runs(vc_env, capsys):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Use it as a library.*?```python\n(.*?)```", text, re.S)
    assert block, "the README lost its library example"
    exec(compile(block.group(1), "README.md", "exec"), {})
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "cloud-costs 80% STAR"  # what the example's comment promises
    assert out[-3:] == ["no such audio file", "missing.wav", "check the path and try again"]


def test_report_round_trips_and_matches_the_schema(vc_env):
    bank = vc.load_bank()
    typed = vc.analyze_text(CLOUD, question="frugality-saved", bank=bank)
    assert isinstance(typed, AnswerReport)
    data = typed.to_dict()
    assert_contract(data)
    assert list(data)[:9] == [
        "question", "audio", "transcript", "delivery", "star", "story", "bullets", "coverage", "follow_ups"
    ]  # fmt: skip
    again = AnswerReport.from_dict(json.loads(json.dumps(data)))
    assert again == typed  # word ranges of sentences are recomputed from a stored report
    assert [again.sentence_words(s)[0].word for s in again.sentences] == ["Our", "The", "I", "We"]


def test_timed_report_word_ranges_and_parts(vc_env):
    words = [Word(w, i * 0.4, i * 0.4 + 0.3) for i, w in enumerate(CLOUD.split())]
    transcript = Transcript(CLOUD, words, 25.0, "faster-whisper", "base", 1.0)
    from voice_coach.scoring.analyze import analyze

    report = analyze(transcript, vc.load_bank())
    assert_contract(report.to_dict())
    parts = report.word_parts()
    assert len(parts) == len(words) and parts[0] == "situation" and parts[-1] == "result"
    stored = AnswerReport.from_dict(report.to_dict())
    assert [(s.first, s.last) for s in stored.sentences] == [(s.first, s.last) for s in report.sentences]


def test_rubric_ids_are_questions_too(vc_env):
    report = vc.analyze_text("I want to build for customers at a scale nowhere else offers.", "why-amazon")
    assert report.rubric == "why-amazon" and report.story.id == "rubric:why-amazon"
    assert report.follow_ups == [] and report.question.text.startswith("Why")


def test_errors_say_what_where_and_how(vc_env, tmp_path):
    with pytest.raises(vc.UserError) as exc:
        vc.analyze_text(CLOUD, question="no-such-question")
    assert "no-such-question" in exc.value.what and "bank list" in exc.value.fix
    assert exc.value.exit_code == vc.ExitCode.BAD_INPUT
    notes = tmp_path / "notes.md"
    notes.write_bytes(b"\x00\x01binary")
    with pytest.raises(vc.UserError) as exc:
        vc.import_notes(notes)
    assert exc.value.where == str(notes) and "Markdown" in exc.value.fix


def test_import_notes_dry_run_writes_nothing(vc_env, tmp_path):
    notes = tmp_path / "prep.md"
    notes.write_text("## Story: the outage\n- S: our checkout failed for an hour\n- A: I rolled back\n")
    result = vc.import_notes(notes, into=tmp_path / "bank", dry_run=True)
    assert [st["title"] for st in result.found.stories] and not (tmp_path / "bank").exists()
    result = vc.import_notes(notes, into=tmp_path / "bank")
    assert result.written and (tmp_path / "bank" / "prep.yaml").is_file() and result.problems == []


def test_store_context_manager_savepoints_and_row_types(tmp_path):
    path = tmp_path / "h.sqlite3"
    with Store(path) as store:
        sid = store.start_session("practice", "faster-whisper", "base")
        with store.tx():
            aid = store.start_attempt(sid, "q1", "ownership", None, None, "faster-whisper", "base")
            with pytest.raises(RuntimeError), store.tx():  # a nested transaction is a savepoint
                store.set_status(aid, "failed", error="inner")
                raise RuntimeError("roll back the inner part only")
            store.set_status(aid, "transcribing", 3.0)
        [row] = store.attempts(sid)
        assert isinstance(row, Attempt)
        assert (row.status, row.duration_s, row.error) == ("transcribing", 3.0, None)
        assert isinstance(store.sessions()[0], SessionRecord) and store.session(sid).kind == "practice"
        with pytest.raises(RuntimeError), store.tx():  # an outer failure rolls back everything
            store.set_status(aid, "done")
            raise RuntimeError
        assert store.attempts(sid)[0].status == "transcribing"
    assert store.db is None  # closed by the with block
    with pytest.raises(RuntimeError, match="closed"):
        store.attempts()
    assert sqlite3.connect(path).execute("SELECT count(*) FROM attempts").fetchone() == (1,)


def test_session_creation_has_no_side_effects(vc_env, tmp_path):
    from voice_coach.config import load_settings
    from voice_coach.interview import Session

    settings = load_settings()
    with Store(settings.db_path) as store:
        session = Session(settings, vc.load_bank(settings), store, "practice")
        assert not session.folder.exists() and store.sessions() == []
        session.start()
        session.start()  # idempotent
        assert session.folder.is_dir() and [s.id for s in store.sessions()] == [session.session_id]
        session.wait_loaded()


def test_package_data_paths_exist():
    from voice_coach.config import shipped_bank_dir
    from voice_coach.evaluation.evaluate import set_path

    assert (shipped_bank_dir() / "questions.yaml").is_file()
    assert set_path("heldout").is_file() and set_path("labelled").is_file()
    assert (Path(vc.__file__).parent / "py.typed").is_file()


def test_a_rubric_answer_in_the_html_report_has_points_not_star_parts(vc_env):
    """The terminal never gave 'Why Amazon?' STAR parts; the HTML page did (an S/A bar, S and A
    tags in the transcript). A rubric prompt is judged by its points, on every surface."""
    from voice_coach.history.store import Attempt
    from voice_coach.report.html import session_html

    text = "The scale of customers you reach changes how millions of people shop. I want ownership."
    report = vc.analyze_text(text, "why-amazon")
    assert any(s.part for s in report.sentences)  # the tagger still runs; the page must not show it
    attempt = Attempt(1, "s1", "why-amazon", None, None, None, "done", 0.0, report=report)
    page = session_html("s1", [attempt])
    assert "of its points" in page and "Points of the prompt" in page
    assert 'class="part-situation"' not in page and 'class="part-action"' not in page
    assert 'class="tag"' not in page and "<svg" not in page.split('class="transcript"')[0].split("<h2>")[1]


def test_the_rooms_answer_page_links_its_plots_and_a_report_file_holds_them(vc_env):
    """Drawing the plots took 0.15 s of the page the room shows right after "done": there they
    follow the text as images; a report file keeps them inline (it opens anywhere)."""
    from voice_coach.history.store import Attempt
    from voice_coach.report import plots
    from voice_coach.report.html import session_html

    report = vc.analyze_text("I hired two engineers. Hiring time fell by a third.", "hire-develop-hiring-bar")
    attempt = Attempt(7, "s1", "hire-develop-hiring-bar", None, None, None, "done", 0.0, report=report)
    linked = session_html("s1", [attempt], plot_url=lambda a, kind: f"/plot/{a.id}/{kind}.svg")
    assert '<img src="/plot/7/star.svg"' in linked and "<svg" not in linked
    assert "/plot/7/pace.svg" not in linked  # a typed answer has no times: no pace plot to ask for
    assert "<svg" in session_html("s1", [attempt]) and "<img" not in session_html("s1", [attempt])
    assert plots.ANSWER_PLOTS["star"](report).startswith("<svg")


def test_the_pace_plot_needs_two_windows():
    """A 16 s answer has one 15 s window: a plot of one point (its axis 7.1 to 7.9 s) says nothing
    the pace figure does not; a 40 s answer gets its line."""
    from voice_coach.report import plots
    from voice_coach.scoring.model import AnswerReport, QuestionRef, TranscriptBlock, Word

    def report(seconds: int) -> AnswerReport:
        words = [Word("word", t / 2, t / 2 + 0.3) for t in range(seconds * 2)]
        return AnswerReport(QuestionRef("q", "Q?", None), transcript=TranscriptBlock("", words))

    assert len(plots.pace_points(report(16))) == 1 and plots.pace(report(16)) is None
    assert len(plots.pace_points(report(40))) == 2 and "<svg" in (plots.pace(report(40)) or "")


def test_openmp_threads_spin_briefly_unless_the_user_says_otherwise():
    """Whisper's OpenMP threads spin 300,000 times while they wait; two processes on 2 cores (two
    demos at once) took 2 min 19 s instead of 9 s. The package sets a short spin before anything
    loads OpenMP, and leaves a user's own OpenMP settings alone."""
    code = "import os, voice_coach; print(os.environ.get('GOMP_SPINCOUNT'))"
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT")}

    def spin(**extra: str) -> str:
        command = [sys.executable, "-c", code]
        run = subprocess.run(command, env={**env, **extra}, capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        return run.stdout.strip()

    assert spin() == "1000"
    assert spin(GOMP_SPINCOUNT="50") == "50"
    assert spin(OMP_WAIT_POLICY="ACTIVE") == "None"
