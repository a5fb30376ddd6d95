"""The HTML report on a phone (390 px) and at a desk (1280 px), in headless Chromium: the page never
scrolls sideways (a wide table scrolls in its own box), no id is broken over two lines, and every
recording of an answer plays, its follow-up's too (issue 30)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from conftest import ROOT, run_cli
from test_report_browser import browser  # noqa: F401  (the fixture: one Chromium per module)

WRAPPED_IDS = """[...document.querySelectorAll('.id, table.progress td:first-child')]
  .filter(e => e.getClientRects().length > 1 || e.getBoundingClientRect().height > 1.6 *
    parseFloat(getComputedStyle(e).lineHeight || '24')).map(e => e.textContent)"""


def test_the_report_reads_on_a_phone_and_a_desk(vc_env, browser, tmp_path):  # noqa: F811
    for question, follow_ups in (("dive-deep-metric", "0"), ("frugality-saved", "1")):
        assert run_cli(["demo", "--question", question, "--follow-ups", follow_ups], vc_env).returncode == 0
    db = sqlite3.connect(Path(vc_env["VOICE_COACH_DATA_DIR"]) / "history.sqlite3")
    with db:
        db.execute("UPDATE sessions SET kind = 'practice'")  # progress per principle is of practice
    db.close()
    html = tmp_path / "r.html"
    assert run_cli(["report", "--html", str(html)], vc_env).returncode == 0
    shots = ROOT / "test-artifacts"
    shots.mkdir(exist_ok=True)
    for width in (390, 1280):
        page = browser.new_page(viewport={"width": width, "height": 844})
        page.goto(html.resolve().as_uri())
        page.wait_for_load_state("load")
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # was 540 at 390
        assert page.locator("table.progress").count() == 1
        assert page.evaluate(WRAPPED_IDS) == []
        # every recording of an answer plays, on one player and one timeline: the follow-up's answer
        # after the answer, a band of its own (issue 30: only the answer could be played)
        assert page.locator("audio").count() == 1  # the latest session: one answer, one player
        band = page.locator(".timeline .mark.follow-up")
        assert band.count() == 1 and "follow-up" in band.get_attribute("title")
        page.wait_for_function("document.querySelector('audio').duration > 1")
        at = float(band.get_attribute("data-start"))
        assert at > 5 and page.evaluate("document.querySelector('audio').duration") > at + 1
        page.screenshot(path=str(shots / f"report-{width}.png"))
        page.close()
