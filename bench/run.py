"""Speed and accuracy benchmark: real-time factor, report latency, peak memory, WER, start-up times.

Prints one line per measurement and, last, one JSON object with report_latency_median_s,
report_latency_p95_s, rtf, peak_rss_mb, wer, help_s and first_question_s.
  bench/run            both models, answers of 30 s, 2 min and 5 min fed at real time, 3 runs each
  bench/run --quick    base model, the 2-minute answer fed at 3x real time, 3 runs (about 2 minutes)
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "audio"
JFK = (
    "And so my fellow Americans, ask not what your country can do for you, "
    "ask what you can do for your country."
)


def words(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9' ]", " ", text.lower().replace("-", " ")).split())


def wer(ref: str, hyp: str) -> float:
    import jiwer

    return jiwer.wer(words(ref), words(hyp))


def make_answer(seconds: float, folder: Path) -> tuple[Path, str]:
    """A synthesized answer of about `seconds`, then 5 s of silence (the silence stop ends it)."""
    from voice_coach.scoring.evaluate import default_set, load_set
    from voice_coach.speech.tts import synthesize

    texts = [i.text for i in load_set(default_set()) if i.kind in ("close", "paraphrase", "partial")]
    script = " ".join(texts)
    script = " ".join(script.split()[: int(seconds * 2.6)])  # about 2.6 words a second at rate 165
    spoken = synthesize(script, folder / f"answer-{seconds:.0f}.wav", rate=165)
    audio, sr = sf.read(str(spoken), dtype="float32")
    path = folder / f"answer-{seconds:.0f}-padded.wav"
    sf.write(str(path), np.concatenate([audio, np.zeros(int(5 * sr), dtype=np.float32)]), sr)
    return path, script


def timed_cli(args: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "voice-coach"), *args], env=env, capture_output=True, check=True
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    opts = parser.parse_args()
    models = ["base"] if opts.quick else ["tiny.en", "base"]
    lengths = [120.0] if opts.quick else [30.0, 120.0, 300.0]
    speed = 3.0 if opts.quick else 1.0

    tmp = Path(tempfile.mkdtemp(prefix="vc-bench-"))
    os.environ.update(
        {
            "VOICE_COACH_DATA_DIR": str(tmp / "data"),
            "VOICE_COACH_RECORDINGS_DIR": str(tmp / "rec"),
            "XDG_CONFIG_HOME": str(tmp / "config"),
        }
    )
    from voice_coach.audio.capture import FileSource
    from voice_coach.audio.files import load_audio
    from voice_coach.bank.files import load_bank
    from voice_coach.config import load_settings
    from voice_coach.session import Session
    from voice_coach.speech.engines import make_engine
    from voice_coach.store import Store

    settings = load_settings()
    bank = load_bank(settings.bank_dirs)
    question = bank.questions["backbone-disagree-manager"]
    env = {**os.environ}
    help_s = statistics.median(timed_cli(["--help"], env) for _ in range(3))
    print(f"voice-coach --help: {help_s:.3f} s")

    # first question: everything practice does before the question starts playing
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-c",
            (
                "import time; t=time.perf_counter();"
                "from voice_coach.config import load_settings; from voice_coach.bank import load_bank;"
                "from voice_coach.session import Session, speak; from voice_coach.store import Store;"
                "s=load_settings(); b=load_bank(s.bank_dirs); q=next(iter(b.questions.values()));"
                "ses=Session(s, b, Store(s.db_path), 'practice', s.model); ses.start_loading();"
                "speak(q.text, ses.folder/'q1-question.wav', s, play=False)"
            ),
        ],
        env=env,
        check=True,
    )
    first_question_s = time.perf_counter() - start
    print(f"practice until the first question is ready to play: {first_question_s:.2f} s")

    summary: dict = {"help_s": round(help_s, 3), "first_question_s": round(first_question_s, 2)}
    for model in models:
        engine = make_engine("faster-whisper", model, settings.cache_dir)
        engine.load()
        jfk = load_audio(SHARED / "jfk.flac") if (SHARED / "jfk.flac").exists() else None
        if jfk is not None:
            print(f"{model}: WER on jfk.flac {wer(JFK, engine.transcribe(jfk).text):.3f}")
        for length in lengths:
            path, script = make_answer(length, tmp)
            audio = load_audio(path)
            whole = [engine.transcribe(audio) for _ in range(1 if opts.quick else 3)]
            rtf = statistics.median(t.seconds for t in whole) / (len(audio) / 16000)
            latencies, wers = [], []
            for _ in range(3):
                session = Session(settings, bank, Store(settings.db_path), "bench", model)
                session.engine = engine
                result = session.record_and_score(1, question, FileSource(path, speed=speed))
                latencies.append(result.latency_s)
                wers.append(wer(script, result.report["transcript"]["text"]))
            lat = sorted(latencies)
            p95 = lat[min(len(lat) - 1, int(round(0.95 * (len(lat) - 1))))]
            print(
                f"{model} {length:.0f} s answer: RTF {rtf:.3f}, "
                f"report latency median {statistics.median(lat):.2f} s "
                f"p95 {p95:.2f} s, WER streamed {statistics.median(wers):.3f} "
                f"(whole file {wer(script, whole[0].text):.3f}), fed at {speed:g}x"
            )
            if model == "base" and length == 120.0:
                summary.update(
                    {
                        "report_latency_median_s": round(statistics.median(lat), 2),
                        "report_latency_p95_s": round(p95, 2),
                        "rtf": round(rtf, 3),
                        "wer": round(statistics.median(wers), 3),
                    }
                )
    summary["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
