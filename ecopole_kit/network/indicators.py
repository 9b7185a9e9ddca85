"""The indicators the sites declare (``fonctions/evaluation.yaml``), summed across the
network where they share a name and a unit, and their chart (SVG drawn here, no plotting
library): per indicator, the starting value and the target, each bar scaled to its row.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ecopole_kit.foundation.french import collation_key, counted, format_number
from ecopole_kit.network.summary import SiteSummary

ROW_HEIGHT = 56.0
CHART_WIDTH = 720.0
BAR_LEFT = 150.0
BAR_ROOM = 400.0
REFERENCE_FILL = "#6b6b6b"
TARGET_FILL = "#1b5e20"


@dataclass(frozen=True)
class IndicatorTotal:
    """One indicator across the sites: how many give it, the sums of the values they give."""

    nom: str
    unite: str
    sites: int
    reference: float | None
    cible: float | None


def _key(name: str, unit: str) -> tuple[str, str]:
    return " ".join(name.casefold().split()), " ".join(unit.split())


def indicator_totals(summaries: Iterable[SiteSummary]) -> list[IndicatorTotal]:
    """Indicators with the same name (case and spacing aside) and unit, added up (their
    mean for a percentage)."""
    found: dict[tuple[str, str], list[tuple[str, str, float | None, float | None]]] = {}
    for summary in summaries:
        for indicator in summary.indicateurs:
            found.setdefault(_key(indicator.nom, indicator.unite), []).append(
                (indicator.nom, indicator.unite, indicator.reference, indicator.cible))
    totals = [IndicatorTotal(values[0][0], values[0][1], len(values),
                             _combine([v[2] for v in values], values[0][1]),
                             _combine([v[3] for v in values], values[0][1]))
              for values in found.values()]
    return sorted(totals, key=lambda t: collation_key(t.nom))


def is_share(unit: str) -> bool:
    """A percentage is not added up across sites: its mean is given instead."""
    return unit.strip() == "%"


def _combine(values: Sequence[float | None], unit: str) -> float | None:
    given = [v for v in values if v is not None]
    if not given:
        return None
    return sum(given) / len(given) if is_share(unit) else sum(given)


def value_text(value: float | None, unit: str) -> str:
    """« 1 250 kg », « 60 % »; a dash for a value no site gave."""
    if value is None:
        return "—"
    decimals = 0 if float(value).is_integer() else 2
    return f"{format_number(value, decimals)}\u00a0{unit}".rstrip()


def chart_svg(totals: Sequence[IndicatorTotal], label: str) -> str:
    """Two bars per indicator (starting value, target), scaled to the larger of the two."""
    height = ROW_HEIGHT * len(totals) + 40
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {CHART_WIDTH:g} '
             f'{height:g}" role="img" aria-label="{_xml(label)}" font-family="sans-serif" '
             f'font-size="12">', f"<title>{_xml(label)}</title>", *_legend()]
    for index, total in enumerate(totals):
        parts += _row(total, 40 + index * ROW_HEIGHT)
    return "\n".join([*parts, "</svg>"]) + "\n"


def _legend() -> list[str]:
    return [f'<rect x="{BAR_LEFT:g}" y="8" width="12" height="12" fill="{REFERENCE_FILL}"/>',
            f'<text x="{BAR_LEFT + 18:g}" y="18">Valeur de référence</text>',
            f'<rect x="{BAR_LEFT + 220:g}" y="8" width="12" height="12" fill="{TARGET_FILL}"/>',
            f'<text x="{BAR_LEFT + 238:g}" y="18">Cible</text>']


def _row(total: IndicatorTotal, y: float) -> list[str]:
    largest = max(abs(total.reference or 0), abs(total.cible or 0)) or 1.0
    name = total.nom if len(total.nom) <= 22 else total.nom[:21] + "…"
    parts = [f'<text x="0" y="{y + 20:g}"><title>{_xml(total.nom)}</title>{_xml(name)}</text>',
             f'<text x="0" y="{y + 36:g}" fill="#555555">'
             f'{_xml(counted(total.sites, "site", "sites"))}</text>']
    bars = ((y + 6, total.reference, REFERENCE_FILL), (y + 26, total.cible, TARGET_FILL))
    how = " (moyenne)" if is_share(total.unite) else ""
    for top, value, fill in bars:
        width = BAR_ROOM * abs(value or 0) / largest
        parts += [f'<rect x="{BAR_LEFT:g}" y="{top:g}" width="{width:.1f}" height="16" '
                  f'fill="{fill}"/>', f'<text x="{BAR_LEFT + width + 6:.1f}" y="{top + 12:g}">'
                  f'{_xml(value_text(value, total.unite))}{how}</text>']
    return parts


def _xml(text: str) -> str:
    return html.escape(text, quote=True)
