"""Territory lookup and resolution on the shipped extract (decoupage-administratif 6.0.0)."""

from __future__ import annotations

import pytest

from ecopole_kit.errors import UsageError
from ecopole_kit.territory.geography import Geography, Match, load_geography
from ecopole_kit.territory.search import normalize

FRONTONNAIS = "200034957"
HAUTS_TOLOSANS = "200071314"
AUDRUICQ_CC = "246200844"


@pytest.fixture(scope="module")
def geo() -> Geography:
    return load_geography()


def first(geo: Geography, query: str) -> Match:
    matches = geo.lookup(query)
    assert matches, f"nothing found for {query!r}"
    return matches[0]


def test_source_is_recorded(geo: Geography) -> None:
    assert geo.source["package"] == "@etalab/decoupage-administratif"
    assert geo.source["version"] == "6.0.0"
    assert "INSEE" in geo.attribution


def test_audruicq_by_name_and_code(geo: Geography) -> None:
    commune = geo.communes["62057"]
    assert (commune.nom, commune.population, commune.departement) == ("Audruicq", 5309, "62")
    assert geo.epcis[commune.epci or ""].nom == "CC de la Région d'Audruicq"
    for query in ("Audruicq", "audruicq", "62057"):
        match = first(geo, query)
        assert (match.kind, match.code, match.nom) == ("commune", "62057", "Audruicq")
    assert first(geo, "Audruicq").detail == (
        "commune · Pas-de-Calais (62) · 5\u202f309\u00a0hab. · CC de la Région d'Audruicq")


def test_epci_by_short_name_full_name_and_siren(geo: Geography) -> None:
    for query in ("Frontonnais", "CC du Frontonnais", "communauté de communes du Frontonnais",
                  FRONTONNAIS):
        match = first(geo, query)
        assert (match.kind, match.code, match.nom) == ("epci", FRONTONNAIS, "CC du Frontonnais")
    assert geo.epcis[FRONTONNAIS].type == "CC"


def test_epci_population_is_the_sum_of_its_communes(geo: Geography) -> None:
    epci = geo.epcis[AUDRUICQ_CC]
    assert "62057" in epci.communes
    assert epci.population == sum(geo.communes[c].population or 0 for c in epci.communes)


def test_resolve_several_epci(geo: Geography) -> None:
    territory = geo.resolve("plusieurs-epci", [FRONTONNAIS, HAUTS_TOLOSANS])
    expected = geo.epcis[FRONTONNAIS].population + geo.epcis[HAUTS_TOLOSANS].population
    assert territory.population == expected == 65422
    assert territory.nom == "CC du Frontonnais et CC des Hauts-Tolosans"
    assert [e.siren for e in territory.epcis] == [FRONTONNAIS, HAUTS_TOLOSANS]
    assert len(territory.communes) == 39
    assert [d.code for d in territory.departements] == ["31"]
    assert [r.nom for r in territory.regions] == ["Occitanie"]
    assert territory.unknown == ()


def test_resolve_keeps_unknown_codes(geo: Geography) -> None:
    territory = geo.resolve("epci", [" 246200844 ", "999999999"])
    assert territory.codes == (AUDRUICQ_CC,)
    assert territory.unknown == ("999999999",)
    assert territory.population == geo.epcis[AUDRUICQ_CC].population
    empty = geo.resolve("commune", ["00000"])
    assert (empty.communes, empty.population, empty.unknown) == ((), 0, ("00000",))


def test_resolve_rejects_an_unknown_kind(geo: Geography) -> None:
    with pytest.raises(UsageError, match="Type de territoire inconnu"):
        geo.resolve("canton", ["6201"])


def test_corsica(geo: Geography) -> None:
    ajaccio = first(geo, "2a004")
    assert (ajaccio.code, ajaccio.nom) == ("2A004", "Ajaccio")
    assert "Corse-du-Sud (2A)" in ajaccio.detail
    assert first(geo, "Ajaccio").code == "2A004"
    haute_corse = first(geo, "2B")
    assert (haute_corse.kind, haute_corse.nom) == ("departement", "Haute-Corse")
    territory = geo.resolve("departement", ["2B"])
    assert len(territory.communes) == 236
    assert {c.departement for c in territory.communes} == {"2B"}
    assert territory.population == sum(c.population or 0 for c in territory.communes)
    assert [r.nom for r in territory.regions] == ["Corse"]


def test_overseas(geo: Geography) -> None:
    match = first(geo, "97411")
    assert (match.code, match.nom) == ("97411", "Saint-Denis")
    assert "La Réunion (974)" in match.detail
    assert geo.communes["97411"].population == 155634
    reunion = first(geo, "974")
    assert (reunion.kind, reunion.nom) == ("departement", "La Réunion")
    assert reunion.detail.startswith("département d'outre-mer · La Réunion")
    assert geo.departements["976"].zone == "drom"
    assert len(geo.resolve("departement", ["974"]).communes) == 24


