"""French territories (communes, EPCI, départements, régions): lookup and resolution.

Data: INSEE Code officiel géographique via Etalab, see ``scripts/build_geodata.py``."""

from __future__ import annotations

import difflib
import gzip
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from typing import Any, NamedTuple

from ecopole_kit.errors import GeographyUnavailable, UsageError
from ecopole_kit.foundation.french import counted, joined, with_unit
from ecopole_kit.territory.kinds import KINDS, LOOKUP_KINDS, TERRITORY_KINDS

_TIER_SCORES = (1.0, 0.9, 0.8, 0.7)
_FUZZY_CANDIDATES = 60
_FUZZY_CUTOFF = 0.75
_SHORT = {"saint": "st", "sainte": "ste", "communaute de communes": "cc",
          "communaute d agglomeration": "ca", "communaute urbaine": "cu"}
_SHORTEN = re.compile(r"\b(?:" + "|".join(_SHORT) + r")\b")
_EPCI_PREFIX = re.compile(r"^(?:cc|ca|cu|metropole|eurometropole)(?: (?:de la|de l|du|des|de|d))? ")
_ZONES = {"drom": "département d'outre-mer", "com": "collectivité d'outre-mer"}


def _fold_char(char: str) -> str:
    plain = "".join(c for c in unicodedata.normalize("NFKD", char.casefold())
                    if not unicodedata.combining(c))
    plain = plain.replace("œ", "oe").replace("æ", "ae")
    return plain if plain.isascii() and plain.isalnum() else " "


_FOLD = str.maketrans({chr(i): _fold_char(chr(i)) for i in range(0x250)})


def normalize(text: str) -> str:
    """Comparison key of a name: case, accents, punctuation, « saint », « CC » folded."""
    folded = text.translate(_FOLD)
    if not folded.isascii():
        folded = "".join(_fold_char(c) for c in folded)
    return _SHORTEN.sub(lambda m: _SHORT[m.group()], " ".join(folded.split()))


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


class _Ref(NamedTuple):
    kind: str
    code: str
    population: int
    note: str = ""
    alias: bool = False  # a former commune name, or an EPCI name without "CC du"


