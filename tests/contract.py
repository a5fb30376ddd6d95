"""The analyze --json contract of PRODUCT.md, checked key by key."""

from __future__ import annotations

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


def assert_contract(report: dict) -> None:
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
