"""The practice room in the browser (`voice-coach serve`): loopback and token only, and a practice
answer end to end in headless Chromium whose microphone is a WAV (Chromium's fake capture device):
the question, the recording, the transcript, the report and the history row."""

from __future__ import annotations

import http.client
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from conftest import IN_CI, ROOT, invoke_cli, wer
from test_report_browser import CHROMIUM, FLAGS

ARTIFACTS = ROOT / "test-artifacts"
ANSWER = (
    "We were short two experienced engineers with a release only a quarter away. One applicant "
    "impressed the interviewers, but I said no because he could not justify the choices in his own "
    "architecture. I wrote a structured interview guide and trained six interviewers to use it. "
    "Within ten weeks we hired two strong senior engineers, and both are still on the team."
)


def test_serve_refuses_an_address_other_than_loopback(vc_env):
    out = invoke_cli(["serve", "--host", "0.0.0.0", "--no-browser"])
    assert out.exit_code == 2
    assert "loopback only" in out.stderr and "fix:" in out.stderr


@pytest.fixture
def room(vc_env, tmp_path, request):
    """`voice-coach serve --no-browser` running, with as many follow-ups as the test's parameter
    (none unless given); yields (base URL, URL with the token, port, env)."""
    follow_ups = str(getattr(request, "param", 0))
    proc = subprocess.Popen(
        [sys.executable, "-m", "voice_coach", "serve", "--no-browser", "--follow-ups", follow_ups],
        env=vc_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        line = proc.stdout.readline()
        found = re.search(r"(http://127\.0\.0\.1:(\d+))/\?token=(\S+)", line)
        assert found, line + proc.stderr.read() if proc.poll() is not None else line
        yield found.group(1), found.group(0), int(found.group(2)), vc_env
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _get(port: int, path: str, headers: dict | None = None) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers=headers or {})
    r = conn.getresponse()
    return r.status, r.read().decode(errors="replace")


def test_every_request_needs_the_token_and_a_loopback_host(room):
    base, url, port, _ = room
    token = url.rsplit("=", 1)[1]
    for path in ("/", "/history", "/api/events", "/media/x.wav", "/static/room.js", "/plot/s/1/star.svg"):
        assert _get(port, path)[0] == 403, path
    assert _get(port, "/?token=wrong")[0] == 403
    # a page elsewhere that points a name at 127.0.0.1 (DNS rebinding) sends its own Host
    assert _get(port, f"/?token={token}", {"Host": f"evil.example:{port}"})[0] == 403
    status, _ = _get(port, f"/?token={token}")
    assert status == 303  # the token becomes a cookie, and leaves the address bar
    cookie = f"voice_coach_room={token}"
    for path in ("/", "/history", "/bank", "/static/room.js"):
        assert _get(port, path, {"Cookie": cookie})[0] == 200, path
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request(
        "POST", "/api/control", body='{"action": "done"}', headers={"Content-Type": "application/json"}
    )
    assert conn.getresponse().status == 403  # another local user or a web page cannot drive it


@pytest.fixture(scope="module")
def spoken_answer(tmp_path_factory) -> Path:
    """The answer in the neural voice (espeak-ng where it is missing), a second of silence before
    it and six after: the room's silence rule ends the take."""
    from voice_coach.speech import piper, tts

    folder = tmp_path_factory.mktemp("room-mic")
    if piper.installed():
        voice = piper.load("joe")
        audio, sr = voice.synthesize(ANSWER, tts.length_scale_for(165), vary=False), voice.sample_rate
    else:
        path = tts.synthesize(ANSWER, folder / "espeak.wav", rate=165, voice="espeak")
        audio, sr = sf.read(path, dtype="float32")
    audio = np.concatenate(
        [np.zeros(sr, np.float32), np.asarray(audio, np.float32), np.zeros(6 * sr, np.float32)]
    )
    out = folder / "answer.wav"
    sf.write(out, audio, sr, subtype="PCM_16")
    return out


def _mic_flags(wav: Path) -> list[str]:
    """Chromium with the WAV as its microphone (played once per capture) and sound allowed to play."""
    if not CHROMIUM:
        if IN_CI:
            pytest.fail("chromium is not installed: CI must run the browser test (apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return [
        *FLAGS,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={wav}%noloop",
        "--autoplay-policy=no-user-gesture-required",
    ]


