"""The roadmap's chart: a Gantt chart of the dated actions, coloured by stage.

An open-ended action runs to today (or a month past its start) and ends with a marker,
explained in the legend; month ticks are spaced to the span (a month to several years), at
most ``MAX_TICKS``, so that their two-line labels never overlap; the legend sits below the
axis.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from ecopole_kit.foundation.french import month_label
from ecopole_kit.site.charts.drawing import (
    GRID,
    INK,
    LINE,
    WIDTH,
    Chart,
    Frame,
    Svg,
    axes_box,
    draw_legend,
    left_margin,
    marker,
    tick,
    wrap,
)

# --- The roadmap ------------------------------------------------------------------------------

@dataclass(frozen=True)
class RoadmapBar:
    """One dated action of the roadmap: its title, stage and period (no end: open-ended)."""

    title: str
    stage: str
    start: date
    end: date | None


STAGE_COLOURS = {"idée": "#CC79A7", "en projet": "#E69F00", "en cours": "#56B4E9",
                 "opérationnel": "#009E73"}
MONTH_STEPS = (1, 2, 3, 6, 12, 24)
MAX_TICKS = 6  # two-line labels (« janv. » over « 2027 ») never touch at 6 per axis
OPEN_ENDED = "sans date de fin (jusqu'à aujourd'hui)"


def roadmap_chart_svg(bars: Sequence[RoadmapBar], territory_name: str,
                      today: date) -> Chart:
    """A Gantt chart of the dated actions, coloured by stage; an open-ended action runs to
    today (or a month past its start) and ends with a marker; ticks spaced to the span."""
    svg = Svg("feuille-de-route")
    spans = [(b.start, _bar_end(b, today)) for b in bars]
    labels = [wrap(b.title, 34) for b in bars]
    heights = [max(30.0, len(label) * LINE + 8) for label in labels]
    low = date(min(s for s, _ in spans).year, min(s for s, _ in spans).month, 1)
    high = _month_after(max(e for _, e in spans))
    frame = Frame(left_margin(labels), WIDTH - 24, 10, 10 + sum(heights),
                   float((high - low).days))
    axes_box(svg, frame)
    _time_axis(svg, frame, low, high)
    middle = frame.y
    for bar, (start, end), label, height in zip(bars, spans, labels, heights, strict=True):
        _gantt_bar(svg, frame, middle + height / 2, bar, (start - low).days, (end - low).days)
        svg.lines(frame.left - 8, middle + height / 2, label)
        middle += height
    alt = "Calendrier des actions : " + " ; ".join(
        f"{b.title} ({b.stage}), du {b.start.isoformat()} "
        + (f"au {b.end.isoformat()}" if b.end else "sans date de fin") for b in bars)
    height = draw_legend(svg, frame.bottom + 50, _stage_legend(svg, bars), columns=3)
    return Chart(svg=svg.document(height, "Calendrier des actions datées", alt),
                 caption=f"Feuille de route {territory_name} : actions datées, colorées "
                         f"par stade.", alt=alt)


def _stage_legend(svg: Svg, bars: Sequence[RoadmapBar]) -> list[tuple[str, str]]:
    used = [(svg.paint(c), s) for s, c in STAGE_COLOURS.items() if any(b.stage == s for b in bars)]
    return used + ([(">", OPEN_ENDED)] if any(b.end is None for b in bars) else [])


def _bar_end(bar: RoadmapBar, today: date) -> date:
    if bar.end is not None:
        return max(bar.end, bar.start)
    return max(today, bar.start + timedelta(days=30))


def _gantt_bar(svg: Svg, frame: Frame, middle: float, bar: RoadmapBar, first: int,
               last: int) -> None:
    left, right = frame.x(first), max(frame.x(last), frame.x(first) + 2)
    svg.rect(left, middle - 9, right - left, 18, STAGE_COLOURS[bar.stage])
    if bar.end is None:
        svg.parts.append(marker(right, middle))


def _time_axis(svg: Svg, frame: Frame, low: date, high: date) -> None:
    """Month ticks, every 1 to 24 months so that at most ``MAX_TICKS`` labels show."""
    months = (high.year - low.year) * 12 + high.month - low.month
    step = next((s for s in MONTH_STEPS if months / s <= MAX_TICKS), MONTH_STEPS[-1])
    day, number = low, 0
    while day <= high:
        if (step <= 12 and (day.month - 1) % step == 0) or (
                day.month == 1 and day.year % max(step // 12, 1) == 0):
            number += 1
            x = frame.x((day - low).days)
            svg.line(x, frame.y, x, frame.bottom, GRID, 0.6)
            tick(svg, number, x, frame.bottom,
                  month_label(day).split(" ", 1) if step < 12 else [str(day.year)])
        day = _month_after(day)
    svg.line(frame.left, frame.bottom, frame.right, frame.bottom, INK)


def _month_after(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)
