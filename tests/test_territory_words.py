"""A territory in the applicant's words: its parts, the proposals staff choose from, the
territory their choice makes, and how the package's cover says it."""

from __future__ import annotations

from typing import Any

import pytest

from ecopole_kit.errors import InvalidRequest
from ecopole_kit.requests.package import Applicant, applicant_config, spoken_territory
from ecopole_kit.requests.territory_text import (
    CHOICES_MAX,
    chosen,
    numbered,
    parts_of,
    proposals,
    territory_of,
)
from ecopole_kit.territory.geography import Geography, load_geography


@pytest.fixture(scope="module")
def geography() -> Geography:
    return load_geography()


@pytest.mark.parametrize(("text", "parts"), [
    ("Paimpont (35), CC Brocéliande Communauté", ["Paimpont (35)", "CC Brocéliande Communauté"]),
    ("Pleumeleuc et Paimpont ; Paimpont", ["Pleumeleuc", "Paimpont"]),
    ("Marseille 13e + Marseille 14e", ["Marseille 13e", "Marseille 14e"]),
    ("  ", []),
])
def test_the_parts_of_a_text(text: str, parts: list[str]) -> None:
    assert parts_of(text) == parts


def test_each_part_gets_its_official_matches(geography: Geography) -> None:
    found = proposals("Paimpont (35), CC Brocéliande Communauté", geography)
    assert [p.part for p in found] == ["Paimpont (35)", "CC Brocéliande Communauté"]
    assert ("commune", "35211") in {(m.kind, m.code) for m in found[0].matches}
    assert ("epci", "243500618") in {(m.kind, m.code) for m in found[1].matches}
    offered = numbered(proposals("Paris, Lyon, Marseille, Lille, Nantes, Rennes", geography))
    assert 0 < len(offered) <= CHOICES_MAX  # one digit each: « 35 » is then a département


def test_numbers_and_codes_make_one_territory(geography: Geography) -> None:
    found = proposals("Paimpont (35), Pleumeleuc", geography)
    first = numbered(found)[0]
    assert territory_of(chosen("1", found, geography)) == {"type": first.kind,
                                                           "codes": [first.code]}
    assert territory_of(chosen("35211, 35227", found, geography)) == {
        "type": "plusieurs-communes", "codes": ["35211", "35227"]}
    assert territory_of(chosen("243500618, 35211", [], geography)) == {
        "type": "epci-et-communes", "codes": ["243500618", "35211"]}
    assert territory_of(chosen("243500618 200034957", [], geography)) == {
        "type": "plusieurs-epci", "codes": ["243500618", "200034957"]}
    assert territory_of(chosen("35", [], geography)) == {"type": "departement", "codes": ["35"]}
    assert territory_of(chosen("2a", [], geography)) == {"type": "departement", "codes": ["2A"]}


@pytest.mark.parametrize(("answer", "said"), [
    ("9", "Choix « 9 » hors de la liste (1 à"),
    ("99999", "Code « 99999 » inconnu"),
    (" , ", "Aucun territoire choisi."),
    ("35211, 35", "Choisissez des communes, des intercommunalités, les deux ensemble"),
    ("35, 56", "ou un seul département"),
])
def test_a_choice_that_cannot_be_made_is_explained(geography: Geography, answer: str,
                                                   said: str) -> None:
    found = proposals("Paimpont (35)", geography)
    with pytest.raises(InvalidRequest) as caught:
        territory_of(chosen(answer, found, geography))
    assert said in caught.value.message


@pytest.mark.parametrize(("territory", "text", "spoken"), [
    ({"type": "commune", "codes": ["97101"]}, None, "Les Abymes"),
    ({"type": "departement", "codes": ["33"]}, None, "la Gironde"),
    ({"type": "departement", "codes": ["974"]}, None, "La Réunion"),
    ({"type": "epci", "codes": ["243500618"]}, "Paimpont (35)", "CC Brocéliande Communauté"),
    ({"type": "commune", "codes": ["35211", "35227"]}, None, "Paimpont et Pleumeleuc"),
    ({"type": "commune", "codes": ["13213"]}, None, "Marseille 13e Arrondissement"),
    (None, "  Paimpont (35),\n CC Brocéliande  ", "Paimpont (35), CC Brocéliande"),
    (None, None, "non précisé"),
])
def test_the_cover_says_the_territory_as_a_reader_would(
        geography: Geography, territory: dict[str, Any] | None, text: str | None,
        spoken: str) -> None:
    applicant = Applicant("Camille Martin", "Jardins", territory, "c@exemple.fr", text)
    said = spoken_territory(applicant_config(applicant, geography), geography, text)
    assert said == spoken
    assert not any(code in said for code in (territory or {}).get("codes", []))
