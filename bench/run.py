"""Speed and accuracy benchmark: real-time factor, report latency, peak memory, WER, start-up times.

Prints one line per measurement and, last, one JSON object with report_latency_median_s,
report_latency_p95_s, rtf, peak_rss_mb, wer, help_s, first_question_s (faster-whisper, base,
the 2-minute answer), openai_over_faster (time ratios on the same audio and weights), and the
interviewer voice's load_s, first_audio_cold_s, first_audio_s (median time from a question chosen
to its first sentence ready to play, voice loaded), first_audio_max_s and voice_peak_rss_mb.
  bench/run            both engines, both models, answers of 30 s, 2 min and 5 min fed at real time
                       through the recorder's file input, 3 runs each (--runs N to change)
  bench/run --quick    faster-whisper, base, the 2-minute answer at 3x real time, 3 runs (2 minutes);
                       --speed 1 feeds it at real time, as a person speaks (about 7 minutes)
Each configuration runs in its own process, as a practice session does (model loaded once, each
run a new answer, transcribed while it is recorded, then scored); its peak memory is that process's VmHWM
before the whole-file pass used for the real-time factor.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "audio"
JFK = (
    "And so my fellow Americans, ask not what your country can do for you, "
    "ask what you can do for your country."
)


STEREO = (
    "He began a confused complaint against the wizard, who had vanished behind the curtain on the left.",
    "The horizon seems extremely distant.",
)


def words(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9' ]", " ", text.lower().replace("-", " ")).split())


def wer(ref: str, hyp: str) -> float:
    import jiwer

    return jiwer.wer(words(ref), words(hyp))


def make_answer(seconds: float, folder: Path, turn: int = 0) -> tuple[Path, str]:
    """A synthesized answer of about `seconds`, then 5 s of silence (the silence stop ends it).
    Another `turn` starts further into the labelled answers: other sentences, none of them scored
    (and cached) before."""
    from voice_coach.evaluation.evaluate import default_set, load_set
    from voice_coach.speech.tts import synthesize

    texts = [i.text for i in load_set(default_set()) if i.kind in ("close", "paraphrase", "partial")]
    texts = texts[7 * turn % len(texts) :] + texts[: 7 * turn % len(texts)]
    script = " ".join(texts)
    script = " ".join(script.split()[: int(seconds * 2.6)])  # about 2.6 words a second at rate 165
    spoken = synthesize(script, folder / f"answer-{seconds:.0f}-{turn}.wav", rate=165)
    audio, sr = sf.read(str(spoken), dtype="float32")
    path = folder / f"answer-{seconds:.0f}-{turn}-padded.wav"
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
    parser.add_argument("--speed", type=float, help="feed answers at this multiple of real time")
    parser.add_argument("--runs", type=int, help="recorded runs per configuration (default 3)")
    opts = parser.parse_args()
    models = ["base"] if opts.quick else ["tiny.en", "base"]
    lengths = [120.0] if opts.quick else [30.0, 120.0, 300.0]
    speed = opts.speed or (3.0 if opts.quick else 1.0)
    runs = opts.runs or 3

    tmp = Path(tempfile.mkdtemp(prefix="vc-bench-"))
    os.environ.update(
        {
            "VOICE_COACH_DATA_DIR": str(tmp / "data"),
            "VOICE_COACH_RECORDINGS_DIR": str(tmp / "rec"),
            "XDG_CONFIG_HOME": str(tmp / "config"),
        }
    )
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
                "from voice_coach.config import load_settings; from voice_coach.bank import load_dirs;"
                "from voice_coach.interview import Session; from voice_coach.history.store import Store;"
                "from voice_coach.speech.tts import speak;"
                "s=load_settings(); b=load_dirs(s.bank_dirs); q=next(iter(b.questions.values()));"
                "ses=Session(s, b, Store(s.db_path), 'practice'); ses.start();"
                "speak(q.text, ses.folder/'q1-question.wav', s.tts_rate, play=False)"
            ),
        ],
        env=env,
        check=True,
    )
    first_question_s = time.perf_counter() - start
    print(f"practice until the first question is ready to play: {first_question_s:.2f} s")

    summary: dict = {"help_s": round(help_s, 3), "first_question_s": round(first_question_s, 2)}
    voice = json.loads(
        subprocess.run(
            [sys.executable, __file__, "--voice-worker"], capture_output=True, text=True, check=True, env=env
        ).stdout.splitlines()[-1]
    )
    print(
        f"voice {voice['voice']}: load {voice['load_s']:.2f} s; first audio of a question "
        f"{voice['first_audio_cold_s']:.2f} s cold, median {voice['first_audio_s']:.2f} s "
        f"(max {voice['first_audio_max_s']:.2f} s) once loaded; a process that loads it and speaks "
        f"peaks at {voice['voice_peak_rss_mb']:.0f} MB"
    )
    summary.update({k: v for k, v in voice.items() if k != "voice"})
    # a new answer each run: the same audio again would be cut, decoded and embedded as before
    # (cached sentences, buffers of the same shapes), flattering latency and memory
    answers = {length: [make_answer(length, tmp, turn) for turn in range(runs)] for length in lengths}
    (tmp / "scripts.json").write_text(json.dumps({str(k): [a[1] for a in v] for k, v in answers.items()}))
    engines = ["faster-whisper"] if opts.quick else ["faster-whisper", "openai-whisper"]
    whole_s: dict[tuple[str, str], float] = {}
    for engine_name in engines:
        if engine_name == "openai-whisper" and not _has("whisper"):
            print("openai-whisper: not installed (pip install torch==2.13.0 'voice-coach[openai-whisper]')")
            continue
        for model in models:
            for length in lengths:
                # each configuration in its own process, so its peak memory is its own
                out = subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--worker",
                        engine_name,
                        model,
                        str(length),
                        str(speed),
                        str(runs),
                        os.pathsep.join(str(a[0]) for a in answers[length]),
                        str(tmp / "scripts.json"),
                    ],
                    capture_output=True,
                    text=True,
                    check=True,
                    env=env,
                )
                r = json.loads(out.stdout.strip().splitlines()[-1])
                lat = sorted(r["latencies"])
                p95 = lat[min(len(lat) - 1, int(round(0.95 * (len(lat) - 1))))]
                whole_s[(engine_name, model, length)] = r["whole_s"]
                jfk = f", WER on jfk.flac {r['jfk_wer']:.3f}" if r["jfk_wer"] is not None else ""
                if r.get("stereo_wer") is not None:
                    jfk += f", on stereo_diarization.wav {r['stereo_wer']:.3f}"
                print(
                    f"{engine_name} {model} {length:.0f} s answer: RTF {r['rtf']:.3f}, "
                    f"report latency median {statistics.median(lat):.2f} s p95 {p95:.2f} s, "
                    f"WER streamed {statistics.median(r['wers']):.3f} (whole file {r['whole_wer']:.3f}), "
                    f"peak RSS {r['peak_rss_mb']:.0f} MB, fed at {speed:g}x{jfk}"
                )
                if engine_name == "faster-whisper" and model == "base" and length == 120.0:
                    summary.update(
                        {
                            "report_latency_median_s": round(statistics.median(lat), 2),
                            "report_latency_p95_s": round(p95, 2),
                            "rtf": round(r["rtf"], 3),
                            "wer": round(statistics.median(r["wers"]), 3),
                            "peak_rss_mb": round(r["peak_rss_mb"], 1),
                        }
                    )
    for (engine_name, model, length), seconds in whole_s.items():
        if engine_name == "openai-whisper" and ("faster-whisper", model, length) in whole_s:
            ratio = seconds / whole_s[("faster-whisper", model, length)]
            print(f"openai-whisper / faster-whisper time, {model}, {length:.0f} s answer: {ratio:.2f}x")
            summary.setdefault("openai_over_faster", {})[f"{model}-{length:.0f}s"] = round(ratio, 2)
    print(json.dumps(summary))


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def worker(
    engine_name: str, model: str, length: float, speed: float, runs: int, path: str, scripts: str
) -> None:
    """One configuration, the way a practice session runs it: model loaded once, each run's answer
    (`path`: one per run, joined by os.pathsep) fed through the recorder's file input with
    transcription while recording, then scored."""
    from voice_coach import memory
    from voice_coach.audio.capture import FileSource
    from voice_coach.audio.files import load_audio
    from voice_coach.bank.files import load_dirs
    from voice_coach.config import load_settings
    from voice_coach.history.store import Store
    from voice_coach.interview import Session

    settings = load_settings()
    # the 5-minute answer runs to its end
    settings = replace(settings, engine=engine_name, hard_limit_s=max(settings.hard_limit_s, length + 30))
    bank = load_dirs(settings.bank_dirs)
    question = bank.questions["backbone-disagree-manager"]
    said = json.loads(Path(scripts).read_text())[str(length)]
    paths = path.split(os.pathsep)
    session = Session(settings, bank, Store(settings.db_path), "bench", model, engine_name=engine_name)
    session.start()
    from voice_coach.speech import tts

    # the question is spoken (synthesized) as in practice, so the voice counts in the peak memory
    tts.speak(question.text, session.folder / "q1-question.wav", settings.tts_rate, play=False)
    session.wait_loaded()
    latencies, wers = [], []
    from voice_coach.scoring.embeddings import load_encoder

    encoder = load_encoder()
    warm = dict(encoder.cache) if encoder else {}  # the bank's bullets, embedded while loading
    for n in range(runs):
        if encoder:  # each run scores its answer from scratch, as a new answer would be
            encoder.cache = dict(warm)
        result = session.record_and_score(n + 1, question, FileSource(Path(paths[n]), speed=speed))
        latencies.append(result.latency_s)
        wers.append(wer(said[n], result.report.transcript.text))
    peak = memory.status_mb()  # the session's peak, before the whole-file pass below (not part of a session)
    audio = load_audio(paths[0])
    whole = session.engine.transcribe(audio)
    jfk_wer = None
    if (SHARED / "jfk.flac").exists():
        jfk_wer = wer(JFK, session.engine.transcribe(load_audio(SHARED / "jfk.flac")).text)
    stereo_wer = None
    if (SHARED / "stereo_diarization.wav").exists():  # one read sentence per channel
        channels, _ = sf.read(str(SHARED / "stereo_diarization.wav"), dtype="float32")
        heard = [session.engine.transcribe(channels[:, c].copy()).text for c in (0, 1)]
        stereo_wer = wer(" ".join(STEREO), " ".join(heard))
    print(
        json.dumps(
            {
                "latencies": latencies,
                "wers": wers,
                "whole_s": whole.seconds,
                "rtf": whole.seconds / (len(audio) / 16000),
                "whole_wer": wer(said[0], whole.text),
                "jfk_wer": jfk_wer,
                "stereo_wer": stereo_wer,
                "peak_rss_mb": peak,
            }
        )
    )


def voice_worker() -> None:
    """The interviewer's voice alone: its load, the time from a question chosen to its first
    sentence ready to play (cold, then with the voice loaded, as in a session), its memory."""
    from voice_coach import memory
    from voice_coach.bank.files import load_dirs
    from voice_coach.config import load_settings
    from voice_coach.speech import tts

    memory.tune_malloc()  # as in a session, where the voice speaks
    settings = load_settings()
    questions = [q.text for q in load_dirs(settings.bank_dirs).questions.values()][:12]
    voice = tts.resolve(settings.voice)

    def first_audio(text: str) -> float:
        start = time.perf_counter()
        if voice.engine == "neural":
            next(tts.neural_chunks(text, voice, settings.tts_rate))
        else:  # espeak-ng renders the whole question before it can play
            tts.synthesize(text, Path(tempfile.mkdtemp()) / "q.wav", settings.tts_rate, settings.voice)
        return time.perf_counter() - start

    start = time.perf_counter()
    if voice.engine == "neural":
        from voice_coach.speech import piper

        piper.load(voice.name)
    load_s = time.perf_counter() - start
    cold = load_s + first_audio(questions[0])
    warm = [first_audio(q) for q in questions[1:]]
    print(
        json.dumps(
            {
                "voice": voice.label,
                "load_s": round(load_s, 3),
                "first_audio_cold_s": round(cold, 3),
                "first_audio_s": round(statistics.median(warm), 3),
                "first_audio_max_s": round(max(warm), 3),
                "voice_peak_rss_mb": round(memory.status_mb(), 1),
            }
        )
    )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--voice-worker":
        voice_worker()
    elif len(sys.argv) > 1 and sys.argv[1] == "--worker":
        e, m, length, speed, runs, path, scripts = sys.argv[2:9]
        worker(e, m, float(length), float(speed), int(runs), path, scripts)
    else:
        main()
