"""validate says every problem of a project in one run: schema and rules across files, each
once; a code that exists but is not the one of the place named; a place outside the
territory."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecopole_kit.project.scaffold import generate_project
from ecopole_kit.workflows.validate import validate_paths
from tests.conftest import example

# The starter file's own examples, uncommented, with the funders' shares at 90 %.
FUNDERS_90 = """\
paniers_solidaires:
  prix_panier: 16
  tranches:
    - {nom: QF bas, quotient_max: 500, part_payee_pct: 10, part_foyers_pct: 60}
    - {nom: QF haut, part_payee_pct: 30, part_foyers_pct: 40}
  financeurs:
    - {nom: CAF, part_pct: 60}
    - {nom: Commune, part_pct: 30}
micro_fermes:
  - site: Jardin de la résidence
    commune: "62528"
    surface_m2: 1000
    preteur: bailleur social
"""


def _territory(config: dict, tmp_path: Path, **changes: object) -> Path:
    config["territoire"].update(changes)
    return generate_project(config, tmp_path / "projet").path


@pytest.mark.slow
def test_a_date_error_hides_neither_an_unknown_code_nor_a_funders_total(tmp_path: Path) -> None:
    project = _territory(example("pays-tolosan"), tmp_path)
    territory = project / "territoire.yaml"
    text = territory.read_text("utf-8").replace("200034957", "200034975").replace(
        "    places-a-vivres: en projet\n",
        "    places-a-vivres:\n      stade: en projet\n      debut: 2027-13-01\n")
    territory.write_text(text, "utf-8")
    (project / "fonctions" / "accessibilite.yaml").write_text(FUNDERS_90, "utf-8")
    issues = validate_paths([project])
    said = {(Path(i.file).name, i.field): i.message for i in issues}
    assert len(said) == len(issues)  # each problem once
    date_field = "fonctions.accessibilite.places-a-vivres.debut"
    assert "date attendue" in said["territoire.yaml", date_field]
    assert "inconnu « 200034975 »" in said["territoire.yaml", "territoire.codes[0]"]
    assert "90 % au lieu de 100 %" in said["accessibilite.yaml", "paniers_solidaires.financeurs"]
    outside = [i for i in issues if i.field == "micro_fermes[0].commune"]
    assert outside and outside[0].line == 11
    assert "« 62528 » (Loos-en-Gohelle, 62) n'est pas une commune du territoire" \
        in outside[0].message


@pytest.mark.slow
def test_a_schema_error_on_a_code_is_said_once(tmp_path: Path) -> None:
    project = _territory(example("pays-tolosan"), tmp_path)
    territory = project / "territoire.yaml"
    territory.write_text(territory.read_text("utf-8").replace("200034957", "2000349"),
                         "utf-8")
    issues = [i for i in validate_paths([project]) if i.field == "territoire.codes[0]"]
    assert len(issues) == 1 and "SIREN" in issues[0].message


@pytest.mark.parametrize(("nom", "wrong", "right"), [
    ("Corte", "2B069", "2B096"),  # two digits swapped, and still a commune of Haute-Corse
    ("Paimpont", "35221", "35211"),
    ("Audruicq", "62058", "62057"),
])
@pytest.mark.slow
def test_a_name_that_is_not_its_codes_suggests_the_right_code(
        tmp_path: Path, nom: str, wrong: str, right: str) -> None:
    config = example("audruicq")
    project = _territory(config, tmp_path, nom=nom, slug="lieu", type="commune", codes=[right])
    assert validate_paths([project]) == []
    territory = project / "territoire.yaml"
    territory.write_text(territory.read_text("utf-8").replace(right, wrong),
                         "utf-8")
    issues = validate_paths([project])
    assert [i.field for i in issues] == ["territoire.codes[0]"], issues
    assert f"« {wrong} » est celui de" in issues[0].message
    assert f"le code de {nom} est « {right} »" in issues[0].message


@pytest.mark.slow
def test_a_name_of_ones_own_is_not_a_wrong_code(tmp_path: Path) -> None:
    project = _territory(example("audruicq"), tmp_path, nom="Région d'Audruicq")
    assert validate_paths([project]) == []


@pytest.mark.slow
def test_a_commune_of_the_territory_and_its_arrondissements_are_inside(tmp_path: Path) -> None:
    project = _territory(example("audruicq"), tmp_path, nom="Marseille", slug="marseille",
                         type="commune", codes=["13055"])
    farms = "".join(f"  - {{site: {n}, commune: '{c}', surface_m2: 500, preteur: ville}}\n"
                    for n, c in (("A", "13213"), ("B", "13001")))
    farms = "micro_fermes:\n" + farms
    (project / "fonctions" / "accessibilite.yaml").write_text(farms, "utf-8")
    issues = validate_paths([project])
    assert [i.field for i in issues] == ["micro_fermes[1].commune"]
    assert "(Aix-en-Provence, 13) n'est pas une commune du territoire" in issues[0].message


@pytest.mark.slow
def test_an_epci_named_by_its_official_name_but_another_siren(tmp_path: Path) -> None:
    project = _territory(example("audruicq"), tmp_path, nom="CC du Frontonnais",
                         slug="frontonnais", type="epci", codes=["200071314"], article="la")
    issues = validate_paths([project])
    assert [i.field for i in issues] == ["territoire.codes[0]"]
    assert "est celui de CC des Hauts-Tolosans" in issues[0].message
    assert "« 200034957 »" in issues[0].message


@pytest.mark.slow
def test_a_departement_declared_by_the_wrong_number(tmp_path: Path) -> None:
    project = _territory(example("audruicq"), tmp_path, nom="Haute-Corse", slug="hc",
                         type="departement", codes=["2A"], article="la")
    issues = validate_paths([project])
    assert len(issues) == 1 and "le code de Haute-Corse est « 2B »" in issues[0].message
