"""The drawing of the charts: an SVG document written as text, its axes, ticks and legend.

Every text drawn, person-typed labels included, is XML-escaped (``xml``). Widths of text are
estimated from the font size (``CHAR_WIDTH``), generously, so that labels never overlap.
Output is deterministic: no date, no random id; pattern ids carry the chart's prefix.
"""

from __future__ import annotations

import html
import math
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field

from ecopole_kit.foundation.french import format_number

WIDTH = 700  # px: the width of the site's content column
FONT_SIZE = 14
SMALL = 13
CHAR_WIDTH = 0.6  # of the font size: DejaVu Sans and Arial average 0.5 to 0.58
LINE = 17  # px between two lines of one label
# Okabe & Ito (2008), colour-blind-safe palette (black left out: labels are black).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
CONVENTIONAL, ORGANIC = "#E69F00", "#0072B2"
HATCHES = ("", "//", "..", "xx")
GRID, INK = "#d0d0d0", "#1a1a1a"
FONTS = "DejaVu Sans, Bitstream Vera Sans, Arial, Helvetica, sans-serif"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Chart:
    """An SVG document with its caption and alternative text (plain text, unescaped)."""

    svg: str
    caption: str
    alt: str

    @property
    def inline_svg(self) -> str:
        """The ``<svg>`` element alone, without XML declaration or DOCTYPE, for HTML pages."""
        return self.svg[self.svg.index("<svg"):]


def xml(text: str) -> str:
    return html.escape(_NOT_XML.sub("", text), quote=True)


def wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width) or [text]


def text_width(text: str, size: float = FONT_SIZE) -> float:
    return len(text) * size * CHAR_WIDTH


@dataclass
class Svg:
    """An SVG document being drawn: its elements, and the hatch patterns they use."""

    prefix: str
    parts: list[str] = field(default_factory=list)
    patterns: dict[str, str] = field(default_factory=dict)

    def paint(self, colour: str, hatch: str = "") -> str:
        """A fill: the colour itself, or a pattern of white hatches over it."""
        if not hatch:
            return colour
        name = f"{self.prefix}-{colour[1:]}-{HATCHES.index(hatch)}"
        self.patterns[name] = _pattern(name, colour, hatch)
        return f"url(#{name})"

    def rect(self, x: float, y: float, width: float, height: float, fill: str,
             stroke: str = "white") -> None:
        self.parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(width, 0):.1f}" '
                          f'height="{height:.1f}" fill="{fill}" stroke="{stroke}"/>')

    def line(self, x1: float, y1: float, x2: float, y2: float, colour: str = GRID,
             width: float = 1.0, dash: str = "") -> None:
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        self.parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                          f'stroke="{colour}" stroke-width="{width}"{dashes}/>')

    def text(self, x: float, y: float, text: str, *, size: int = FONT_SIZE,
             anchor: str = "start") -> None:
        self.parts.append(f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" '
                          f'text-anchor="{anchor}">{xml(text)}</text>')

    def lines(self, x: float, middle: float, lines: Sequence[str], *, anchor: str = "end",
              size: int = FONT_SIZE) -> None:
        """Lines of one label, one ``<text>`` each, centred vertically on ``middle``."""
        first = middle - (len(lines) - 1) * LINE / 2 + size * 0.35
        for index, line in enumerate(lines):
            self.text(x, first + index * LINE, line, size=size, anchor=anchor)

    def document(self, height: float, title: str, desc: str) -> str:
        ids = f"{self.prefix}-titre {self.prefix}-desc"
        head = ('<?xml version="1.0" encoding="utf-8" standalone="no"?>\n'
                f'<svg xmlns="http://www.w3.org/2000/svg" '
                f'xmlns:xlink="http://www.w3.org/1999/xlink" width="{WIDTH}" '
                f'height="{height:.0f}" viewBox="0 0 {WIDTH} {height:.0f}" role="img" '
                f'aria-labelledby="{ids}" font-family="{FONTS}" fill="{INK}">\n'
                f'<title id="{self.prefix}-titre">{xml(title)}</title>\n'
                f'<desc id="{self.prefix}-desc">{xml(desc)}</desc>\n')
        defs = ['<defs>', f'<path id="{self.prefix}-tick" d="M0,0 V5" stroke="{INK}"/>',
                *self.patterns.values(), '</defs>']
        return head + "\n".join([*defs, *self.parts, "</svg>"]) + "\n"


