"""The territory's engaged actions with their stage and dates, and their iCalendar export."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

from ecopole_kit.foundation import cache
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
    """An iCalendar file with one all-day event per dated action (start to end); made once
    per content (its events, this module and icalendar's version), then read back from the
    kit's cache: icalendar takes longer to import than the whole file takes to write."""
    events = tuple((event_uid(territory.slug, item.fiche_id),
                    f"{referentiel.fiches[item.fiche_id].titre} ({item.stage})",
                    item.start.isoformat(), (item.end or item.start).isoformat(),
                    _description(item)) for item in items if item.start is not None)
    name = f"Feuille de route — {territory.nom}"
    key = repr((name, events)).encode()
    made: bytes = cache.decoded("calendriers", key, lambda _: _ical(name, events),
                                form=Path(__file__).read_bytes() + _icalendar_version())
    return made


def _ical(name: str, events: tuple[tuple[str, str, str, str, str], ...]) -> bytes:
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//ecopole-kit//feuille de route//FR")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    for uid, summary, start, end, description in events:
        first = date.fromisoformat(start)
        event = Event()
        event.add("uid", uid)
        event.add("summary", summary)
        event.add("dtstart", first)
        event.add("dtend", date.fromisoformat(end) + timedelta(days=1))
        event.add("dtstamp", datetime.combine(first, time(0), tzinfo=timezone.utc))
        event.add("description", description)
        cal.add_component(event)
    data: bytes = cal.to_ical()
    return data


def _icalendar_version() -> bytes:
    try:
        return metadata.version("icalendar").encode()
    except metadata.PackageNotFoundError:  # run from a source tree without its metadata
        return b"?"


def _description(item: Engagement) -> str:
    lead = f" Responsable : {item.lead}." if item.lead else ""
    return f"Action du référentiel Ecopôle alimentaire, stade « {item.stage} ».{lead}"
