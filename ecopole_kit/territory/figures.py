"""What every figure of the diagnostic is made of: its sources, its formula, its French words.

Pure: no I/O. A ``Figure`` carries the French text of its computation with the actual
numbers; ``SOURCES`` names where each ratio comes from (see the reference facts).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from ecopole_kit.errors import ScenarioInvalid
from ecopole_kit.foundation.french import counted, format_number, typeset, with_unit


@dataclass(frozen=True)
class Source:
    id: str
    titre: str
    url: str | None
    detail: str


def _source(id: str, titre: str, url: str | None, detail: str) -> Source:
    return Source(id, typeset(titre), url, typeset(detail))


SOURCES: dict[str, Source] = {s.id: s for s in (
    _source("ademe-2020", "ADEME (2020), cité par le calculateur de surface agricole de "
           "Loire-Atlantique",
           "https://loire-atlantique.resiliencealimentaire.fr/calculateur-surface-agricole",
           "Hectares de terres agricoles nécessaires par personne et par an, selon le régime "
           "alimentaire, en conventionnel et en bio (valeur bio non publiée pour 107 g). "
           "ADEME, « Empreintes sol, énergie et carbone de l'alimentation » (infos.ademe.fr) : "
           "4 300 m² par personne pour le régime moyen (107 g de viande par jour)."),
    _source("importations", "Connaissance des Énergies (2021), d'après l'ADEME", None,
           "Environ 26 millions d'hectares nourrissent la population française, dont environ "
           "37 % hors de France (connaissancedesenergies.org)."),
    _source("parcel", "PARCEL (Terre de Liens, FNAB, BASIC)", "https://parcel-app.org",
           "Outil lancé en 2019, qui donne des ordres de grandeur et « ne prétend pas calculer "
           "des valeurs réelles » ; 20,9 millions d'hectares pour relocaliser toute "
           "l'alimentation sans conversion au bio (demain-en-mains.info) ; exemples publiés "
           "pour Vannes (53 200 habitants) et Tourtoirac (649 habitants)."),
    _source("agreste-ra2020", "Agreste, Recensement agricole 2020 (cité par reussir.fr, 2022, "
           "et paysantarnais.com, 2021)", None,
           "389 779 exploitations, 26,7 millions d'hectares de surface agricole utile, "
           "758 300 actifs permanents, 659 500 équivalents temps plein."),
    _source("crater", "CRATer / Territoires Fertiles (Les Greniers d'Abondance)", None,
           "Diagnostics par commune, EPCI, département et région ; 1,4 kg de nourriture par "
           "personne et par jour (enquête INCA 3)."),
    _source("paniers-solidaires", "Programme « 30 000 paniers solidaires » (Réseau Cocagne)",
           "https://resolis.org",
           "Depuis 2010 : la famille paie au plus environ 30 % du prix du panier, des "
           "partenaires financent le reste, avec des ateliers cuisine, jardin et nutrition."),
    _source("insee-cog", "INSEE, Code officiel géographique, via Etalab "
           "(@etalab/decoupage-administratif 6.0.0)", None,
           "Population des communes et des EPCI."),
    _source("declaration", "Déclaré par le projet (territoire.yaml)", None,
           "Chiffre indiqué par le porteur de projet dans le bloc contexte, avec sa source."),
    _source("hypotheses", "Hypothèses du territoire", None,
           "Paramètres saisis pour le territoire : prix du panier, foyers, tranches, financeurs."),
)}


@dataclass(frozen=True)
class Figure:
    """One computed figure; ``formula`` shows the computation with its actual numbers."""

    label: str
    value: float
    unit: str
    formula: str
    source_id: str
    decimals: int = 0

    @property
    def display(self) -> str:
        """The value in French with its unit, e.g. "53 812 ha"."""
        return with_unit(self.value, self.unit, self.decimals)

    @property
    def source(self) -> Source:
        return SOURCES[self.source_id]


def check_population(population: int) -> None:
    if isinstance(population, bool) or not isinstance(population, int) or population <= 0:
        raise ScenarioInvalid(f"Population invalide : {population!r}.",
                              hint="Indiquez un nombre entier d'habitants supérieur à zéro.")


def inhabitants(population: int) -> str:
    """« 65 422 hab. », as formulas write a population."""
    return with_unit(population, "hab.")


def pct(value: float) -> str:
    """A percentage without useless decimals: « 37 % », « 10,5 % »."""
    decimals = 0 if float(value).is_integer() else 1 if round(value, 1) == value else 2
    return with_unit(value, "%", decimals)


def rounded(value: float) -> int:
    """Two significant digits, never finer than one unit: 17 723 → 18 000, 437,8 → 440."""
    if value < 10:
        return whole(value)
    step = 10 ** (math.floor(math.log10(value)) - 1)
    return int(math.floor(value / step + 0.5) * step)


def whole(value: float) -> int:
    """The nearest whole number, half up: 144,5 → 145."""
    return math.floor(value + 0.5)


def span(low: float, high: float, one: str, many: str, below_one: str,
         rounder: Callable[[float], int] = rounded) -> str:
    """A range in words, each bound rounded: « de 18 000 à 28 000 ha », « environ 7 emplois »."""
    lo, hi = rounder(low), rounder(high)
    if hi == 0:
        return below_one
    if lo == hi:
        return f"environ {counted(hi, one, many)}"
    if lo == 0:
        return f"au plus {counted(hi, one, many)}"
    return f"de {format_number(lo)} à {counted(hi, one, many)}"
