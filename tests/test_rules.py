"""Rules across fields and files: valid and invalid examples, each located by file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecopole_kit.project.files import load_project
from ecopole_kit.workflows.validate import validate_paths
from tests.conftest import example, knowledge, made_project

HEADER = "# configuration de test\n"

PRODUCERS = """\
producteurs:
  - id: ferme-du-moulin
    nom: Ferme du Moulin
    commune: "31202"
    productions: [légumes]
    certification_bio: certifiée
"""

VALID = {
    "systeme-alimentaire": PRODUCERS + """\
plan_de_cultures:
  - culture: carotte
    producteur: ferme-du-moulin
    surface_ha: 0.5
    saison: automne
tournees:
  - nom: Tournée du mardi
    jour: mardi
    arrets: ["31202", "31079"]
contrats:
  - partenaire: Collège
    type: collectivité
    debut: 2027-01-04
    fin: 2027-06-30
""",
    "accessibilite": """\
paniers_solidaires:
  prix_panier: 16
  tranches:
    - {nom: QF bas, quotient_max: 500, part_payee_pct: 10, part_foyers_pct: 70}
    - {nom: QF haut, part_payee_pct: 30, part_foyers_pct: 30}
  financeurs:
    - {nom: CAF, part_pct: 62.5}
    - {nom: Commune, part_pct: 37.5}
""",
    "evaluation": """\
indicateurs:
  - nom: Foyers bénéficiaires
    unite: foyers
    cible: 40
    frequence: annuelle
    fiche: paniers-solidaires
""",
}

# (function file, its content, line of the problem, expected message fragment)
INVALID = {
    "parts des financeurs": ("accessibilite", VALID["accessibilite"].replace("37.5", "27.5"),
                             7, "les parts des financeurs font 90 % au lieu de 100 % ; "
                                "ajustez-les (il manque 10 %)"),
    "parts des foyers": ("accessibilite", VALID["accessibilite"].replace("70}", "60}"), 4,
                         "les parts des foyers par tranche font 90 %"),
    "tranches désordonnées": ("accessibilite", VALID["accessibilite"].replace(
        "{nom: QF haut,", "{nom: QF haut, quotient_max: 400,"), 5,
        "du quotient le plus bas au plus haut"),
    "arrêt hors du territoire": ("systeme-alimentaire", VALID["systeme-alimentaire"].replace(
        '"31079"', '"62057"'), 15, "« 62057 » (Audruicq) n'est pas une commune du territoire"),
    "arrêt inconnu": ("systeme-alimentaire", VALID["systeme-alimentaire"].replace(
        '"31079"', '"31960"'), 15, "commune inconnue « 31960 »"),
    "producteur inconnu": ("systeme-alimentaire", VALID["systeme-alimentaire"].replace(
        "producteur: ferme-du-moulin", "producteur: ferme-du-moulins"), 9,
        "producteur inconnu « ferme-du-moulins ». Vouliez-vous dire « ferme-du-moulin » ?"),
    "commune de producteur inconnue": ("systeme-alimentaire", VALID["systeme-alimentaire"]
                                       .replace('commune: "31202"', 'commune: "31999"'), 4,
                                       "commune inconnue « 31999 »"),
    "dates de contrat inversées": ("systeme-alimentaire", VALID["systeme-alimentaire"].replace(
        "fin: 2027-06-30", "fin: 2026-06-30"), 20, "la date de fin (2026-06-30) précède"),
    "fiche inconnue": ("evaluation", VALID["evaluation"].replace(
        "fiche: paniers-solidaires", "fiche: panier-solidaire"), 6,
        "fiche inconnue « panier-solidaire ». Vouliez-vous dire « paniers-solidaires » ?"),
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return made_project("pays-tolosan", tmp_path / "pt")


def _write(project: Path, function_id: str, content: str) -> Path:
    path = project / "fonctions" / f"{function_id}.yaml"
    path.write_text(HEADER + content, "utf-8")
    return path


@pytest.mark.slow
def test_valid_configurations_pass_every_rule(project: Path) -> None:
    for function_id, content in VALID.items():
        _write(project, function_id, content)
    assert validate_paths([project]) == []
    loaded = load_project(project, knowledge())
    assert loaded.functions.accessibilite["paniers_solidaires"]["prix_panier"] == 16


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(INVALID))
def test_each_rule_reports_file_line_and_fix(project: Path, name: str) -> None:
    function_id, content, line, fragment = INVALID[name]
    path = _write(project, function_id, content)
    issues = validate_paths([project])
    assert len(issues) == 1, issues
    assert issues[0].file == str(path)
    assert issues[0].line == line + 1  # the header comment comes first
    assert fragment in issues[0].message


def test_unknown_territory_code_suggests_close_codes(project: Path) -> None:
    territory = project / "territoire.yaml"
    territory.write_text(territory.read_text("utf-8").replace("200034957", "200034975"), "utf-8")
    issues = validate_paths([project])
    assert [i.field for i in issues] == ["territoire.codes[0]"]
    assert issues[0].message.startswith("code d'EPCI inconnu « 200034975 ». Vouliez-vous dire")
    assert "« 200034957 » (CC du Frontonnais)" in issues[0].message


def test_single_territory_file_is_checked_against_official_codes(tmp_path: Path) -> None:
    path = tmp_path / "territoire.yaml"
    config = example("audruicq")
    text = (Path(__file__).parent.parent / "examples" / "audruicq.yaml").read_text("utf-8")
    path.write_text(text.replace(config["territoire"]["codes"][0], "246200845"), "utf-8")
    issues = validate_paths([path])
    assert len(issues) == 1 and "code d'EPCI inconnu « 246200845 »" in issues[0].message


def test_engagement_dates_must_be_ordered(project: Path) -> None:
    territory = project / "territoire.yaml"
    territory.write_text(territory.read_text("utf-8").replace(
        "    places-a-vivres: en projet\n",
        "    places-a-vivres:\n      stade: en projet\n      debut: 2027-05-01\n"
        "      fin: 2027-01-01\n"), "utf-8")
    issues = validate_paths([project])
    assert [i.field for i in issues] == ["fonctions.accessibilite.places-a-vivres.fin"]
    assert "précède la date de début (2027-05-01)" in issues[0].message
