"""Pages derived from official data: the territory's composition and its diagnostic.

Names and populations come from the official geography at build time, never from what a
person typed, so they cannot drift; every figure carries its formula and its source.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from ecopole_kit.errors import ScenarioInvalid
from ecopole_kit.foundation.french import format_number
from ecopole_kit.foundation.markdown_text import literal
from ecopole_kit.project.config import Context, Territory
from ecopole_kit.site.charts import Chart, basket_chart_svg, land_chart_svg
from ecopole_kit.site.templating import render
from ecopole_kit.territory.diagnostic import (
    BasketParams,
    BasketScenario,
    BasketTier,
    Diagnostic,
    Figure,
    Funder,
    Source,
    diagnose,
)
from ecopole_kit.territory.geography import ResolvedTerritory
from ecopole_kit.territory.kinds import KINDS

CHART_DIR = "assets/diagnostic"


@dataclass(frozen=True)
class Place:
    """A resolved territory and the name of the data it comes from."""

    resolved: ResolvedTerritory
    attribution: str
    commune_names: Mapping[str, str] = field(default_factory=dict)


def territory_page(territory: Territory, place: Place) -> str:
    resolved = place.resolved
    view = {
        "kind_sentence": KINDS[resolved.kind].sentence,
        "population": format_number(resolved.population),
        "commune_count": len(resolved.communes),
        "epcis_text": ", ".join(e.nom for e in resolved.epcis) or "—",
        "departements_text": ", ".join(f"{d.nom} ({d.code})" for d in resolved.departements),
        "regions_text": ", ".join(r.nom for r in resolved.regions),
        "epcis": [{"siren": e.siren, "nom": e.nom, "type": e.type, "communes": len(e.communes),
                   "population": format_number(e.population)} for e in resolved.epcis],
        "communes": [{"code": c.code, "nom": c.nom, "codes_postaux": ", ".join(c.codes_postaux),
                      "population": format_number(c.population or 0)}
                     for c in sorted(resolved.communes, key=lambda c: c.nom)],
    }
    return render("territory.md.j2", territory=territory, place=view,
                  attribution=place.attribution)


def diagnostic_pages(territory: Territory, place: Place, accessibility: Mapping[str, Any],
                     context: Context) -> tuple[str, dict[str, bytes]]:
    """The diagnostic page and its SVG charts."""
    params, hint = basket_params(accessibility)
    try:
        diagnostic = diagnose(place.resolved.population or 1, params)
    except ScenarioInvalid as error:  # the project's rules report it; the page says it too
        diagnostic = diagnose(place.resolved.population or 1, None)
        hint = Markup(f"Le scénario des paniers solidaires ne peut pas être calculé. "
                      f"{literal(error.message)}")
    files: dict[str, bytes] = {}
    land_chart = _chart(land_chart_svg(list(diagnostic.land), territory.nom), "surfaces", files)
    baskets = None
    basket_chart = None
    if diagnostic.baskets is not None:
        basket_chart = _chart(basket_chart_svg(diagnostic.baskets), "paniers", files)
        baskets = _basket_view(diagnostic.baskets)
    page = render("diagnostic.md.j2", territory=territory, **_figures(diagnostic, place),
                  households=_households(context, diagnostic.population),
                  land_chart=land_chart, basket_chart=basket_chart, baskets=baskets,
                  baskets_hint=hint)
    return page, files


def _figures(diagnostic: Diagnostic, place: Place) -> dict[str, Any]:
    land_source = diagnostic.land[0].conventional.source
    return {
        "population": format_number(diagnostic.population),
        "population_source": place.attribution,
        "food": _figure(diagnostic.food),
        "land": [{"diet": n.diet, "conventional": _figure(n.conventional),
                  "organic": _figure(n.organic) if n.organic else None}
                 for n in diagnostic.land],
        "land_source": _source(land_source),
        "jobs": [_figure(f) for f in diagnostic.jobs],
        "jobs_source": _source(diagnostic.jobs[0].source),
    }


def _households(context: Context, population: int) -> dict[str, Any] | None:
    """Households as the project lead declared them, with the average size they imply."""
    count = context.menages
    if not count:
        return None
    size = population / count
    return {"count": format_number(count),
            "source": context.menages_source or "déclaré dans territoire.yaml",
            "formula": f"{format_number(population)} hab. ÷ {format_number(count)} ménages "
                       f"= {format_number(size, 2)} personnes par ménage"}


def _figure(figure: Figure) -> dict[str, Any]:
    return {"label": figure.label, "display": figure.display, "formula": figure.formula,
            "source_title": figure.source.titre}


def _source(source: Source) -> Markup:
    title = literal(source.titre)
    return Markup(f"[{title}]({source.url})") if source.url else title


def _chart(chart: Chart, name: str, files: dict[str, bytes]) -> dict[str, Any]:
    path = f"{CHART_DIR}/{name}.svg"
    files[path] = chart.svg.encode("utf-8")
    return {"path": Markup(path), "alt": chart.alt, "caption": chart.caption}


def _basket_view(scenario: BasketScenario) -> dict[str, Any]:
    figures = [scenario.yearly_baskets, scenario.full_cost, *scenario.tier_payments,
               scenario.households_total, *scenario.funder_payments, scenario.household_share]
    return {"figures": [_figure(f) for f in figures], "note": scenario.reference_note,
            "above_reference": scenario.above_reference,
            "source": _source(Source(scenario.reference_source_id, "Programme « 30 000 paniers "
                                     "solidaires »", "https://resolis.org", ""))}


def basket_params(accessibility: Mapping[str, Any]) -> tuple[BasketParams | None, Markup]:
    """The basket scenario's parameters, or why there is no scenario yet."""
    baskets = accessibility.get("paniers_solidaires") or {}
    missing = [key for key in ("prix_panier", "foyers", "semaines_par_an") if key not in baskets]
    tiers = baskets.get("tranches") or []
    if missing or not tiers:
        return None, Markup(
            "Pour obtenir le scénario des paniers solidaires, renseignez dans "
            "`fonctions/accessibilite.yaml` le bloc `paniers_solidaires` : `prix_panier`, "
            "`foyers`, `semaines_par_an`, `tranches` et `financeurs`.")
    shares = [t.get("part_foyers_pct") for t in tiers]
    if len(tiers) > 1 and any(s is None for s in shares):
        return None, Markup("Pour obtenir le scénario des paniers solidaires, indiquez pour "
                            "chaque tranche la part des foyers (`part_foyers_pct`).")
    return BasketParams(
        price=baskets["prix_panier"], households=baskets["foyers"],
        weeks=baskets["semaines_par_an"],
        tiers=[BasketTier(t["nom"], t["part_payee_pct"], households_pct=s if s is not None
                          else 100.0) for t, s in zip(tiers, shares, strict=True)],
        funders=[Funder(f["nom"], f["part_pct"]) for f in baskets.get("financeurs") or []],
    ), Markup("")
