"""The analyze --json contract of PRODUCT.md: the JSON Schema shipped with the package, plus the
keys PRODUCT.md names, checked one by one so that a failure says which."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import jsonschema

import voice_coach.scoring

SCHEMA_PATH = Path(voice_coach.scoring.__file__).with_name("answer_report.schema.json")

CONTRACT = {
    "question": ["id", "text", "principle"],
    "audio": ["path", "duration_s"],
    "transcript": ["text", "words"],
    "delivery": ["speaking_s", "wpm", "pauses", "long_pauses", "fillers", "i_we_ratio", "target_s"],
    "star": ["situation", "task", "action", "result", "quantified_result"],
    "story": ["id", "confidence"],
    "bullets": None,
    "coverage": None,
    "follow_ups": None,
}


@cache
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def assert_contract(report: dict) -> None:
    errors = sorted(validator().iter_errors(report), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors[:5])
    for key, inner in CONTRACT.items():
        assert key in report, key
        for sub in inner or []:
            assert sub in report[key], f"{key}.{sub}"
    assert set(report["delivery"]["fillers"]) >= {"count", "per_min", "items"}
    for part in ("situation", "task", "action", "result"):
        assert set(report["star"][part]) >= {"present", "seconds", "share", "evidence"}
    for bullet in report["bullets"]:
        assert set(bullet) >= {"id", "text", "star", "covered", "score", "evidence"}
    for word in report["transcript"]["words"]:
        assert set(word) == {"word", "start", "end"}
    assert isinstance(report["coverage"], float)
    assert isinstance(report["follow_ups"], list)
