"""A territory as an applicant writes it, and its official codes as staff confirm them.

The form and the mail take the territory as text (« Paimpont (35), CC Brocéliande
Communauté »); the request is always kept with that text. Text made only of official codes
(« 31555, 31056 ») is tied at once when every code is known; otherwise staff tie it while
they review: each part of the text (split at commas, semicolons, « et », « + ») is looked up
in the official geography, staff choose among the matches or type codes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ecopole_kit.errors import InvalidRequest
from ecopole_kit.territory.geography import Geography, Match
from ecopole_kit.territory.kinds import KINDS

TEXT_MAX = 300
PROPOSED_KINDS = ("commune", "epci", "departement")
PARTS_MAX = 6
CHOICES_MAX = 9
_PARTS = re.compile(r"\s*(?:[,;+/\n]|\bet\b)\s*", re.IGNORECASE)
_SEPARATORS = re.compile(r"[,;]")
_CODE = re.compile(r"^(\d{2}|2[AB]|97[1-6]|\d{5}|2[AB]\d{3}|\d{9})$")
_CHOICE = re.compile(r"[\s,;]+")
MIXED = ("Choisissez des communes, des intercommunalités, les deux ensemble, ou un seul "
         "département.")


@dataclass(frozen=True)
class Proposal:
    """One part of the applicant's text and the official territories it may name."""

    part: str
    matches: tuple[Match, ...]


def clipped(text: str) -> str:
    """The text on one line, cut at a word to fit the register (« … » marks a cut)."""
    line = " ".join(text.split())
    if len(line) <= TEXT_MAX:
        return line
    return f"{line[:TEXT_MAX - 2].rsplit(' ', 1)[0]} …"


def coded_territory(text: str, geography: Geography) -> dict[str, Any] | None:
    """Type and codes when the text is only official codes, all known; else None."""
    codes: list[str] = []
    for part in _SEPARATORS.split(text.upper()):
        joined = "".join(part.split())  # « 200 034 957 » is one SIREN
        codes.extend([joined] if _CODE.match(joined) else part.split())
    kind = _kind_of(codes)
    if not codes or kind is None or not all(_CODE.match(code) for code in codes):
        return None
    codes = list(dict.fromkeys(codes))
    if geography.resolve(kind, codes).unknown:
        return None
    return {"type": kind, "codes": codes}


def _kind_of(codes: list[str]) -> str | None:
    if codes and all(len(code) == 5 for code in codes):
        return "commune"
    if codes and all(len(code) == 9 and code.isdigit() for code in codes):
        return "epci" if len(codes) == 1 else "plusieurs-epci"
    if codes and all(len(code) in (2, 3) for code in codes):
        return "departement"
    return None


def parts_of(text: str) -> list[str]:
    """The names a text holds, in order (at most six), duplicates removed."""
    parts = [part.strip(" .-") for part in _PARTS.split(text)]
    return list(dict.fromkeys(part for part in parts if len(part) > 1))[:PARTS_MAX]


def proposals(text: str, geography: Geography) -> list[Proposal]:
    """For each part of the text, the official territories it may name, best first (fewer
    for each when the text names several)."""
    parts = parts_of(text)
    limit = max(1, min(5, CHOICES_MAX // max(1, len(parts))))
    return [Proposal(part, tuple(geography.lookup(part, kinds=PROPOSED_KINDS, limit=limit)))
            for part in parts]


def numbered(found: Sequence[Proposal]) -> list[Match]:
    """Every match once, in the order staff see them, numbered 1 to 9 at most: one digit is
    a number of the list, anything longer a code (a département is « 01 », « 2A »)."""
    seen: dict[tuple[str, str], Match] = {}
    for proposal in found:
        for match in proposal.matches:
            seen.setdefault((match.kind, match.code), match)
    return list(seen.values())[:CHOICES_MAX]


def chosen(answer: str, found: Sequence[Proposal], geography: Geography) -> list[Match]:
    """The matches staff chose: numbers of the proposals and official codes, mixed."""
    offered, picked = numbered(found), []
    for token in (t for t in _CHOICE.split(answer.strip().upper()) if t):
        if token.isdigit() and len(token) == 1:
            index = int(token)
            if not 1 <= index <= len(offered):
                raise InvalidRequest(f"Choix « {token} » hors de la liste (1 à {len(offered)}).")
            picked.append(offered[index - 1])
        else:
            picked.append(_by_code(token, geography))
    if not picked:
        raise InvalidRequest("Aucun territoire choisi.")
    return list({(m.kind, m.code): m for m in picked}.values())


def _by_code(code: str, geography: Geography) -> Match:
    exact = [m for m in geography.lookup(code, kinds=PROPOSED_KINDS, limit=10) if m.code == code]
    if not exact:
        raise InvalidRequest(f"Code « {code} » inconnu : code INSEE de commune, SIREN "
                             "d'intercommunalité ou numéro de département attendu.")
    return exact[0]


def territory_of(matches: Sequence[Match]) -> dict[str, Any]:
    """The request's territory (type and codes) made of the chosen matches."""
    records = {match.kind for match in matches}
    codes = [match.code for match in matches]
    fitting = [kind for kind in KINDS.values()
               if records <= set(kind.record_kinds) and kind.several == (len(codes) > 1)]
    if not fitting:
        raise InvalidRequest(MIXED)
    # The narrowest kind: several EPCI are « plusieurs-epci », not « epci-et-communes ».
    kind = min(fitting, key=lambda k: len(k.record_kinds))
    return {"type": kind.id, "codes": codes}


def in_words(territory: Mapping[str, Any], geography: Geography) -> str:
    """« Paimpont (commune, 35211) », as staff read it in a history or a message."""
    kind = KINDS[str(territory["type"])]
    codes = [str(code) for code in territory["codes"]]
    return f"{geography.resolve(kind.id, codes).nom} ({kind.label}, {', '.join(codes)})"
