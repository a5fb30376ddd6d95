"""A session as one self-contained HTML page: audio players, clickable transcripts, plots.

Everything the page shows comes from the user's own speech and notes, so Jinja's autoescaping is
always on; the only unescaped parts are the SVG plots that matplotlib drew.
"""

from __future__ import annotations

import base64
import io
import time
from pathlib import Path

from voice_coach.followups import recovered_text
from voice_coach.report import plots


def _audio_src(path: str | None) -> str | None:
    """The recording as a FLAC data URI (about half a WAV), so the page works when moved or shared."""
    if not path or not Path(path).is_file():
        return None
    import soundfile as sf

    data, sr = sf.read(path, dtype="int16")
    buf = io.BytesIO()
    sf.write(buf, data, sr, format="FLAC")
    return "data:audio/flac;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _sentences(report: dict) -> list[dict]:
    """Sentences with their words (and which are fillers), for STAR colouring and seeking."""
    fillers = {f["start"] for f in report["delivery"]["fillers"]["items"] if f["start"] is not None}
    words = report["transcript"]["words"]
    out, i = [], 0
    for s in report.get("sentences", []):
        n = len(s["text"].split())
        chunk = words[i : i + n]
        i += n
        out.append({"part": s["part"], "words": [{**w, "filler": w["start"] in fillers} for w in chunk]})
    return out


def render_session(session_id: str, answers: list[dict], trend_rows: list[dict] | None = None) -> str:
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("voice_coach.report", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    items = []
    for a in answers:
        r = a["report"]
        dur = r["audio"]["duration_s"]
        items.append(
            {
                "report": r,
                "audio_src": _audio_src(a.get("audio_path")),
                "length": f"{int(dur // 60)}:{dur % 60:04.1f}" if dur else "-",
                "sentences": _sentences(r),
                "star_svg": plots.star_split(r),
                "pace_svg": plots.pace(r),
            }
        )
    started = time.strftime("%Y-%m-%d %H:%M", time.localtime(answers[0]["created_at"])) if answers else ""
    model = answers[0]["report"]["model"] if answers else {}
    return env.get_template("session.html.j2").render(
        session_id=session_id,
        answers=items,
        started=started,
        model=f"{model.get('engine', '')} {model.get('name', '')}, scored with {model.get('scorer', '')}",
        trend_svg=plots.trends(trend_rows or []),
        recovered=recovered_text,
    )
