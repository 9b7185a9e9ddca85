"""The diagnostic that does not mislead: land and jobs as ranges, declared farmland, caveats.

Each figure is checked against the published numbers it is made of (FACTS: ADEME 2020,
Connaissance des Énergies 2021, PARCEL, Recensement agricole 2020), its formula against
those numbers, and the rendered page against what a reader should be told.
"""

from __future__ import annotations

import copy
import html
from typing import Any

import pytest

from ecopole_kit.errors import EcopoleError
from ecopole_kit.foundation.french import NBSP, NNBSP, counted, typeset
from ecopole_kit.referentiel.content import load_referentiel
from ecopole_kit.site.charts import land_range_chart_svg
from ecopole_kit.site.pages import render_site
from ecopole_kit.territory.baskets import BasketParams, BasketTier
from ecopole_kit.territory.caveats import ISLAND, OVERSEAS, caveats, is_overseas
from ecopole_kit.territory.diagnostic import diagnose
from ecopole_kit.territory.figures import SOURCES, rounded, span
from ecopole_kit.territory.jobs import JOB, JOBS, PARCEL_EXAMPLES, farm_jobs, national_ratio
from ecopole_kit.territory.land import DeclaredFarmland, compare_farmland, land_range
from tests.conftest import example, function_configs, place_for, typed
from tests.test_diagnostic import check_svg, french, texts

POPULATION = 131_250  # 131 250 × 0,43 = 56 437,5 ha; × 63 % = 35 555,6 ha


# --- Land as a range ------------------------------------------------------------------------

def test_land_range_bounds_are_the_footprint_and_its_share_in_france() -> None:
    need = land_range(POPULATION)
    assert need.high.value == pytest.approx(POPULATION * 0.43)
    assert need.low.value == pytest.approx(POPULATION * 0.43 * 0.63)
    assert need.low.value < need.high.value
    assert french(need.high.formula) == "131 250 hab. × 0,43 ha/hab. = 56 438 ha"
    assert french(need.low.formula) == (
        "131 250 hab. × 0,43 ha/hab. × (100 % − 37 %) = 35 556 ha")
    assert french(need.display) == "de 36 000 à 56 000 ha"


def test_land_range_sources_are_named() -> None:
    need = land_range(POPULATION)
    assert need.high.source_id == "ademe-2020"
    assert need.low.source_id == "importations"
    assert "Connaissance des Énergies (2021)" in need.low.source.titre
    assert "37 %" in french(need.low.source.detail)
    assert "26 millions" in french(need.low.source.detail)
    assert "estimation haute" in need.high.label and "estimation basse" in need.low.label


def test_parcel_full_relocation_falls_inside_the_range() -> None:
    relocation = land_range(POPULATION).relocation
    assert relocation.value == pytest.approx(20.9 / 26 * 100)
    assert 63 < relocation.value < 100  # between the share in France and the whole footprint
    assert french(relocation.formula) == "20,9 Mha ÷ 26 Mha × 100 = 80 %"
    assert relocation.source_id == "parcel"
    assert "20,9 millions" in french(SOURCES["parcel"].detail)


@pytest.mark.parametrize(("value", "expected"), [
    (17_723, 18_000), (28_131, 28_000), (437.8, 440), (694.9, 690), (1394.0, 1400),
    (6.9, 7), (4.3, 4), (10.5, 11), (99.5, 100), (0.4, 0), (0.5, 1), (56_437.5, 56_000),
])
def test_rounding_keeps_two_significant_digits_never_below_one(value: float,
                                                               expected: int) -> None:
    assert rounded(value) == expected


# --- Jobs from the national ratio -----------------------------------------------------------

def test_national_ratio_is_the_2020_census() -> None:
    ratio = national_ratio()
    assert ratio.value == pytest.approx(659_500 / 26_700_000 * 100)
    assert french(ratio.formula) == "659 500 ETP ÷ 26 700 000 ha × 100 = 2,47 ETP pour 100 ha"
    assert "Recensement agricole 2020" in ratio.source.titre
    assert "659 500 équivalents temps plein" in french(ratio.source.detail)
    assert "26,7 millions" in french(ratio.source.detail)


