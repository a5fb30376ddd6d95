"""The real `voice-coach practice` in a real terminal (tmux, 80x24) over the PulseAudio virtual
microphone: what a person at the desk sees and does, read off the screen."""

from __future__ import annotations

import shlex
import shutil
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from conftest import IN_CI, ROOT

pytestmark = pytest.mark.audio
QUESTION_ID = "backbone-disagree-manager"
QUESTION_WORDS = "strongly disagreed with your manager"
LONG_ANSWER = (
    "At my last company the chief executive and a newly hired product director presented a new vision "
    "at a leadership offsite. They wanted to build a low code tool for citizen developers instead of the "
    "framework we sold to professional developers. I believed it ignored our existing customers and "
    "would split a small team. I asked for one week before anything was announced to the other teams. "
    "I organized ten calls of twenty minutes with existing customers to compare the two visions, and I "
    "shared every recording with the leadership team. Only one of the ten customers could use the new "
    "vision, and nine said it went against why they chose us. Leadership returned to our core focus."
)
SHORT_ANSWER = "I organized ten customer calls, and nine of the ten customers rejected the new vision."


class Terminal:
    """One tmux session on a private server, 80x24, running a command; read and typed into."""

    def __init__(self, command: list[str], env: dict, log: Path) -> None:
        if not shutil.which("tmux"):
            message = "tmux is not installed (apt-get install tmux)"
            if IN_CI:
                pytest.fail(message + ": CI must drive the practice screen in a real terminal")
            pytest.skip(message)
        self.socket, self.name, self.log = f"vc-{uuid.uuid4().hex[:8]}", "desk", log
        script = log.with_suffix(".sh")
        exports = "".join(f"export {k}={shlex.quote(v)}\n" for k, v in env.items() if k.isidentifier())
        script.write_text(f"{exports}cd {shlex.quote(str(ROOT))}\nexec {shlex.join(command)}\n")
        self.tmux("new-session", "-d", "-s", self.name, "-x", "80", "-y", "24", f"bash {script}")
        self.tmux("set-option", "-t", self.name, "remain-on-exit", "on")
        self.frames: list[str] = []

    def tmux(self, *args: str) -> str:
        return subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True, timeout=30
        ).stdout

    def screen(self) -> str:
        text = self.tmux("capture-pane", "-p", "-t", self.name)
        self.frames.append(text)
        return text

    def wait_for(self, text: str, timeout: float = 60.0, scrollback: bool = False) -> str:
        """Poll until text is on the screen (or, with scrollback, anywhere in the pane's history)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            screen = (
                self.tmux("capture-pane", "-p", "-S", "-300", "-t", self.name)
                if scrollback
                else self.screen()
            )
            if text in screen:
                return screen
            time.sleep(0.2)
        history = self.tmux("capture-pane", "-p", "-S", "-300", "-t", self.name)
        raise AssertionError(f"'{text}' never appeared; the screen and what scrolled by:\n{history}")

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", self.name, *keys)

    def exited(self) -> bool:
        return self.tmux("display-message", "-p", "-t", self.name, "#{pane_dead}").strip() == "1"

    def wait_exit(self, timeout: float = 120.0) -> str:
        deadline = time.time() + timeout
        while time.time() < deadline and not self.exited():
            time.sleep(0.3)
        assert self.exited(), "practice did not end:\n" + self.screen()
        history = self.tmux("capture-pane", "-p", "-S", "-300", "-t", self.name)
        self.log.write_text(
            "\n\n---- frame ----\n".join(self.frames) + "\n\n---- scrollback ----\n" + history
        )
        return history

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=30)


def practice(env: dict, tmp_path: Path, questions: int = 1) -> Terminal:
    ids = [QUESTION_ID, "backbone-commit", "backbone-unpopular"][:questions]
    command = [sys.executable, "-m", "voice_coach", "practice", "--follow-ups", "0"]
    command += [arg for qid in ids for arg in ("-q", qid)]
    return Terminal(command, env, tmp_path / "screen.log")


@pytest.fixture
def mic(pulse):
    """Speak a WAV into the virtual microphone; whatever still plays stops when the test ends (the
    sound card is shared by the whole run)."""
    playing: list[subprocess.Popen] = []

    def speak(wav: Path) -> subprocess.Popen:
        proc = subprocess.Popen(["paplay", "--device=micfeed", str(wav)], env=pulse)
        playing.append(proc)
        return proc

    yield speak
    for proc in playing:
        proc.kill()
        proc.wait(timeout=10)


def flat(screen: str) -> str:
    """The screen's words in one line (the question wraps inside a box)."""
    return " ".join(screen.replace("│", " ").split())


def status_lines(screen: str) -> list[str]:
    return [line for line in screen.splitlines() if "/ target " in line]


def level(screen: str) -> float:
    line = next(line for line in screen.splitlines() if line.startswith("level "))
    return float(line.split("dBFS")[0].split()[-1])


def attempts(env: dict) -> list[tuple]:
    db = sqlite3.connect(Path(env["VOICE_COACH_DATA_DIR"]) / "history.sqlite3")
    return db.execute("SELECT status, audio_path, transcript FROM attempts ORDER BY id").fetchall()


@pytest.fixture
def desk_env(pulse, vc_env) -> dict:
    env = {k: v for k, v in vc_env.items() if k not in ("COLUMNS", "LINES", "NO_COLOR")}
    return {**env, "XDG_RUNTIME_DIR": pulse["XDG_RUNTIME_DIR"], "TERM": "xterm-256color"}


