"""Compare an import of prep notes with what a person counted by hand in them (expected.yaml
beside the fixtures): stories and questions found, questions invented, question -> story links,
titles as written, reflections kept as notes, left-out sections said. Used by the notes tests and
runnable alone (`python tests/notes_expected.py tests/notes_layouts/round2`) to print the numbers.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from voice_coach.bank.files import load_dirs
from voice_coach.bank.notes import read_notes
from voice_coach.config import shipped_bank_dir


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def _same_title(want: str, got: str) -> bool:
    return _key(want) == _key(got)


@dataclass
class Checked:
    """What one file's import got right and wrong, each as a list of what to show."""

    stories: int = 0
    stories_found: int = 0
    questions: int = 0
    questions_found: int = 0
    missed: list[str] = field(default_factory=list)
    invented: list[str] = field(default_factory=list)
    links: int = 0
    links_right: int = 0
    wrong: list[str] = field(default_factory=list)  # titles, principles, links, notes, left-out lines

    def add(self, other: Checked) -> None:
        for name in ("stories", "stories_found", "questions", "questions_found", "links", "links_right"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.missed += other.missed
        self.invented += other.invented
        self.wrong += other.wrong


def check_file(path: Path, want: dict) -> Checked:
    principles = list(load_dirs([shipped_bank_dir()]).principles.values())
    notes = read_notes(path.read_text(), principles, "mine")
    out = Checked()
    got_stories = {s["id"]: s for s in notes.stories}
    for story in want.get("stories") or []:
        out.stories += 1
        found = next((s for s in notes.stories if _same_title(story["title"], s["title"])), None)
        if found is None:
            out.missed.append(f"{path.name}: story '{story['title']}'")
            continue
        out.stories_found += 1
        if found["title"] != story["title"] and found["title"].lower() != story["title"].lower():
            out.wrong.append(f"{path.name}: title '{found['title']}' for '{story['title']}'")
        lacking = set(story.get("principles") or []) - set(found["principles"])
        if lacking:
            out.wrong.append(f"{path.name}: story '{story['title']}' lacks principles {sorted(lacking)}")
    wanted = {_key(q["text"]): q for q in want.get("questions") or []}

    def asked(q: dict) -> set[str]:
        # its text, or its text with the follow-ups split off it ("Give me ... missed. What did you cut?")
        return {_key(q["text"]), _key(" ".join([q["text"], *q.get("follow_ups", [])]))}

    for q in notes.questions:
        if not asked(q) & wanted.keys():
            out.invented.append(f"{path.name}: question '{q['text']}'")
    for key, q in wanted.items():
        out.questions += 1
        found_q = next((g for g in notes.questions if key in asked(g)), None)
        if found_q is None:
            out.missed.append(f"{path.name}: question '{q['text']}'")
            continue
        out.questions_found += 1
        if found_q["text"].rstrip(".?!") != q["text"].rstrip(".?!") and not q["text"].startswith(
            found_q["text"]
        ):
            out.wrong.append(f"{path.name}: question text '{found_q['text']}'")
        if q.get("stories"):
            out.links += 1
            titles = [got_stories[s]["title"] for s in found_q.get("stories", []) if s in got_stories]
            if [_key(t) for t in titles] == [_key(t) for t in q["stories"]]:
                out.links_right += 1
            else:
                out.wrong.append(f"{path.name}: '{q['text']}' linked to {titles}, not {q['stories']}")
    for text in want.get("reflections") or []:
        held = [n for s in notes.stories for n in s.get("notes", [])]
        if not any(_key(text) in _key(n) for n in held):
            out.wrong.append(f"{path.name}: reflection not in a story's notes: '{text[:60]}'")
    said = " ".join(notes.skipped).lower()
    kept = [n.lower() for s in notes.stories for n in s.get("notes", [])]  # "Tools used: ..." as notes
    for heading in want.get("left_out") or []:
        if heading.lower() not in said and not any(n.startswith(heading.lower() + ":") for n in kept):
            out.wrong.append(f"{path.name}: section '{heading}' left out without a line saying so")
    return out


def check_folder(folder: Path) -> dict[str, Checked]:
    expected = yaml.safe_load((folder / "expected.yaml").read_text())
    return {name: check_file(folder / name, want) for name, want in expected.items()}


def summary(results: dict[str, Checked]) -> Checked:
    total = Checked()
    for checked in results.values():
        total.add(checked)
    return total


if __name__ == "__main__":
    total = summary(check_folder(Path(sys.argv[1])))
    print(
        f"stories {total.stories_found}/{total.stories}, "
        f"questions {total.questions_found}/{total.questions}, "
        f"invented {len(total.invented)}, links {total.links_right}/{total.links}"
    )
    for line in total.missed + total.invented + total.wrong:
        print("  ", line)
