"""A session as one self-contained HTML page: audio players, clickable transcripts, plots.

Everything the page shows comes from the user's own speech and notes, so Jinja's autoescaping is
always on; the only unescaped parts are the SVG plots that matplotlib drew.
"""

from __future__ import annotations

import base64
import io
import time
from pathlib import Path

from voice_coach.report import plots
from voice_coach.scoring.model import AnswerReport
from voice_coach.store import Attempt
from voice_coach.units import mmss


def _audio_src(path: str | None) -> str | None:
    """The recording as a FLAC data URI (about half a WAV), so the page works when moved or shared."""
    if not path or not Path(path).is_file():
        return None
    import soundfile as sf

    data, sr = sf.read(path, dtype="int16")
    buf = io.BytesIO()
    sf.write(buf, data, sr, format="FLAC")
    return "data:audio/flac;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _sentences(report: AnswerReport) -> list[dict]:
    """Sentences with their words (and which are fillers), for STAR colouring and seeking."""
    fillers = {f.start for f in report.delivery.fillers.items if f.start is not None}
    return [
        {
            "part": s.part,
            "words": [{**w.to_dict(), "filler": w.start in fillers} for w in report.sentence_words(s)],
        }
        for s in report.sentences
    ]


def render_session(session_id: str, answers: list[Attempt], trend_rows: list[Attempt] | None = None) -> str:
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("voice_coach.report", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    items = []
    for a in answers:
        r = a.report
        if r is None:
            continue
        items.append(
            {
                "report": r,
                "audio_src": _audio_src(a.audio_path),
                "length": mmss(r.audio.duration_s or None, tenths=True),
                "sentences": _sentences(r),
                "star_svg": plots.star_split(r),
                "pace_svg": plots.pace(r),
            }
        )
    started = time.strftime("%Y-%m-%d %H:%M", time.localtime(answers[0].created_at)) if answers else ""
    m = next((a.report.model for a in answers if a.report), None)
    return env.get_template("session.html.j2").render(
        session_id=session_id,
        answers=items,
        started=started,
        model=f"{m.engine} {m.name}, scored with {m.scorer}" if m else "",
        trend_svg=plots.trends(trend_rows or []),
    )