class Geography:
    """Every French territory of the extract, with the indexes to find them by name or code."""

    def __init__(self, payload: Mapping[str, Any]) -> None:
        self.source: dict[str, str] = dict(payload["source"])
        self.regions = {r[0]: Region(*r) for r in payload["regions"]}
        self.departements = {d[0]: Departement(*d) for d in payload["departements"]}
        self.communes = {c[0]: Commune(c[0], c[1], c[2], c[3], c[4], tuple(c[5]), c[6], c[7], c[8])
                         for c in payload["communes"]}
        self.epcis = {e[0]: Epci(e[0], e[1], e[2], tuple(e[3]), e[4]) for e in payload["epci"]}
        self._tables: dict[str, Mapping[str, Any]] = {
            "commune": self.communes, "epci": self.epcis,
            "departement": self.departements, "region": self.regions}
        self._tables.update({k.id: self._tables[k.searches] for k in KINDS.values()})
        self._old_codes = dict(payload["anciens_codes"])
        self._old_codes.update({c: p for c, _, p in payload["anciennes_communes"] if c != p})
        self._by_postcode: dict[str, list[str]] = {}
        self._by_departement: dict[str, list[str]] = {}
        self._area_population: Counter[tuple[str, str]] = Counter()
        for commune in self.communes.values():
            for postcode in commune.codes_postaux:
                self._by_postcode.setdefault(postcode, []).append(commune.code)
            if commune.commune_parente is None:  # arrondissements are counted in their commune
                self._by_departement.setdefault(commune.departement, []).append(commune.code)
                for area in (("departement", commune.departement), ("region", commune.region)):
                    self._area_population[area] += commune.population or 0
        self._keys, self._refs = self._name_index(payload["anciennes_communes"])

    @property
    def attribution(self) -> str:
        """The source to cite wherever a figure from these data is shown."""
        return f"{self.source['producteur']} ({self.source['package']} {self.source['version']})"

    def population_of(self, kind: str, code: str) -> int:
        if kind in ("commune", "epci"):
            return int(self._tables[kind][code].population or 0)
        return self._area_population[kind, code]

    def lookup(self, query: str, *, kinds: Collection[str] | None = None,
               limit: int = 10) -> list[Match]:
        """Find territories by name (tolerant), INSEE code, postal code, SIREN or code."""
        wanted = _check_kinds(kinds)
        compact = _clean_code(query)
        is_code = re.fullmatch(r"\d{9}|\d{5}|2[AB]\d{3}|\d{2,3}|2[AB]", compact)
        found = self._code_refs(compact) if is_code else self._name_refs(normalize(query))
        return self._matches(found, wanted, limit)

    def _code_refs(self, code: str) -> list[tuple[float, _Ref]]:
        found = [(0.95 if kind == "region" else 1.0, self._ref(kind, code))
                 for kind in LOOKUP_KINDS if code in self._tables[kind]]
        if code in self._old_codes:
            found.append((0.9, self._ref("commune", self._old_codes[code], f"ancien code {code}")))
        found += [(0.95, self._ref("commune", c, f"code postal {code}"))
                  for c in self._by_postcode.get(code, [])]
        return found

    def _ref(self, kind: str, code: str, note: str = "", alias: bool = False) -> _Ref:
        return _Ref(kind, code, self.population_of(kind, code), note, alias)

    def _name_refs(self, key: str) -> list[tuple[float, _Ref]]:
        if not key:
            return []
        if len(key) < 3:
            hits = [i for i, k in enumerate(self._keys) if k.startswith(key)]
        else:
            hits = [i for i, k in enumerate(self._keys) if key in k]
        if not hits:
            return self._fuzzy_refs(key)
        return [(_TIER_SCORES[_tier(key, self._keys[i])], self._refs[i]) for i in hits]

    @cached_property
    def _trigrams(self) -> dict[str, list[int]]:
        """Trigram index of the names, built at the first fuzzy query (about 0.1 s)."""
        index: dict[str, list[int]] = {}
        for i, key in enumerate(self._keys):
            for gram in _trigrams(key):
                index.setdefault(gram, []).append(i)
        return index

    def _fuzzy_refs(self, key: str) -> list[tuple[float, _Ref]]:
        counts: Counter[int] = Counter()
        for gram in _trigrams(key):
            counts.update(self._trigrams.get(gram, ()))
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(key)
        tokens = key.split()
        found = []
        for i, _ in counts.most_common(_FUZZY_CANDIDATES):
            words = self._keys[i].split()
            if all(any(w.startswith(t) for w in words) for t in tokens):
                found.append((_TIER_SCORES[3], self._refs[i]))
                continue
            matcher.set_seq1(self._keys[i])
            if matcher.quick_ratio() >= _FUZZY_CUTOFF and matcher.ratio() >= _FUZZY_CUTOFF:
                found.append((round(0.6 * matcher.ratio(), 3), self._refs[i]))
        return found

    def _matches(self, found: Iterable[tuple[float, _Ref]], kinds: Collection[str],
                 limit: int) -> list[Match]:
        # Same score: full current names first, then the most populous, communes first.
        ranked = sorted((f for f in found if f[1].kind in kinds), key=lambda f: (
            -f[0], f[1].alias, -f[1].population, f[1].kind != "commune", f[1].code))
        best: dict[tuple[str, str], tuple[float, _Ref]] = {}
        for score, ref in ranked:
            best.setdefault((ref.kind, ref.code), (score, ref))
        return [self._match(ref, score) for score, ref in list(best.values())[:limit]]

    def _match(self, ref: _Ref, score: float) -> Match:
        describe = {"commune": self._commune_detail, "epci": self._epci_detail,
                    "departement": self._departement_detail, "region": self._region_detail}
        detail = describe[ref.kind](ref.code)
        if ref.note:
            detail = f"{detail} · {ref.note}"
        return Match(ref.kind, ref.code, self._tables[ref.kind][ref.code].nom, detail, score)

    def _dep_label(self, code: str) -> str:
        return f"{self.departements[code].nom} ({code})"

    def _commune_detail(self, code: str) -> str:
        commune = self.communes[code]
        parent = self.communes.get(commune.commune_parente or "")
        label = f"arrondissement municipal de {parent.nom}" if parent else "commune"
        epci = self.epcis[commune.epci].nom if commune.epci else "sans EPCI"
        return " · ".join((label, self._dep_label(commune.departement),
                           _inhabitants(commune.population), epci))

    def _epci_detail(self, siren: str) -> str:
        epci = self.epcis[siren]
        per_dep = Counter(self.communes[c].departement for c in epci.communes)
        deps = ", ".join(self._dep_label(d) for d, _ in per_dep.most_common())
        return " · ".join((f"EPCI ({epci.type})", deps, _inhabitants(epci.population),
                           counted(len(epci.communes), "commune", "communes")))

    def _departement_detail(self, code: str) -> str:
        dep = self.departements[code]
        return " · ".join((_ZONES.get(dep.zone, "département"), self.regions[dep.region].nom,
                           _inhabitants(self.population_of("departement", code)),
                           counted(len(self._by_departement.get(code, [])), "commune", "communes")))

    def _region_detail(self, code: str) -> str:
        count = sum(d.region == code for d in self.departements.values())
        return " · ".join(("région", counted(count, "département", "départements"),
                           _inhabitants(self.population_of("region", code))))

    def resolve(self, kind: str, codes: Sequence[str]) -> ResolvedTerritory:
        """Gather the communes, EPCI and départements of a territory; unknown codes are kept."""
        if kind not in TERRITORY_KINDS:
            raise UsageError(f"Type de territoire inconnu : « {kind} ».",
                             hint=f"Types possibles : {', '.join(TERRITORY_KINDS)}.")
        cleaned = list(dict.fromkeys(_clean_code(c) for c in codes if c.strip()))
        table = self._tables[kind]
        known = [c for c in cleaned if c in table]
        if kind == "commune":
            chosen = set(known)
            communes = [self.communes[c] for c in known
                        if self.communes[c].commune_parente not in chosen]
        elif kind == "departement":
            communes = [self.communes[c] for d in known for c in self._by_departement.get(d, [])]
        else:
            communes = [self.communes[c] for e in known for c in self.epcis[e].communes]
        return self._territory(kind, known, communes,
                               unknown=[c for c in cleaned if c not in table])

    def _territory(self, kind: str, codes: Sequence[str], communes: Sequence[Commune], *,
                   unknown: Sequence[str]) -> ResolvedTerritory:
        if KINDS[kind].searches == "epci":
            epcis = [self.epcis[c] for c in codes]
            population = sum(e.population for e in epcis)
        else:
            sirens = dict.fromkeys(c.epci for c in communes if c.epci)
            epcis = sorted((self.epcis[s] for s in sirens), key=lambda e: e.nom)
            population = sum(c.population or 0 for c in communes)
        departements = dict.fromkeys(self.departements[c.departement] for c in communes)
        regions = dict.fromkeys(self.regions[d.region] for d in departements)
        names = ([c.nom for c in communes] if kind == "commune"
                 else [self._tables[kind][c].nom for c in codes])
        return ResolvedTerritory(
            kind=kind, codes=tuple(codes), nom=joined(names), communes=tuple(communes),
            epcis=tuple(epcis), departements=tuple(departements), regions=tuple(regions),
            population=population, unknown=tuple(unknown))

    def suggest(self, kind: str, code: str, limit: int = 3) -> list[Match]:
        """Close codes of the same kind for an unknown code (typo, old code, postal code)."""
        lookup_kind = KINDS[kind].searches if kind in KINDS else kind
        _check_kinds([lookup_kind])
        code = _clean_code(code)
        found = [f for f in self._code_refs(code)
                 if f[1].kind == lookup_kind and f[1].code != code]
        table = self._tables[lookup_kind]
        found += [(_edit_score(code, c), self._ref(lookup_kind, c))
                  for c in _one_edit(code) if c in table]
        return self._matches(found, [lookup_kind], limit)

    def _name_index(self, former: Iterable[Sequence[str]]) -> tuple[list[str], list[_Ref]]:
        entries = [(normalize(c.nom), _Ref("commune", c.code, c.population or 0))
                   for c in self.communes.values()]
        entries += [(normalize(nom), self._ref("commune", parent, f"ancienne commune : {nom}",
                                               alias=True))
                    for _, nom, parent in former if nom != self.communes[parent].nom]
        for e in self.epcis.values():  # "Frontonnais" also finds "CC du Frontonnais"
            key = normalize(e.nom)
            core = _EPCI_PREFIX.sub("", key)
            entries += [(k, _Ref("epci", e.siren, e.population, alias=k != key))
                        for k in dict.fromkeys((key, core))]
        entries += [(normalize(record.nom), self._ref(kind, code))
                    for kind in ("departement", "region")
                    for code, record in self._tables[kind].items()]
        return [key for key, _ in entries], [ref for _, ref in entries]