@pytest.mark.parametrize("room", [1], indirect=True)
def test_a_practice_answer_in_the_browser_end_to_end(room, spoken_answer):
    """The answer, then the question's follow-up asked, played and answered in the page (a second
    take from the same microphone), then the report with both."""
    from playwright.sync_api import sync_playwright

    base, url, _, env = room
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=_mic_flags(spoken_answer))
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(url)
        assert page.url == base + "/"  # the token traded for a cookie
        page.select_option("select[name=question]", "hire-develop-hiring-bar")
        page.click("#start")
        page.wait_for_selector("#question:has-text('held the bar')", timeout=60_000)
        page.wait_for_function(
            "document.querySelector('#status').textContent.startsWith('recording')", timeout=60_000
        )
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "room-recording.png"))
        page.wait_for_selector("#heading:has-text('Follow-up 1/1')", timeout=150_000)
        page.wait_for_function(
            "document.querySelector('#status').textContent.startsWith('recording')", timeout=60_000
        )
        # which follow-up depends on how the answer was heard (the situation's share of it is a third,
        # on the edge of the long-situation rule): the one the page asked must be the report's
        follow_up = page.inner_text("#question").strip()
        assert follow_up.endswith("?"), follow_up
        page.wait_for_selector("#after:not([hidden])", timeout=150_000)
        summary = page.inner_text("#summary")
        assert "Filling two senior roles" in summary, summary
        frame = page.frame_locator("#report")
        frame.locator(".transcript").first.wait_for(timeout=30_000)
        report_text = frame.locator("body").inner_text()
        assert "structured interview guide" in report_text.lower()
        assert follow_up in report_text  # the follow-up and its answer in the report
        # one player for both takes, served by the room (not inlined): the answer, 1 s, the follow-up
        player = frame.locator("audio").first
        assert player.get_attribute("src").startswith("/recording/")
        heard_s = player.evaluate(
            "a => a.readyState >= 1 ? a.duration"
            " : new Promise(ok => a.addEventListener('loadedmetadata', () => ok(a.duration)))"
        )
        # the answer's plots follow its text, drawn by the room when the page asks for them
        plots = frame.locator(".plot img")
        assert plots.count() >= 1 and plots.first.get_attribute("src").startswith("/plot/")
        drawn = plots.first.evaluate(
            "i => i.complete ? i.naturalWidth"
            " : new Promise(ok => i.addEventListener('load', () => ok(i.naturalWidth)))"
        )
        assert drawn > 100
        page.screenshot(path=str(ARTIFACTS / "room-report-1280.png"))
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=str(ARTIFACTS / "room-report-390.png"))
        page.click("#go-on")  # the last question: the session is done
        page.wait_for_selector("#ended:not([hidden])", timeout=30_000)
        assert errors == []
        browser.close()

    db = Path(env["VOICE_COACH_DATA_DIR"]) / "history.sqlite3"
    with sqlite3.connect(db) as con:
        rows = con.execute("select status, audio_path, duration_s, report_json from attempts").fetchall()
    assert len(rows) == 1
    status, audio_path, duration, report_json = rows[0]
    assert status == "done" and Path(audio_path).is_file()
    spoken = sf.info(str(spoken_answer)).duration - 7
    assert spoken - 1 < duration < spoken + 9  # the answer and the silence that ended it
    import json

    report = json.loads(report_json)
    assert wer(ANSWER, report["transcript"]["text"]) < 0.2, report["transcript"]["text"]
    (probe,) = report["probes"]
    assert probe["answered"] and Path(probe["audio_path"]).is_file()
    assert probe["text"] == follow_up and Path(probe["audio_path"]).is_file()
    # the fake microphone plays its file again for the second take: the same words are heard
    assert wer(ANSWER, probe["transcript"]) < 0.2, probe["transcript"]
    assert abs(heard_s - (duration + 1 + probe["duration_s"])) < 0.5, (heard_s, duration, probe)


