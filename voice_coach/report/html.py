"""A session as one self-contained HTML page: audio players, clickable transcripts, plots.

Everything the page shows comes from the user's own speech and notes, so Jinja's autoescaping is
always on; the only unescaped parts are the SVG plots that matplotlib drew.
"""

from __future__ import annotations

import base64
import functools
import io
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from voice_coach.history.store import Attempt
from voice_coach.report import plots
from voice_coach.report.progress import COLUMNS, LAST, PrincipleProgress
from voice_coach.scoring.coaching import fix_first
from voice_coach.scoring.model import AnswerReport
from voice_coach.scoring.relevance import describe
from voice_coach.units import mmss

if TYPE_CHECKING:
    import jinja2

FOLLOW_UP_GAP_S = 1.0  # of silence between the answer and each follow-up's answer in the one player


def player_parts(answer: Attempt, report: AnswerReport) -> tuple[list[str], float, list[dict]]:
    """The recordings one player plays, in order: the answer, then each follow-up's answer after a
    second of silence; with their total length and where each follow-up is (none: no recording)."""
    import soundfile as sf

    parts: list[tuple[str, str]] = [("", answer.audio_path or "")]
    parts += [(p.text, p.audio_path) for p in report.probes or [] if p.audio_path]
    paths, spans, at = [], [], 0.0
    for k, (text, path) in enumerate(parts):
        if not path or not Path(path).is_file():
            if k == 0:
                return [], 0.0, []
            continue
        length = sf.info(path).duration
        if k:
            at += FOLLOW_UP_GAP_S
            spans.append({"start": at, "end": at + length, "label": f"follow-up: {text}"})
        paths.append(path)
        at += length
    return paths, at, spans


def recording(paths: list[str]) -> bytes:
    """The answer and its follow-ups' answers (`player_parts`' paths) as one FLAC, a second of
    silence between them: one player and one timeline for all."""
    import numpy as np
    import soundfile as sf

    audio, sr = [], 16000
    for k, path in enumerate(paths):
        data, sr = sf.read(path, dtype="int16")
        if data.ndim > 1:
            data = data.mean(axis=1).astype(np.int16)
        if k:
            audio.append(np.zeros(int(FOLLOW_UP_GAP_S * sr), dtype=np.int16))
        audio.append(data)
    buf = io.BytesIO()
    sf.write(buf, np.concatenate(audio), sr, format="FLAC")
    return buf.getvalue()


def _data_uri(flac: bytes) -> str:
    return "data:audio/flac;base64," + base64.b64encode(flac).decode("ascii")


def _sentences(report: AnswerReport) -> list[dict]:
    """Sentences with their words (and which are fillers), for STAR colouring and seeking."""
    fillers = {f.start for f in report.delivery.fillers.items if f.start is not None}
    return [
        {
            "part": report.shown_part(s),
            "words": [{**w.to_dict(), "filler": w.start in fillers} for w in report.sentence_words(s)],
        }
        for s in report.sentences
    ]


def _marks(
    report: AnswerReport, duration: float | None = None, follow_ups: list[dict] | None = None
) -> list[dict]:
    """The timeline under the player: STAR parts as bands, pauses of 1 s or more and fillers as
    marks, each follow-up's answer as a band after the answer, each placed by its time (percent of
    the recording) and seeking there when clicked."""
    duration = duration or report.audio.duration_s or 0.0
    if duration <= 0:
        return []

    def mark(kind: str, start: float, end: float, label: str) -> dict:
        left = max(0.0, min(100.0, 100 * start / duration))
        width = max(0.4, min(100.0 - left, 100 * (end - start) / duration))
        return {
            "kind": kind,
            "start": round(start, 2),
            "left": round(left, 2),
            "width": round(width, 2),
            "label": label,
        }

    out = []
    for s in report.sentences:
        part = report.shown_part(s)
        if part and s.start is not None and s.end is not None:
            out.append(mark(f"part-{part}", s.start, s.end, f"{part} at {mmss(s.start)}"))
    for p in report.delivery.pauses:
        out.append(mark("pause", p.start, p.end, f"pause of {p.seconds:.1f} s at {mmss(p.start)}"))
    for f in report.delivery.fillers.items:
        if f.start is not None:
            out.append(mark("filler", f.start, f.start + 0.3, f"'{f.word}' at {mmss(f.start)}"))
    for span in follow_ups or []:
        out.append(
            mark("follow-up", span["start"], span["end"], f"{span['label']} (at {mmss(span['start'])})")
        )
    return out


@functools.cache
def template(name: str) -> jinja2.Template:
    """A page's template, compiled once per process (compiling took 0.1 s of each answer's page)."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("voice_coach.report", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    return env.get_template(name)


def warm() -> None:
    """Compile the answer's page and draw a plot once, so that the first page after an answer (the
    room's, shown while the user waits) does not pay for them (0.3 s of the first page)."""
    template("session.html.j2")
    plots.warm()


def session_html(
    session_id: str,
    answers: list[Attempt],
    trend_rows: list[Attempt] | None = None,
    progress: list[PrincipleProgress] | None = None,
    audio_url: Callable[[Attempt], str] | None = None,
    plot_url: Callable[[Attempt, str], str] | None = None,
) -> str:
    """The page; the recordings are inlined (a file that plays anywhere) unless `audio_url` names
    where a server serves each answer's `recording` (the room: the page shows before it loads).
    So with the answer's plots and `plot_url` (plots.ANSWER_PLOTS by name): matplotlib took 0.15 s
    of the page the room shows right after "done"; the plots now follow it."""
    items = []
    for a in answers:
        r = a.report
        if r is None:
            continue
        paths, length, follow_ups = player_parts(a, r)
        src = None
        if paths:
            src = audio_url(a) if audio_url else _data_uri(recording(paths))
        items.append(
            {
                "report": r,
                "audio_src": src,
                "length": mmss(r.audio.duration_s or None, tenths=True),
                "sentences": _sentences(r),
                "star_svg": "" if r.rubric or plot_url else plots.star_split(r),
                "star_src": plot_url(a, "star") if plot_url and not r.rubric else "",
                "fixes": [{"text": f.text, "at": f.at_s, "when": mmss(f.at_s)} for f in fix_first(r)],
                "relevance": describe(r.relevance, r.totals().addresses) if r.relevance else "",
                "relevant": r.totals().addresses is not False,
                "marks": _marks(r, length, follow_ups),
                "pace_svg": None if plot_url else plots.pace(r),
                "pace_src": plot_url(a, "pace") if plot_url and plots.has_pace(r) else "",
            }
        )
    started = time.strftime("%Y-%m-%d %H:%M", time.localtime(answers[0].created_at)) if answers else ""
    m = next((a.report.model for a in answers if a.report), None)
    return template("session.html.j2").render(
        session_id=session_id,
        answers=items,
        started=started,
        model=f"{m.engine} {m.name}, scored with {m.scorer}" if m else "",
        trend_svg=plots.trends(trend_rows or []),
        progress=progress or [],
        progress_columns=COLUMNS,
        last=LAST,
    )
