"""A request as the register holds it, and how one is read back from its rows.

A damaged row (a field that no longer decodes) is read with what can be read and named in
``endommage``, so one bad row never makes the whole register unreadable.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True)
class Event:
    """One step of a request's history: the status it reached, who, when (UTC) and why."""

    status: str
    by: str
    at: str
    reason: str | None


@dataclass(frozen=True)
class Shipment:
    """The files sent for a request, by whom and when (UTC): stored as an event with files."""

    files: tuple[str, ...]
    by: str
    at: str


@dataclass(frozen=True)
class Request:
    """A request as recorded; personal fields are None once erased (``anonymise``).

    ``territoire``: official type and codes (given, or tied by staff at review);
    ``territoire_texte``: the territory in the applicant's own words."""

    id: int
    nom: str | None
    organisation: str | None
    courriel: str | None
    territoire: dict[str, Any] | None
    territoire_texte: str | None
    motivation: str | None
    consentement: bool
    recue_le: str
    source: str
    statut: str
    events: tuple[Event, ...]
    envois: tuple[Shipment, ...]
    anonymise: bool
    endommage: tuple[str, ...] = ()  # fields that could not be read back

    def as_dict(self) -> dict[str, Any]:
        """The request as JSON-ready data, with French keys (export, right of access)."""
        data = {f.name: getattr(self, f.name) for f in fields(self)
                if f.name not in ("events", "envois", "endommage")}
        if self.endommage:
            data["endommage"] = list(self.endommage)
        return {**data, "evenements": [{"statut": e.status, "par": e.by, "le": e.at,
                                        "motif": e.reason} for e in self.events],
                "envois": [{"fichiers": list(s.files), "par": s.by, "le": s.at}
                           for s in self.envois]}


def request_from_rows(row: Any, history: list[Any]) -> Request:
    """A request from its row and its events; what does not decode is named, not fatal."""
    damaged: list[str] = []
    events = tuple(Event(e["statut"], e["actor"], e["at"], e["reason"]) for e in history)
    envois = tuple(Shipment(tuple(_decoded(e["files"], [], "envois", damaged)), e["actor"],
                            e["at"]) for e in history if e["files"] is not None)
    texts = ("id", "nom", "organisation", "courriel", "territoire_texte", "motivation",
             "recue_le", "source", "statut")
    territory = _decoded(row["territoire"], None, "territoire", damaged)
    if territory is not None and not isinstance(territory, dict):
        territory = None
        damaged.append("territoire")
    return Request(**{name: row[name] for name in texts}, events=events, envois=envois,
                   territoire=territory,
                   consentement=bool(row["consentement"]), anonymise=bool(row["anonymise"]),
                   endommage=tuple(dict.fromkeys(damaged)))


def _decoded(text: str | None, empty: Any, name: str, damaged: list[str]) -> Any:
    if not text:
        return empty
    try:
        return json.loads(text)
    except (ValueError, TypeError):
        damaged.append(name)
        return empty