def test_pushed_audio_is_recorded_like_a_microphone(tmp_path):
    """The room's source: what the page posts is written to the WAV as it comes; a page that stops
    sending (a closed tab) ends the take, and what came before is kept."""
    from voice_coach.audio.capture import PushSource, Recorder

    source = PushSource(idle_s=0.3)
    for _ in range(5):
        source.push(np.full(1600, 0.1, np.float32))
    recording = Recorder(source, tmp_path / "a.wav").record()
    assert recording.stopped_by == "end of input"
    data, sr = sf.read(tmp_path / "a.wav")
    assert sr == 16000 and len(data) == 8000 and abs(data.mean() - 0.1) < 0.01
    # "done" pressed while the page has nothing more to send: the take ends at once, as done
    import threading
    import time

    source = PushSource(idle_s=30)
    recorder = Recorder(source, tmp_path / "b.wav")
    source.push(np.full(1600, 0.1, np.float32))
    threading.Timer(0.2, lambda: (recorder.request_stop("enter"), source.stop())).start()
    start = time.monotonic()
    assert recorder.record().stopped_by == "enter"
    assert time.monotonic() - start < 5


def test_the_room_refuses_an_unknown_key_and_a_second_session(vc_env):
    from voice_coach.config import load_settings
    from voice_coach.errors import UserError
    from voice_coach.web.room import Room

    room = Room(load_settings(), media_url=str)
    with pytest.raises(UserError, match="unknown action 'explode'") as err:
        room.control("explode")
    assert "done" in err.value.fix
    room.control("done")  # nothing recording: nothing to stop, no error
    assert room.events(0, wait_s=0) == {"events": [], "next": 0, "tick": None, "busy": False}


def test_a_mock_loop_in_the_browser_stops_and_gives_its_debrief(room, spoken_answer):
    """The loop's first interviewer: their intro and first question, an answer, then quit at the
    second question: the loop stops (resumable) and its debrief is a page of the room."""
    from playwright.sync_api import sync_playwright

    base, url, _, env = room
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=_mic_flags(spoken_answer))
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(url)
        page.fill("#loop-form input[name=interviewer]", "1")
        page.click("#start-loop")
        recording = "document.querySelector('#status').textContent.startsWith('recording')"
        page.wait_for_function(recording, timeout=60_000)
        first = page.inner_text("#question")
        page.wait_for_function(f"!({recording})", timeout=120_000)  # the answer ended by its silence
        page.wait_for_function(
            f"{recording} && document.querySelector('#question').textContent !== {first!r}", timeout=180_000
        )
        assert page.locator("#after").is_hidden()  # a loop shows no report between its questions
        page.click("[data-action=quit]")
        page.wait_for_selector("#ended:not([hidden])", timeout=60_000)
        assert "resumes it" in page.inner_text("#ended-note")
        page.click("#debrief-link")
        page.wait_for_load_state("load")
        assert "debrief" in page.inner_text("body").lower()
        assert errors == []
        browser.close()
    db = Path(env["VOICE_COACH_DATA_DIR"]) / "history.sqlite3"
    with sqlite3.connect(db) as con:
        kinds = con.execute("select kind from sessions").fetchall()
        statuses = [r[0] for r in con.execute("select status from attempts order by id")]
    assert kinds == [("loop",)]
    assert statuses[0] == "done" and len(statuses) == 2  # the quit answer is kept, not scored