def test_jobs_range_applies_the_ratio_to_both_land_bounds() -> None:
    need = land_range(POPULATION)
    jobs = farm_jobs(need)
    assert jobs.low.value == pytest.approx(need.low.value * 659_500 / 26_700_000)
    assert jobs.high.value == pytest.approx(need.high.value * 659_500 / 26_700_000)
    assert jobs.low.value < jobs.high.value
    assert french(jobs.high.formula) == "56 438 ha × 659 500 ETP ÷ 26 700 000 ha = 1 394 ETP"
    assert french(jobs.low.formula) == "35 556 ha × 659 500 ETP ÷ 26 700 000 ha = 878 ETP"
    assert french(jobs.display) == "de 880 à 1 400 emplois à temps plein"
    assert {jobs.low.source_id, jobs.high.source_id} == {"agreste-ra2020"}


def test_small_jobs_figures_keep_a_decimal_in_their_formula() -> None:
    jobs = diagnose(649).jobs  # 649 × 0,43 × 63 % = 175,8 ha → 4,3 ETP
    assert french(jobs.low.formula).endswith("= 4,3 ETP")
    assert french(jobs.display) == "de 4 à 7 emplois à temps plein"


def test_jobs_are_not_extrapolated_from_a_village() -> None:
    jobs = diagnose(POPULATION).jobs
    for figure in (jobs.low, jobs.high):
        assert "Tourtoirac" not in figure.label and "649" not in figure.formula
        assert figure.source_id != "parcel"


def test_parcel_examples_are_the_published_ones() -> None:
    assert [french(e.sentence) for e in PARCEL_EXAMPLES] == [
        "Vannes (53 200 habitants) : 15 800 ha et environ 540 agriculteurs de plus",
        "Tourtoirac (649 habitants) : 240 ha et environ 10 emplois agricoles",
        "Tourtoirac (649 habitants) en 100 % bio : 460 ha et environ 19 emplois agricoles",
    ]


# --- Singular and plural --------------------------------------------------------------------

@pytest.mark.parametrize(("count", "decimals", "expected"), [
    (0, 0, "0 emploi"), (1, 0, "1 emploi"), (2, 0, "2 emplois"), (1.5, 1, "1,5 emploi"),
    (1.96, 1, "2,0 emplois"), (1200, 0, "1 200 emplois"),
])
def test_counted_is_singular_below_two(count: float, decimals: int, expected: str) -> None:
    assert french(counted(count, "emploi", "emplois", decimals)) == expected


@pytest.mark.parametrize(("low", "high", "expected"), [
    (0.01, 0.2, "moins d'un emploi à temps plein"),
    (0.6, 1.4, "environ 1 emploi à temps plein"),
    (1.6, 2.4, "environ 2 emplois à temps plein"),
    (0.3, 1.2, "au plus 1 emploi à temps plein"),
    (0.3, 2.2, "au plus 2 emplois à temps plein"),
    (4.3, 6.9, "de 4 à 7 emplois à temps plein"),
])
def test_job_ranges_in_words(low: float, high: float, expected: str) -> None:
    assert french(span(low, high, JOB, JOBS, f"moins d'un {JOB}")) == expected


@pytest.mark.parametrize(("population", "expected"), [
    (10, "moins d'un emploi à temps plein"),
    (100, "environ 1 emploi à temps plein"),
    (2000, "de 13 à 21 emplois à temps plein"),
])
def test_jobs_of_small_territories_in_words(population: int, expected: str) -> None:
    assert french(diagnose(population).jobs.display) == expected


def test_one_household_one_week_one_basket_are_singular() -> None:
    scenario = diagnose(10, BasketParams(16, 1, 1, [BasketTier("Tous", 100, households=1)]))
    assert scenario.baskets is not None
    assert french(scenario.baskets.yearly_baskets.formula) == "1 foyer × 1 semaine = 1 panier"
    assert french(scenario.baskets.yearly_baskets.display) == "1 panier"


# --- Typography -----------------------------------------------------------------------------

def test_typeset_puts_no_break_spaces_where_french_wants_them() -> None:
    assert typeset("Note : « 30 000 paniers » ; 37 % de 4 300 m² ?") == (
        f"Note{NBSP}: «{NNBSP}30{NNBSP}000 paniers{NNBSP}»{NNBSP}; 37{NNBSP}% de "
        f"4{NNBSP}300{NBSP}m²{NNBSP}?")
    assert " :" not in OVERSEAS.text and " ;" not in ISLAND.text


# --- Caveats --------------------------------------------------------------------------------

