"""Where the diagnostic's national ratios fit a territory badly: overseas and islands.

Pure: no I/O. The ratios (the ADEME footprint, the share of it abroad, jobs per hectare)
are national averages; an overseas territory is found from its département code (97x, 98x),
Corsica from 2A and 2B. Mountain and coastal territories would need the project to declare
them, and the territory schema has no such value yet: no caveat is guessed for them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ecopole_kit.foundation.french import typeset

CORSICA = frozenset({"2A", "2B"})


@dataclass(frozen=True)
class Caveat:
    """A warning the diagnostic page shows above its figures."""

    id: str
    title: str
    text: str


OVERSEAS = Caveat("outre-mer", "Territoire d'outre-mer", typeset(
    "Les ratios de ce diagnostic (empreinte de l'ADEME, part de cette empreinte située à "
    "l'étranger, emplois par hectare du recensement agricole) sont des moyennes nationales, "
    "dominées par la France hexagonale. Le régime alimentaire, les cultures, les rendements "
    "et la part des produits importés n'y sont pas ceux d'un territoire d'outre-mer, où une "
    "part de l'alimentation arrive de loin, par bateau ou par avion : lisez ces chiffres comme "
    "des ordres de grandeur très approximatifs et préférez, quand elles existent, des "
    "données propres au territoire."))
ISLAND = Caveat("ile", "Territoire insulaire", typeset(
    "Les ratios de ce diagnostic (empreinte de l'ADEME, part de cette empreinte située à "
    "l'étranger, emplois par hectare du recensement agricole) sont des moyennes nationales, "
    "établies pour un territoire continental. Sur une île, ce qui n'est pas produit sur "
    "place arrive par bateau ou par avion : la part importée de l'alimentation et les "
    "surfaces disponibles y pèsent autrement. Lisez ces chiffres comme des ordres de "
    "grandeur et préférez, quand elles existent, des données propres au territoire."))


def is_overseas(code: str) -> bool:
    """971 to 976 (overseas départements) and the overseas collectivities (975, 977, 98x)."""
    return len(code) == 3 and code.isdigit() and code[:2] in ("97", "98")


def caveats(departement_codes: Iterable[str]) -> tuple[Caveat, ...]:
    """The caveats for a territory spread over these départements, overseas first."""
    codes = set(departement_codes)
    found = []
    if any(is_overseas(code) for code in codes):
        found.append(OVERSEAS)
    if codes & CORSICA:
        found.append(ISLAND)
    return tuple(found)
