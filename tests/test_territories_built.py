"""Four territories a new user tried, found as they name them and built end to end (mkdocs):
Corte, the CIVIS (La Réunion), the Pays de Brocéliande and Marseille's 13th arrondissement;
and the two kinds made of several records."""

from __future__ import annotations

import copy
import html
import re
from pathlib import Path

import pytest
import yaml

from tests.conftest import example, geography

pytestmark = pytest.mark.slow

CASES = {
    # slug: (what the user typed, kinds searched, type, extra codes, nom, article, said)
    "corte": ("Corte Haute-Corse", "commune", [], "Corte", "aucun", "à Corte"),
    "civis": ("CIVIS La Réunion", "epci", [], "CIVIS", "la", "à la CIVIS"),
    "pays-de-broceliande": ("Pays de Brocéliande", "plusieurs-epci",
                            ["243500550", "200038990"], "Pays de Brocéliande", "le",
                            "au Pays de Brocéliande"),
    "marseille-13": ("13ème arrondissement Marseille", "commune", [],
                     "Marseille 13e Arrondissement", "aucun", "à Marseille 13e Arrondissement"),
    "marseille-nord": ("treizième arrondissement de Marseille", "plusieurs-communes",
                       ["13214", "13215", "13216"], "Marseille Nord", "aucun",
                       "à Marseille Nord"),
    "broceliande-et-acigne": ("Brocéliande Ille-et-Vilaine", "epci-et-communes", ["35001"],
                             "Brocéliande et Acigné", "aucun", "à Brocéliande et Acigné"),
}


def _answers(slug: str) -> dict:
    typed, kind, extra, nom, article, _ = CASES[slug]
    from ecopole_kit.project.questions import SEARCH_KINDS

    first = geography().lookup(typed, kinds=SEARCH_KINDS[kind])[0].code
    config = copy.deepcopy(example("gohelle"))
    config["territoire"] = {"nom": nom, "article": article, "slug": slug, "type": kind,
                            "codes": [first, *extra]}
    return config


@pytest.mark.parametrize("slug", sorted(CASES))
def test_a_territory_named_as_people_do_is_built(run_cli, tmp_path: Path, slug: str) -> None:
    config = _answers(slug)
    answers = tmp_path / "reponses.yaml"
    answers.write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
    created = run_cli("new", slug, "--answers", str(answers), "--no-input")
    assert created.exit_code == 0, created.output
    assert run_cli("validate", slug).exit_code == 0
    built = run_cli("build", slug)
    assert built.exit_code == 0, built.stderr
    site = tmp_path / slug / "site"
    resolved = geography().resolve(config["territoire"]["type"], config["territoire"]["codes"])
    page = _text(site / "territoire.html")
    assert f"{resolved.population:,}".replace(",", "\u202f") in page
    assert CASES[slug][5] in _text(site / "index.html").replace("\u00a0", " ")
    assert "Diagnostic" in _text(site / "diagnostic.html")


def test_the_arrondissements_and_the_mixed_territory_say_what_they_are(
        run_cli, tmp_path: Path) -> None:
    for slug, said in (("marseille-nord", "est un territoire de 4\u00a0arrondissements "
                        "municipaux de Marseille"),
                       ("broceliande-et-acigne", "est un territoire d’intercommunalités et de "
                        "communes")):
        answers = tmp_path / f"{slug}.yaml"
        answers.write_text(yaml.safe_dump(_answers(slug), allow_unicode=True), "utf-8")
        assert run_cli("new", slug, "--answers", str(answers), "--no-input").exit_code == 0
        assert run_cli("build", slug).exit_code == 0
        assert said in _text(tmp_path / slug / "site" / "territoire.html")


def _text(path: Path) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", path.read_text("utf-8")))
