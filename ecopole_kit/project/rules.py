"""Rules across fields and files that a schema cannot say, reported like schema problems.

Official codes must exist (with close matches suggested), a delivery stop must be a commune
of the territory, a crop plan must name a known producer, an indicator an existing fiche,
funders' shares must add up to 100 %, and dates must be in order.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from ecopole_kit.errors import UsageError
from ecopole_kit.foundation.documents import Document
from ecopole_kit.foundation.french import fold, format_amount
from ecopole_kit.models import Issue
from ecopole_kit.territory.geography import Geography, clean_code
from ecopole_kit.territory.kinds import KINDS

Path = Sequence[str | int]


@dataclass(frozen=True)
class Context:
    """What the rules look at: the project's documents and the reference data."""

    territory: Document
    functions: Mapping[str, Document]
    geography: Geography
    fiche_ids: Collection[str]

    def territory_communes(self) -> set[str]:
        """The territory's communes, and the arrondissements of those that have some."""
        declared = self.territory.data["territoire"]
        resolved = self.geography.resolve(declared["type"], declared["codes"])
        inside = {c.code for c in resolved.communes}
        return inside | {code for parent in inside
                         for code in self.geography.arrondissements.get(parent, ())}


def check_rules(context: Context) -> list[Issue]:
    """Every cross-field problem of a project, even one whose files break their schema:
    a rule that meets data it cannot read stops there (the schema said what is wrong)."""
    checks = (_territory_codes, _territory_name, _engagement_dates, _crop_plan_producers,
              _delivery_stops, _communes_exist, _contract_dates, _funders_total, _tiers,
              _indicator_fiches)
    return [issue for check in checks for issue in _safely(check, context)]


def _safely(check: Callable[[Context], Iterator[Issue]], context: Context) -> list[Issue]:
    found: list[Issue] = []
    # Data the schema rejects stops the rule there: the schema says what is wrong.
    with suppress(KeyError, IndexError, TypeError, AttributeError, ValueError, UsageError):
        found.extend(check(context))
    return found


def _issue(document: Document, path: Path, message: str) -> Issue:
    return Issue(document.name, document.line_of(path), tuple(path), message)


def _suggestions(context: Context, kind: str, code: str) -> str:
    matches = context.geography.suggest(kind, code)
    if not matches:
        return " Vérifiez le code, ou cherchez-le avec « ecopole-kit lookup NOM »."
    close = ", ".join(f"« {m.code} » ({m.nom})" for m in matches)
    return f" Vouliez-vous dire {close} ?"


def _territory_codes(context: Context) -> Iterator[Issue]:
    declared = context.territory.data["territoire"]
    kind = declared["type"]
    unknown = set(context.geography.resolve(kind, declared["codes"]).unknown)
    label = KINDS[kind].code_label
    for index, code in enumerate(declared["codes"]):
        if code in unknown:
            yield _issue(context.territory, ["territoire", "codes", index],
                         f"{label} inconnu « {code} »."
                         + _suggestions(context, _record_kind(kind, code), code))


def _record_kind(kind: str, code: str) -> str:
    """What a code of a territory names: for EPCI and communes mixed, its form says."""
    if not KINDS[kind].also:
        return kind
    return "epci" if len(clean_code(code)) == 9 else "commune"


def _territory_name(context: Context) -> Iterator[Issue]:
    """A code that exists but is not the one of the place named (2B069 for Corte, 2B096):
    the declared name says which was meant."""
    declared = context.territory.data["territoire"]
    kind = KINDS[declared["type"]]
    if kind.several or len(declared["codes"]) != 1:
        return
    code = clean_code(declared["codes"][0])
    record = context.geography.table(kind.searches).get(code)
    name = fold(declared["nom"], hyphens=True)
    if record is None or fold(record.nom, hyphens=True) in name or (
            kind.searches == "epci" and not name.startswith(_EPCI_WORDS)):
        return  # « Région d'Audruicq » for Audruicq; « Gohelle », a name of its own
    named = context.geography.search.find(declared["nom"], kinds=[kind.searches], limit=20)
    exact = [m for m in named.matches if m.score >= 1.0]
    if not exact or any(m.code == code for m in named.matches):
        return
    region = _region_of(context.geography, kind.searches, code)
    near = [m for m in exact if _region_of(context.geography, kind.searches, m.code) == region]
    close = ", ".join(f"« {m.code} » ({m.detail})" for m in (near or exact)[:3])
    yield _issue(context.territory, ["territoire", "codes", 0],
                 f"le {kind.code_label} « {code} » est celui de {record.nom}, pas de "
                 f"« {declared['nom']} » ; le code de {declared['nom']} est {close}. "
                 "Corrigez le code, ou le nom s'il était voulu.")


_EPCI_WORDS = ("cc ", "ca ", "cu ", "communaute", "metropole", "agglomeration")


def _region_of(geography: Geography, kind: str, code: str) -> str:
    record = geography.table(kind)[code]
    return str(getattr(record, "departement", "") or getattr(record, "region", "") or code)


def _engagement_dates(context: Context) -> Iterator[Issue]:
    for function_id, actions in context.territory.data.get("fonctions", {}).items():
        for action_id, value in actions.items():
            if isinstance(value, dict):
                yield from _ordered(context.territory, ["fonctions", function_id, action_id],
                                    value, "debut", "fin")


def _ordered(document: Document, path: list[str | int], block: Mapping[str, Any],
             start: str, end: str) -> Iterator[Issue]:
    if block.get(start) and block.get(end) and block[end] < block[start]:
        yield _issue(document, [*path, end],
                     f"la date de fin ({block[end]}) précède la date de début "
                     f"({block[start]}) ; corrigez l'une des deux.")


