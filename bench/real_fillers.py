"""Fillers found in real human speech (../shared/audio/real: 20 clips, verbatim references that keep
um/uh/er/ah/hm), for each filler_prompt mode: recall and precision per clip, and the time taken.

Counted as voice_coach.evaluation.fillers counts them (per sound family; "'er" is the pronoun).
The clips are few (about 2.5 minutes, 15 fillers): numbers on them choose and test; they are not
evidence that every speaker is served. Run: .venv/bin/python bench/real_fillers.py [--modes off,guarded]
[--clips FOLDER]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from voice_coach.audio.files import load_audio
from voice_coach.config import load_settings
from voice_coach.evaluation.fillers import heard, matched, said
from voice_coach.speech.engines import FasterWhisperEngine

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "audio" / "real"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--modes", default="off,initial")
    parser.add_argument("--model", default="base")
    parser.add_argument("--clips", type=Path, default=REAL, help="a folder of NAME.flac + NAME.ref.txt")
    args = parser.parse_args()
    clips = sorted(args.clips.glob("*.flac"))
    if not clips:
        raise SystemExit(f"no clips in {args.clips}")
    refs = {c: said(c.with_suffix(".ref.txt").read_text()) for c in clips}
    audio = {c: load_audio(c) for c in clips}
    cache = load_settings().cache_dir
    times: dict[str, dict[Path, float]] = {}
    for mode in args.modes.split(","):
        engine = FasterWhisperEngine(args.model, cache, filler_prompt=mode)
        engine.load()
        n_said = found_n = hit = 0
        seconds = 0.0
        for clip in clips:
            start = time.perf_counter()
            transcript = engine.transcribe(audio[clip])
            times.setdefault(mode, {})[clip] = time.perf_counter() - start
            seconds += times[mode][clip]
            found, ref = heard(transcript.words), refs[clip]
            n_said, found_n = n_said + sum(ref.values()), found_n + sum(found.values())
            hit += matched(found, ref)
            if ref or found:
                print(f"  {mode:8} {clip.stem:32} reference {dict(ref)} found {dict(found)}")
        recall = hit / n_said if n_said else 0.0
        precision = hit / found_n if found_n else 1.0
        slowest = ""
        if mode != "off" and "off" in times:  # the bound: no clip more than 2x its unprompted time
            ratio, clip = max((times[mode][c] / times["off"][c], c) for c in clips)
            slowest = f", slowest {ratio:.1f}x unprompted ({clip.stem})"
        print(
            f"{mode}: recall {recall:.2f} ({hit}/{n_said}), "
            f"precision {precision:.2f} ({hit}/{found_n}), {seconds:.1f} s{slowest}"
        )


if __name__ == "__main__":
    main()
