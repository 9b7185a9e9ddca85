"""What a project lead needs: the new pages, the funding of each fiche, the facts put right."""

from __future__ import annotations

import html
import json
import re

import pytest

from ecopole_kit.foundation.resources import shipped
from ecopole_kit.referentiel.content import load_referentiel
from ecopole_kit.referentiel.fiches import PROGRAMMES
from ecopole_kit.site import sitemap
from ecopole_kit.site.pages import RenderedSite, render_site
from ecopole_kit.territory.geography import load_geography
from tests.conftest import example, function_configs, place_for, plain, typed

TOLOSAN_EPCI = {"200034957": "CC du Frontonnais", "200071314": "CC des Hauts-Tolosans",
                "243100773": "CC Val'Aïgo", "243100815": "CC des Coteaux Bellevue",
                "243100732": "CC des Coteaux du Girou"}


def _site(name: str) -> RenderedSite:
    config = example(name)
    return render_site(load_referentiel(), typed(config), function_configs(),
                       place_for(config))


@pytest.fixture(scope="module")
def tolosan() -> RenderedSite:
    return _site("pays-tolosan")


def test_pays_tolosan_example_is_the_whole_pays() -> None:
    codes = example("pays-tolosan")["territoire"]["codes"]
    assert sorted(codes) == sorted(TOLOSAN_EPCI)
    geography = load_geography()
    for code, name in TOLOSAN_EPCI.items():
        assert any(hit.code == code and hit.nom == name
                   for hit in geography.lookup(name, kinds=["epci"]))
    resolved = geography.resolve("plusieurs-epci", codes)
    assert resolved.population == 129_734 and len(resolved.communes) == 73


@pytest.mark.slow
def test_the_demo_states_the_pat_levels_the_aci_convention_and_the_manne(
        tolosan: RenderedSite) -> None:
    text = "\n".join(tolosan.pages.values())
    rules = tolosan.pages["regles-a-connaitre.md"]
    assert "3 ans, non renouvelable" in rules and "5 ans, renouvelable" in rules
    assert not re.search(r"chacun (valable|accordé) pour trois ans", text)
    insertion = plain(tolosan.pages["emploi/parcours-insertion.md"])
    assert "conclue par le préfet" in insertion
    assert "comité départemental pour l'emploi" in insertion
    assert not re.search(r"conventionn\w* (par|avec) la DREETS", text)
    manne = plain(tolosan.pages["accessibilite/monnaie-locale.md"])
    assert "n'est pas une monnaie locale complémentaire" in manne and "L311-5" in manne
    assert "dans le Nord" not in text and "anciens ouvriers" not in text
    assert "coordonne le déploiement" not in text


@pytest.mark.slow
def test_every_fiche_names_its_possible_funding(tolosan: RenderedSite) -> None:
    for fiche in load_referentiel().fiches.values():
        assert fiche.financements, fiche.id
        page = tolosan.pages[f"{fiche.fonction}/{fiche.id}.md"]
        section = page.split("## Financements possibles", 1)[1].split("\n## ", 1)[0]
        for funding in fiche.financements:
            assert funding.label in html.unescape(section).replace("\\", ""), (fiche.id,
                                                                        funding.programme)
        assert "## Indicateurs" in page and "Situation de départ" in page


def test_the_funding_map_is_drawn_from_the_fiches(tolosan: RenderedSite) -> None:
    page = tolosan.pages["carte-des-financements.md"]
    assert "[[tableau-des-financements]]" not in page
    rows = [line for line in page.splitlines() if line.startswith("| [")]
    assert len(rows) == len(load_referentiel().fiches)
    assert all(line.count("●") >= 1 for line in rows)


def test_the_schema_lists_the_programmes_the_code_knows() -> None:
    schema = json.loads((shipped("schemas") / "fiche.schema.json").read_text("utf-8"))
    item = schema["properties"]["financements"]["items"]["properties"]["programme"]
    assert item["enum"] == list(PROGRAMMES)
    assert "financements" in schema["required"]
    indicator = schema["properties"]["indicateurs"]["items"]
    assert {"reference", "cible", "source", "responsable"} <= set(indicator["required"])


def test_the_new_pages_are_in_the_navigation(tolosan: RenderedSite) -> None:
    sections = {section.title: [page.path for page in section.entries] for section in tolosan.nav}
    assert sections["Monter le projet"] == [page.path for page in sitemap.PROJECT_PAGES]
    assert sitemap.ECOPOLES.path in sections["L'Ecopôle"]
    for page in (*sitemap.PROJECT_PAGES, sitemap.ECOPOLES):
        assert page.path in tolosan.pages


@pytest.mark.slow
def test_advice_matches_the_stage() -> None:
    audruicq = _site("audruicq")
    operational = plain(audruicq.pages["emploi/parcours-insertion.md"])  # opérationnel there
    assert "peut commencer par" not in operational and "gagne à commencer" not in operational
    assert "Faire durer l'action" in operational
    assert "Prochain palier" in audruicq.pages["emploi/ouverture-territoire.md"]  # en cours


@pytest.mark.slow
def test_the_home_page_says_the_territorys_particularities() -> None:
    config = example("gohelle")
    config["contexte"]["particularites"] = ["littoral", "montagne"]
    home = plain(render_site(load_referentiel(), typed(config), function_configs(),
                             place_for(config)).pages["index.md"])
    assert "**Particularités :** littoral et montagne" in home
    assert "Particularités" not in plain(_site("gohelle").pages["index.md"])
