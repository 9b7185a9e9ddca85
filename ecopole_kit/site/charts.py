"""SVG charts of the diagnostic, drawn at build time with matplotlib (imported lazily).

``territory_name`` comes with its preposition (« du Pays Tolosan », « des Abymes »,
« d'Audruicq »: ``french.with_preposition``).

Charts carry no title: the caption and the alternative text are returned apart, as plain
text for the caller to escape. Person-typed labels drawn into an image go through
``mathtext_safe``; the SVG writer escapes XML. Output is deterministic (fixed hash salt, no
date), text stays text (``svg.fonttype = "none"``), and pyplot is never used.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from ecopole_kit.foundation.french import format_number, month_label, typeset, with_unit
from ecopole_kit.territory.baskets import REFERENCE_HOUSEHOLD_SHARE, BasketScenario
from ecopole_kit.territory.figures import SOURCES, Figure, rounded
from ecopole_kit.territory.land import FarmlandComparison, LandNeed, LandRange

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure as MplFigure

WIDTH_IN = 7.3  # 7.3 in × 72 pt = 525 pt ≈ 700 px: text sizes below are legible at that width
FONT_SIZE = 11
# Okabe & Ito (2008), colour-blind-safe palette (black left out: labels are black).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
CONVENTIONAL, ORGANIC = "#E69F00", "#0072B2"
HATCHES = ("", "//", "..", "xx")
_FONTS = ["DejaVu Sans", "Bitstream Vera Sans", "Arial", "Helvetica", "sans-serif"]


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


def mathtext_safe(text: str) -> str:
    """Escape "$" so that matplotlib never reads person-typed text as mathtext."""
    return text.replace("$", r"\$")


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


@contextmanager
def _settings(salt: str) -> Iterator[None]:
    import matplotlib

    with matplotlib.rc_context({
        "svg.fonttype": "none", "svg.hashsalt": salt, "font.size": FONT_SIZE,
        "font.family": "sans-serif", "font.sans-serif": _FONTS, "text.usetex": False,
        "axes.spines.top": False, "axes.spines.right": False, "hatch.linewidth": 0.8,
    }):
        yield


def _new_figure(height_in: float) -> MplFigure:
    from matplotlib.figure import Figure as MplFigure

    return MplFigure(figsize=(WIDTH_IN, height_in), layout="constrained")


def _to_svg(fig: MplFigure) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def _french_axis(ax: Axes, label: str) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: format_number(x)))
    ax.set_xlabel(label)
    ax.grid(axis="x", color="#d0d0d0", linewidth=0.6)
    ax.set_axisbelow(True)


def _land_bars(ax: Axes, needs: Sequence[LandNeed]) -> None:
    rows = range(len(needs))
    top = max((max(n.conventional.value, n.organic.value if n.organic else 0) for n in needs),
              default=0.0) or 1.0
    for offset, name, colour, hatch in ((-0.2, "conventional", CONVENTIONAL, ""),
                                        (0.2, "organic", ORGANIC, "//")):
        figures: list[Figure | None] = [getattr(n, name) for n in needs]
        bars = ax.barh([r + offset for r in rows], [f.value if f else 0 for f in figures],
                       height=0.38, color=colour, hatch=hatch, edgecolor="white",
                       label="Agriculture conventionnelle" if offset < 0
                       else "Agriculture biologique")
        ax.bar_label(bars, padding=3, fontsize=FONT_SIZE - 1,
                     labels=[f.display if f else "bio : non publié" for f in figures])
    ax.set_yticks(list(rows), [mathtext_safe(_wrap(n.diet, 24)) for n in needs])
    ax.invert_yaxis()
    ax.set_xlim(0, top * 1.3)


def land_chart_svg(needs: list[LandNeed], territory_name: str) -> Chart:
    """Horizontal grouped bars: hectares needed per diet, conventional and organic."""
    with _settings("ecopole-kit-land"):
        fig = _new_figure(1.1 + 0.75 * len(needs))
        ax = fig.add_subplot()
        _land_bars(ax, needs)
        _french_axis(ax, "Surface agricole nécessaire (hectares)")
        ax.legend(loc="lower right", frameon=False)
        svg = _to_svg(fig)
    source = SOURCES["ademe-2020"]
    caption = (f"Surface agricole nécessaire pour nourrir la population {territory_name}, "
               f"selon le régime alimentaire, en agriculture conventionnelle et biologique. "
               f"Source : {source.titre}.")
    return Chart(svg=svg, caption=caption, alt=_land_alt(needs, territory_name))


def _land_alt(needs: Sequence[LandNeed], territory_name: str) -> str:
    parts = [f"{n.diet} : {n.conventional.display} en conventionnel, "
             + (f"{n.organic.display} en bio" if n.organic else "valeur bio non publiée")
             for n in needs]
    return (f"Diagramme en barres de la surface agricole nécessaire pour nourrir "
            f"la population {territory_name}. " + " ; ".join(parts) + ".")


IN_FRANCE, ABROAD, DECLARED = "#009E73", "#56B4E9", "#CC79A7"


def _about(hectares: float) -> str:
    return f"environ {with_unit(rounded(hectares), 'ha')}"


def _range_bars(ax: Axes, need: LandRange, farmland: FarmlandComparison | None) -> None:
    low, high = need.low.value, need.high.value
    inside = ax.barh([0], [low], height=0.5, color=IN_FRANCE, edgecolor="white",
                     label="Part de l'empreinte située en France (estimation basse)")
    ax.bar_label(inside, labels=[_about(low)], label_type="center", fontsize=FONT_SIZE - 1)
    abroad = ax.barh([0], [high - low], left=[low], height=0.5, color=ABROAD, hatch="//",
                     edgecolor="white",
                     label="Part située à l'étranger (jusqu'à l'estimation haute)")
    ax.bar_label(abroad, labels=[_about(high)], padding=3, fontsize=FONT_SIZE - 1)
    labels = ["Terres nécessaires"]
    top = high
    if farmland is not None:
        declared = farmland.declared.hectares
        bars = ax.barh([1], [declared], height=0.5, color=DECLARED, edgecolor="white",
                       hatch="..", label="Surface agricole déclarée du territoire")
        ax.bar_label(bars, labels=[with_unit(declared, "ha")], padding=3,
                     fontsize=FONT_SIZE - 1)
        labels.append("Surface agricole déclarée")
        top = max(top, declared)
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()
    ax.set_xlim(0, top * 1.3)


def land_range_chart_svg(need: LandRange, farmland: FarmlandComparison | None,
                         territory_name: str) -> Chart:
    """One bar for the land needed, from its share in France to the whole footprint, and
    one for the declared farmland when there is one."""
    with _settings("ecopole-kit-land-range"):
        fig = _new_figure(2.3 + (0.7 if farmland is not None else 0.0))
        ax = fig.add_subplot()
        _range_bars(ax, need, farmland)
        _french_axis(ax, "Surface agricole (hectares)")
        fig.legend(loc="outside lower left", frameon=False, ncols=1)
        svg = _to_svg(fig)
    sources = f"{SOURCES['ademe-2020'].titre} ; {SOURCES['importations'].titre}"
    caption = typeset(
        "Terres agricoles nécessaires pour nourrir la population ") + territory_name + \
        typeset(f" au régime alimentaire moyen : {need.display}. En plein, la part de "
                f"l'empreinte située en France ; hachurée, la part située à l'étranger."
                + (" En pointillés, la surface agricole déclarée par le projet."
                   if farmland is not None else "") + f" Sources : {sources}.")
    return Chart(svg=svg, caption=caption, alt=_range_alt(need, farmland, territory_name))


def _range_alt(need: LandRange, farmland: FarmlandComparison | None,
               territory_name: str) -> str:
    declared = "" if farmland is None else typeset(
        f" ; surface agricole déclarée : {with_unit(farmland.declared.hectares, 'ha')}, soit "
        f"{farmland.display} des terres nécessaires")
    return (typeset("Diagramme en barres des terres agricoles nécessaires pour nourrir la "
                    "population ")
            + territory_name + typeset(
                f" : {need.display} ; {_about(need.low.value)} pour la part de l'empreinte "
                f"située en France, {_about(need.high.value)} pour toute l'empreinte")
            + declared + ".")


@dataclass(frozen=True)
class _Payer:
    name: str
    amount: float
    household: bool


def _payers(scenario: BasketScenario) -> list[_Payer]:
    tiers = [_Payer(f"Foyers, tranche « {t.label} »", f.value, True)
             for t, f in zip(scenario.params.tiers, scenario.tier_payments, strict=True)]
    funders = [_Payer(f.name, p.value, False)
               for f, p in zip(scenario.params.funders, scenario.funder_payments, strict=True)]
    return [payer for payer in tiers + funders if payer.amount > 0]


def _stack(ax: Axes, payers: Sequence[_Payer], total: float) -> None:
    left = 0.0
    for index, payer in enumerate(payers):
        share = payer.amount / total * 100
        label = mathtext_safe(_wrap(f"{payer.name} : {with_unit(payer.amount, '€')} "
                                    f"({with_unit(share, '%')})", 70))
        hatch = HATCHES[index // len(PALETTE) % len(HATCHES)] or ("" if payer.household else "//")
        ax.barh([0], [payer.amount], left=left, height=0.5, label=label, edgecolor="white",
                color=PALETTE[index % len(PALETTE)], hatch=hatch)
        left += payer.amount
    ax.set_yticks([])
    ax.set_ylim(-0.4, 0.75)
    ax.set_xlim(0, total)
    ax.spines["left"].set_visible(False)


def _reference_line(ax: Axes, total: float) -> None:
    x = total * REFERENCE_HOUSEHOLD_SHARE / 100
    ax.axvline(x, ymax=0.78, color="black", linestyle="--", linewidth=1.2)
    ax.annotate(f"repère : {with_unit(REFERENCE_HOUSEHOLD_SHARE, '%')} payés par les foyers",
                (x, 0.3), xytext=(4, 0), textcoords="offset points", fontsize=FONT_SIZE - 1,
                va="bottom", ha="left")


def basket_chart_svg(scenario: BasketScenario) -> Chart:
    """One stacked bar of the yearly cost of the baskets: who pays what."""
    payers = _payers(scenario)
    total = scenario.full_cost.value
    with _settings("ecopole-kit-baskets"):
        fig = _new_figure(1.7 + 0.25 * len(payers))
        ax = fig.add_subplot()
        _stack(ax, payers, total)
        _reference_line(ax, total)
        _french_axis(ax, "Coût annuel des paniers (euros)")
        fig.legend(loc="outside lower left", frameon=False, ncols=1)
        svg = _to_svg(fig)
    caption = (f"Qui paie les paniers solidaires : {scenario.full_cost.display}, répartis entre "
               f"les foyers ({scenario.household_share.display} en moyenne) et les financeurs "
               f"(hachurés). Trait pointillé : repère d'environ "
               f"{with_unit(REFERENCE_HOUSEHOLD_SHARE, '%')} payés par les foyers. "
               f"Source du repère : {SOURCES[scenario.reference_source_id].titre}.")
    alt = ("Barre empilée du coût annuel des paniers : "
           + " ; ".join(f"{p.name} : {with_unit(p.amount, '€')}" for p in payers) + ".")
    return Chart(svg=svg, caption=caption, alt=alt)


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


def roadmap_chart_svg(bars: Sequence[RoadmapBar], territory_name: str,
                      today: date) -> Chart:
    """A Gantt chart of the dated actions, coloured by stage; an open-ended action runs to
    today (or a month past its start) and ends with an arrow; ticks spaced to the span."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    spans = [(b.start, _bar_end(b, today)) for b in bars]
    with _settings("ecopole-kit-roadmap"):
        fig = _new_figure(1.6 + 0.45 * len(bars))
        ax = fig.add_subplot()
        for row, (bar, (start, end)) in enumerate(zip(bars, spans, strict=True)):
            _gantt_bar(ax, row, bar, start, end)
        ax.set_yticks(range(len(bars)), [mathtext_safe(_wrap(b.title, 34)) for b in bars])
        ax.invert_yaxis()
        _time_axis(ax, min(s for s, _ in spans), max(e for _, e in spans))
        used = [s for s in STAGE_COLOURS if any(b.stage == s for b in bars)]
        handles: list[Artist] = [Patch(color=STAGE_COLOURS[s], label=s) for s in used]
        if any(b.end is None for b in bars):
            handles.append(Line2D([], [], marker=">", linestyle="", color="#333333",
                                  label="sans date de fin (jusqu'à aujourd'hui)"))
        fig.legend(handles=handles, loc="outside lower center", ncols=3, frameon=False)
        svg = _to_svg(fig)
    caption = f"Feuille de route {territory_name} : actions datées, colorées par stade."
    alt = "Calendrier des actions : " + " ; ".join(
        f"{b.title} ({b.stage}), du {b.start.isoformat()} "
        + (f"au {b.end.isoformat()}" if b.end else "sans date de fin") for b in bars)
    return Chart(svg=svg, caption=caption, alt=alt)


