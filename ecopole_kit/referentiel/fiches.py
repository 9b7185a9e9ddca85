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


@dataclass(frozen=True)
class Indicator:
    nom: str
    unite: str
    frequence: str | None = None


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
                   indicateurs=tuple(Indicator(i["nom"], i["unite"], i.get("frequence"))
                                     for i in data["indicateurs"]),
                   sources=tuple(Source.from_data(s) for s in data["sources"]),
                   exemples=tuple(Example(e["ecopole"], e["texte"], Source.from_data(e["source"]))
                                  for e in data.get("exemples", ())),
                   au_territoire=data.get("au_territoire"))

    def as_dict(self) -> dict[str, Any]:
        """The fiche as plain data (lists and mappings), the shape its templates read."""
        return dataclasses.asdict(self)
