"""A fiche-action as typed data: built from a fiche that its schema accepted.

The Markdown fields stay text (their authors' Markdown); the rendering marks them trusted.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Source:
    """A public source: its name and, when it has one, the address of the page that says it."""

    titre: str
    url: str | None = None

    @classmethod
    def from_data(cls, data: Mapping[str, str]) -> Source:
        return cls(titre=data["titre"], url=data.get("url"))


@dataclass(frozen=True)
class Actor:
    nom: str
    role: str


# The programmes a fiche can name under « Financements possibles », in the order of the
# funding map's columns; the fiche schema's enum is checked against these keys.
PROGRAMMES = {
    "pat-pna": "PAT et PNA",
    "mieux-manger": "Mieux manger pour tous",
    "leader": "LEADER (FEADER)",
    "fse": "FSE+",
    "avenir-bio": "Fonds Avenir Bio",
    "aide-au-poste": "Aide au poste (IAE)",
    "dla": "DLA",
    "france-active": "France Active",
    "fondations": "Fondations",
    "caf-collectivites": "CAF et collectivités",
}


@dataclass(frozen=True)
class Indicator:
    """An indicator fixed before the action starts: its baseline, target, source and owner."""

    nom: str
    unite: str
    reference: str
    cible: str
    source: str
    responsable: str
    frequence: str | None = None

    @classmethod
    def from_data(cls, data: Mapping[str, str]) -> Indicator:
        return cls(nom=data["nom"], unite=data["unite"], reference=data["reference"],
                   cible=data["cible"], source=data["source"],
                   responsable=data["responsable"], frequence=data.get("frequence"))


@dataclass(frozen=True)
class Funding:
    """A programme that can fund the action, and what one can ask it for."""

    programme: str
    objet: str

    @property
    def label(self) -> str:
        return PROGRAMMES[self.programme]


@dataclass(frozen=True)
class Example:
    """What an existing Ecopôle does, as its source says."""

    ecopole: str
    texte: str
    source: Source


@dataclass(frozen=True)
class Fiche:
    """One fiche-action of the référentiel."""

    id: str
    fonction: str
    titre: str
    resume: str
    objectif: str
    publics: tuple[str, ...]
    etapes: tuple[str, ...]
    acteurs: tuple[Actor, ...]
    moyens: Mapping[str, str]
    indicateurs: tuple[Indicator, ...]
    ecueils: tuple[str, ...]
    prerequis: tuple[str, ...]
    stades: Mapping[str, str]
    sources: tuple[Source, ...]
    financements: tuple[Funding, ...]
    liens: tuple[str, ...] = ()
    exemples: tuple[Example, ...] = ()
    au_territoire: str | None = None

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Fiche:
        return cls(id=data["id"], fonction=data["fonction"], titre=data["titre"],
                   resume=data["resume"], objectif=data["objectif"],
                   publics=tuple(data["publics"]), etapes=tuple(data["etapes"]),
                   ecueils=tuple(data["ecueils"]), prerequis=tuple(data["prerequis"]),
                   liens=tuple(data.get("liens", ())),
                   acteurs=tuple(Actor(a["nom"], a["role"]) for a in data["acteurs"]),
                   moyens=dict(data["moyens"]), stades=dict(data["stades"]),
                   indicateurs=tuple(Indicator.from_data(i) for i in data["indicateurs"]),
                   financements=tuple(Funding(f["programme"], f["objet"])
                                      for f in data["financements"]),
                   sources=tuple(Source.from_data(s) for s in data["sources"]),
                   exemples=tuple(Example(e["ecopole"], e["texte"], Source.from_data(e["source"]))
                                  for e in data.get("exemples", ())),
                   au_territoire=data.get("au_territoire"))

    def as_dict(self) -> dict[str, Any]:
        """The fiche as plain data (lists and mappings), the shape its templates read."""
        return dataclasses.asdict(self)
