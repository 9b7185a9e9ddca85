"""The territory's engaged actions with their stage and dates, and their iCalendar export."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from ecopole_kit.project.config import Territory
from ecopole_kit.referentiel.content import STAGES, Referentiel


@dataclass(frozen=True)
class Engagement:
    """One action a territory engages: which fiche, at what stage, from when to when."""

    fiche_id: str
    function_id: str
    stage: str
    start: date | None = None
    end: date | None = None
    lead: str | None = None


def engagements(fonctions: Mapping[str, Mapping[str, Any]]) -> list[Engagement]:
    """Every engaged action of a territory configuration, most mature first."""
    found = []
    for function_id, actions in fonctions.items():
        for fiche_id, value in actions.items():
            found.append(_engagement(function_id, fiche_id, value))
    return sorted(found, key=lambda e: (STAGES.index(e.stage), e.start or date.max))


def _engagement(function_id: str, fiche_id: str, value: Any) -> Engagement:
    if isinstance(value, str):
        return Engagement(fiche_id, function_id, value)
    return Engagement(fiche_id, function_id, value["stade"], _date(value.get("debut")),
                      _date(value.get("fin")), value.get("responsable"))


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def stage_of(value: Any) -> str:
    """The stage of an engagement value (a stage, or a block with « stade »)."""
    return value if isinstance(value, str) else str(value["stade"])


UID_DOMAIN = "ecopole-kit.reseau-cocagne.example"  # fixed: a UID names its maker


def event_uid(territory_slug: str, fiche_id: str) -> str:
    """An event's UID, unique per territory and action, stable from one build to the next
    (a calendar that imports it again updates the event instead of doubling it)."""
    return f"{territory_slug}.{fiche_id}@{UID_DOMAIN}"


def calendar(territory: Territory, items: list[Engagement], referentiel: Referentiel) -> bytes:
    """An iCalendar file with one all-day event per dated action (start to end)."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//ecopole-kit//feuille de route//FR")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"Feuille de route — {territory.nom}")
    for item in items:
        if item.start is None:
            continue
        fiche = referentiel.fiches[item.fiche_id]
        event = Event()
        event.add("uid", event_uid(territory.slug, item.fiche_id))
        event.add("summary", f"{fiche.titre} ({item.stage})")
        event.add("dtstart", item.start)
        event.add("dtend", (item.end or item.start) + timedelta(days=1))
        event.add("dtstamp", datetime.combine(item.start, time(0), tzinfo=timezone.utc))
        event.add("description", _description(item))
        cal.add_component(event)
    data: bytes = cal.to_ical()
    return data


def _description(item: Engagement) -> str:
    lead = f" Responsable : {item.lead}." if item.lead else ""
    return f"Action du référentiel Ecopôle alimentaire, stade « {item.stage} ».{lead}"
