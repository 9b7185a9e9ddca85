"""What a valid project still leaves empty: the « à compléter » list of validate and build.

The public pages never name a file or a key (their readers are not the maintainers); what
the maintainer can still fill in is listed here, with its file and key, for the terminal.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ecopole_kit.models import ToComplete
from ecopole_kit.project.config import FunctionConfigs, TerritoryConfig
from ecopole_kit.project.layout import FUNCTIONS_DIR, TERRITORY_FILE
from ecopole_kit.referentiel.functions import FUNCTION_IDS

BASKET_KEYS = ("prix_panier", "foyers", "semaines_par_an", "tranches", "financeurs")


def to_complete(config: TerritoryConfig, functions: FunctionConfigs) -> list[ToComplete]:
    """Every optional piece still empty that a page would show, in file order."""
    return [*_territory(config), *_functions(functions)]


def _territory(config: TerritoryConfig) -> Iterator[ToComplete]:
    context = config.contexte
    if not context.presentation:
        yield ToComplete(TERRITORY_FILE, "contexte.presentation",
                         "la présentation du projet, en tête de la page d'accueil")
    if context.menages is None:
        yield ToComplete(TERRITORY_FILE, "contexte.menages",
                         "le nombre de ménages et sa source (contexte.menages_source), "
                         "pour le diagnostic")
    if context.sau_ha is None:
        yield ToComplete(TERRITORY_FILE, "contexte.sau_ha",
                         "la surface agricole du territoire, sa source et son année "
                         "(contexte.sau_source, contexte.sau_annee), pour le diagnostic")
    if not _any_dated(config.fonctions):
        yield ToComplete(TERRITORY_FILE, "fonctions",
                         "aucune action n'a de dates : remplacez un stade par un bloc "
                         "(stade, debut, fin, responsable) pour le calendrier")


def _any_dated(engaged: Mapping[str, Mapping[str, Any]]) -> bool:
    return any(isinstance(value, Mapping) and value.get("debut")
               for actions in engaged.values() for value in actions.values())


def _functions(functions: FunctionConfigs) -> Iterator[ToComplete]:
    for function_id in FUNCTION_IDS:
        if not functions.of(function_id):
            yield ToComplete(f"{FUNCTIONS_DIR}/{function_id}.yaml", "(tout le fichier)",
                             "la fonction n'est pas encore décrite sur sa page")
    baskets = functions.accessibilite.get("paniers_solidaires") or {}
    missing = [key for key in BASKET_KEYS if not baskets.get(key)]
    if functions.accessibilite and missing:
        yield ToComplete(f"{FUNCTIONS_DIR}/accessibilite.yaml", "paniers_solidaires",
                         f"{', '.join(missing)} : le scénario des paniers du diagnostic")
