"""Fillers found in real human speech (../shared/audio/real: 20 clips, verbatim references that keep
um/uh/er/ah/hm), for each filler_prompt mode: recall and precision per clip, and the time taken.

A reference filler is um/uh/er/erm/ah/hm/hmm/mm in the .ref.txt ("'er" is the pronoun her); a found
one is what the report counts (scoring.delivery.find_fillers on the transcript). Per clip, matches
are min(found, reference) per sound family, so a filler heard as another one does not count.
The clips are few (about 2.5 minutes, 15 fillers): numbers on them choose and test; they are not
evidence that every speaker is served. Run: .venv/bin/python bench/real_fillers.py [--modes off,initial]
"""

from __future__ import annotations

import argparse
import re
import time
from collections import Counter
from pathlib import Path

from voice_coach.audio.files import load_audio
from voice_coach.config import load_settings
from voice_coach.scoring.delivery import find_fillers
from voice_coach.speech.engines import FasterWhisperEngine

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "audio" / "real"
_FAMILY = [
    ("um", r"u+m+|u+h+m+"),
    ("uh", r"u+h+"),
    ("er", r"e+r+m*"),
    ("ah", r"a+h+"),
    ("hm", r"h+m+|m+h*m+"),
]


def family(word: str) -> str | None:
    w = word.lower().strip('.,?!;:"')
    if w.startswith("'"):
        return None  # 'er: the pronoun
    return next((name for name, pattern in _FAMILY if re.fullmatch(pattern, w)), None)


def reference_fillers(text: str) -> Counter:
    text = re.sub(r"<[^>]*>|\[[^\]]*\]", " ", text)
    return Counter(f for f in (family(w) for w in text.split()) if f)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--modes", default="off,initial")
    parser.add_argument("--model", default="base")
    args = parser.parse_args()
    clips = sorted(REAL.glob("*.flac"))
    if not clips:
        raise SystemExit(f"no clips in {REAL}")
    refs = {c: reference_fillers(c.with_suffix(".ref.txt").read_text()) for c in clips}
    audio = {c: load_audio(c) for c in clips}
    cache = load_settings().cache_dir
    for mode in args.modes.split(","):
        engine = FasterWhisperEngine(args.model, cache, filler_prompt=mode)
        engine.load()
        said = found_n = hit = 0
        seconds = 0.0
        for clip in clips:
            start = time.perf_counter()
            transcript = engine.transcribe(audio[clip])
            seconds += time.perf_counter() - start
            found = Counter(f for f in (family(x.word) for x in find_fillers(transcript.words)) if f)
            ref = refs[clip]
            matched = sum(min(found[k], ref[k]) for k in ref)
            said, found_n, hit = said + sum(ref.values()), found_n + sum(found.values()), hit + matched
            if ref or found:
                print(f"  {mode:8} {clip.stem:32} reference {dict(ref)} found {dict(found)}")
        recall = hit / said if said else 0.0
        precision = hit / found_n if found_n else 1.0
        print(
            f"{mode}: recall {recall:.2f} ({hit}/{said}), "
            f"precision {precision:.2f} ({hit}/{found_n}), {seconds:.1f} s"
        )


if __name__ == "__main__":
    main()
