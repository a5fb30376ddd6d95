"""Calibrate the coverage threshold and the story floor of each scorer on the labelled answers.

Prints, per scorer, the best (threshold, floor) by the worst of precision, recall and story accuracy,
then F1, and the metrics there. The chosen values are copied into voice_coach/scoring/coverage.py.
Run: .venv/bin/python bench/calibrate.py
"""

from __future__ import annotations

import json
import time

import numpy as np

from voice_coach.bank.files import load_dirs
from voice_coach.config import shipped_bank_dir
from voice_coach.evaluation.evaluate import default_set, evaluate, load_set
from voice_coach.scoring.coverage import EmbeddingScorer, LexicalScorer
from voice_coach.scoring.embeddings import load_minilm


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
    model = load_minilm()
    if model is not None:
        results.append(
            sweep(
                EmbeddingScorer(model), bank, items, np.arange(0.3, 0.6, 0.01), np.arange(0.44, 0.56, 0.004)
            )
        )
    for r in results:
        print(json.dumps(r))
    print(f"calibrated on {len(items)} answers in {time.time() - start:.0f} s")


if __name__ == "__main__":
    main()
