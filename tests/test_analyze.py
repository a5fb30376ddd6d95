"""analyze --text: the scoring contract on a typed answer, story and bullets found."""

from __future__ import annotations

import json
import sqlite3

from conftest import invoke_cli
from contract import assert_contract

ANSWER = """Before our spring launch the head of sales wanted every customer on an annual-only price plan,
with no monthly billing left.
I asked for two weeks to test the plan before anything was announced to customers.
I ran a price test on 400 new sign-ups and half of them saw only the annual plan.
Sign-ups fell by 35 percent in that half."""


def test_text_answer_contract_story_and_coverage(vc_env, tmp_path):
    answer = tmp_path / "answer.txt"
    answer.write_text(ANSWER)
    out = invoke_cli(["analyze", "--text", str(answer), "--question", "backbone-disagree-manager", "--json"])
    assert out.exit_code == 0, out.stderr
    report = json.loads(out.stdout)
    assert_contract(report)
    assert report["question"]["id"] == "backbone-disagree-manager"
    assert report["story"]["id"] == "pricing-test"
    covered = {b["id"] for b in report["bullets"] if b["covered"]}
    assert {"1", "3", "4", "6"} <= covered
    assert "5" not in covered  # results sent with a memo: never said
    assert report["delivery"]["wpm"] is None and report["audio"]["duration_s"] is None
    assert report["star"]["result"]["present"] and report["star"]["quantified_result"]
    # kept in the history
    db = sqlite3.connect(f"{vc_env['VOICE_COACH_DATA_DIR']}/history.sqlite3")
    assert db.execute("SELECT status, story_id FROM attempts").fetchall() == [("done", "pricing-test")]


def test_free_answer_with_no_story_and_no_result(vc_env, tmp_path):
    answer = tmp_path / "answer.txt"
    answer.write_text("We talked about the weather. We had lunch together at the park.")
    out = invoke_cli(["analyze", "--text", str(answer), "--json", "--no-history"])
    assert out.exit_code == 0, out.stderr
    report = json.loads(out.stdout)
    assert_contract(report)
    assert report["story"]["id"] is None and report["bullets"] == []
    assert report["follow_ups"][0].startswith("What was the result? How did it end")
    assert any("personally" in f for f in report["follow_ups"])  # all 'we', no 'I'
