"""Plots as inline SVG (matplotlib, imported only when a report is written)."""

from __future__ import annotations

import functools
import io
import threading

from voice_coach.history.store import Attempt
from voice_coach.scoring.model import LETTER, PARTS, AnswerReport

PART_COLOURS = dict(zip(PARTS, ("#2b8cbe", "#8856a7", "#31a354", "#e6a817"), strict=True))


_PYPLOT = threading.Lock()  # pyplot's figures are global state: the room draws on server threads


def drawn(plot):
    """A plot function run under the lock: one figure made and saved at a time."""

    @functools.wraps(plot)
    def locked(*args, **kwargs):
        with _PYPLOT:
            return plot(*args, **kwargs)

    return locked


def _svg(fig) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg") :]  # drop the XML prolog: the SVG is inlined in HTML


def _figure(width: float, height: float):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    matplotlib.rcParams["svg.fonttype"] = "none"
    return plt.subplots(figsize=(width, height))


@drawn
def warm() -> None:
    """Import matplotlib and draw once, so that the first report after an answer (the room's, shown
    while the user waits) does not pay for it."""
    fig, _ = _figure(1, 1)
    _svg(fig)


MIN_WINDOW_S = 10.0  # a shorter last window reads as a false slowdown (its words over 15 s)


def pace_points(report: AnswerReport, window_s: float = 15.0) -> list[tuple[float, float]]:
    """(window middle, words per minute) through the answer, in windows of 15 s; a last window
    shorter than 10 s is left out, and a shorter one is measured over its own length."""
    words = [w.start for w in report.transcript.words if w.start is not None]
    if len(words) < 2:
        return []
    end = max(w.end or w.start or 0.0 for w in report.transcript.words)
    points = []
    start = 0.0
    while start < end:
        stop = min(start + window_s, end)
        if stop - start >= MIN_WINDOW_S:
            count = sum(start <= t < stop for t in words)
            points.append(((start + stop) / 2, count * 60 / (stop - start)))
        start += window_s
    return points


def _a_line(points: list[tuple[float, float]]) -> bool:
    return len(points) >= 2  # one point is no line: the numbers above the plot say its pace


def has_pace(report: AnswerReport, window_s: float = 15.0) -> bool:
    return _a_line(pace_points(report, window_s))


@drawn
def pace(report: AnswerReport, window_s: float = 15.0) -> str | None:
    """Words per minute through the answer, in windows of 15 s; none for an answer too short to
    have two windows."""
    points = pace_points(report, window_s)
    if not _a_line(points):
        return None
    fig, ax = _figure(6, 1.8)
    ax.plot([x for x, _ in points], [y for _, y in points], marker="o", color="#444")
    low, high = report.delivery.wpm_band or (130, 160)
    ax.axhspan(low, high, color="#31a354", alpha=0.15, label="conversational band")
    ax.set_xlabel("seconds")
    ax.set_ylabel("wpm")
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig)


@drawn
def star_split(report: AnswerReport) -> str:
    """One stacked bar: the share of the answer's time in each STAR part."""
    fig, ax = _figure(6, 0.7)
    left = 0.0
    for part, colour in PART_COLOURS.items():
        share = report.star.part(part).share
        ax.barh(0, share, left=left, color=colour)
        if share >= 0.06:
            ax.text(
                left + share / 2, 0, f"{LETTER[part]} {share:.0%}", ha="center", va="center", color="white"
            )
        left += share
    ax.set_xlim(0, 1)
    ax.axis("off")
    return _svg(fig)


ANSWER_PLOTS = {"star": star_split, "pace": pace}  # an answer's plots, by the name a page asks for


# where a delivery number should sit, drawn as a band behind its lines (the defaults of the flags:
# 130-160 wpm, about 1.2 fillers a minute reads as fluent, the 2:00 target of a question)
BANDS = {"wpm": (130.0, 160.0), "fillers_per_min": (0.0, 1.2), "duration_s": (60.0, 120.0)}


def _trend_figure(rows: list[Attempt]):
    rows = [r for r in rows if r.created_at]
    if len(rows) < 2:
        return None
    from datetime import datetime

    import matplotlib.dates as mdates

    from voice_coach.interview.planner import group_by

    by_principle = group_by(rows, "principle")  # progress per principle, not one line of everything
    series = [
        s
        for s in (
            ("coverage", "coverage"),
            ("wpm", "words per minute"),
            ("fillers_per_min", "fillers per minute"),
            ("duration_s", "length (s)"),
        )
        if any(getattr(r, s[0]) is not None for r in rows)  # typed answers have no pace or length
    ]
    fig, _ = _figure(7, 1.5 * len(series))
    fig.clf()
    first = None
    for i, (key, label) in enumerate(series, start=1):
        ax = fig.add_subplot(len(series), 1, i, sharex=first)  # one date axis, labelled once
        first = first or ax
        if key in BANDS:
            ax.axhspan(*BANDS[key], color="#31a354", alpha=0.12, linewidth=0)
        for name, rs in sorted(by_principle.items()):
            # a point per attempt, at its date: progress over days, not attempt numbers
            points = [(datetime.fromtimestamp(r.created_at), getattr(r, key)) for r in rs]
            points = [p for p in points if p[1] is not None]
            if points:
                ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", markersize=4, label=name)
        ax.set_ylabel(label, fontsize=8)
        ax.spines[["top", "right"]].set_visible(False)
        locator = mdates.AutoDateLocator(minticks=3, maxticks=6)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))  # labels that never overlap
        ax.tick_params(labelsize=7)
        ax.margins(x=0.05)
    for ax in fig.axes[:-1]:
        ax.tick_params(labelbottom=False)
        ax.xaxis.offsetText.set_visible(False)
    fig.axes[-1].set_xlabel("date of the attempt (band: where it should be)", fontsize=8)
    if by_principle:
        fig.axes[0].legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    fig.tight_layout()
    return fig


@drawn
def trends(rows: list[Attempt]) -> str | None:
    """Coverage, words per minute, fillers per minute and length over the days, a line per principle,
    a point per attempt, a band where each should be."""
    fig = _trend_figure(rows)
    return _svg(fig) if fig is not None else None


@drawn
def save_trends(rows: list[Attempt], path) -> bool:
    """The trend plot as a file; the format follows the extension (.png, .svg, .pdf)."""
    fig = _trend_figure(rows)
    if fig is None:
        return False
    import matplotlib.pyplot as plt

    fig.savefig(str(path), bbox_inches="tight")
    plt.close(fig)
    return True