@pytest.mark.parametrize(("codes", "expected"), [
    (["974"], (OVERSEAS,)), (["971"], (OVERSEAS,)), (["976"], (OVERSEAS,)),
    (["2A"], (ISLAND,)), (["2B"], (ISLAND,)), (["62"], ()), (["31", "82"], ()),
    (["2A", "974"], (OVERSEAS, ISLAND)), ([], ()),
])
def test_caveats_from_departement_codes(codes: list[str], expected: tuple[Any, ...]) -> None:
    assert caveats(codes) == expected


def test_overseas_codes() -> None:
    assert all(is_overseas(code) for code in ("971", "972", "973", "974", "975", "976", "988"))
    assert not any(is_overseas(code) for code in ("97", "62", "2A", "09", "970a"))


def test_caveats_name_the_ratios_and_imports() -> None:
    for caveat in (OVERSEAS, ISLAND):
        assert "moyennes nationales" in caveat.text and "bateau ou par avion" in caveat.text
    assert "outre-mer" in OVERSEAS.title and "insulaire" in ISLAND.title


def test_diagnose_carries_the_caveats() -> None:
    assert diagnose(1000, departements=["974"]).caveats == (OVERSEAS,)
    assert diagnose(1000, departements=["62"]).caveats == ()


# --- Declared farmland ----------------------------------------------------------------------

@pytest.mark.parametrize(("hectares", "position", "words"), [
    (12_000, "sous", "inférieure même à l'estimation basse"),
    (40_000, "dans", "se situe dans la fourchette"),
    (60_000, "au-dessus", "dépasse l'estimation haute"),
])
def test_declared_farmland_is_compared_with_both_bounds(hectares: float, position: str,
                                                        words: str) -> None:
    need = land_range(POPULATION)
    comparison = compare_farmland(need, DeclaredFarmland(hectares, "Agreste", 2020))
    assert comparison.position == position and words in comparison.sentence
    assert comparison.of_high.value == pytest.approx(hectares / need.high.value * 100)
    assert comparison.of_low.value == pytest.approx(hectares / need.low.value * 100)
    assert comparison.of_high.source_id == "declaration"


def test_declared_farmland_formulas_and_share() -> None:
    comparison = compare_farmland(land_range(POPULATION), DeclaredFarmland(12_000))
    assert french(comparison.of_high.formula) == "12 000 ha ÷ 56 438 ha × 100 = 21 %"
    assert french(comparison.of_low.formula) == "12 000 ha ÷ 35 556 ha × 100 = 34 %"
    assert french(comparison.display) == "de 21 à 34 %"


def test_diagnose_compares_farmland_only_when_declared() -> None:
    assert diagnose(POPULATION).farmland is None
    declared = DeclaredFarmland(12_000, "Agreste", 2020)
    found = diagnose(POPULATION, farmland=declared).farmland
    assert found is not None and found.declared == declared


def test_context_reads_the_declared_farmland() -> None:
    config = copy.deepcopy(example("gohelle"))
    assert typed(config).contexte.sau_ha is None
    config["contexte"].update(sau_ha=1250.5, sau_source="Agreste", sau_annee=2020)
    context = typed(config).contexte
    assert (context.sau_ha, context.sau_source, context.sau_annee) == (1250.5, "Agreste", 2020)
    assert context.milieu == config["contexte"]["milieu"]


@pytest.mark.parametrize("hectares", [0, -3.5])
def test_declared_farmland_must_be_positive(hectares: float) -> None:
    with pytest.raises(EcopoleError, match="Surface agricole déclarée invalide"):
        compare_farmland(land_range(POPULATION), DeclaredFarmland(hectares))


# --- Chart ----------------------------------------------------------------------------------

def test_range_chart_shows_both_bounds_and_says_the_range() -> None:
    need = land_range(POPULATION)
    farmland = compare_farmland(need, DeclaredFarmland(12_000, "Agreste", 2020))
    chart = land_range_chart_svg(need, farmland, "Pays Tolosan")
    drawn = [french(t) for t in texts(check_svg(chart))]
    assert "environ 36 000 ha" in drawn and "environ 56 000 ha" in drawn
    assert "12 000 ha" in drawn and "Surface agricole déclarée" in drawn
    assert "de 36 000 à 56 000 ha" in french(chart.caption)
    assert "de 36 000 à 56 000 ha" in french(chart.alt) and "12 000 ha" in french(chart.alt)
    assert "Connaissance des Énergies" in chart.caption and "ADEME" in chart.caption
    assert land_range_chart_svg(need, farmland, "Pays Tolosan").svg == chart.svg


