"""The kinds of territory an Ecopôle covers, and how each is named: the one source.

The territory schema's ``territoire.type`` enum, the intake form's choices, the pages'
wording, the rules' messages and the lookup all read this table (a test checks the schema).
"""

from __future__ import annotations

from typing import NamedTuple


class TerritoryKind(NamedTuple):  # not a dataclass: « --help » reads LOOKUP_KINDS, cheaply
    """One kind: its identifier and the French words that go with it."""

    id: str
    label: str  # as a page names it: « intercommunalité »
    choice: str  # as a form offers it: « Une intercommunalité (EPCI) »
    sentence: str  # as a sentence introduces it: « une intercommunalité »
    code_label: str  # « code d'EPCI »
    searches: str  # the kind of official record its codes name (for lookup)
    several: bool = False  # made of several records
    also: tuple[str, ...] = ()  # other kinds of record its codes may name (EPCI + communes)

    @property
    def record_kinds(self) -> tuple[str, ...]:
        """Every kind of official record a code of this territory may name."""
        return (self.searches, *self.also)


KINDS: dict[str, TerritoryKind] = {kind.id: kind for kind in (
    TerritoryKind("commune", "commune", "Une commune (ou un arrondissement municipal)",
                  "une commune", "code de commune", "commune"),
    TerritoryKind("plusieurs-communes", "plusieurs communes",
                  "Plusieurs communes ou arrondissements municipaux",
                  "un territoire de plusieurs communes", "code de commune", "commune",
                  several=True),
    TerritoryKind("epci", "intercommunalité", "Une intercommunalité (EPCI)",
                  "une intercommunalité", "code d'EPCI", "epci"),
    TerritoryKind("plusieurs-epci", "plusieurs intercommunalités",
                  "Plusieurs intercommunalités (un Pays, un PETR)",
                  "un territoire de plusieurs intercommunalités", "code d'EPCI", "epci",
                  several=True),
    TerritoryKind("epci-et-communes", "intercommunalités et communes",
                  "Des intercommunalités et des communes",
                  "un territoire d'intercommunalités et de communes",
                  "code d'EPCI ou de commune", "epci", several=True, also=("commune",)),
    TerritoryKind("departement", "département", "Un département", "un département",
                  "code de département", "departement"),
)}
TERRITORY_KINDS = tuple(KINDS)
LOOKUP_KINDS = ("commune", "epci", "departement", "region")
RECORD_LABELS = {"commune": "commune", "epci": "intercommunalité (EPCI)",
                 "departement": "département", "region": "région"}


def kind_of(kind_id: str) -> TerritoryKind:
    """The kind named ``kind_id`` (a schema-valid configuration always names a known one)."""
    return KINDS[kind_id]


def described(kind_id: str, parent: str | None, count: int) -> tuple[str, str]:
    """What a territory is, as a page names it and as a sentence introduces it: its kind's
    words, or, for arrondissements of one commune (``parent``: its name), theirs
    (« un arrondissement municipal de Marseille », « un territoire de 4 arrondissements
    municipaux de Marseille »)."""
    from ecopole_kit.foundation.french import counted, with_preposition  # not for --help

    kind = KINDS[kind_id]
    if parent is None:
        return kind.label, kind.sentence
    of_parent = with_preposition(parent, None, "de")
    if count == 1:
        return "arrondissement municipal", f"un arrondissement municipal {of_parent}"
    many = counted(count, "arrondissement municipal", "arrondissements municipaux")
    return "arrondissements municipaux", f"un territoire de {many} {of_parent}"
