"""French territories (communes, EPCI, départements, régions): lookup and resolution.

Data: INSEE Code officiel géographique via Etalab, see ``scripts/build_geodata.py``."""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ecopole_kit.errors import GeographyUnavailable, UsageError
from ecopole_kit.foundation import cache as kit_cache
from ecopole_kit.foundation.french import joined
from ecopole_kit.territory import chunks
from ecopole_kit.territory.chunks import ChunkedTable, split_rows
from ecopole_kit.territory.kinds import KINDS, TERRITORY_KINDS

if TYPE_CHECKING:
    from ecopole_kit.territory.search import TerritorySearch


@dataclass(frozen=True, slots=True)
class Commune:
    """A commune, or a municipal arrondissement of Paris, Lyon or Marseille."""

    code: str
    nom: str
    departement: str
    region: str
    epci: str | None
    codes_postaux: tuple[str, ...]
    population: int | None
    commune_parente: str | None = None
    liaison: int = 0  # the COG's typeLiaison: which article the name takes


@dataclass(frozen=True, slots=True)
class Epci:
    """An EPCI à fiscalité propre: type CC, CA, CU or MET (métropole)."""

    siren: str
    nom: str
    type: str
    communes: tuple[str, ...]
    population: int


@dataclass(frozen=True, slots=True)
class Departement:
    code: str
    nom: str
    region: str
    zone: str
    liaison: int = 0


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    nom: str
    liaison: int = 0


@dataclass(frozen=True)
class Match:
    """One answer of a lookup: what it is, its code, its name and a one-line description."""

    kind: str
    code: str
    nom: str
    detail: str
    score: float


@dataclass(frozen=True)
class ResolvedTerritory:
    """A territory made of communes, EPCI or départements, with its total population."""

    kind: str
    codes: tuple[str, ...]
    nom: str
    communes: tuple[Commune, ...]
    epcis: tuple[Epci, ...]
    departements: tuple[Departement, ...]
    regions: tuple[Region, ...]
    population: int
    unknown: tuple[str, ...]

    @property
    def parent(self) -> str | None:
        """The commune whose arrondissements this territory's communes all are (two or more)."""
        return common_parent(self.communes)