@pytest.fixture
def app_port(vc_env):
    """The room's app served in this process on a free loopback port (no model is loaded unless a
    session starts); yields (port, token)."""
    import socket
    import threading

    import uvicorn

    from voice_coach.config import load_settings
    from voice_coach.web.server import create_app

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    server = uvicorn.Server(
        uvicorn.Config(create_app(load_settings(), "t0ken"), log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield sock.getsockname()[1], "t0ken"
    finally:
        server.should_exit = True
        thread.join(10)


def _post(port: int, path: str, body: str, token: str) -> tuple[int, dict | str]:
    import json

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Content-Type": "application/json", "Cookie": f"voice_coach_room={token}"}
    conn.request("POST", path, body=body, headers=headers)
    r = conn.getresponse()
    text = r.read().decode()
    return r.status, json.loads(text) if text.startswith("{") else text


def test_bad_requests_get_a_message_and_a_fix_never_a_traceback(app_port):
    port, token = app_port
    status, body = _post(port, "/api/start", '{"principles": ["telepathy"]}', token)
    assert status == 400 and "unknown principle 'telepathy'" in body["error"] and body["fix"]
    status, body = _post(port, "/api/start", '{"count": "many"}', token)
    assert status == 400 and "count" in body["error"]
    status, body = _post(port, "/api/control", '{"action": "explode"}', token)
    assert status == 400 and "explode" in body["error"] and "done" in body["fix"]
    assert _post(port, "/api/loop", '{"loop": "no-such-loop"}', token)[0] == 400
    assert _post(port, "/api/control", "not json", token)[0] == 400
    cookie = {"Cookie": f"voice_coach_room={token}"}
    for path in ("/media/../../../etc/passwd", "/media/%2e%2e/x.wav", "/static/server.py", "/session/nope"):
        assert _get(port, path, cookie)[0] == 404, path


def test_notes_dropped_on_the_bank_page_are_imported(app_port):
    port, token = app_port
    notes = (
        "# My loop prep\n\n## Ownership\n\n### The pager storm\n"
        "- S: Our on-call got forty pages a night\n- A: I deleted the alerts nobody acted on\n"
        "- R: Pages fell to three a night within a month\n"
    )
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    cookie = {"Cookie": f"voice_coach_room={token}"}
    conn.request("POST", "/api/import?name=my-prep.md", body=notes.encode(), headers=cookie)
    r = conn.getresponse()
    import json

    result = json.loads(r.read())
    assert r.status == 200 and "error" not in result, result
    assert any("story 'The pager storm': 3 bullets" in line for line in result["lines"]), result["lines"]
    status, page = _get(port, "/bank", cookie)
    assert status == 200 and "The pager storm" in page
    conn.request("POST", "/api/import?name=photo.jpg", body=b"\xff\xd8", headers=cookie)
    r = conn.getresponse()
    assert r.status == 400 and "not a Markdown file" in json.loads(r.read())["error"]


def test_a_broken_bank_file_is_a_page_that_says_where_not_a_traceback(app_port, vc_env):
    port, token = app_port
    bank = Path(vc_env["VOICE_COACH_DATA_DIR"]) / "bank"
    bank.mkdir(parents=True, exist_ok=True)
    (bank / "mine.yaml").write_text("stories:\n  - id: x\n    bullets: [unclosed\n")
    status, page = _get(port, "/", {"Cookie": f"voice_coach_room={token}"})
    assert status == 400 and "mine.yaml" in page and "Traceback" not in page, page[:500]


def test_the_history_page_shows_progress_day_by_day(app_port, vc_env, tmp_path):
    """Issue 31: progress over days is a page of the room: a line a day (answers, coverage, pace,
    fillers), the last attempts per principle, and every session with its report and replay."""
    answer = tmp_path / "answer.txt"
    answer.write_text(ANSWER)
    for _ in range(3):
        out = invoke_cli(["analyze", "--text", str(answer), "-q", "hire-develop-hiring-bar"])
        assert out.exit_code == 0, out.stderr
    with sqlite3.connect(Path(vc_env["VOICE_COACH_DATA_DIR"]) / "history.sqlite3") as db:
        db.execute("UPDATE sessions SET kind = 'practice'")
        ids = [aid for (aid,) in db.execute("SELECT id FROM attempts ORDER BY id")]
        noon = 1_764_072_000  # 2025-11-25 12:00 UTC: two answers that day, one two days later
        for aid, when, cov in zip(ids, (noon, noon + 600, noon + 2 * 86400), (0.5, 0.7, 0.9), strict=True):
            db.execute("UPDATE attempts SET created_at = ?, coverage = ? WHERE id = ?", (when, cov, aid))
    port, token = app_port
    status, page = _get(port, "/history", {"Cookie": f"voice_coach_room={token}"})
    assert status == 200, page[:500]
    days = re.findall(r"<tr><td>(\d{4}-\d\d-\d\d)</td><td>(\d+)</td>\s*<td>(\d+)%</td>", page)
    shown = page[page.find("Day by day") :][:800]
    assert days == [("2025-11-27", "1", "90"), ("2025-11-25", "2", "60")], shown
    assert "Per principle, the last 3 attempts" in page and "50% · 70% · 90%" in page
    assert page.count("report and replay") == 3 and "<svg" in page  # the trend plot