def _check_kinds(kinds: Collection[str] | None) -> Collection[str]:
    wrong = sorted(set(kinds or ()) - set(LOOKUP_KINDS))
    if wrong:
        raise UsageError(f"Type de territoire inconnu : {', '.join(wrong)}.",
                         hint=f"Types possibles : {', '.join(LOOKUP_KINDS)}.")
    return LOOKUP_KINDS if kinds is None else kinds


def _clean_code(code: str) -> str:
    return re.sub(r"\s+", "", code).upper()


def _tier(query: str, key: str) -> int:
    """0: the whole name, 1: its beginning, 2: the beginning of a word, 3: inside a word."""
    return 0 if key == query else 1 if key.startswith(query) else (
        2 if f" {query}" in f" {key}" else 3)


def _trigrams(key: str) -> set[str]:
    padded = f" {key} "
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


def _one_edit(code: str) -> list[str]:
    """Codes one substitution, transposition, deletion or insertion away from code."""
    alphabet = "0123456789AB"
    edits = [code[:i] + code[i + 1] + code[i] + code[i + 2:] for i in range(len(code) - 1)]
    edits += [code[:i] + code[i + 1:] for i in range(len(code))]
    edits += [code[:i] + a + code[i + skip:] for i in range(len(code) + 1)
              for a in alphabet for skip in (1, 0)]  # substitutions, then insertions
    return [c for c in dict.fromkeys(edits) if c != code]