class Geography:
    """Every French territory of the extract, with the indexes to find them by name or code."""

    def __init__(self, payload: Mapping[str, Any]) -> None:
        """From the data in their ready form (``ready_form``)."""
        self.source: dict[str, str] = dict(payload["source"])
        self.regions = {r[0]: Region(*r) for r in payload["regions"]}
        self.departements = {d[0]: Departement(*d) for d in payload["departements"]}
        self.communes: ChunkedTable[Commune] = ChunkedTable(payload["communes"], _commune)
        self.epcis = {e[0]: Epci(e[0], e[1], e[2], tuple(e[3]), e[4]) for e in payload["epci"]}
        self.arrondissements: dict[str, tuple[str, ...]] = {
            parent: tuple(codes) for parent, codes in payload["arrondissements"].items()}
        self._tables: dict[str, Mapping[str, Any]] = {
            "commune": self.communes, "epci": self.epcis,
            "departement": self.departements, "region": self.regions}
        self._tables.update({k.id: self._tables[k.searches] for k in KINDS.values()})
        self.old_codes = dict(payload["anciens_codes"])
        self.old_codes.update({c: p for c, _, p in payload["anciennes_communes"] if c != p})
        self._former: list[Sequence[str]] = payload["anciennes_communes"]
        self._area_population = Counter({(kind, code): population for kind, code, population
                                         in payload["populations"]})

    # The indexes over all communes are built where used (validate and build need none).
    @cached_property
    def by_postcode(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for commune in self.communes.values():
            for postcode in commune.codes_postaux:
                found.setdefault(postcode, []).append(commune.code)
        return found

    @cached_property
    def by_departement(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for commune in self.communes.values():
            if commune.commune_parente is None:  # arrondissements are in their commune
                found.setdefault(commune.departement, []).append(commune.code)
        return found

    @property
    def attribution(self) -> str:
        """The source to cite wherever a figure from these data is shown."""
        return f"{self.source['producteur']} ({self.source['package']} {self.source['version']})"

    def population_of(self, kind: str, code: str) -> int:
        if kind in ("commune", "epci"):
            return int(self._tables[kind][code].population or 0)
        return self._area_population[kind, code]

    def table(self, kind: str) -> Mapping[str, Any]:
        """The records of one kind (commune, epci, departement, region, or a territory kind)."""
        return self._tables[kind]

    @cached_property
    def search(self) -> TerritorySearch:
        """The name and code indexes, built at the first search (validate never needs them)."""
        from ecopole_kit.territory.search import TerritorySearch

        return TerritorySearch(self, self._former)

    def lookup(self, query: str, *, kinds: Collection[str] | None = None,
               limit: int = 10) -> list[Match]:
        """Find territories by name (tolerant), INSEE code, postal code, SIREN or code."""
        return self.search.lookup(query, kinds=kinds, limit=limit)

    def suggest(self, kind: str, code: str, limit: int = 3) -> list[Match]:
        """Close codes of the same kind for an unknown code (typo, old code, postal code)."""
        return self.search.suggest(kind, code, limit)

    def resolve(self, kind: str, codes: Sequence[str]) -> ResolvedTerritory:
        """Gather the communes, EPCI and départements of a territory; unknown codes are kept.

        Nothing is counted twice: an arrondissement whose commune is chosen, a commune (or
        an arrondissement) inside a chosen EPCI, are part of it already."""
        if kind not in TERRITORY_KINDS:
            raise UsageError(f"Type de territoire inconnu : « {kind} ».",
                             hint=f"Types possibles : {', '.join(TERRITORY_KINDS)}.")
        cleaned = list(dict.fromkeys(clean_code(c) for c in codes if c.strip()))
        tables = [self._tables[k] for k in KINDS[kind].record_kinds]
        known = [c for c in cleaned if any(c in table for table in tables)]
        unknown = [c for c in cleaned if c not in known]
        if kind == "departement":
            communes = [self.communes[c] for d in known for c in self.by_departement.get(d, [])]
            return self._territory(kind, known, communes, (), unknown=unknown)
        epcis = [self.epcis[c] for c in known if c in self.epcis]
        within = {c for e in epcis for c in e.communes} | set(known)
        communes = [self.communes[c] for e in epcis for c in e.communes]
        communes += [self.communes[c] for c in known if c in self.communes
                     and self.communes[c].commune_parente not in within
                     and not any(c in e.communes for e in epcis)]
        return self._territory(kind, known, communes, epcis, unknown=unknown)

    def _territory(self, kind: str, codes: Sequence[str], communes: Sequence[Commune],
                   chosen: Sequence[Epci], *, unknown: Sequence[str]) -> ResolvedTerritory:
        inside = {c for e in chosen for c in e.communes}
        population = sum(e.population for e in chosen) + sum(
            c.population or 0 for c in communes if c.code not in inside)
        sirens = dict.fromkeys(c.epci for c in communes if c.epci and c.code not in inside)
        others = sorted((self.epcis[s] for s in sirens if self.epcis[s] not in chosen),
                        key=lambda e: e.nom)
        departements = dict.fromkeys(self.departements[c.departement] for c in communes)
        regions = dict.fromkeys(self.regions[d.region] for d in departements)
        return ResolvedTerritory(
            kind=kind, codes=tuple(codes), nom=self._name_of(kind, codes, communes),
            communes=tuple(communes), epcis=(*chosen, *others),
            departements=tuple(departements), regions=tuple(regions),
            population=population, unknown=tuple(unknown))

    def _name_of(self, kind: str, codes: Sequence[str], communes: Sequence[Commune]) -> str:
        """« Corte », « Marseille (13e et 14e arrondissements) », « A, B et C »."""
        if kind in ("commune", "plusieurs-communes"):
            return arrondissements_name(self, communes) or joined([c.nom for c in communes])
        return joined([self.epcis[c].nom if c in self.epcis else self.table(kind)[c].nom
                       if c in self.table(kind) else self.communes[c].nom for c in codes])


def common_parent(communes: Sequence[Commune]) -> str | None:
    """The code of the commune whose arrondissements these all are (at least two), or None."""
    parents = {c.commune_parente for c in communes}
    return parents.pop() if len(communes) > 1 and len(parents) == 1 else None


def arrondissements_name(geography: Geography, communes: Sequence[Commune]) -> str | None:
    """« Marseille (13e, 14e et 15e arrondissements) » for several arrondissements of one
    commune; None otherwise."""
    parent_code = common_parent(communes)
    found = [arrondissement_number(c.nom) for c in communes]
    numbers = sorted(n for n in found if n is not None)
    if parent_code is None or len(numbers) != len(found):
        return None
    parent = geography.communes[parent_code].nom
    words = [f"{n}{'er' if n == 1 else 'e'}" for n in numbers]
    return f"{parent} ({joined(words)} arrondissements)"


def arrondissement_number(name: str) -> int | None:
    """13 for « Marseille 13e Arrondissement », 1 for « Paris 1er Arrondissement »."""
    found = _ORDINAL_IN_NAME.search(name)
    return int(found.group(1)) if found else None


_ORDINAL_IN_NAME = re.compile(r"\b(\d{1,2})(?:er|e)\s+arrondissement", re.IGNORECASE)


def clean_code(code: str) -> str:
    """A code as typed, without spaces, in capitals (« 2b 096 » → « 2B096 »)."""
    return "".join(code.split()).upper()


def read_shipped_data(filename: str, *, what: str, script: str,
                      ready: Callable[[Any], Any]) -> Any:
    """A gzip-compressed JSON file shipped in ``ecopole_kit/data``, in the ``ready`` form its
    reader takes; ``what`` names it in the French error (« Données géographiques illisibles
    ou absentes »)."""
    data = resources.files("ecopole_kit") / "data" / filename
    try:  # parsed once, then read back from the kit's cache (foundation/cache.py)
        return kit_cache.decoded("donnees", data.read_bytes(),
                                 lambda raw: ready(json.loads(gzip.decompress(raw))),
                                 form=_code_of(ready))
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise GeographyUnavailable(
            f"{what} ({error}).",
            hint=f"Réinstallez ecopole-kit, ou reconstruisez-les : python {script}") from error


def _code_of(ready: Callable[[Any], Any]) -> bytes:
    """The code that makes a ready form (its module's, and the parts'): a copy in the cache
    made by other code is not read back."""
    return Path(ready.__code__.co_filename).read_bytes() + Path(chunks.__file__).read_bytes()


def ready_form(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The shipped data as ``Geography`` reads them: the communes by part
    (``territory/chunks.py``), the arrondissements of Paris, Lyon and Marseille by their
    commune, and the population of each département and région, summed once."""
    arrondissements: dict[str, list[str]] = {}
    populations: Counter[tuple[str, str]] = Counter()
    for code, _, departement, region, _, _, population, parent, _ in payload["communes"]:
        if parent:  # arrondissements are counted in their commune
            arrondissements.setdefault(parent, []).append(code)
        else:
            populations["departement", departement] += population or 0
            populations["region", region] += population or 0
    rows = ((*c[:5], tuple(c[5]), *c[6:]) for c in payload["communes"])
    kept = ("source", "regions", "departements", "epci", "anciens_codes", "anciennes_communes")
    return {**{key: payload[key] for key in kept}, "communes": split_rows(rows),
            "arrondissements": arrondissements,
            "populations": [[kind, code, n] for (kind, code), n in populations.items()]}


def _commune(row: Sequence[Any]) -> Commune:
    return Commune(*row)


@cache
def load_geography() -> Geography:
    """Load the shipped extract of the Code officiel géographique (once per process); the
    communes are made when first asked for (``territory/chunks.py``)."""
    payload = read_shipped_data("geographie.json.gz", script="scripts/build_geodata.py",
                                what="Données géographiques illisibles ou absentes",
                                ready=ready_form)
    return Geography(payload)
