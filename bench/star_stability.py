"""STAR per sentence against Whisper's numerics: the same two answers, spoken in one breath by the
neural voice at 150 and 230 wpm (as tests/test_clauses.py does), transcribed with CTranslate2 forced
onto each of its CPU kernels (AVX2, AVX512, generic) in turn. Prints, per kernel, the share of words
whose STAR part agrees between the two paces.

Why: a fresh machine failed that test (0.820) with the suite's code unchanged. The synthesized audio
was the same to the bit with onnxruntime 1.24 to 1.32; the transcripts moved with CTranslate2's
release (4.6 vs 4.7 and later) and, on one release, with the kernel it picks for the CPU: Whisper
puts other full stops and hears "short two" as "sure to". STAR must not hang on such differences.
  .venv/bin/python bench/star_stability.py
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ISAS = ("AVX2", "AVX512", "GENERIC")
ITEMS = ("mc-paraphrase", "hb-paraphrase")


def synthesize(folder: Path) -> None:
    import soundfile as sf

    from voice_coach.evaluation.evaluate import default_set, load_set
    from voice_coach.speech import piper, tts

    voice = piper.load("joe")
    for item in load_set(default_set()):
        if item.id in ITEMS:
            text = re.sub(r"\.\s+", ", ", item.text)
            for rate in (150, 230):
                audio = voice.synthesize(text, tts.length_scale_for(rate), vary=False, most=None)
                sf.write(str(folder / f"{item.id}-{rate}.wav"), audio, voice.sample_rate)


def agreement(folder: Path) -> dict:
    """In a process of its own (CT2_FORCE_CPU_ISA is read when CTranslate2 loads)."""
    from voice_coach.audio.files import load_audio
    from voice_coach.bank.files import load_dirs
    from voice_coach.config import shipped_bank_dir
    from voice_coach.evaluation.evaluate import default_set, load_set, part_agreement
    from voice_coach.scoring.analyze import analyze
    from voice_coach.scoring.coverage import default_scorer
    from voice_coach.speech.engines import FasterWhisperEngine

    bank = load_dirs([shipped_bank_dir()])
    scorer = default_scorer()
    scorer.fit(bank.bullet_texts())
    engine = FasterWhisperEngine("base", Path(tempfile.mkdtemp()))
    items = [i for i in load_set(default_set()) if i.id in ITEMS]

    def told(item, rate):
        t = engine.transcribe(load_audio(folder / f"{item.id}-{rate}.wav"))
        return analyze(t, bank, bank.questions.get(item.question), scorer=scorer)

    same = total = 0
    for item in items:
        agree, aligned = part_agreement(told(item, 150), told(item, 230))
        same, total = same + agree, total + aligned
    return {"same": same, "words": total, "agreement": round(same / total, 3)}


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="vc-star-"))
    synthesize(folder)
    for isa in ISAS:
        out = subprocess.run(
            [sys.executable, __file__, "--worker", str(folder)],
            env={**os.environ, "CT2_FORCE_CPU_ISA": isa},
            capture_output=True,
            text=True,
        )
        if out.returncode:  # a kernel this CPU lacks (AVX512 on most desktops) cannot be forced
            last = (out.stderr.strip().splitlines() or ["no output"])[-1]
            print(f"CTranslate2 {isa}: not run here ({last[:100]})")
            continue
        result = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"CTranslate2 {isa}: STAR agrees on {result['agreement']:.3f} of {result['words']} words")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--worker":
        print(json.dumps(agreement(Path(sys.argv[2]))))
    else:
        main()