@pytest.fixture(scope="module")
def answers(tmp_path_factory) -> dict[str, Path]:
    from voice_coach.speech.tts import synthesize

    folder = tmp_path_factory.mktemp("answers")
    return {
        "long": synthesize(LONG_ANSWER, folder / "long.wav", rate=150),
        "short": synthesize(SHORT_ANSWER, folder / "short.wav", rate=160),
        "medium": synthesize(" ".join(LONG_ANSWER.split()[:60]), folder / "medium.wav", rate=170),
    }


def test_a_three_minute_screen_a_muted_mic_restart_pause_and_the_end(desk_env, mic, answers, tmp_path):
    term = practice(desk_env, tmp_path)
    try:
        first = term.wait_for("listening", timeout=90)
        started = time.time()
        assert QUESTION_WORDS in flat(first)
        # nobody speaks: the silent microphone is called out within 6 s, with its fixes and 'r'
        muted = term.wait_for("No sound is heard", timeout=8)
        assert time.time() - started <= 6.0, time.time() - started
        assert "voice-coach doctor" in muted and "press r" in muted
        assert level(muted) <= -100
        term.keys("r")  # restart: this take is kept on disk as discarded
        term.wait_for("listening", timeout=10)
        speaking = mic(answers["long"])
        t0 = time.time()
        at5 = term.wait_for("speech heard", timeout=15)
        time.sleep(max(0.0, 5 - (time.time() - t0)))
        at5 = term.screen()
        assert len(status_lines(at5)) == 1 and "Have Backbone" in at5 and QUESTION_WORDS in flat(at5)
        assert level(at5) > -60  # the meter moves while the source plays
        term.keys("Space")
        paused = term.wait_for("paused", timeout=5)
        clock = status_lines(paused)[0].split()[0]
        time.sleep(2.0)
        assert status_lines(term.screen())[0].split()[0] == clock  # the clock stands still
        term.keys("Space")
        term.wait_for("speech heard", timeout=5)
        time.sleep(max(0.0, 30 - (time.time() - t0)))
        at30 = term.screen()
        assert len(status_lines(at30)) == 1 and "Have Backbone" in at30 and QUESTION_WORDS in flat(at30)
        speaking.wait(timeout=120)
        quiet = term.wait_for("silence: stops in", timeout=10)
        assert level(quiet) < -60  # and stands still when it does not
        history = term.wait_exit(timeout=180)
    finally:
        term.close()
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    (ROOT / "test-artifacts" / "desk-at-5s.txt").write_text(at5)
    (ROOT / "test-artifacts" / "desk-at-30s.txt").write_text(at30)
    (ROOT / "test-artifacts" / "desk-end.txt").write_text(history)
    rows = attempts(desk_env)
    assert len(rows) == 1 and rows[0][0] == "done", rows
    assert "customers" in rows[0][2].lower()
    answer = Path(rows[0][1])
    assert answer.with_name("q1-answer-take1-discarded.wav").is_file()
    assert "coverage" in history and "ALSA" not in history and "underrun" not in history


def test_ctrl_c_keeps_and_scores_the_take(desk_env, mic, answers, tmp_path):
    term = practice(desk_env, tmp_path, questions=2)
    try:
        term.wait_for("listening", timeout=90)
        mic(answers["long"])
        term.wait_for("speech heard", timeout=15)
        time.sleep(6)
        term.keys("C-c")
        term.wait_for("scoring what you said", timeout=10, scrollback=True)
        history = term.wait_exit(timeout=120)
    finally:
        term.close()
    rows = attempts(desk_env)
    assert [r[0] for r in rows] == ["done"], rows  # scored; the second question was not asked
    assert len(rows[0][2].split()) >= 5  # what was said before Ctrl-C
    assert "1 question(s) not asked" in history and "interrupted by Ctrl-C" in history


def test_help_skip_enter_then_save_and_quit(desk_env, mic, answers, tmp_path):
    term = practice(desk_env, tmp_path, questions=3)
    try:
        term.wait_for("listening", timeout=90)
        term.keys("?")
        term.wait_for("restart this answer", timeout=5)  # the help line
        term.keys("s")  # skip question 1
        term.wait_for("Question 2/3", timeout=60)
        term.wait_for("listening", timeout=60)
        mic(answers["short"]).wait(timeout=60)
        term.wait_for("speech heard", timeout=10)
        term.keys("Enter")  # done with question 2, before the silence would stop it
        term.wait_for("Question 3/3", timeout=90)
        term.wait_for("listening", timeout=60)
        mic(answers["short"]).wait(timeout=60)
        term.wait_for("speech heard", timeout=10)
        term.keys("q")  # save question 3 and quit
        history = term.wait_exit(timeout=120)
    finally:
        term.close()
    rows = attempts(desk_env)
    assert [r[0] for r in rows] == ["skipped", "done", "done"], rows
    assert "(enter)" in history and "q: saving this answer, then quitting" in history
    assert "vision" in rows[1][2].lower() and "vision" in rows[2][2].lower()


def test_no_terminal_prints_progress_lines(desk_env, mic, answers, tmp_path):
    env = {**desk_env}
    proc = subprocess.Popen(
        [sys.executable, "-m", "voice_coach", "practice", "-q", QUESTION_ID, "--follow-ups", "0"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stderr is not None
    deadline = time.time() + 90
    seen = []
    while time.time() < deadline:
        line = proc.stderr.readline()
        seen.append(line)
        if "recording (microphone)" in line:
            break
    time.sleep(1.0)
    mic(answers["medium"]).wait(timeout=120)
    out, err = proc.communicate(timeout=180)
    err = "".join(seen) + err
    assert proc.returncode == 0, err
    progress = [line for line in err.splitlines() if "/ target 2:00 / stops at 3:30" in line]
    assert len(progress) >= 3 and progress[0].startswith("0:00")
    assert "\x1b[" not in err  # no cursor movement or colour in a pipe
