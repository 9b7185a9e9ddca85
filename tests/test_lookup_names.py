"""Territories as people name them: a name narrowed by its département, its région or its
postal code; an arrondissement by its ordinal; a Pays or a PETR; hidden results counted.
And the kinds made of several communes, or of EPCI and communes, never counted twice."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecopole_kit.territory.geography import Geography
from tests.conftest import examples, geography


@pytest.fixture(scope="module")
def geo() -> Geography:
    return geography()


@pytest.mark.parametrize(("query", "code"), [
    ("Saint-Pierre 974", "97416"), ("Saint-Pierre La Réunion", "97416"),
    ("Saint-Pierre Réunion", "97416"), ("saint pierre (974)", "97416"),
    ("Saint-Pierre Martinique", "97225"), ("Saint-Pierre 972", "97225"),
    ("Saint-Pierre Bas-Rhin", "67429"), ("Saint-Pierre (67)", "67429"),
    ("Saint-Pierre Jura", "39494"), ("Saint-Pierre Haute-Garonne", "31511"),
    ("Saint-Pierre Occitanie", "31511"),  # a région narrows too
    ("Corte Haute-Corse", "2B096"), ("Corte 2B", "2B096"), ("Corte (2B)", "2B096"),
    ("Paimpont Ille-et-Vilaine", "35211"), ("Paimpont 35", "35211"),
    ("Paimpont 35380", "35211"),  # a postal code
    ("Saint-Denis 93", "93066"), ("Saint-Denis La Réunion", "97411"),
    ("Villeneuve-sur-Lot", "47323"),  # « Lot » in a name is no qualifier
    ("Bourg-en-Bresse Ain", "01053"),
])
def test_a_qualifier_narrows_the_results(geo: Geography, query: str, code: str) -> None:
    assert geo.lookup(query)[0].code == code


def test_a_qualified_epci_is_found_in_its_departement(geo: Geography) -> None:
    found = geo.lookup("CIVIS 974")
    assert found[0].code == "249740077"
    assert geo.lookup("Brocéliande Ille-et-Vilaine", kinds=["epci"])[0].nom \
        == "CC Brocéliande Communauté"


@pytest.mark.parametrize(("query", "code"), [
    ("13e arrondissement Marseille", "13213"), ("13ème arrondissement Marseille", "13213"),
    ("treizième arrondissement de Marseille", "13213"), ("Marseille 13", "13213"),
    ("Marseille 13e", "13213"), ("Paris 1er", "75101"), ("premier arrondissement Paris", "75101"),
    ("Lyon 9e", "69389"), ("Lyon troisième", "69383"), ("dix-huitième Paris", "75118"),
    ("Paris 20", "75120"), ("Paris 20ème arrondissement", "75120"), ("Lyon 1re", "69381"),
])
def test_an_arrondissement_by_its_ordinal(geo: Geography, query: str, code: str) -> None:
    found = geo.lookup(query)
    assert found[0].code == code
    assert found[0].detail.startswith("arrondissement municipal de")


@pytest.mark.parametrize(("query", "codes"), [
    ("13e", {"75113", "13213"}), ("treizième", {"75113", "13213"}),
    ("3e", {"75103", "69383", "13203"}),
])
def test_an_ordinal_alone_finds_every_such_arrondissement(
        geo: Geography, query: str, codes: set[str]) -> None:
    assert {m.code for m in geo.lookup(query)} == codes


def test_a_number_beside_a_city_without_arrondissements_is_a_departement(
        geo: Geography) -> None:
    assert geo.lookup("Bordeaux 33")[0].code == "33063"


@pytest.mark.slow
def test_a_pays_is_explained_and_its_epci_proposed(geo: Geography) -> None:
    found = geo.search.find("Pays Tolosan")
    assert "formé d'intercommunalités (EPCI)" in found.note
    assert "« plusieurs intercommunalités »" in found.note
    assert len(found.matches) > 1 and {m.kind for m in found.matches} == {"epci"}
    assert found.matches[0].nom == "CC des Hauts-Tolosans"
    broceliande = geo.search.find("Pays de Brocéliande")
    assert {m.nom for m in broceliande.matches} >= {"CC Brocéliande Communauté",
                                                     "CC de l'Oust à Brocéliande"}
    assert broceliande.note


@pytest.mark.slow
def test_a_petr_alone_is_explained_not_mistaken_for_a_commune(geo: Geography) -> None:
    for query in ("PETR", "petr", "Pôle d'équilibre territorial et rural", "Pays"):
        found = geo.search.find(query)
        assert "Petreto-Bicchisano" not in {m.nom for m in found.matches}
        assert "Cherchez ses EPCI par leur nom" in found.note


@pytest.mark.slow
def test_what_bears_the_very_name_of_a_pays_comes_first(geo: Geography) -> None:
    assert geo.search.find("Pays Basque").matches[0].nom == "CA du Pays Basque"
    assert geo.search.find("Pays de la Loire").matches[0].kind == "region"
    assert geo.search.find("PETR Pays Tolosan").matches[0].nom == "CC des Hauts-Tolosans"


def test_a_pays_search_for_communes_only_is_a_name_search(geo: Geography) -> None:
    found = geo.search.find("Pays de Belvès", kinds=["commune"])
    assert not found.note and found.matches[0].nom == "Pays de Belvès"


def test_hidden_results_are_counted_and_can_all_be_seen(geo: Geography) -> None:
    found = geo.search.find("Saint-Pierre", limit=5)
    assert len(found.matches) == 5 and found.hidden == found.total - 5 > 10
    everything = geo.search.find("Saint-Pierre", limit=None)
    assert len(everything.matches) == found.total and everything.hidden == 0
    assert geo.search.find("Corte Haute-Corse").hidden == 0


@pytest.mark.slow
def test_lookup_command_counts_what_it_hides(run_cli) -> None:
    result = run_cli("lookup", "Saint-Pierre")
    assert result.exit_code == 0
    assert len(result.stdout.strip().splitlines()) == 11
    hidden = result.stdout.strip().splitlines()[-1].replace("\u00a0", " ")
    assert hidden.startswith("… et ") and "autres résultats" in hidden
    assert "ecopole-kit lookup --tout Saint-Pierre" in hidden
    every = run_cli("lookup", "--tout", "Saint-Pierre")
    assert len(every.stdout.strip().splitlines()) > 20 and "autres résultats" not in every.stdout
    three = run_cli("lookup", "--limite", "3", "Saint-Pierre")
    assert len(three.stdout.strip().splitlines()) == 4


def test_lookup_command_explains_a_pays_and_fails_on_petr_alone(run_cli) -> None:
    pays = run_cli("lookup", "Pays", "Tolosan")
    assert pays.exit_code == 0 and pays.stdout.startswith("Un Pays ou un PETR")
    petr = run_cli("lookup", "PETR")
    assert petr.exit_code != 0
    assert "Aucun territoire trouvé pour « PETR »" in petr.stderr
    assert "Petreto" not in petr.stdout + petr.stderr
    assert "plusieurs intercommunalités" in petr.stderr


# --- Kinds made of several records --------------------------------------------------------

def test_several_arrondissements_are_named_and_counted(geo: Geography) -> None:
    north = geo.resolve("plusieurs-communes", ["13213", "13214", "13215", "13216"])
    assert north.nom == "Marseille (13e, 14e, 15e et 16e arrondissements)"
    assert north.population == sum(geo.communes[c].population or 0 for c in north.codes)
    assert [d.code for d in north.departements] == ["13"]


def test_an_arrondissement_and_its_commune_are_not_counted_twice(geo: Geography) -> None:
    both = geo.resolve("plusieurs-communes", ["13055", "13213"])
    assert both.population == geo.communes["13055"].population
    assert [c.code for c in both.communes] == ["13055"]


def test_a_commune_inside_a_chosen_epci_is_not_counted_twice(geo: Geography) -> None:
    cc = geo.epcis["243500618"]  # CC Brocéliande Communauté, Paimpont is one of its communes
    inside = geo.resolve("epci-et-communes", ["243500618", "35211"])
    assert inside.population == cc.population and len(inside.communes) == len(cc.communes)
    outside = geo.resolve("epci-et-communes", ["243500618", "35001"])
    assert outside.population == cc.population + (geo.communes["35001"].population or 0)
    assert len(outside.communes) == len(cc.communes) + 1
    assert outside.nom == f"CC Brocéliande Communauté et {geo.communes['35001'].nom}"
    metro = geo.resolve("epci-et-communes", ["200054807", "13213"])  # an arrondissement inside
    assert metro.population == geo.epcis["200054807"].population


def test_mixed_codes_unknown_are_kept(geo: Geography) -> None:
    mixed = geo.resolve("epci-et-communes", ["243500618", "99999", "35001"])
    assert mixed.unknown == ("99999",)
    assert geo.resolve("plusieurs-communes", ["243500618", "35001"]).unknown == ("243500618",)


@pytest.mark.parametrize("step", [3500, pytest.param(350, marks=pytest.mark.slow)])
def test_any_commune_is_found_by_its_name_and_departement(geo: Geography, step: int) -> None:
    """The class, not the examples: every 350th commune of France, as people would qualify
    it (« Le Sen 40 », « Béthisy-Saint-Martin Oise », « La Couture (62) »); every 3 500th
    in the fast subset (300 searches take 2 s)."""
    from ecopole_kit.foundation.french import fold

    communes = [c for c in geo.communes.values() if c.commune_parente is None][::step]
    missed = []
    for commune in communes:
        departement = geo.departements[commune.departement]
        for query in (f"{commune.nom} {commune.departement}", f"{commune.nom} {departement.nom}",
                      f"{commune.nom} ({commune.departement})"):
            first = geo.lookup(query, kinds=["commune"], limit=1)
            if not first or fold(first[0].nom) != fold(commune.nom) \
                    or geo.communes[first[0].code].departement != commune.departement:
                missed.append(query)
    assert len(communes) > 31_500 // step and missed == []


@pytest.mark.parametrize(("query", "code"), [
    ("Le Sen 40", "40297"), ("Béthisy-Saint-Martin 60", "60067"), ("La Couture 62", "62252"),
    ("Les Ifs Seine-Maritime", "76371"),
])
def test_articles_and_place_names_inside_a_name_are_kept(
        geo: Geography, query: str, code: str) -> None:
    assert geo.lookup(query)[0].code == code


@settings(max_examples=examples(60))
@given(data=st.data(), at_start=st.booleans())
def test_the_names_holding_a_fragment_are_those_a_scan_finds(data: st.DataObject,
                                                             at_start: bool) -> None:
    """The search in the joined names (str.find) finds what a loop over every name finds,
    in the same order: for pieces of real names, at their start or inside, and for any text."""
    search = geography().search
    keys = search._index[0]
    name = keys[data.draw(st.integers(0, len(keys) - 1))]
    start = 0 if at_start else data.draw(st.integers(0, len(name) - 1))
    end = data.draw(st.integers(start + 1, len(name)))
    fragment = data.draw(st.one_of(st.just(name[start:end]), st.text("ab \n-'", max_size=4),
                                     st.just(f"{name[start:end]}\n{name[:2]}")))
    scanned = [i for i, k in enumerate(keys)
               if (k.startswith(fragment) if at_start else fragment in k)]
    assert search._lines.holding(fragment, at_start=at_start) == scanned
