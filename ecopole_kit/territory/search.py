"""Finding a territory by what a person types: a name (tolerant of accents, typos and
« CC du »), an INSEE code, a postal code, a SIREN; and close codes for a mistyped one.

The name index is built at the first search, so that validating or building a project,
which only resolves codes, pays for it only to check a declared name that is not the
official name of its code (2B069 declared for Corte)."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple

from ecopole_kit.errors import UsageError
from ecopole_kit.foundation import cache as kit_cache
from ecopole_kit.foundation.french import counted, with_unit
from ecopole_kit.territory.chunks import NameLines
from ecopole_kit.territory.geography import (
    Geography,
    Match,
    arrondissement_number,
    clean_code,
)
from ecopole_kit.territory.kinds import KINDS, LOOKUP_KINDS
from ecopole_kit.territory.query import Found, Places, Query, parse, pays_note, without_article

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


class _Ref(NamedTuple):
    kind: str
    code: str
    population: int
    note: str = ""
    alias: bool = False  # a former commune name, or an EPCI name without "CC du"


class _Refs:
    """What each name of the index refers to, made when a search finds it (not 40 000 at
    every start)."""

    def __init__(self, rows: Sequence[Sequence[Any]]) -> None:
        self._rows = rows

    def __getitem__(self, index: int) -> _Ref:
        return _Ref(*self._rows[index][1:])

    def __len__(self) -> int:
        return len(self._rows)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Refs) and [tuple(r) for r in self._rows] == [
            tuple(r) for r in other._rows]

    __hash__ = None  # type: ignore[assignment]  # mutable-like: compared by content


class TerritorySearch:
    """The indexes by name and by code of one ``Geography``, and the ranking of answers."""

    def __init__(self, geography: Geography, former: Iterable[Sequence[str]]) -> None:
        self._geo = geography
        self._former = former

    def lookup(self, query: str, *, kinds: Collection[str] | None = None,
               limit: int = 10) -> list[Match]:
        """Find territories by name (tolerant), INSEE code, postal code, SIREN or code."""
        return self.find(query, kinds=kinds, limit=limit).matches

    def find(self, query: str, *, kinds: Collection[str] | None = None,
             limit: int | None = 10) -> Found:
        """Like ``lookup``, with the number of answers left out by ``limit`` (None: none)
        and, for a Pays or a PETR, what to enter instead."""
        wanted = check_kinds(kinds)
        compact = clean_code(query)
        if re.fullmatch(r"\d{9}|\d{5}|2[AB]\d{3}|\d{2,3}|2[AB]", compact):
            return self._found(self._code_refs(compact), wanted, limit)
        parsed = parse(normalize(query), self._places, self._place_pattern, self._is_name)
        if parsed.pays and "epci" in wanted:
            refs = self._pays_refs(parsed)
            note = pays_note(query, found=bool(refs and parsed.rest))
            return self._found(refs, wanted, limit, note)
        return self._found(self._understood(parsed), wanted, limit)

    def suggest(self, kind: str, code: str, limit: int = 3) -> list[Match]:
        """Close codes of the same kind for an unknown code (typo, old code, postal code)."""
        lookup_kind = KINDS[kind].searches if kind in KINDS else kind
        check_kinds([lookup_kind])
        code = clean_code(code)
        found = [f for f in self._code_refs(code)
                 if f[1].kind == lookup_kind and f[1].code != code]
        table = self._geo.table(lookup_kind)
        found += [(_edit_score(code, c), self._ref(lookup_kind, c))
                  for c in _one_edit(code) if c in table]
        return self._matches(found, [lookup_kind], limit)

    def _code_refs(self, code: str) -> list[tuple[float, _Ref]]:
        geo = self._geo
        found = [(0.95 if kind == "region" else 1.0, self._ref(kind, code))
                 for kind in LOOKUP_KINDS if code in geo.table(kind)]
        if code in geo.old_codes:
            found.append((0.9, self._ref("commune", geo.old_codes[code], f"ancien code {code}")))
        found += [(0.95, self._ref("commune", c, f"code postal {code}"))
                  for c in geo.by_postcode.get(code, [])]
        return found

    def _ref(self, kind: str, code: str, note: str = "", alias: bool = False) -> _Ref:
        return _Ref(kind, code, self._geo.population_of(kind, code), note, alias)

    def _name_refs(self, key: str, *, fuzzy: bool = True) -> list[tuple[float, _Ref]]:
        if not key:
            return []
        keys = self._index[0]
        hits = self._lines.holding(key, at_start=len(key) < 3)
        if not hits:
            return self._fuzzy_refs(key) if fuzzy else []
        return [(_TIER_SCORES[_tier(key, keys[i])], self._index[1][i]) for i in hits]

    def _understood(self, query: Query) -> list[tuple[float, _Ref]]:
        """An arrondissement by its ordinal, a name narrowed by its département or région,
        else the whole query as a name (with the full names it matches exactly)."""
        found = self._ordinal_refs(query) if query.ordinal else []
        if not found and query.narrowed and query.rest:
            found = [f for f in self._name_refs(query.rest) if self._in_area(f[1], query)]
        if not found:
            return self._name_refs(query.text)
        return found + [f for f in self._name_refs(query.text, fuzzy=False)
                        if f[0] >= _TIER_SCORES[1]]

    def _ordinal_refs(self, query: Query) -> list[tuple[float, _Ref]]:
        """« 13e » alone: every 13th arrondissement; « Marseille 13e »: Marseille's, then
        Marseille itself."""
        parents = [p for p in self._arrondissements
                   if not query.rest or query.rest in normalize(self._geo.communes[p].nom)]
        found = [(_TIER_SCORES[0], self._ref("commune", code)) for p in parents
                 for number, code in self._arrondissements[p] if number == query.ordinal]
        if found and query.rest:
            found += [(_TIER_SCORES[2], self._ref("commune", p)) for p in parents]
        return found

    def _in_area(self, ref: _Ref, query: Query) -> bool:
        geo = self._geo
        if ref.kind == "epci":
            return any(self._in_area(self._ref("commune", c), query)
                       for c in geo.epcis[ref.code].communes)
        if ref.kind == "region":
            return ref.code in query.regions
        if ref.kind == "departement":
            return (ref.code in query.departements
                    or geo.departements[ref.code].region in query.regions)
        commune = geo.communes[ref.code]
        return (commune.departement in query.departements or commune.region in query.regions
                or bool(set(commune.codes_postaux) & query.postcodes))

    def _pays_refs(self, query: Query) -> list[tuple[float, _Ref]]:
        """For « Pays Tolosan »: whatever bears that very name (« CA du Pays Basque »), then
        the EPCI whose name, or one of whose communes' names, holds « tolosan »."""
        keys, refs = self._index
        found = [(_TIER_SCORES[0 if keys[i] == query.text else 1], refs[i])
                 for i in self._lines.holding(query.text) if f" {query.text} " in f" {keys[i]} "]
        if not query.rest:
            return found
        found += [(round(0.85 * score, 3), ref) for score, ref in self._name_refs(query.rest)
                  if ref.kind == "epci"]
        for score, ref in self._name_refs(query.rest, fuzzy=False):
            commune = self._geo.communes[ref.code] if ref.kind == "commune" else None
            if commune is not None and commune.epci and score >= _TIER_SCORES[2]:
                found.append((0.6, self._ref("epci", commune.epci, f"comprend {commune.nom}")))
        return [f for f in found if not query.narrowed or self._in_area(f[1], query)]

    @cached_property
    def _arrondissements(self) -> dict[str, list[tuple[int, str]]]:
        """Paris, Lyon and Marseille → their arrondissements' numbers and codes."""
        found: dict[str, list[tuple[int, str]]] = {}
        for parent, codes in self._geo.arrondissements.items():
            for code in codes:
                if number := arrondissement_number(self._geo.communes[code].nom):
                    found.setdefault(parent, []).append((number, code))
        return found

    @cached_property
    def _places(self) -> Places:
        geo = self._geo
        departements = {key: code for code, d in geo.departements.items()
                        for key in (normalize(d.nom), without_article(normalize(d.nom)),
                                    code.lower())}
        regions = {key: code for code, r in geo.regions.items()
                   for key in (normalize(r.nom), without_article(normalize(r.nom)))}
        return Places(departements, regions,
                      tuple(normalize(geo.communes[p].nom) for p in self._arrondissements))

    @cached_property
    def _place_pattern(self) -> re.Pattern[str]:
        return self._places.pattern()

    def _is_name(self, key: str) -> bool:
        return key in self._names

    @cached_property
    def _names(self) -> frozenset[str]:
        return frozenset(self._index[0])

    @cached_property
    def _index(self) -> tuple[list[str], _Refs]:
        """The names (current, former, EPCI without « CC du »), built at the first search,
        then kept in the kit's cache by the data's source and this module's code."""
        origin = repr(sorted(self._geo.source.items())).encode() + Path(__file__).read_bytes()
        rows = kit_cache.decoded("index-noms", origin, lambda _: self._entries())
        return [row[0] for row in rows], _Refs(rows)

    def _entries(self) -> list[tuple[str, str, str, int, str, bool]]:
        geo = self._geo
        entries = [(normalize(c.nom), _Ref("commune", c.code, c.population or 0))
                   for c in geo.communes.values()]
        entries += [(normalize(nom), self._ref("commune", parent, f"ancienne commune : {nom}",
                                               alias=True))
                    for _, nom, parent in self._former if nom != geo.communes[parent].nom]
        for e in geo.epcis.values():  # "Frontonnais" also finds "CC du Frontonnais"
            key = normalize(e.nom)
            core = _EPCI_PREFIX.sub("", key)
            entries += [(k, _Ref("epci", e.siren, e.population, alias=k != key))
                        for k in dict.fromkeys((key, core))]
        entries += [(normalize(record.nom), self._ref(kind, code))
                    for kind in ("departement", "region")
                    for code, record in geo.table(kind).items()]
        return [(key, *ref) for key, ref in entries]

    @cached_property
    def _lines(self) -> NameLines:
        return NameLines(self._index[0])

    @cached_property
    def _trigrams(self) -> dict[str, list[int]]:
        """Trigram index of the names, built at the first fuzzy query (about 0.1 s)."""
        index: dict[str, list[int]] = {}
        for i, key in enumerate(self._index[0]):
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
        keys, refs = self._index
        found = []
        for i, _ in counts.most_common(_FUZZY_CANDIDATES):
            words = keys[i].split()
            if all(any(w.startswith(t) for w in words) for t in tokens):
                found.append((_TIER_SCORES[3], refs[i]))
                continue
            matcher.set_seq1(keys[i])
            if matcher.quick_ratio() >= _FUZZY_CUTOFF and matcher.ratio() >= _FUZZY_CUTOFF:
                found.append((round(0.6 * matcher.ratio(), 3), refs[i]))
        return found

    def _ranked(self, found: Iterable[tuple[float, _Ref]],
                kinds: Collection[str]) -> list[tuple[float, _Ref]]:
        # Same score: full current names first, then the most populous, communes first.
        ranked = sorted((f for f in found if f[1].kind in kinds), key=lambda f: (
            -f[0], f[1].alias, -f[1].population, f[1].kind != "commune", f[1].code))
        best: dict[tuple[str, str], tuple[float, _Ref]] = {}
        for score, ref in ranked:
            best.setdefault((ref.kind, ref.code), (score, ref))
        return list(best.values())

    def _matches(self, found: Iterable[tuple[float, _Ref]], kinds: Collection[str],
                 limit: int) -> list[Match]:
        return [self._match(ref, score) for score, ref in self._ranked(found, kinds)[:limit]]

    def _found(self, found: Iterable[tuple[float, _Ref]], kinds: Collection[str],
               limit: int | None, note: str = "") -> Found:
        ranked = self._ranked(found, kinds)
        shown = ranked if limit is None else ranked[:limit]
        return Found([self._match(ref, score) for score, ref in shown], len(ranked), note)

    def _match(self, ref: _Ref, score: float) -> Match:
        describe = {"commune": self._commune_detail, "epci": self._epci_detail,
                    "departement": self._departement_detail, "region": self._region_detail}
        detail = describe[ref.kind](ref.code)
        if ref.note:
            detail = f"{detail} · {ref.note}"
        return Match(ref.kind, ref.code, self._geo.table(ref.kind)[ref.code].nom, detail, score)

    def _dep_label(self, code: str) -> str:
        return f"{self._geo.departements[code].nom} ({code})"

    def _commune_detail(self, code: str) -> str:
        geo = self._geo
        commune = geo.communes[code]
        parent = geo.communes.get(commune.commune_parente or "")
        label = f"arrondissement municipal de {parent.nom}" if parent else "commune"
        epci = geo.epcis[commune.epci].nom if commune.epci else "sans EPCI"
        return " · ".join((label, self._dep_label(commune.departement),
                           _inhabitants(commune.population), epci))

    def _epci_detail(self, siren: str) -> str:
        epci = self._geo.epcis[siren]
        per_dep = Counter(self._geo.communes[c].departement for c in epci.communes)
        deps = ", ".join(self._dep_label(d) for d, _ in per_dep.most_common())
        return " · ".join((f"EPCI ({epci.type})", deps, _inhabitants(epci.population),
                           counted(len(epci.communes), "commune", "communes")))

    def _departement_detail(self, code: str) -> str:
        geo = self._geo
        dep = geo.departements[code]
        return " · ".join((_ZONES.get(dep.zone, "département"), geo.regions[dep.region].nom,
                           _inhabitants(geo.population_of("departement", code)),
                           counted(len(geo.by_departement.get(code, [])), "commune", "communes")))

    def _region_detail(self, code: str) -> str:
        count = sum(d.region == code for d in self._geo.departements.values())
        return " · ".join(("région", counted(count, "département", "départements"),
                           _inhabitants(self._geo.population_of("region", code))))


def check_kinds(kinds: Collection[str] | None) -> Collection[str]:
    wrong = sorted(set(kinds or ()) - set(LOOKUP_KINDS))
    if wrong:
        raise UsageError(f"Type de territoire inconnu : {', '.join(wrong)}.",
                         hint=f"Types possibles : {', '.join(LOOKUP_KINDS)}.")
    return LOOKUP_KINDS if kinds is None else kinds


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
