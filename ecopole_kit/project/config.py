"""A project's configuration as typed objects, built from schema-valid data.

``TerritoryConfig.from_data`` expects data that the territory schema accepted: the schema
checks shapes and values, these classes give the core names and types instead of string keys.
The function configurations stay mappings inside (four schemas, many optional blocks), held
by ``FunctionConfigs`` under one typed attribute per function.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from ecopole_kit.referentiel.functions import FUNCTION_IDS

Engagements = Mapping[str, Mapping[str, Any]]  # function → fiche id → stage or block


@dataclass(frozen=True)
class Territory:
    """The territory: its name, its slug, its kind and its official codes.

    A project always has a kind and codes; an applicant's copy may have neither (the
    territory « non précisé »).
    """

    nom: str
    slug: str
    type: str | None = None
    codes: tuple[str, ...] = ()
    article: str | None = None  # « le », « la », « les », « l' », « aucun »; None: derived


@dataclass(frozen=True)
class Lead:
    """The organisation that carries the project, and its partners."""

    nom: str
    partenaires: tuple[str, ...] = ()


@dataclass(frozen=True)
class Contact:
    nom: str
    courriel: str


@dataclass(frozen=True)
class Context:
    """What the project lead says of the territory (never invented by the kit)."""

    milieu: str | None
    menages: int | None = None
    menages_source: str | None = None
    atouts: tuple[str, ...] = ()
    presentation: str | None = None
    sau_ha: float | None = None
    sau_source: str | None = None
    sau_annee: int | None = None
    particularites: tuple[str, ...] = ()  # littoral, montagne, insulaire

    @classmethod
    def from_data(cls, context: Mapping[str, Any]) -> Context:
        """« autre » among the assets stands for the ones written in ``atouts_autres``."""
        assets = [a for a in context.get("atouts", ()) if a != "autre"]
        assets += [a for a in context.get("atouts_autres", ()) if a not in assets]
        return cls(context.get("milieu"), context.get("menages"), context.get("menages_source"),
                   tuple(assets), context.get("presentation"),
                   context.get("sau_ha"), context.get("sau_source"), context.get("sau_annee"),
                   tuple(context.get("particularites", ())))


@dataclass(frozen=True)
class RequestChannel:
    """Where applicants send their requests: an address, an online form."""

    courriel: str | None = None
    formulaire: str | None = None


@dataclass(frozen=True)
class TerritoryConfig:
    """territoire.yaml, typed; ``data`` keeps the validated mapping it was built from."""

    territoire: Territory
    portage: Lead
    contact: Contact
    contexte: Context
    demandes: RequestChannel
    fonctions: Engagements
    data: Mapping[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> TerritoryConfig:
        territory, lead, context = data["territoire"], data["portage"], data["contexte"]
        return cls(
            territoire=Territory(territory["nom"], territory["slug"], territory.get("type"),
                                 tuple(territory.get("codes", ())), territory.get("article")),
            portage=Lead(lead["nom"], tuple(lead.get("partenaires", ()))),
            contact=Contact(data["contact"]["nom"], data["contact"]["courriel"]),
            contexte=Context.from_data(context),
            demandes=RequestChannel(**data.get("demandes", {})),
            fonctions=MappingProxyType(dict(data.get("fonctions", {}))),
            data=data,
        )

    def stages_of(self, function_id: str) -> Mapping[str, Any]:
        """The actions engaged in one function: fiche id → stage (or dated block)."""
        return self.fonctions.get(function_id, {})


@dataclass(frozen=True)
class FunctionConfigs:
    """fonctions/*.yaml: one validated configuration per function (empty when not filled)."""

    systeme_alimentaire: Mapping[str, Any]
    accessibilite: Mapping[str, Any]
    emploi: Mapping[str, Any]
    evaluation: Mapping[str, Any]

    @classmethod
    def from_data(cls, data: Mapping[str, Mapping[str, Any]]) -> FunctionConfigs:
        return cls(**{fid.replace("-", "_"): data.get(fid) or {} for fid in FUNCTION_IDS})

    def of(self, function_id: str) -> Mapping[str, Any]:
        """The configuration of the function ``function_id`` (« systeme-alimentaire » …)."""
        found: Mapping[str, Any] = getattr(self, function_id.replace("-", "_"))
        return found
