"""Coverage-guided fuzzing of the notes importer with atheris (libFuzzer).

    python tests/fuzz/fuzz_notes.py -max_total_time=30 [-seed=1] [corpus_dir]

Seeds from the shipped example notes layouts; libFuzzer prints "Done N runs" at the end.
"""

import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

with atheris.instrument_imports():
    from tests.fuzz.targets import notes_import
    from voice_coach.errors import UserError


def one_input(data: bytes) -> None:
    text = data.decode("utf-8", errors="replace")
    try:
        notes_import(text)
    except UserError:
        pass


if __name__ == "__main__":
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()
