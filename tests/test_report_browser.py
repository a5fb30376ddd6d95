"""The HTML report in a real browser (headless Chromium driven by Playwright), and its escaping."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from conftest import IN_CI, ROOT, invoke_cli, run_cli

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = ROOT / "test-artifacts"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM:
        if IN_CI:
            pytest.fail("chromium is not installed: CI must run the browser test (apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield b
        b.close()


def open_page(browser, path: Path):
    page = browser.new_page()
    errors: list[str] = []
    dialogs: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(path.resolve().as_uri())
    page.wait_for_load_state("load")
    return page, errors, dialogs


def test_demo_report_player_and_clickable_words(vc_env, browser, tmp_path):
    assert run_cli(["demo", "--question", "dive-deep-metric"], vc_env).returncode == 0
    html = tmp_path / "r.html"
    out = invoke_cli(["report", "--html", str(html)])
    assert out.exit_code == 0, out.stderr
    page, errors, _ = open_page(browser, html)
    page.wait_for_function("document.querySelector('audio').readyState >= 1")
    assert page.evaluate("document.querySelector('audio').duration") > 10
    words = page.locator(".transcript .w")
    assert words.count() > 30
    target = words.nth(25)
    start = float(target.get_attribute("data-start"))
    target.click()
    now = page.evaluate("document.querySelector('audio').currentTime")
    assert abs(now - start) < 0.5, (now, start)
    page.wait_for_timeout(300)
    page.evaluate("document.querySelector('audio').pause()")
    assert page.locator(".w.now").count() <= 1
    assert page.locator("svg").count() >= 2  # STAR split and pace plots
    # the timeline under the player: a band per STAR part, clicking one plays the answer from there
    parts = page.locator(".timeline .mark.part-result")
    assert page.locator(".timeline .mark").count() >= 4 and parts.count() >= 1
    page.evaluate("document.querySelector('audio').pause()")
    mark = parts.first
    at = float(mark.get_attribute("data-start"))
    mark.dispatch_event("click")  # its own handler (a pause mark may lie on top of the band)
    seeked = f"Math.abs(document.querySelector('audio').currentTime - {at}) < 0.5"
    page.wait_for_function(seeked, timeout=5000)
    page.evaluate("document.querySelector('audio').pause()")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
    assert errors == []


HOSTILE = (
    "I said <script>alert('x')</script> and \"quoted\" it & more. "
    "We shipped 🚀 twice. שלום עולם. I cut costs by 38 percent."
)


def test_hostile_text_renders_as_text(vc_env, browser, tmp_path):
    bank = Path(vc_env["VOICE_COACH_DATA_DIR"]) / "bank"
    bank.mkdir(parents=True)
    (bank / "evil.yaml").write_text(
        'stories:\n  - id: evil\n    title: "<img src=x onerror=alert(1)> story"\n    bullets:\n'
        '      - "S: I said <script>alert(\'x\')</script> and quoted it"\n      - "R: <b>bold</b> 🚀 שלום"\n'
    )
    answer = tmp_path / "a.txt"
    answer.write_text(HOSTILE)
    assert invoke_cli(["analyze", "--text", str(answer), "--story", "evil"]).exit_code == 0
    html = tmp_path / "evil.html"
    md = tmp_path / "evil.md"
    assert invoke_cli(["report", "--html", str(html), "--markdown", str(md)]).exit_code == 0
    source = html.read_text()
    assert "<script>alert" not in source and "<img src=x" not in source
    page, errors, dialogs = open_page(browser, html)
    text = page.inner_text("body")
    assert "<script>alert('x')</script>" in text and "🚀" in text and "שלום" in text
    assert "<img src=x onerror=alert(1)> story" in text
    assert dialogs == [] and errors == []
    assert "<script>" in md.read_text()  # the note keeps the words; Obsidian shows them as text


def test_report_json_and_unknown_session(vc_env, tmp_path):
    answer = tmp_path / "a.txt"
    answer.write_text("I tagged every resource by team and published a weekly cost report.")
    assert invoke_cli(["analyze", "--text", str(answer)]).exit_code == 0
    out = invoke_cli(["report", "--json"])
    data = json.loads(out.stdout)
    assert len(data["answers"]) == 1 and data["answers"][0]["story"]["id"] == "cloud-costs"
    bad = invoke_cli(["report", "nope"])
    assert bad.exit_code != 0 and "no session 'nope'" in bad.stderr and "Traceback" not in bad.stderr


def test_history_filters_csv_and_plot(vc_env, tmp_path):
    texts = {
        "cloud": "I moved our batch jobs to spot instances and we cut the bill by 38 percent.",
        "latency": "I pulled the raw request logs and found a missing index for the largest accounts.",
    }
    for name, text in texts.items():
        (tmp_path / f"{name}.txt").write_text(text)
        q = "frugality-saved" if name == "cloud" else "dive-deep-metric"
        assert invoke_cli(["analyze", "--text", str(tmp_path / f"{name}.txt"), "-q", q]).exit_code == 0
    rows = json.loads(invoke_cli(["history", "--json"]).stdout)
    assert [r["story_id"] for r in rows] == ["cloud-costs", "latency-incident"]
    only = json.loads(invoke_cli(["history", "--json", "--principle", "Dive Deep"]).stdout)
    assert [r["question_id"] for r in only] == ["dive-deep-metric"]
    csv_out = invoke_cli(["history", "--csv"]).stdout.splitlines()
    assert csv_out[0].startswith("id,session_id,kind,question_id") and len(csv_out) == 3
    plot = tmp_path / "trend.png"
    refused = invoke_cli(["history", "--plot", str(plot)])  # analyzed answers are not practice
    assert refused.exit_code == 2 and "two practice answers" in refused.stderr and not plot.exists()
    db = sqlite3.connect(Path(vc_env["VOICE_COACH_DATA_DIR"]) / "history.sqlite3")
    with db:
        db.execute("UPDATE sessions SET kind = 'practice'")
    db.close()
    out = invoke_cli(["history", "--plot", str(plot)])
    assert out.exit_code == 0 and plot.read_bytes()[:4] == b"\x89PNG"
    assert "never practised:" in out.stdout and "Think Big" in out.stdout
