"""Readable views of the four functions' configurations, for their pages in the site.

Person-typed values stay plain strings (the templates make them literal); derived values
such as what a household pays per basket or a commune's official name are computed here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ecopole_kit.foundation.french import format_number, with_unit

CommuneNames = Mapping[str, str]


def config_view(function_id: str, config: Mapping[str, Any],
                communes: CommuneNames) -> dict[str, Any]:
    """The view of one function's configuration (empty sections stay empty)."""
    builders: dict[str, Callable[[Mapping[str, Any], CommuneNames], dict[str, Any]]] = {
        "systeme-alimentaire": _food_system, "accessibilite": _accessibility,
        "emploi": _employment, "evaluation": _evaluation,
    }
    view = builders[function_id](config, communes)
    view["notes"] = config.get("notes")
    view["empty"] = not any(v for k, v in view.items() if k != "notes")
    return view


def _commune(code: str | None, communes: CommuneNames) -> str:
    if not code:
        return "—"
    return f"{communes[code]} ({code})" if code in communes else code


def _number(value: float | None, unit: str = "", decimals: int = 0) -> str:
    if value is None:
        return "—"
    places = decimals if not float(value).is_integer() else 0
    return with_unit(value, unit, places) if unit else format_number(value, places)


def _food_system(config: Mapping[str, Any], communes: CommuneNames) -> dict[str, Any]:
    producers = {p["id"]: p["nom"] for p in config.get("producteurs") or []}
    return {
        "producers": [{**p, "commune": _commune(p["commune"], communes),
                       "surface": _number(p.get("surface_ha"), "ha", 2),
                       "productions": ", ".join(p["productions"])}
                      for p in config.get("producteurs") or []],
        "crops": [{**c, "producteur": producers.get(c["producteur"], c["producteur"]),
                   "surface": _number(c["surface_ha"], "ha", 2)}
                  for c in config.get("plan_de_cultures") or []],
        "rounds": [{**r, "stops": " → ".join(_commune(s, communes) for s in r["arrets"]),
                    "vehicle": r.get("vehicule") or "—",
                    "capacity": _number(r.get("capacite_kg"), "kg")}
                   for r in config.get("tournees") or []],
        "equipment": [{**e, "commune": _commune(e.get("commune"), communes),
                       "capacity": e.get("capacite") or "—"}
                      for e in config.get("equipements") or []],
        "outlets": [{**o, "commune": _commune(o.get("commune"), communes)}
                    for o in config.get("points_de_vente") or []],
        "contracts": [{**c, "volume": c.get("volume") or "—",
                       "period": _period(c.get("debut"), c.get("fin"))}
                      for c in config.get("contrats") or []],
    }


def _period(start: str | None, end: str | None) -> str:
    if start and end:
        return f"du {start} au {end}"
    return f"à partir du {start}" if start else (f"jusqu'au {end}" if end else "—")


def _accessibility(config: Mapping[str, Any], communes: CommuneNames) -> dict[str, Any]:
    baskets = config.get("paniers_solidaires")
    currency = config.get("monnaie_locale")
    return {
        "baskets": _baskets(baskets) if baskets else None,
        "workshops": [{**w, "frequency": w.get("frequence") or "—",
                       "partners": ", ".join(w.get("partenaires") or []) or "—"}
                      for w in config.get("ateliers") or []],
        "farms": [{**f, "commune": _commune(f.get("commune"), communes),
                   "surface": _number(f["surface_m2"], "m²")}
                  for f in config.get("micro_fermes") or []],
        "places": [{**p, "commune": _commune(p.get("commune"), communes),
                    "activities": ", ".join(p.get("activites") or []) or "—"}
                   for p in config.get("places_a_vivres") or []],
        "currency": currency,
    }


def _baskets(baskets: Mapping[str, Any]) -> dict[str, Any]:
    price = float(baskets["prix_panier"])
    return {
        "price": _number(price, "€", 2),
        "households": _number(baskets.get("foyers")),
        "weeks": _number(baskets.get("semaines_par_an")),
        "tiers": [{"nom": t["nom"], "bound": _number(t.get("quotient_max"), "€"),
                   "paid_pct": _number(t["part_payee_pct"], "%", 1),
                   "paid": _number(price * t["part_payee_pct"] / 100, "€", 2),
                   "share": _number(t.get("part_foyers_pct"), "%", 1)}
                  for t in baskets["tranches"]],
        "funders": [{"nom": f["nom"], "share": _number(f["part_pct"], "%", 1)}
                    for f in baskets["financeurs"]],
    }


def _employment(config: Mapping[str, Any], communes: CommuneNames) -> dict[str, Any]:
    return {
        "posts": [{**p, "hours": _number(p.get("heures_hebdo"), "h", 1),
                   "months": _number(p.get("duree_contrat_mois"), "mois")}
                  for p in config.get("postes_insertion") or []],
        "trades": ", ".join(config.get("metiers_decouverts") or []),
        "support": _with_optional(config.get("accompagnement"), "referent"),
        "cae": _with_optional(config.get("cae"), "partenariat", "installations_visees"),
        "openness": [{**o, "partners": ", ".join(o.get("partenaires") or []) or "—",
                      "frequency": o.get("frequence") or "—"}
                     for o in config.get("ouverture") or []],
    }


def _with_optional(block: Mapping[str, Any] | None, *keys: str) -> dict[str, Any] | None:
    return None if block is None else {**{key: None for key in keys}, **block}


def _evaluation(config: Mapping[str, Any], communes: CommuneNames) -> dict[str, Any]:
    return {
        "questions": list(config.get("questions_evaluatives") or []),
        "indicators": [{**i, "baseline": _number(i.get("reference"), decimals=2),
                        "target": _number(i["cible"], decimals=2),
                        "source": i.get("source") or "—"}
                       for i in config.get("indicateurs") or []],
        "commitments": [{**c, "partners": ", ".join(c.get("partenaires") or []) or "—"}
                        for c in config.get("engagements_efc") or []],
        "spreading": [{**s, "date": s.get("date") or "—"} for s in config.get("essaimage") or []],
    }
