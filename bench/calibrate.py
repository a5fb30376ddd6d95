"""Calibrate the coverage threshold and the story floor of each scorer on the labelled answers.

Prints, per scorer, the best (threshold, floor) by the worst of precision, recall and story accuracy,
then F1, and the metrics there. The chosen values are copied into voice_coach/scoring/coverage.py.
Run: .venv/bin/python bench/calibrate.py

`--scale` prints instead the quantile map that reads bge-small's cosines on MiniLM's scale (SCALE_BGE in
voice_coach/scoring/embeddings.py): both encoders' cosines over the same (bullet, window) pairs of the
tuning sets (labelled, own, hard; own needs the user's notes imported), at the same quantiles.
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np

from voice_coach.bank.files import load_dirs
from voice_coach.config import shipped_bank_dir
from voice_coach.evaluation.evaluate import default_set, evaluate, load_set
from voice_coach.scoring.coverage import EmbeddingScorer, LexicalScorer
from voice_coach.scoring.embeddings import BGE, MINILM, Encoder, load_encoder, model_files


def sweep(scorer, bank, items, thresholds, floors) -> dict:
    scorer.fit(bank.bullet_texts())
    best = None
    for th in thresholds:
        for floor in floors:
            scorer.threshold, scorer.story_floor = float(th), float(floor)
            m = evaluate(bank, items, scorer).metrics()
            key = (min(m["precision"], m["recall"], m["story_accuracy"]), m["f1"])
            if best is None or key > best[0]:
                best = (key, round(float(th), 3), round(float(floor), 3), m)
    return {"scorer": scorer.name, "threshold": best[1], "story_floor": best[2], **best[3]}


def main() -> None:
    bank = load_dirs([shipped_bank_dir()])
    items = load_set(default_set())
    start = time.time()
    results = [sweep(LexicalScorer(), bank, items, np.arange(0.2, 0.7, 0.05), np.arange(0.15, 0.6, 0.05))]
    model = load_encoder()
    if model is not None:
        results.append(
            sweep(
                EmbeddingScorer(model), bank, items, np.arange(0.3, 0.6, 0.01), np.arange(0.44, 0.56, 0.004)
            )
        )
    for r in results:
        print(json.dumps(r))
    print(f"calibrated on {len(items)} answers in {time.time() - start:.0f} s")


QUANTILES = (0, 1, 5, 10, 25, 50, 75, 90, 95, 98, 99, 99.5, 99.9, 100)


def scale() -> None:
    from voice_coach import api
    from voice_coach.evaluation.evaluate import set_path
    from voice_coach.scoring.coverage import windows
    from voice_coach.scoring.text import sentences
    from voice_coach.speech.engines import transcript_from_text

    files = model_files(BGE), model_files(MINILM)
    if None in files:
        raise SystemExit("both encoders must be installed (scripts/setup)")
    bge, mini = Encoder(BGE, *files[0]), Encoder(MINILM, *files[1])
    bank = api.load_bank(api.resolve_settings(None))
    bullets = bank.bullet_texts()
    ours_b, theirs_b = bge.embed(bullets), mini.embed(bullets)  # once: every answer meets them all
    ours, theirs = [], []
    for name in ("labelled", "own", "hard"):
        for item in load_set(set_path(name)):
            wins = [w.text for w in windows(sentences(transcript_from_text(item.text).words))]
            ours.append((ours_b @ bge.embed(wins).T).ravel())
            theirs.append((theirs_b @ mini.embed(wins).T).ravel())
    x, y = np.concatenate(ours), np.concatenate(theirs)
    print(f"{len(x)} pairs")
    print("SCALE_BGE = (")
    print(f"    {tuple(round(float(np.percentile(x, q)), 3) for q in QUANTILES)},")
    print(f"    {tuple(round(float(np.percentile(y, q)), 3) for q in QUANTILES)},")
    print(")")


if __name__ == "__main__":
    scale() if "--scale" in sys.argv else main()
