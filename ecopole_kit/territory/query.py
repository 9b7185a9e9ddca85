"""What a person means by a territory's name: « Saint-Pierre 974 », « Corte Haute-Corse »,
« 13e arrondissement Marseille », « treizième », « Pays Tolosan », « PETR ».

The query arrives normalized (``search.normalize``: lower case, no accents, « st » for
« saint »); this module splits it into the name sought and what narrows it: départements or
régions (by name or number), a postal code, an arrondissement's ordinal, a Pays or PETR.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from ecopole_kit.territory.geography import Match

_LINKS = ("sur", "sous", "en", "de", "du", "des", "d", "la", "le", "les", "l", "et", "lez",
          "aux", "au", "a")
_ORDINAL_WORDS = ("premier", "deuxieme", "troisieme", "quatrieme", "cinquieme", "sixieme",
                  "septieme", "huitieme", "neuvieme", "dixieme", "onzieme", "douzieme",
                  "treizieme", "quatorzieme", "quinzieme", "seizieme", "dix septieme",
                  "dix huitieme", "dix neuvieme", "vingtieme")
_WORD_NUMBERS = {**{word: n for n, word in enumerate(_ORDINAL_WORDS, 1)},
                 "premiere": 1, "second": 2, "seconde": 2}
_ORDINAL = re.compile(r"\b(?:(\d{1,2}) ?(?:e|eme|er|ere|re|ieme|em)|("
                      + "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True)) + r"))\b")
_BARE_NUMBER = re.compile(r"\b(\d{1,2})\b")
_ARRONDISSEMENT = re.compile(r"\b(?:arrondissements?|arrondt|arrdt|arr|municipal)\b")
_PAYS = re.compile(r"^(?:pays|petr|pole d equilibre territorial(?: et rural)?)\b\s*")
_LEADING_LINK = re.compile(r"^(?:(?:" + "|".join(_LINKS) + r") )+")
_TRAILING_LINK = re.compile(r"(?: (?:" + "|".join(_LINKS) + r"))+$")
_POSTCODE = re.compile(r"\b(\d{5})\b")


@dataclass(frozen=True)
class Query:
    """A normalized query, and what it says beside the name sought (``rest``)."""

    text: str
    rest: str
    departements: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset()
    postcodes: frozenset[str] = frozenset()
    ordinal: int | None = None
    pays: bool = False
    areas: tuple[str, ...] = field(default=())  # the qualifiers as typed, for messages

    @property
    def narrowed(self) -> bool:
        return bool(self.departements or self.regions or self.postcodes)


@dataclass(frozen=True)
class Places:
    """The names and numbers of départements and régions, normalized, to spot them in a
    query; and the normalized names of the communes that have arrondissements."""

    departements: Mapping[str, str]  # normalized name or number → code
    regions: Mapping[str, str]
    arrondissement_parents: tuple[str, ...]

    def pattern(self) -> re.Pattern[str]:
        names = sorted({*self.departements, *self.regions}, key=len, reverse=True)
        return re.compile(r"\b(?:" + "|".join(re.escape(n) for n in names) + r")\b")


def without_article(name: str) -> str:
    """« la reunion » → « reunion »: the names people also type without their article."""
    return re.sub(r"^(?:la|le|les|l) ", "", name)


def parse(key: str, places: Places, pattern: re.Pattern[str],
          is_name: Callable[[str], bool] = lambda _text: False) -> Query:
    """Split a normalized query into the name sought and its qualifiers: département
    numbers and postal codes anywhere, département and région names at the end, as long as
    what they end is not itself a name (« Béthisy-Saint-Martin », « Villeneuve-sur-Lot »)."""
    pays = bool(_PAYS.match(key))
    rest = _strip_links(_PAYS.sub("", key)) if pays else key
    while pays and _PAYS.match(rest):  # « PETR du Pays Tolosan »
        rest = _strip_links(_PAYS.sub("", rest))
    rest, ordinal = _ordinal(rest, places)
    words = rest.split()
    numbers = [w for w in words if w[:1].isdigit() and (w in places.departements
                                                         or _POSTCODE.fullmatch(w))]
    if len(numbers) == len(words):
        numbers = []
    deps = {places.departements[w] for w in numbers if w in places.departements}
    regions: set[str] = set()
    rest = " ".join(w for w in words if w not in numbers)
    typed = list(numbers)
    while (found := _last(pattern, rest)) is not None and not is_name(rest):
        before = rest[:found.start()].split()
        if not before or before[-1] in _LINKS:
            break
        name = found.group()
        (deps if name in places.departements else regions).add(
            places.departements.get(name) or places.regions[name])
        typed.append(name)
        rest = _TRAILING_LINK.sub("", rest[:found.start()].strip())
    postcodes = frozenset(w for w in numbers if w not in places.departements)
    return Query(key, rest, frozenset(deps), frozenset(regions), postcodes, ordinal, pays,
                 tuple(typed))


def _last(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """The place name that ends ``text``, if one does."""
    ends = [m for m in pattern.finditer(text) if m.end() == len(text)]
    return ends[-1] if ends else None


def _ordinal(key: str, places: Places) -> tuple[str, int | None]:
    """« 13e arrondissement marseille » → (« marseille », 13); « marseille 13 » likewise,
    a bare number being an ordinal only beside Paris, Lyon or Marseille."""
    found = _ORDINAL.search(key)
    if found is None:
        bare = _BARE_NUMBER.search(key)
        rest = _strip_links(_ARRONDISSEMENT.sub("", _BARE_NUMBER.sub("", key, count=1)))
        if bare is None or not rest or not any(rest in p for p in places.arrondissement_parents):
            return key, None
        found = bare
    number = int(found.group(1)) if found.group(1) else _WORD_NUMBERS[found.group(2)]
    if not 1 <= number <= 20:
        return key, None
    rest = key[:found.start()] + " " + key[found.end():]
    return _strip_links(" ".join(_ARRONDISSEMENT.sub("", rest).split())), number


def _strip_links(text: str) -> str:
    text = " ".join(text.split())
    return _TRAILING_LINK.sub("", _LEADING_LINK.sub("", text)).strip()


class Found(NamedTuple):
    """The answers of a lookup that are shown, how many there were, and a note to show
    before them (what a Pays is made of)."""

    matches: list[Match]
    total: int
    note: str = ""

    @property
    def hidden(self) -> int:
        """How many answers the limit left out."""
        return self.total - len(self.matches)


def pays_note(typed: str, *, found: bool) -> str:
    """What a person who searched a Pays or a PETR must know: it is entered as its EPCI."""
    said = " ".join(typed.split())
    then = (f"EPCI dont le nom, ou celui d'une de leurs communes, évoque « {said} » :"
            if found else "Cherchez ses EPCI par leur nom, ou tapez le nom du Pays après "
            "« Pays » (« Pays Tolosan »).")
    return ("Un Pays ou un PETR (pôle d'équilibre territorial et rural) n'est pas un "
            "territoire du Code officiel géographique : il est formé d'intercommunalités "
            "(EPCI). Choisissez le type « plusieurs intercommunalités », ajoutez ses EPCI "
            "un à un, puis donnez au territoire le nom du Pays. " + then)
