"""How many fillers survive transcription, with and without a disfluent prompt, and at what cost.

Speaks the labelled 'fillers' answers (they hold known "um" and "uh") with espeak-ng, transcribes them
with each model and each filler_prompt mode, and prints fillers kept and the word error rate of the
other words. Run: .venv/bin/python bench/fillers.py
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import jiwer

from voice_coach.audio.files import load_audio
from voice_coach.config import FILLER_MODES, load_settings
from voice_coach.evaluation.evaluate import default_set, load_set
from voice_coach.speech.engines import FasterWhisperEngine
from voice_coach.speech.tts import synthesize

FILLERS = {"um", "umm", "uh", "uhh", "hmm", "er", "erm", "ah", "mm"}


def words(text: str) -> list[str]:
    return re.sub(r"[^a-z0-9' ]", " ", text.lower().replace("-", " ")).split()


def main() -> None:
    items = [i for i in load_set(default_set()) if i.kind == "fillers"]
    cache = load_settings().cache_dir
    with tempfile.TemporaryDirectory() as tmp:
        audio = {i.id: load_audio(synthesize(i.text, Path(tmp) / f"{i.id}.wav", rate=160)) for i in items}
        for model in ("tiny.en", "base"):
            for mode in FILLER_MODES:
                engine = FasterWhisperEngine(model, cache, filler_prompt=mode)
                said = kept = 0
                errors = []
                for item in items:
                    text = engine.transcribe(audio[item.id]).text
                    ref, hyp = words(item.text), words(text)
                    n_ref = sum(w in {"um", "uh"} for w in ref)
                    said += n_ref
                    kept += min(n_ref, sum(w in FILLERS for w in hyp))
                    errors.append(
                        jiwer.wer(
                            " ".join(w for w in ref if w not in FILLERS),
                            " ".join(w for w in hyp if w not in FILLERS),
                        )
                    )
                print(
                    json.dumps(
                        {
                            "model": model,
                            "filler_prompt": mode,
                            "fillers_kept": kept,
                            "fillers_said": said,
                            "content_wer": round(sum(errors) / len(errors), 3),
                        }
                    )
                )


if __name__ == "__main__":
    main()