def _items(context: Context, function_id: str, key: str) -> Iterator[tuple[int, dict[str, Any]]]:
    document = context.functions.get(function_id)
    data = document.data if document is not None and isinstance(document.data, dict) else {}
    yield from enumerate(data.get(key) or [])


def _crop_plan_producers(context: Context) -> Iterator[Issue]:
    document = context.functions.get("systeme-alimentaire")
    producers = [p["id"] for _, p in _items(context, "systeme-alimentaire", "producteurs")]
    for index, line in _items(context, "systeme-alimentaire", "plan_de_cultures"):
        if document is not None and line["producteur"] not in producers:
            close = difflib.get_close_matches(line["producteur"], producers, 1, 0.6)
            hint = (f" Vouliez-vous dire « {close[0]} » ?" if close else
                    " Ajoutez-le d'abord à la liste « producteurs ».")
            yield _issue(document, ["plan_de_cultures", index, "producteur"],
                         f"producteur inconnu « {line['producteur']} ».{hint}")


def _delivery_stops(context: Context) -> Iterator[Issue]:
    document = context.functions.get("systeme-alimentaire")
    tours = list(_items(context, "systeme-alimentaire", "tournees"))
    if document is None or not tours:
        return
    inside = context.territory_communes()
    for index, tour in tours:
        for stop_index, code in enumerate(tour["arrets"]):
            if code in inside:
                continue
            path: list[str | int] = ["tournees", index, "arrets", stop_index]
            commune = context.geography.communes.get(code)
            if commune is None:
                yield _issue(document, path, f"commune inconnue « {code} »."
                             + _suggestions(context, "commune", code))
            else:
                yield _issue(document, path, f"« {code} » ({commune.nom}) n'est pas une commune "
                             "du territoire ; retirez cet arrêt ou élargissez le territoire.")


_COMMUNE_FIELDS = (("systeme-alimentaire", "producteurs"), ("systeme-alimentaire", "equipements"),
                   ("systeme-alimentaire", "points_de_vente"), ("accessibilite", "micro_fermes"),
                   ("accessibilite", "places_a_vivres"))


def _communes_exist(context: Context) -> Iterator[Issue]:
    """Each place of a function file is a known commune of the territory."""
    inside: set[str] | None = None
    for function_id, key in _COMMUNE_FIELDS:
        document = context.functions.get(function_id)
        for index, entry in _items(context, function_id, key):
            code = entry.get("commune")
            if document is None or not code:
                continue
            commune = context.geography.communes.get(code)
            inside = context.territory_communes() if inside is None else inside
            if commune is None:
                yield _issue(document, [key, index, "commune"], f"commune inconnue « {code} »."
                             + _suggestions(context, "commune", code))
            elif code not in inside:
                yield _issue(document, [key, index, "commune"],
                             f"« {code} » ({commune.nom}, {commune.departement}) n'est pas une "
                             "commune du territoire ; indiquez la commune du territoire où "
                             "elle se trouve, ou élargissez le territoire.")


def _contract_dates(context: Context) -> Iterator[Issue]:
    document = context.functions.get("systeme-alimentaire")
    for index, contract in _items(context, "systeme-alimentaire", "contrats"):
        if document is not None:
            yield from _ordered(document, ["contrats", index], contract, "debut", "fin")


def _baskets(context: Context) -> tuple[Document | None, dict[str, Any]]:
    document = context.functions.get("accessibilite")
    data = document.data if document is not None and isinstance(document.data, dict) else {}
    return document, data.get("paniers_solidaires") or {}


def _funders_total(context: Context) -> Iterator[Issue]:
    document, baskets = _baskets(context)
    funders = baskets.get("financeurs") or []
    total = sum(f["part_pct"] for f in funders)
    if document is not None and funders and abs(total - 100) > 0.01:
        yield _issue(document, ["paniers_solidaires", "financeurs"],
                     f"les parts des financeurs font {format_amount(total)} % au lieu de 100 % ; "
                     f"ajustez-les (il {'manque' if total < 100 else 'y a en trop'} "
                     f"{format_amount(abs(100 - total))} %).")


def _tiers(context: Context) -> Iterator[Issue]:
    document, baskets = _baskets(context)
    tiers = baskets.get("tranches") or []
    if document is None or not tiers:
        return
    shares = [t.get("part_foyers_pct") for t in tiers]
    if all(s is not None for s in shares) and abs(sum(shares) - 100) > 0.01:
        yield _issue(document, ["paniers_solidaires", "tranches"],
                     f"les parts des foyers par tranche font {format_amount(sum(shares))} % "
                     "au lieu de 100 % ; ajustez « part_foyers_pct ».")
    bounds = [(i, t["quotient_max"]) for i, t in enumerate(tiers) if "quotient_max" in t]
    for (_, low), (index, high) in pairwise(bounds):
        if high <= low:
            yield _issue(document, ["paniers_solidaires", "tranches", index, "quotient_max"],
                         f"les tranches doivent aller du quotient le plus bas au plus haut "
                         f"({format_amount(high)} ne dépasse pas {format_amount(low)}).")


def _indicator_fiches(context: Context) -> Iterator[Issue]:
    document = context.functions.get("evaluation")
    for index, indicator in _items(context, "evaluation", "indicateurs"):
        fiche = indicator["fiche"]
        if document is not None and fiche not in context.fiche_ids:
            close = difflib.get_close_matches(fiche, sorted(context.fiche_ids), 1, 0.6)
            hint = (f" Vouliez-vous dire « {close[0]} » ?" if close
                    else " Les identifiants sont les noms des fiches du référentiel.")
            yield _issue(document, ["indicateurs", index, "fiche"],
                         f"fiche inconnue « {fiche} ».{hint}")


