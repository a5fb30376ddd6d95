"""The browser room's latency and memory: `voice-coach serve` driven over HTTP as its page drives it.

A 2-minute synthesized answer (bench/run's) is posted in quarter-second blocks of 16 kHz PCM, as the
page sends the microphone, at --speed times real time; then "done" is pressed. Measured per run:
from "done" to the AnswerScored event the page polls for, and to the session's report page fetched
(what the page shows next, rendering in the browser not included), then to its plots fetched (the
page loads them after it shows). Last, the server's peak memory
(VmHWM), to hold against bench/run's desk session (peak_rss_mb). Prints one line per run and one
JSON object. --loop runs the mock loop's first interviewer instead (every answer 40 s of a new
answer), then fetches its debrief page, and prints the loop's length and the server's peak memory.
  .venv/bin/python bench/room.py [--runs 3] [--speed 3] [--model base] [--pause S] [--loop]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import ROOT, make_answer  # noqa: E402  (bench/run.py, beside this file)

from voice_coach.memory import status_mb  # noqa: E402

BLOCK_S = 0.25


class Client:
    def __init__(self, port: int, token: str) -> None:
        self.port, self.headers = port, {"Cookie": f"voice_coach_room={token}"}
        self.since = 0
        self.seen: dict[str, float] = {}  # event type -> when this client last saw one

    def request(self, method: str, path: str, body: bytes | str | None = None, kind: str = "json"):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        ctype = "application/json" if kind == "json" else "application/octet-stream"
        conn.request(method, path, body=body, headers={**self.headers, "Content-Type": ctype})
        r = conn.getresponse()
        data = r.read()
        conn.close()
        if r.status >= 400:
            raise SystemExit(f"{method} {path}: {r.status} {data[:300]!r}")
        return json.loads(data) if data.startswith(b"{") else data

    def wait_for(self, kind: str | set[str], timeout: float = 600) -> dict:
        """Poll events as the page does until one of this type (or these); answer Play at once."""
        kinds = {kind} if isinstance(kind, str) else kind
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            got = self.request("GET", f"/api/events?since={self.since}")
            self.since = got["next"]
            for e in got["events"]:
                seen_as = "Transcribed" if e["type"] == "Transcribing" and e["done"] else e["type"]
                self.seen[seen_as] = time.perf_counter()
                if e["type"] == "Play":
                    self.request("POST", "/api/played", "{}")
                if e["type"] == "Failed":
                    raise SystemExit(f"the room failed: {e['text']}")
                if e["type"] in kinds:
                    return e
        raise SystemExit(f"no {kind} event within {timeout:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--speed", type=float, default=3.0)
    parser.add_argument("--model", default="base")
    parser.add_argument(
        "--pause", type=float, default=0.0, help="seconds of silence sent after the last word, before done"
    )
    parser.add_argument("--filler-prompt", help="the config's filler_prompt (default: the default, guarded)")
    parser.add_argument(
        "--loop",
        action="store_true",
        help="run the mock loop's first interviewer instead (each answer 40 s of a new answer), then its "
        "debrief page: the server's memory during a loop",
    )
    args = parser.parse_args()
    from voice_coach.audio.capture import StopRules, level_dbfs
    from voice_coach.audio.files import load_audio

    folder = Path(tempfile.mkdtemp(prefix="vc-room-bench-"))

    def spoken(turn: int) -> np.ndarray:
        """An answer never heard before by the server (its sentences not cached), then --pause of
        the silence after it (a person reaching for "done"); done ends it."""
        path, _script = make_answer(120, folder, turn)
        audio = load_audio(path)
        # the voice's own silence after its last word (about half a second) is not --pause: it
        # made "done pressed on the last word" a pause reached just as done was pressed
        loud = [
            i for i in range(0, len(audio), 800) if level_dbfs(audio[i : i + 800]) > StopRules.speech_dbfs
        ]
        last = loud[-1] + 800 if loud else len(audio)
        return np.concatenate([audio[:last], np.zeros(int(args.pause * 16000), np.float32)])

    audio = spoken(0)
    # the loop's first interviewer asks four questions: each answer new, made before the server starts
    loop_answers = [audio, *(spoken(n) for n in range(1, 4))] if args.loop else []
    env = {
        **os.environ,
        "VOICE_COACH_DATA_DIR": str(folder / "data"),
        "VOICE_COACH_RECORDINGS_DIR": str(folder / "recordings"),
        "VOICE_COACH_MODEL": args.model,
        "XDG_CONFIG_HOME": str(folder / "config"),
    }
    if args.filler_prompt:
        config = folder / "config" / "voice-coach"
        config.mkdir(parents=True)
        (config / "config.toml").write_text(f'filler_prompt = "{args.filler_prompt}"\n')
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "voice-coach"), "serve", "--no-browser", "--follow-ups", "0"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        found = re.search(r"127\.0\.0\.1:(\d+)/\?token=(\S+)", server.stdout.readline())
        if not found:
            raise SystemExit("serve printed no address")
        client = Client(int(found.group(1)), found.group(2))
        to_event, to_page, to_text, to_plots = [], [], [], []
        block = int(BLOCK_S * 16000)

        def answer(clip: np.ndarray) -> float:
            """Post a clip as the page posts the microphone, then press done; when done was pressed."""
            start = time.monotonic()
            for k, i in enumerate(range(0, len(clip), block)):
                pcm = (np.clip(clip[i : i + block], -1, 1) * 32767).astype("<i2").tobytes()
                client.request("POST", "/api/audio", pcm, kind="pcm")
                ahead = (k + 1) * BLOCK_S / args.speed - (time.monotonic() - start)
                if ahead > 0:
                    time.sleep(ahead)
            done = time.perf_counter()
            client.request("POST", "/api/control", json.dumps({"action": "done"}))
            return done

        if args.loop:
            started = time.monotonic()
            client.request("POST", "/api/loop", json.dumps({"interviewer": 1}))
            answers, session = 0, None
            while True:
                e = client.wait_for({"Started", "Listening", "SessionEnded", "Idle"})
                if e["type"] == "Started":
                    session = e["session"]
                elif e["type"] == "Listening":
                    answer(loop_answers[answers % len(loop_answers)][: 40 * 16000])
                    answers += 1
                else:
                    break
            page = client.request("GET", f"/debrief/{session}")
            peak = status_mb(pid=server.pid)
            print(
                json.dumps(
                    {
                        "loop_answers": answers,
                        "loop_s": round(time.monotonic() - started),
                        "debrief_page_kb": round(len(page) / 1000),
                        "server_peak_rss_mb": round(peak),
                    }
                )
            )
            return
        for n in range(args.runs):
            client.request("POST", "/api/start", json.dumps({"questions": ["backbone-disagree-manager"]}))
            told = audio if n == 0 else spoken(n)
            client.wait_for("Listening")
            done = answer(told)
            scored = client.wait_for("AnswerScored")
            to_event.append(time.perf_counter() - done)
            to_text.append(client.seen["Transcribed"] - done)
            page = client.request("GET", f"/session/{scored['session']}?answer={scored['answer']}")
            to_page.append(time.perf_counter() - done)
            for src in re.findall(rb'<img src="(/plot/[^"]+)"', page):  # as the browser then loads them
                client.request("GET", src.decode())
            to_plots.append(time.perf_counter() - done)
            client.wait_for("Idle")
            print(
                f"run {n + 1}: done -> transcribed {to_text[-1]:.2f} s, -> scored {to_event[-1]:.2f} s, "
                f"-> report page {to_page[-1]:.2f} s, its plots {to_plots[-1]:.2f} s "
                f"({len(page) / 1e6:.1f} MB page); server resident {status_mb('VmRSS', server.pid):.0f} MB, "
                f"peak {status_mb(pid=server.pid):.0f} MB",
                flush=True,
            )
        peak = status_mb(pid=server.pid)
    finally:
        server.terminate()
        server.wait(10)

    def p95(xs: list[float]) -> float:
        return sorted(xs)[max(0, int(round(0.95 * len(xs))) - 1)]

    print(
        json.dumps(
            {
                "answer_s": round(len(audio) / 16000, 1),
                "speed": args.speed,
                "pause_s": args.pause,
                "runs": args.runs,
                "done_to_transcribed_median_s": round(statistics.median(to_text), 2),
                "done_to_scored_median_s": round(statistics.median(to_event), 2),
                "done_to_scored_p95_s": round(p95(to_event), 2),
                "done_to_report_page_p95_s": round(p95(to_page), 2),
                "done_to_plots_p95_s": round(p95(to_plots), 2),
                "server_peak_rss_mb": round(peak),
            }
        )
    )


if __name__ == "__main__":
    main()
