"""Property tests (hypothesis) on the notes importer, the bank validator and the audio readers,
and a bounded atheris run on the importer. Counts of inputs tried land in the test summary."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from fuzz import targets
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, record_fuzz
from voice_coach.errors import UserError

FUZZ = Path(__file__).parent / "fuzz"
EXAMPLES = int(os.environ.get("VOICE_COACH_FUZZ_EXAMPLES", "150"))
common = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Markdown-ish text: headings, list markers, indentation, emphasis, tables, HTML, links, unicode.
pieces = st.sampled_from(
    [
        "# ",
        "## ",
        "### ",
        "- ",
        "* ",
        "1. ",
        "\t",
        "  ",
        "\n",
        "\r\n",
        "**",
        "__",
        "|",
        "---",
        ":",
        "S:",
        "Result:",
        "Interviewer 2: ",
        "(45 minutes)",
        "Earn Trust",
        "Dive Deep",
        "Story",
        "?",
        "<script>alert(1)</script>",
        "[[link]]",
        "![x](y.png)",
        "http://x.y",
        "'",
        '"',
        "{",
        "}",
        "&",
        "- id: x",
        "\x00",
        "\ufeff",
        "שלום",
        "🙂",
        "#tag",
        "> ",
        "```",
        "%",
        "\\",
    ]
)
markdown = st.lists(st.one_of(pieces, st.text(max_size=12)), max_size=60).map("".join)


@common
@given(markdown)
def test_notes_import_never_crashes_and_writes_a_loadable_bank(text):
    record_fuzz("hypothesis notes importer", 1)
    try:
        targets.notes_import(text)
    except UserError:
        pass


yamlish = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "questions:\n",
                "stories:\n",
                "principles:\n",
                "loops:\n",
                "rubrics:\n",
                "- ",
                "  ",
                "id: ",
                "text: ",
                "principle: ",
                "bullets:\n",
                "follow_ups:\n",
                "target_s: ",
                "- [S] ",
                "\n",
                ": ",
                "{",
                "[",
                "]",
                "}",
                "&a ",
                "*a",
                "!!python/object ",
                "---\n",
                "-1",
                "1e999",
                "null",
                "~",
                "'",
                "\t",
            ]
        ),
        st.text(max_size=10),
    ),
    max_size=50,
).map("".join)


@common
@given(yamlish)
def test_bank_validator_reports_instead_of_crashing(text):
    record_fuzz("hypothesis bank validator", 1)
    targets.bank_file(text)


def _wav_header(sr: int, channels: int, bits: int, data_len: int) -> bytes:
    import struct

    mask = 0xFFFFFFFF  # header fields are uint32: wrap, as a damaged file would
    data_len &= mask
    return (
        b"RIFF"
        + struct.pack("<I", (36 + data_len) & mask)
        + b"WAVE"
        + b"fmt "
        + struct.pack(
            "<IHHIIHH",
            16,
            1,
            channels,
            sr,
            (sr * channels * bits // 8) & mask,
            (channels * bits // 8) & 0xFFFF,
            bits,
        )
        + b"data"
        + struct.pack("<I", data_len)
    )


audio_inputs = st.one_of(
    st.binary(max_size=4096),
    st.builds(
        lambda sr, ch, bits, n, body: _wav_header(sr, ch, bits, n) + body,
        st.sampled_from([0, 1, 8000, 16000, 44100, 48000, 2**31 - 1]),
        st.sampled_from([0, 1, 2, 6, 255]),
        st.sampled_from([0, 8, 16, 24, 32, 7]),
        st.integers(0, 2**32 - 1),
        st.binary(max_size=4096),
    ),
)


@common
@given(audio_inputs)
def test_audio_reader_decodes_or_explains(data):
    record_fuzz("hypothesis audio reader", 1)
    targets.audio_bytes(data)


def test_truncated_and_bitflipped_real_audio(tmp_path):
    """Every prefix length class and scattered bit flips of a real FLAC: audio or a UserError."""
    from conftest import need_shared

    raw = need_shared("audio/jfk.flac").read_bytes()
    rng = np.random.default_rng(7)
    tried = 0
    for cut in [0, 1, 4, 42, 100, 1000, len(raw) // 3, len(raw) - 1]:
        targets.audio_bytes(raw[:cut])
        tried += 1
    for _ in range(20):
        b = bytearray(raw)
        for pos in rng.integers(0, len(b), 30):
            b[pos] ^= 1 << int(rng.integers(0, 8))
        targets.audio_bytes(bytes(b))
        tried += 1
    record_fuzz("damaged jfk.flac variants", tried)


def test_regressions_found_by_fuzzing():
    """Inputs that once crashed a target; each must now pass."""
    found = sorted(p for p in (FUZZ / "regressions").glob("*") if p.name != "README.md")
    assert found, "tests/fuzz/regressions/ holds no inputs: this test would check nothing"
    for path in found:
        kind = path.name.split("-", 1)[0]
        data = path.read_bytes()
        if kind == "notes":
            try:
                targets.notes_import(data.decode("utf-8", errors="replace"))
            except UserError:
                pass
        elif kind == "audio":
            targets.audio_bytes(data)
        elif kind == "bank":
            targets.bank_file(data.decode("utf-8", errors="replace"))
    record_fuzz("fuzz regression inputs", len(found))


def test_atheris_on_the_notes_importer(tmp_path):
    pytest.importorskip("atheris", reason="atheris is in the test extra (pip install -e '.[test]')")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for seed in (FUZZ / "seeds").glob("*.md"):
        (corpus / seed.name).write_bytes(seed.read_bytes())
    # 15 s in CI since the suite reached its 10-minute budget (25 s tried about 3,200 inputs, 15 s
    # about 2,000; VOICE_COACH_FUZZ_SECONDS=300 for a long run)
    seconds = int(os.environ.get("VOICE_COACH_FUZZ_SECONDS", "15"))
    out = subprocess.run(
        [
            sys.executable,
            str(FUZZ / "fuzz_notes.py"),
            f"-max_total_time={seconds}",
            "-seed=1",
            "-max_len=4096",
            f"-artifact_prefix={tmp_path}/",
            "-print_final_stats=1",
            str(corpus),
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 120,
        cwd=ROOT,
    )
    crash = list(tmp_path.glob("crash-*"))
    assert out.returncode == 0 and not crash, (
        f"atheris found a crash: copy {crash[:1]} to tests/fuzz/regressions/notes-<name> "
        f"and fix it\n{out.stderr[-3000:]}"
    )
    runs = int(re.search(r"Done (\d+) runs", out.stderr).group(1))
    assert runs > 100
    record_fuzz("atheris notes importer", runs)