def test_municipal_arrondissements(geo: Geography) -> None:
    for code, name, parent in (("75101", "Paris 1er Arrondissement", "75056"),
                               ("69381", "Lyon 1er Arrondissement", "69123"),
                               ("13201", "Marseille 1er Arrondissement", "13055")):
        arrondissement = geo.communes[code]
        assert (arrondissement.nom, arrondissement.commune_parente) == (name, parent)
        assert arrondissement.epci == geo.communes[parent].epci
        assert first(geo, code).detail.startswith("arrondissement municipal de ")
    assert first(geo, "paris 15").code == "75115"
    assert first(geo, "Lyon 3e").code == "69383"
    both = geo.resolve("commune", ["75056", "75101"])  # the arrondissement is inside Paris
    assert both.population == geo.communes["75056"].population
    alone = geo.resolve("commune", ["13201"])
    assert alone.population == geo.communes["13201"].population == 37599


def test_department_of_paris_counts_paris_once(geo: Geography) -> None:
    paris = geo.resolve("departement", ["75"])
    assert [c.code for c in paris.communes] == ["75056"]


@pytest.mark.parametrize(("query", "code"), [
    ("saint etienne", "42218"),
    ("St-Étienne", "42218"),
    ("l hay les roses", "94038"),
    ("L’HAŸ-LES-ROSES", "94038"),
    ("Audruik", "62057"),
    ("Tolouse", "31555"),
    ("loos en gohelle", "62528"),
])
def test_tolerant_names(geo: Geography, query: str, code: str) -> None:
    assert first(geo, query).code == code


def test_exact_names_rank_first_then_population(geo: Geography) -> None:
    names = [m.nom for m in geo.lookup("saint etienne", kinds=["commune"], limit=3)]
    assert names[0] == "Saint-Étienne"
    assert names[1:] == ["Saint-Étienne-du-Rouvray", "Saint-Étienne-de-Montluc"]
    homonyms = geo.lookup("Saint-Denis", kinds=["commune"], limit=2)
    assert [m.code for m in homonyms] == ["97411", "93066"]


def test_former_commune_name_finds_the_current_commune(geo: Geography) -> None:
    match = first(geo, "Bellegarde-sur-Valserine")
    assert (match.code, match.nom) == ("01033", "Valserhône")
    assert match.detail.endswith("ancienne commune : Bellegarde-sur-Valserine")


def test_postal_code(geo: Geography) -> None:
    matches = geo.lookup("62370", kinds=["commune"], limit=20)
    by_postcode = [m for m in matches if "code postal 62370" in m.detail]
    assert by_postcode[0].code == "62057"
    expected = [c for c in geo.communes.values() if "62370" in c.codes_postaux]
    assert len(by_postcode) == len(expected) == 10
    assert all("62370" in geo.communes[m.code].codes_postaux for m in by_postcode)


def test_kinds_and_limit(geo: Geography) -> None:
    assert {m.kind for m in geo.lookup("Paris", kinds=["departement"])} == {"departement"}
    assert len(geo.lookup("saint", limit=4)) == 4
    with pytest.raises(UsageError):
        geo.lookup("Paris", kinds=["canton"])


@pytest.mark.parametrize("query", ["", "   ", "zzqxwv", "@@@", "00", "123456", "-'-"])
def test_empty_or_garbage_finds_nothing(geo: Geography, query: str) -> None:
    assert geo.lookup(query) == []


def test_suggestions_for_unknown_codes(geo: Geography) -> None:
    assert geo.suggest("commune", "62075")[0].code == "62057"  # transposed digits
    assert geo.suggest("commune", "62370")[0].code == "62057"  # a postal code
    assert geo.suggest("commune", "20004")[0].code == "2A004"  # former Corsican code
    assert {m.code for m in geo.suggest("departement", "20", limit=2)} == {"2A", "2B"}
    assert geo.suggest("plusieurs-epci", "200034975")[0].code == FRONTONNAIS
    close = geo.suggest("epci", "200034975")
    assert close and all(m.kind == "epci" for m in close)


def test_normalize() -> None:
    assert normalize("L'Haÿ-les-Roses") == "l hay les roses"
    assert normalize("Saint-Étienne") == normalize("st etienne") == "st etienne"
    assert normalize("Œuilly") == "oeuilly"


def test_the_schema_lists_the_kinds_of_the_kinds_table() -> None:
    from ecopole_kit.foundation.resources import load_schema
    from ecopole_kit.territory.kinds import TERRITORY_KINDS

    schema = load_schema("territoire")
    enum = schema["properties"]["territoire"]["properties"]["type"]["enum"]
    assert tuple(enum) == TERRITORY_KINDS


def test_the_request_schema_takes_every_kind_of_the_kinds_table() -> None:
    from ecopole_kit.foundation.resources import load_schema
    from ecopole_kit.territory.kinds import TERRITORY_KINDS

    schema = load_schema("demande")
    enum = schema["properties"]["territoire"]["properties"]["type"]["enum"]
    assert tuple(enum) == TERRITORY_KINDS
