"""Plots as inline SVG (matplotlib, imported only when a report is written)."""

from __future__ import annotations

import io

from voice_coach.history.store import Attempt
from voice_coach.scoring.model import LETTER, PARTS, AnswerReport

PART_COLOURS = dict(zip(PARTS, ("#2b8cbe", "#8856a7", "#31a354", "#e6a817"), strict=True))


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


def pace(report: AnswerReport, window_s: float = 15.0) -> str | None:
    """Words per minute through the answer, in windows of 15 s; none for an answer too short to
    have two windows (one point is no line: the numbers above say its pace)."""
    points = pace_points(report, window_s)
    if len(points) < 2:
        return None
    fig, ax = _figure(6, 1.8)
    ax.plot([x for x, _ in points], [y for _, y in points], marker="o", color="#444")
    low, high = report.delivery.wpm_band or (130, 160)
    ax.axhspan(low, high, color="#31a354", alpha=0.15, label="conversational band")
    ax.set_xlabel("seconds")
    ax.set_ylabel("wpm")
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig)


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


def _trend_figure(rows: list[Attempt]):
    rows = [r for r in rows if r.created_at]
    if len(rows) < 2:
        return None
    from voice_coach.interview.planner import group_by

    by_principle = group_by(rows, "principle")  # progress per principle, not one line of everything
    series = [
        s
        for s in (
            ("coverage", "coverage", "#31a354"),
            ("wpm", "words per minute", "#2b8cbe"),
            ("fillers_per_min", "fillers per minute", "#e6550d"),
            ("duration_s", "length (s)", "#756bb1"),
        )
        if any(getattr(r, s[0]) is not None for r in rows)  # typed answers have no pace or length
    ]
    fig, _ = _figure(7, 1.5 * len(series))
    fig.clf()
    for i, (key, label, _colour) in enumerate(series, start=1):
        ax = fig.add_subplot(len(series), 1, i)
        for name, rs in sorted(by_principle.items()):
            points = [(n, getattr(r, key)) for n, r in enumerate(rs, start=1) if getattr(r, key) is not None]
            if points:
                ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=name)
        ax.set_ylabel(label, fontsize=8)
        ax.spines[["top", "right"]].set_visible(False)
        ax.xaxis.get_major_locator().set_params(integer=True)
    fig.axes[-1].set_xlabel("attempt of the principle", fontsize=8)
    if by_principle:
        fig.axes[0].legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return fig


def trends(rows: list[Attempt]) -> str | None:
    """Coverage, words per minute, fillers per minute and length, a line per principle, attempt by
    attempt (oldest first)."""
    fig = _trend_figure(rows)
    return _svg(fig) if fig is not None else None


def save_trends(rows: list[Attempt], path) -> bool:
    """The trend plot as a file; the format follows the extension (.png, .svg, .pdf)."""
    fig = _trend_figure(rows)
    if fig is None:
        return False
    import matplotlib.pyplot as plt

    fig.savefig(str(path), bbox_inches="tight")
    plt.close(fig)
    return True