def test_range_chart_without_declared_farmland() -> None:
    chart = land_range_chart_svg(land_range(POPULATION), None, "$x$ <b>A</b>")
    drawn = texts(check_svg(chart))
    assert "Surface agricole déclarée" not in drawn and "déclarée" not in chart.alt
    assert "$x$ <b>A</b>" in chart.caption and "<b>" not in chart.svg


# --- The rendered page ----------------------------------------------------------------------

def _page(codes: list[str], **context: Any) -> str:
    """The diagnostic page's text as a reader sees it (character references decoded)."""
    return french(html.unescape(_raw_page(codes, **context)).replace("\\", ""))


def _raw_page(codes: list[str], **context: Any) -> str:
    config = copy.deepcopy(example("gohelle"))
    config["territoire"].update(type="commune", codes=codes)
    config["contexte"].update(context)
    site = render_site(load_referentiel(), typed(config), function_configs(), place_for(config))
    assert {"assets/diagnostic/surfaces.svg", "assets/diagnostic/regimes.svg"} <= site.files.keys()
    return site.pages["diagnostic.md"]


@pytest.mark.slow
def test_page_of_a_reunion_commune_warns_about_overseas() -> None:
    page = _page(["97411"])  # Saint-Denis, La Réunion
    assert '!!! warning "Territoire d\'outre-mer"' in page
    assert "moyennes nationales" in page and "Territoire insulaire" not in page


@pytest.mark.slow
def test_page_of_a_corsican_commune_warns_about_the_island() -> None:
    page = _page(["2A004"])  # Ajaccio
    assert '!!! warning "Territoire insulaire"' in page and "outre-mer" not in page


@pytest.mark.slow
def test_page_of_a_mainland_commune_has_no_caveat() -> None:
    page = _page(["62057"])  # Audruicq, 5 309 inhabitants in the shipped data
    assert "!!! warning" not in page
    assert "le territoire aurait besoin **de 1 400 à 2 300 ha**" in page
    assert "**de 36 à 56 emplois à temps plein**" in page
    assert "5 309 hab. × 0,43 ha/hab. × (100 % − 37 %) = 1 438 ha" in page
    assert "Recensement agricole 2020" in page and "Connaissance des Énergies" in page
    assert "extrapolé" not in page
    assert "Tourtoirac (649 habitants) : 240 ha et environ 10 emplois agricoles" in page
    assert "Surface agricole du territoire : non renseignée" in page
    assert "l'aura indiquée, avec sa source et son année" in page


@pytest.mark.slow
def test_page_compares_the_declared_farmland_with_its_source_and_year() -> None:
    typed_source = dict(sau_ha=1800, sau_source="Agreste <b>RA</b> 2020", sau_annee=2020)
    raw = _raw_page(["62057"], **typed_source)
    assert "<b>" not in raw and "&lt;b&gt;RA" in raw  # typed text stays literal
    page = _page(["62057"], **typed_source)
    assert ("**Surface agricole utile déclarée : 1 800 ha** — Agreste <b>RA</b> "
            "2020 (2020)") in page
    assert "Elle représente **de 79 à 125 %** des terres nécessaires" in page
    assert "1 800 ha ÷ 1 438 ha × 100 = 125 % (estimation basse)" in page
    assert "La surface agricole déclarée se situe dans la fourchette" in page
    assert "non renseignée" not in page.split("### Surface agricole du territoire")[1][:200]


@pytest.mark.slow
def test_the_land_needed_is_compared_with_the_territory_s_whole_area() -> None:
    page = _page(["62057"])  # Audruicq: 1 446 ha of outlines, 5 309 inhabitants
    assert "Superficie totale du territoire : 1 446 ha**" in page
    assert "en représentent **de 99 à 158 %**" in page
    assert "1 438 ha ÷ 1 446 ha × 100 = 99 % ; 2 283 ha ÷ 1 446 ha × 100 = 158 %" in page
    assert "IGN, ADMIN EXPRESS COG" in page


@pytest.mark.slow
def test_no_partial_area_when_a_commune_has_no_outline() -> None:
    page = _page(["15031"])  # Celles (Cantal): no outline in the shipped data
    assert "Superficie totale du territoire" not in page
