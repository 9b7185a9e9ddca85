"""Function configurations rendered in the site: tables, basket grid, roadmap chart, calendar."""

from __future__ import annotations

from pathlib import Path

import pytest
from icalendar import Calendar

from ecopole_kit.project.scaffold import generate_project
from ecopole_kit.workflows.build import build_site
from tests.conftest import example
from tests.test_rules import VALID
from tests.test_site import _main_text

pytestmark = pytest.mark.slow

BASKETS = """\
paniers_solidaires:
  prix_panier: 16
  foyers: 40
  semaines_par_an: 45
  tranches:
    - {nom: QF jusqu'à 500 €, quotient_max: 500, part_payee_pct: 10, part_foyers_pct: 60}
    - {nom: QF au-delà, part_payee_pct: 30, part_foyers_pct: 40}
  financeurs:
    - {nom: CAF, part_pct: 60}
    - {nom: Commune de Fronton, part_pct: 40}
micro_fermes:
  - {site: Jardin des Pins, commune: "31202", surface_m2: 1000, preteur: bailleur social}
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = generate_project(example("pays-tolosan"),
                               tmp_path_factory.mktemp("f") / "pt").path
    functions = project / "fonctions"
    (functions / "accessibilite.yaml").write_text(BASKETS, "utf-8")
    (functions / "systeme-alimentaire.yaml").write_text(VALID["systeme-alimentaire"], "utf-8")
    (functions / "evaluation.yaml").write_text(VALID["evaluation"].replace(
        "    cible: 40", "    reference: 12\n    cible: 40"), "utf-8")
    territory = project / "territoire.yaml"
    territory.write_text(territory.read_text("utf-8").replace(
        "    livraison-mutualisee: en projet\n",
        "    livraison-mutualisee:\n      stade: en projet\n      debut: 2027-03-01\n"
        "      fin: 2027-09-30\n      responsable: Camille\n"), "utf-8")
    return build_site(project).site_dir


def test_basket_grid_shows_what_each_household_pays(site: Path) -> None:
    text = _main_text(site / "accessibilite" / "index.html")
    assert "Paniers solidaires\u00a0: qui paie quoi" in text
    # the space a person typed before « € » is made no-break, like the kit's own
    row = "QF jusqu'à 500\u00a0€ | 500\u00a0€ | 10\u00a0% | 1,60\u00a0€ | 60\u00a0%"
    assert row in _cells(site)
    assert "4,80\u00a0€" in text  # 30 % of 16 €
    assert "Commune de Fronton" in text
    assert "Jardin des Pins" in text and "Fronton (31202)" in text


def _cells(site: Path) -> str:
    """The basket table's first data row, cells joined with " | "."""
    html = (site / "accessibilite" / "index.html").read_text("utf-8")
    row = html[html.index("<td>QF jusqu"):]
    row = row[:row.index("</tr>")]
    cells = [c.split("</td>")[0] for c in row.split("<td>")[1:]]
    return " | ".join(c.replace("<strong>", "").replace("</strong>", "").replace("&#x27;", "'")
                      .replace("&#39;", "'").replace("’", "'") for c in cells)


def test_diagnostic_computes_the_basket_scenario(site: Path) -> None:
    text = _main_text(site / "diagnostic.html")
    assert "Paniers solidaires\u00a0: scénario du territoire" in text
    assert "1\u202f800" in text  # 40 households × 45 weeks
    assert (site / "assets" / "diagnostic" / "paniers.svg").is_file()


def test_producers_crop_plan_rounds_and_contracts(site: Path) -> None:
    text = _main_text(site / "systeme-alimentaire" / "index.html")
    assert "Ferme du Moulin" in text
    assert "Fronton (31202) → Bouloc (31079)" in text
    assert "du 2027-01-04 au 2027-06-30" in text


def test_indicators_with_baseline_target_and_fiche_link(site: Path) -> None:
    page = site / "evaluation" / "index.html"
    text = _main_text(page)
    assert "Foyers bénéficiaires foyers 12 40 annuelle — Développer les paniers solidaires" \
        in text
    assert 'href="../accessibilite/paniers-solidaires.html"' in page.read_text("utf-8")


def test_roadmap_chart_and_calendar(site: Path) -> None:
    text = _main_text(site / "feuille-de-route.html")
    assert "1er mars 2027" in text and "30 septembre 2027" in text and "Camille" in text
    svg = (site / "assets" / "feuille-de-route.svg").read_text("utf-8")
    assert "<svg" in svg and "<script" not in svg
    calendar = Calendar.from_ical((site / "feuille-de-route.ics").read_bytes())
    events = [e for e in calendar.walk("VEVENT") if "livraison-mutualisee" in str(e["uid"])]
    assert len(events) == 1
    assert str(events[0]["summary"]).startswith("Organiser un service de livraison mutualisé")
    assert events[0]["dtstart"].dt.isoformat() == "2027-03-01"
    assert events[0]["dtend"].dt.isoformat() == "2027-10-01"  # all-day events end the day after


def test_empty_function_invites_to_fill_its_file(tmp_path: Path) -> None:
    project = generate_project(example("gohelle"), tmp_path / "g").path
    site = build_site(project).site_dir
    text = _main_text(site / "emploi" / "index.html")
    assert "La structure porteuse n'a pas encore décrit comment cette fonction s'organise" in text
    assert "fonctions/emploi.yaml" not in text and "ecopole-kit" not in text


def test_editing_a_function_file_and_rebuilding_changes_the_page(tmp_path: Path) -> None:
    project = generate_project(example("pays-tolosan"), tmp_path / "g").path
    accessibility = project / "fonctions" / "accessibilite.yaml"
    accessibility.write_text(BASKETS, "utf-8")
    first = _main_text(build_site(project).site_dir / "accessibilite" / "index.html")
    assert "1,60\u00a0€" in first
    accessibility.write_text(BASKETS.replace("part_payee_pct: 10", "part_payee_pct: 20"), "utf-8")
    second = _main_text(build_site(project).site_dir / "accessibilite" / "index.html")
    assert "3,20\u00a0€" in second and "1,60\u00a0€" not in second
