"""Installed from the built wheel (not editable) and run from another folder, voice-coach works: the
wheel carries the shipped bank, the labelled answers `eval` reads, the templates and the schema."""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT
from contract import assert_contract

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel_venv(tmp_path_factory) -> Path:
    """A fresh venv holding the wheel; its dependencies come from the test venv's site-packages
    (added with a .pth file, so the test venv's editable install stays out of sight)."""
    root = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", root, ROOT],
        check=True,
        capture_output=True,
        timeout=300,
    )
    [wheel] = root.glob("voice_coach-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for needed in (
        "voice_coach/question_bank/questions.yaml",
        "voice_coach/evaluation/labelled/labelled_answers.yaml",
        "voice_coach/scoring/answer_report.schema.json",
        "voice_coach/report/templates/session.html.j2",
        "voice_coach/web/templates/room.html.j2",
        "voice_coach/web/static/room.js",
        "voice_coach/web/static/capture.js",
        "voice_coach/web/static/room.css",
        "voice_coach/web/static/bank.js",
        "voice_coach/py.typed",
    ):
        assert needed in names, f"the wheel lacks {needed}"
    # every package of the source tree (pyproject lists them by hand: a new one was once left out)
    for init in (ROOT / "voice_coach").rglob("__init__.py"):
        module = init.relative_to(ROOT).as_posix()
        assert module in names, f"the wheel lacks the package {init.parent.relative_to(ROOT)}"
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True, timeout=120)
    site = Path(
        subprocess.run(
            [venv / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            venv / "bin" / "python",
            "install",
            "-q",
            "--no-deps",
            wheel,
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return venv


def run(venv: Path, args: list[str], env: dict, cwd: Path, timeout: float = 600):
    return subprocess.run(
        [venv / "bin" / "voice-coach", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_the_wheel_works_outside_the_checkout(wheel_venv, vc_env, tmp_path):
    env = {k: v for k, v in vc_env.items() if k != "PYTHONPATH"}
    where = subprocess.run(
        [wheel_venv / "bin" / "python", "-c", "import voice_coach; print(voice_coach.__file__)"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    ).stdout
    assert where.startswith(str(wheel_venv)), f"voice_coach came from {where}, not the wheel"

    listed = run(wheel_venv, ["bank", "list", "--json"], env, tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert len(json.loads(listed.stdout)["questions"]) >= 80

    answer = tmp_path / "answer.txt"
    answer.write_text(
        "Our cloud bill had doubled in a year while traffic grew only twenty percent. "
        "I tagged every resource by team and published a weekly cost report. "
        "We cut the monthly bill by thirty-eight percent in one quarter."
    )
    analyzed = run(wheel_venv, ["analyze", "--text", str(answer), "--json"], env, tmp_path)
    assert analyzed.returncode == 0, analyzed.stderr
    report = json.loads(analyzed.stdout)
    assert_contract(report)
    assert report["story"]["id"] == "cloud-costs"

    evaluated = run(wheel_venv, ["eval", "--set", "heldout", "--limit", "3", "--json"], env, tmp_path)
    assert evaluated.returncode == 0, evaluated.stderr
    assert json.loads(evaluated.stdout)["text"]["answers"] == 3

    demo = run(wheel_venv, ["demo", "--seed", "1", "--follow-ups", "0"], {**env, "COLUMNS": "100"}, tmp_path)
    assert demo.returncode == 0, demo.stderr[-2000:]
    assert "1 answer(s)" in demo.stdout and "coverage" in demo.stdout
    assert list(Path(env["VOICE_COACH_RECORDINGS_DIR"]).glob("*/q1-answer.wav"))
