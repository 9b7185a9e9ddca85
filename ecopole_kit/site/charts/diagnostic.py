"""The diagnostic's charts: land needed per diet, land needed as a range against the declared
farmland, and who pays the solidarity baskets.

``territory_name`` comes with its preposition (« du Pays Tolosan », « d'Audruicq »:
``french.with_preposition``); it goes into the caption and the alternative text, returned
apart as plain text for the caller to escape, never into the image.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ecopole_kit.foundation.french import typeset, with_unit
from ecopole_kit.site.charts.drawing import (
    CONVENTIONAL,
    HATCHES,
    ORGANIC,
    PALETTE,
    SMALL,
    WIDTH,
    Chart,
    Frame,
    Svg,
    axes_box,
    draw_legend,
    left_margin,
    text_width,
    value_axis,
    wrap,
)
from ecopole_kit.territory.baskets import REFERENCE_HOUSEHOLD_SHARE, BasketScenario
from ecopole_kit.territory.figures import SOURCES, Figure, rounded
from ecopole_kit.territory.land import FarmlandComparison, LandNeed, LandRange

# --- Land needed per diet -------------------------------------------------------------------

ROW = 58


def land_chart_svg(needs: list[LandNeed], territory_name: str) -> Chart:
    """Horizontal grouped bars: hectares needed per diet, conventional and organic."""
    svg = Svg("surfaces")
    labels = [wrap(n.diet, 24) for n in needs]
    top = max((max(n.conventional.value, n.organic.value if n.organic else 0) for n in needs),
              default=0.0) or 1.0
    frame = Frame(left_margin(labels), WIDTH - 20, 10, 10 + ROW * len(needs), top * 1.3)
    axes_box(svg, frame)
    bottom = value_axis(svg, frame, "Surface agricole nécessaire (hectares)")
    for row, (need, label) in enumerate(zip(needs, labels, strict=True)):
        middle = frame.y + ROW * (row + 0.5)
        svg.lines(frame.left - 8, middle, label)
        _land_pair(svg, frame, middle, need)
    legend = [(svg.paint(CONVENTIONAL), "Agriculture conventionnelle"),
              (svg.paint(ORGANIC, "//"), "Agriculture biologique")]
    height = draw_legend(svg, bottom, legend, left=frame.left)
    return Chart(svg=svg.document(height, "Surface agricole nécessaire selon le régime "
                                  "alimentaire", _land_desc(needs)),
                 caption=_land_caption(territory_name), alt=_land_alt(needs, territory_name))


def _land_pair(svg: Svg, frame: Frame, middle: float, need: LandNeed) -> None:
    pairs: tuple[tuple[Figure | None, str, str, float], ...] = (
        (need.conventional, CONVENTIONAL, "", -11.0), (need.organic, ORGANIC, "//", 11.0))
    for figure, colour, hatch, offset in pairs:
        value = figure.value if figure else 0.0
        y = middle + offset - 10
        svg.rect(frame.left, y, frame.x(value) - frame.left, 20, svg.paint(colour, hatch))
        svg.text(frame.x(value) + 4, y + 15, figure.display if figure else "bio : non publié",
                 size=SMALL)


def _land_caption(territory_name: str) -> str:
    return (f"Surface agricole nécessaire pour nourrir la population {territory_name}, "
            f"selon le régime alimentaire, en agriculture conventionnelle et biologique. "
            f"Source : {SOURCES['ademe-2020'].titre}.")


def _land_parts(needs: Sequence[LandNeed]) -> str:
    return " ; ".join(f"{n.diet} : {n.conventional.display} en conventionnel, "
                      + (f"{n.organic.display} en bio" if n.organic
                         else "valeur bio non publiée") for n in needs)


def _land_desc(needs: Sequence[LandNeed]) -> str:
    return f"Hectares nécessaires par régime alimentaire : {_land_parts(needs)}."


def _land_alt(needs: Sequence[LandNeed], territory_name: str) -> str:
    return (f"Diagramme en barres de la surface agricole nécessaire pour nourrir "
            f"la population {territory_name}. " + _land_parts(needs) + ".")


# --- Land needed as a range, against the declared farmland ------------------------------------

IN_FRANCE, ABROAD, DECLARED = "#009E73", "#56B4E9", "#CC79A7"
RANGE_ROW = 44


def _about(hectares: float) -> str:
    return f"environ {with_unit(rounded(hectares), 'ha')}"


def land_range_chart_svg(need: LandRange, farmland: FarmlandComparison | None,
                         territory_name: str) -> Chart:
    """One bar for the land needed, from its share in France to the whole footprint, and
    one for the declared farmland when there is one."""
    svg = Svg("fourchette")
    labels = [["Terres nécessaires"]] + ([["Surface agricole déclarée"]] if farmland else [])
    declared = farmland.declared.hectares if farmland is not None else 0.0
    top = max(need.high.value, declared) or 1.0
    frame = Frame(left_margin(labels), WIDTH - 20, 10, 10 + RANGE_ROW * len(labels),
                   top * 1.3)
    axes_box(svg, frame)
    bottom = value_axis(svg, frame, "Surface agricole (hectares)")
    legend = _range_bars(svg, frame, need, farmland)
    for row, label in enumerate(labels):
        svg.lines(frame.left - 8, frame.y + RANGE_ROW * (row + 0.5), label)
    height = draw_legend(svg, bottom, legend)
    desc = _range_alt(need, farmland, "")
    return Chart(svg=svg.document(height, "Terres agricoles nécessaires", desc),
                 caption=_range_caption(need, farmland, territory_name),
                 alt=_range_alt(need, farmland, territory_name))


def _range_bars(svg: Svg, frame: Frame, need: LandRange,
                farmland: FarmlandComparison | None) -> list[tuple[str, str]]:
    low, high = need.low.value, need.high.value
    y = frame.y + RANGE_ROW / 2 - 11
    inside, abroad = svg.paint(IN_FRANCE), svg.paint(ABROAD, "//")
    svg.rect(frame.left, y, frame.x(low) - frame.left, 22, inside)
    fits = text_width(_about(low), SMALL) + 8 <= frame.x(low) - frame.left  # else from the left
    svg.text((frame.left + frame.x(low)) / 2 if fits else frame.left + 4, y + 16, _about(low),
             size=SMALL, anchor="middle" if fits else "start")
    svg.rect(frame.x(low), y, frame.x(high) - frame.x(low), 22, abroad)
    svg.text(frame.x(high) + 4, y + 16, _about(high), size=SMALL)
    legend = [(inside, "Part de l'empreinte située en France (estimation basse)"),
              (abroad, "Part située à l'étranger (jusqu'à l'estimation haute)")]
    if farmland is not None:
        hectares, paint = farmland.declared.hectares, svg.paint(DECLARED, "..")
        svg.rect(frame.left, y + RANGE_ROW, frame.x(hectares) - frame.left, 22, paint)
        svg.text(frame.x(hectares) + 4, y + RANGE_ROW + 16, with_unit(hectares, "ha"),
                 size=SMALL)
        legend.append((paint, "Surface agricole déclarée du territoire"))
    return legend


def _range_caption(need: LandRange, farmland: FarmlandComparison | None,
                   territory_name: str) -> str:
    sources = f"{SOURCES['ademe-2020'].titre} ; {SOURCES['importations'].titre}"
    return typeset(
        "Terres agricoles nécessaires pour nourrir la population ") + territory_name + \
        typeset(f" au régime alimentaire moyen : {need.display}. En plein, la part de "
                f"l'empreinte située en France ; hachurée, la part située à l'étranger."
                + (" En pointillés, la surface agricole déclarée par le projet."
                   if farmland is not None else "") + f" Sources : {sources}.")


def _range_alt(need: LandRange, farmland: FarmlandComparison | None,
               territory_name: str) -> str:
    declared = "" if farmland is None else typeset(
        f" ; surface agricole déclarée : {with_unit(farmland.declared.hectares, 'ha')}, soit "
        f"{farmland.display} des terres nécessaires")
    whose = (typeset("Diagramme en barres des terres agricoles nécessaires pour nourrir la "
                     "population ") + territory_name) if territory_name else \
        "Terres agricoles nécessaires"
    return (whose + typeset(
                f" : {need.display} ; {_about(need.low.value)} pour la part de l'empreinte "
                f"située en France, {_about(need.high.value)} pour toute l'empreinte")
            + declared + ".")


# --- Who pays the baskets ---------------------------------------------------------------------

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


def basket_chart_svg(scenario: BasketScenario) -> Chart:
    """One stacked bar of the yearly cost of the baskets: who pays what."""
    payers = _payers(scenario)
    total = scenario.full_cost.value or 1.0
    svg = Svg("paniers")
    frame = Frame(20, WIDTH - 30, 34, 84, total)
    axes_box(svg, frame)
    bottom = value_axis(svg, frame, "Coût annuel des paniers (euros)")
    legend = _stack(svg, frame, payers, total)
    _reference_line(svg, frame, total)
    height = draw_legend(svg, bottom, legend)
    alt = ("Barre empilée du coût annuel des paniers : "
           + " ; ".join(f"{p.name} : {with_unit(p.amount, '€')}" for p in payers) + ".")
    return Chart(svg=svg.document(height, "Qui paie les paniers solidaires", alt),
                 caption=_basket_caption(scenario), alt=alt)


def _stack(svg: Svg, frame: Frame, payers: Sequence[_Payer],
           total: float) -> list[tuple[str, str]]:
    left, legend = 0.0, []
    for index, payer in enumerate(payers):
        hatch = HATCHES[index // len(PALETTE) % len(HATCHES)] or ("" if payer.household else "//")
        paint = svg.paint(PALETTE[index % len(PALETTE)], hatch)
        svg.rect(frame.x(left), frame.y + 10, frame.x(payer.amount) - frame.left, 30, paint)
        left += payer.amount
        share = with_unit(payer.amount / total * 100, "%")
        legend.append((paint, f"{payer.name} : {with_unit(payer.amount, '€')} ({share})"))
    return legend


def _reference_line(svg: Svg, frame: Frame, total: float) -> None:
    x = frame.x(total * REFERENCE_HOUSEHOLD_SHARE / 100)
    svg.line(x, frame.y - 6, x, frame.bottom, "black", 1.4, "5,3")
    label = f"repère : {with_unit(REFERENCE_HOUSEHOLD_SHARE, '%')} payés par les foyers"
    fits = x + 4 + text_width(label, SMALL) <= WIDTH
    svg.text(x + 4 if fits else x - 4, frame.y - 12, label, size=SMALL,
             anchor="start" if fits else "end")


def _basket_caption(scenario: BasketScenario) -> str:
    return (f"Qui paie les paniers solidaires : {scenario.full_cost.display}, répartis entre "
            f"les foyers ({scenario.household_share.display} en moyenne) et les financeurs "
            f"(hachurés). Trait pointillé : repère d'environ "
            f"{with_unit(REFERENCE_HOUSEHOLD_SHARE, '%')} payés par les foyers. "
            f"Source du repère : {SOURCES[scenario.reference_source_id].titre}.")


