"""The kinds of territory an Ecopôle covers, and how each is named: the one source.

The territory schema's ``territoire.type`` enum, the intake form's choices, the pages'
wording, the rules' messages and the lookup all read this table (a test checks the schema).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TerritoryKind:
    """One kind: its identifier and the French words that go with it."""

    id: str
    label: str  # as a page names it: « intercommunalité »
    choice: str  # as a form offers it: « Une intercommunalité (EPCI) »
    sentence: str  # as a sentence introduces it: « une intercommunalité »
    code_label: str  # « code d'EPCI »
    searches: str  # the kind of official record its codes name (for lookup)
    several: bool = False  # made of several records of that kind


KINDS: dict[str, TerritoryKind] = {kind.id: kind for kind in (
    TerritoryKind("commune", "commune", "Une commune", "une commune", "code de commune",
                  "commune"),
    TerritoryKind("epci", "intercommunalité", "Une intercommunalité (EPCI)",
                  "une intercommunalité", "code d'EPCI", "epci"),
    TerritoryKind("plusieurs-epci", "plusieurs intercommunalités",
                  "Plusieurs intercommunalités", "un territoire de plusieurs intercommunalités",
                  "code d'EPCI", "epci", several=True),
    TerritoryKind("departement", "département", "Un département", "un département",
                  "code de département", "departement"),
)}
TERRITORY_KINDS = tuple(KINDS)
LOOKUP_KINDS = ("commune", "epci", "departement", "region")


def kind_of(kind_id: str) -> TerritoryKind:
    """The kind named ``kind_id`` (a schema-valid configuration always names a known one)."""
    return KINDS[kind_id]
