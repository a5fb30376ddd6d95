"""The bank loads from hand-edited YAML, and each problem names its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from voice_coach.bank.files import load_dirs, read_bank
from voice_coach.config import shipped_bank_dir
from voice_coach.errors import UserError


def test_shipped_bank_loads_clean():
    bank, problems = read_bank([shipped_bank_dir()])
    assert [p for p in problems if p.level == "error"] == []
    assert len(bank.principles) == 16
    assert bank.questions and bank.stories and bank.loops and bank.rubrics
    story = bank.stories["pricing-test"]
    assert [b.star for b in story.all_bullets()] == ["S", "T", "A", "A", "A", "R", "R"]
    assert story.all_bullets()[0].text.startswith("Before our spring launch")


def _write(tmp_path: Path, name: str, text: str) -> Path:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


PRINCIPLES = "principles:\n  - id: ownership\n    name: Ownership\n"


def test_errors_name_file_line_and_fix(tmp_path):
    _write(tmp_path, "principles.yaml", PRINCIPLES)
    _write(
        tmp_path,
        "q.yaml",
        """questions:
  - id: q1
    principle: ownership
    text: Tell me about it.
  - id: q1
    principle: ownership
    text: Again.
  - id: q2
    principle: nope
    text: Hello
    colour: red
  - id: q3
    principle: ownership
    text: ""
stories:
  - id: s1
    title: Empty story
  - id: s2
    title: Bad tag
    bullets:
      - {text: something, star: X}
""",
    )
    _, problems = read_bank([tmp_path])
    found = {(Path(p.file).name, p.line, p.message.split(" '")[0]) for p in problems}
    assert ("q.yaml", 5, "duplicate question id") in found
    assert ("q.yaml", 11, "unknown key") in found
    assert ("q.yaml", 9, "question") in found  # question 'q2' names unknown principle
    assert ("q.yaml", 14, "question has no") in found  # empty text
    assert ("q.yaml", 16, "story") in found  # story 's1' has no bullets
    assert ("q.yaml", 21, "bad STAR tag") in found
    assert all(p.fix for p in problems)


def test_yaml_syntax_error_has_line(tmp_path):
    _write(tmp_path, "bad.yaml", "questions:\n  - id: q1\n    text: [unclosed\n")
    with pytest.raises(UserError) as err:
        load_dirs([tmp_path])
    assert "bad.yaml:4" in str(err.value) or "bad.yaml:3" in str(err.value)
    assert "not valid YAML" in str(err.value)


def test_user_bank_overrides_shipped(tmp_path):
    _write(
        tmp_path,
        "mine.yaml",
        """questions:
  - id: ownership-beyond-role
    principle: ownership
    text: My own wording of this question.
""",
    )
    bank = load_dirs([shipped_bank_dir(), tmp_path])
    assert bank.questions["ownership-beyond-role"].text == "My own wording of this question."