def _pattern(name: str, colour: str, hatch: str) -> str:
    marks = {"//": '<path d="M-2,2 L2,-2 M0,8 L8,0 M6,10 L10,6" stroke="white" '
                   'stroke-width="1.6"/>',
             "..": '<circle cx="2" cy="2" r="1.3" fill="white"/>'
                   '<circle cx="6" cy="6" r="1.3" fill="white"/>',
             "xx": '<path d="M0,0 L8,8 M0,8 L8,0" stroke="white" stroke-width="1.2"/>'}
    return (f'<pattern id="{name}" patternUnits="userSpaceOnUse" width="8" height="8">'
            f'<rect width="8" height="8" fill="{colour}"/>{marks[hatch]}</pattern>')


@dataclass(frozen=True)
class Frame:
    """The plotting area: from ``left`` to ``right`` (px) for values 0 to ``top``."""

    left: float
    right: float
    y: float
    bottom: float
    top: float

    def x(self, value: float) -> float:
        return self.left + (self.right - self.left) * value / (self.top or 1.0)


def left_margin(labels: Sequence[Sequence[str]]) -> float:
    widest = max((text_width(line) for label in labels for line in label), default=0.0)
    return min(max(widest + 14, 40), WIDTH * 0.45)


def nice_step(top: float, bins: int = 5) -> float:
    """The tick step: a round multiple of a power of ten, at most ``bins`` intervals."""
    if top <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(top / bins))
    return next(power * m for m in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10, 20)
                if top / (power * m) <= bins)


def value_axis(svg: Svg, frame: Frame, label: str) -> float:
    """Grid, ticks with French numbers, and the axis label; returns the y below them."""
    step = nice_step(frame.top)
    decimals = max(0, -math.floor(math.log10(step))) if step < 1 else 0
    for index in range(int(frame.top / step + 1e-9) + 1):
        x = frame.x(index * step)
        svg.line(x, frame.y, x, frame.bottom, GRID, 0.6)
        tick(svg, index + 1, x, frame.bottom, [format_number(index * step, decimals)])
    svg.line(frame.left, frame.y, frame.left, frame.bottom, INK)
    svg.line(frame.left, frame.bottom, frame.right, frame.bottom, INK)
    svg.text((frame.left + frame.right) / 2, frame.bottom + 44, label, anchor="middle")
    return frame.bottom + 58


def tick(svg: Svg, number: int, x: float, y: float, lines: Sequence[str]) -> None:
    svg.parts.append(f'<g id="xtick_{number}"><use xlink:href="#{svg.prefix}-tick" '
                     f'x="{x:.1f}" y="{y:.1f}"/>')
    for index, line in enumerate(lines):
        svg.text(x, y + 20 + index * LINE, line, size=SMALL, anchor="middle")
    svg.parts.append("</g>")


def axes_box(svg: Svg, frame: Frame) -> None:
    """The plotting area's background, first path of group ``axes_1`` (as tests read it)."""
    svg.parts.append(f'<g id="axes_1"><path d="M{frame.left:.1f},{frame.y:.1f} '
                     f'L{frame.right:.1f},{frame.y:.1f} L{frame.right:.1f},{frame.bottom:.1f} '
                     f'L{frame.left:.1f},{frame.bottom:.1f} Z" fill="white"/></g>')


def draw_legend(svg: Svg, y: float, entries: Sequence[tuple[str, str]], left: float = 10,
            columns: int = 1) -> float:
    """Swatches (a fill, or a marker « > ») with their text, below the axis; returns the y
    below the legend. Long texts wrap within their column."""
    width = (WIDTH - left - 10) / columns
    row_y, bottom = y, y
    for index, (paint, label) in enumerate(entries):
        column = index % columns
        row_y = bottom if column == 0 else row_y
        x = left + column * width
        if paint == ">":
            svg.parts.append(marker(x + 8, row_y + 8))
        else:
            svg.rect(x, row_y, 16, 16, paint, stroke="none")
        wrapped = wrap(label, max(int((width - 30) / (SMALL * CHAR_WIDTH)), 12))
        svg.lines(x + 24, row_y + 8 + (len(wrapped) - 1) * LINE / 2, wrapped, anchor="start",
                  size=SMALL)
        bottom = max(bottom, row_y + len(wrapped) * LINE + 6)
    return bottom


def marker(x: float, y: float) -> str:
    return (f'<path d="M{x - 5:.1f},{y - 6:.1f} L{x + 6:.1f},{y:.1f} L{x - 5:.1f},{y + 6:.1f} '
            f'Z" fill="#333333"/>')

