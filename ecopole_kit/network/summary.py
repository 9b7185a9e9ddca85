"""A site's summary, ``site/ecopole.json``: what the network's dashboard shows of the site
(codes, communes, population, the stage of each action, the indicators, the versions, the
build date). Written by every site build, read back against ``schemas/ecopole.schema.json``
as data from elsewhere: a site known only by its address hands its summary in by hand.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ecopole_kit.errors import InvalidDocuments
from ecopole_kit.foundation.documents import Document, read_text
from ecopole_kit.models import Issue
from ecopole_kit.project.config import FunctionConfigs, TerritoryConfig
from ecopole_kit.referentiel.functions import FUNCTION_IDS
from ecopole_kit.territory.geography import ResolvedTerritory

SUMMARY_SCHEMA = "ecopole"
SUMMARY_FORMAT = 1


@dataclass(frozen=True)
class Action:
    fonction: str
    fiche: str
    stade: str


@dataclass(frozen=True)
class Indicator:
    nom: str
    unite: str
    reference: float | None = None
    cible: float | None = None


@dataclass(frozen=True)
class SiteSummary:
    """One site as the dashboard sees it; ``data`` is the validated JSON."""

    nom: str
    slug: str
    codes: tuple[str, ...]
    communes: tuple[str, ...]
    population: int | None
    portage: str
    actions: tuple[Action, ...]
    indicateurs: tuple[Indicator, ...]
    version_kit: str
    version_referentiel: str
    construit_avec: str
    construit_le: str

    def stage_of(self, fiche: str) -> str | None:
        return next((a.stade for a in self.actions if a.fiche == fiche), None)

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> SiteSummary:
        territory, versions = data["territoire"], data["versions"]
        return cls(
            nom=territory["nom"], slug=territory["slug"], codes=tuple(territory["codes"]),
            communes=tuple(territory["communes"]), population=territory.get("population"),
            portage=data["portage"],
            actions=tuple(Action(**a) for a in data["actions"]),
            indicateurs=tuple(Indicator(i["nom"], i["unite"], i.get("reference"), i.get("cible"))
                              for i in data["indicateurs"]),
            version_kit=versions["kit"], version_referentiel=versions["referentiel"],
            construit_avec=versions["construit_avec"], construit_le=data["construit_le"])


def summary_data(config: TerritoryConfig, functions: FunctionConfigs,
                 resolved: ResolvedTerritory | None, *, kit: str, referentiel: str,
                 built_with: str, now: datetime | None = None) -> dict[str, Any]:
    """The summary of a validated project, as the JSON mapping ``ecopole.json`` holds."""
    territory = config.territoire
    return {
        "format": SUMMARY_FORMAT,
        "territoire": {"nom": territory.nom, "slug": territory.slug,
                       **({"type": territory.type} if territory.type else {}),
                       "codes": list(territory.codes),
                       "communes": [c.code for c in resolved.communes] if resolved else [],
                       "population": resolved.population if resolved else None},
        "portage": config.portage.nom,
        "actions": [{"fonction": fid, "fiche": fiche, "stade": _stage(value)}
                    for fid in FUNCTION_IDS for fiche, value in config.stages_of(fid).items()],
        "indicateurs": [_indicator(i) for i in functions.evaluation.get("indicateurs", ())],
        "versions": {"kit": kit, "referentiel": referentiel, "construit_avec": built_with},
        "construit_le": (now or datetime.now(timezone.utc)).isoformat(timespec="seconds"),
    }


def _stage(value: Any) -> str:
    return str(value["stade"] if isinstance(value, Mapping) else value)


def _indicator(indicator: Mapping[str, Any]) -> dict[str, Any]:
    kept = ("nom", "unite", "reference", "cible", "fiche")
    return {key: indicator[key] for key in kept if key in indicator}


def summary_json(data: Mapping[str, Any]) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def read_summary(path: Path, display: str) -> SiteSummary:
    """A summary read and checked against its schema, or every problem, in French."""
    text = read_text(path, display)
    try:
        data = json.loads(text)
    except ValueError as error:
        line = getattr(error, "lineno", None)
        raise InvalidDocuments(issues=[Issue(display, line, (), "JSON illisible ; "
                                             "reconstruisez le site pour le réécrire.")]) from None
    from ecopole_kit.foundation.validation import validate_document  # reading only

    issues = validate_document(Document(display, data, None), SUMMARY_SCHEMA)
    if issues:
        raise InvalidDocuments(issues=issues)
    return SiteSummary.from_data(data)