def _edit_score(code: str, candidate: str) -> float:
    """Likelier slips first: transposed, unfinished, same beginning, 20 or 2 for 2A/2B."""
    swapped = len(code) == len(candidate) and sorted(code) == sorted(candidate)
    same = sum(candidate.startswith(code[:i]) for i in range(1, len(code) + 1))
    corsica = candidate[:2] in ("2A", "2B") and code[:1] == "2" and code[1:2] not in "123456789"
    return round(0.5 + 0.1 * (swapped + candidate.startswith(code) + 2 * corsica)
                 + 0.03 * same, 3)


def _inhabitants(population: int | None) -> str:
    return "population inconnue" if population is None else with_unit(population, "hab.")


def read_shipped_data(filename: str, *, what: str, script: str) -> Any:
    """A gzip-compressed JSON file shipped in ``ecopole_kit/data``; ``what`` names it in the
    French error (« Données géographiques illisibles ou absentes »)."""
    data = resources.files("ecopole_kit") / "data" / filename
    try:
        return json.loads(gzip.decompress(data.read_bytes()))
    except (OSError, ValueError) as error:
        raise GeographyUnavailable(
            f"{what} ({error}).",
            hint=f"Réinstallez ecopole-kit, ou reconstruisez-les : python {script}") from error


@cache
def load_geography() -> Geography:
    """Load the shipped extract of the Code officiel géographique (once per process)."""
    payload = read_shipped_data("geographie.json.gz", script="scripts/build_geodata.py",
                                what="Données géographiques illisibles ou absentes")
    return Geography(payload)