def _bar_end(bar: RoadmapBar, today: date) -> date:
    if bar.end is not None:
        return max(bar.end, bar.start)
    return max(today, bar.start + timedelta(days=30))


def _gantt_bar(ax: Axes, row: int, bar: RoadmapBar, start: date, end: date) -> None:
    from matplotlib.dates import date2num

    left, right = date2num(start), date2num(end)  # type: ignore[no-untyped-call]
    ax.barh(row, max(right - left, 1.0), left=left, height=0.6,
            color=STAGE_COLOURS[bar.stage], edgecolor="white")
    if bar.end is None:
        ax.plot([right], [row], marker=">", color="#333333", markersize=7)


def _time_axis(ax: Axes, first: date, last: date) -> None:
    """Month ticks, every 1 to 24 months so that at most ``MAX_TICKS`` labels show."""
    from matplotlib.dates import MonthLocator, date2num
    from matplotlib.ticker import FuncFormatter

    low = date(first.year, first.month, 1)
    high = _month_after(last)
    months = (high.year - low.year) * 12 + high.month - low.month
    step = next((s for s in MONTH_STEPS if months / s <= MAX_TICKS), MONTH_STEPS[-1])
    ax.set_xlim(date2num(low), date2num(high))  # type: ignore[no-untyped-call]
    wanted = tuple(m for m in range(1, 13) if (m - 1) % step == 0) if step <= 12 else (1,)
    ax.xaxis.set_major_locator(MonthLocator(bymonth=wanted,  # type: ignore[no-untyped-call]
                                            interval=max(step // 12, 1)))
    ax.xaxis.set_major_formatter(FuncFormatter(_month_label if step < 12 else _year_label))
    ax.grid(axis="x", color="#d0d0d0", linewidth=0.6)
    ax.set_axisbelow(True)


def _month_after(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _month_label(value: float, _position: int) -> str:
    from matplotlib.dates import num2date

    moment = num2date(value)  # type: ignore[no-untyped-call]
    return month_label(moment).replace(" ", "\n")


def _year_label(value: float, _position: int) -> str:
    from matplotlib.dates import num2date

    return str(num2date(value).year)  # type: ignore[no-untyped-call]
