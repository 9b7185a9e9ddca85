"""The diagnostic: every figure equals its formula, French numbers, baskets, SVG charts."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest

from ecopole_kit.errors import EcopoleError
from ecopole_kit.foundation.french import NBSP, NNBSP, format_number
from ecopole_kit.site.charts import Chart, basket_chart_svg, land_chart_svg
from ecopole_kit.territory.diagnostic import (
    ADEME_RATIOS,
    SOURCES,
    BasketParams,
    BasketTier,
    Figure,
    Funder,
    basket_scenario,
    diagnose,
    food_needs,
    land_needs,
)

POPULATION = 131_250
HOSTILE = "$x$ <b>Pays & « Tolosan »</b> \\alpha $"


def french(text: str) -> str:
    """Write tests with plain spaces and straight apostrophes; compare with the narrow and
    plain no-break spaces and the typographic apostrophes of the pages."""
    return text.replace(NNBSP, " ").replace(NBSP, " ").replace("’", "'").replace("&#39;", "'")


def params(**changes: object) -> BasketParams:
    base: dict[str, object] = {
        "price": 16.0, "households": 40, "weeks": 48,
        "tiers": [BasketTier("Très modestes", 10, households=20),
                  BasketTier("Modestes", 30, households=20)],
        "funders": [Funder("CAF", 50), Funder("Commune", 30), Funder("Département", 20)],
    }
    base.update(changes)
    return BasketParams(**base)  # type: ignore[arg-type]


# --- French numbers -------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "decimals", "expected"), [
    (1234.5, 1, "1 234,5"), (53812.5, 0, "53 813"), (0.41, 2, "0,41"), (0.2, 2, "0,20"),
    (1_234_567.891, 2, "1 234 567,89"), (999, 0, "999"), (0, 0, "0"), (-0.0001, 0, "0"),
    (-1234.5, 1, "-1 234,5"), (2.675, 2, "2,68"), (131250 * 0.29, 0, "38 063"),
])
def test_format_number(value: float, decimals: int, expected: str) -> None:
    text = format_number(value, decimals)
    assert text == expected.replace(" ", NNBSP)
    assert " " not in text and "." not in text


def test_thousands_separator_is_the_narrow_no_break_space() -> None:
    assert format_number(1234) == "1\u202f234"


# --- Land -----------------------------------------------------------------------------------

def test_ademe_table_is_exactly_the_published_one() -> None:
    table = [(r.conventional, r.organic) for r in ADEME_RATIOS]
    assert table == [(0.53, 0.75), (0.43, None), (0.29, 0.41), (0.19, 0.28),
                     (0.14, 0.20), (0.12, 0.16)]
    assert "107 g" in ADEME_RATIOS[1].diet and "moyenne" in ADEME_RATIOS[1].diet


def test_land_figures_equal_population_times_ratio() -> None:
    needs = land_needs(POPULATION)
    assert len(needs) == len(ADEME_RATIOS)
    for need, ratio in zip(needs, ADEME_RATIOS, strict=True):
        assert need.diet == ratio.diet
        assert need.conventional.value == pytest.approx(POPULATION * ratio.conventional)
        if ratio.organic is None:
            assert need.organic is None
        else:
            assert need.organic is not None
            assert need.organic.value == pytest.approx(POPULATION * ratio.organic)
        for figure in (need.conventional, need.organic):
            if figure is not None:
                assert_formula_consistent(figure)
                assert figure.unit == "ha" and figure.source_id == "ademe-2020"


def test_land_formula_shows_the_numbers() -> None:
    organic_75g = land_needs(POPULATION)[2].organic
    assert organic_75g is not None
    assert french(organic_75g.formula) == "131 250 hab. × 0,41 ha/hab. = 53 813 ha"
    assert french(organic_75g.display) == "53 813 ha"


def test_107g_organic_stays_none() -> None:
    assert land_needs(POPULATION)[1].organic is None
    assert diagnose(POPULATION).land[1].organic is None


def assert_formula_consistent(figure: Figure) -> None:
    """The formula ends with the figure's own value, as displayed."""
    assert figure.formula.endswith(figure.display.removesuffix(" par an")), figure
    assert figure.source_id in SOURCES


# --- Food and jobs --------------------------------------------------------------------------

def test_food_needs_uses_crater_ratio() -> None:
    food = food_needs(POPULATION)
    assert food.value == pytest.approx(POPULATION * 1.4 * 365 / 1000)
    assert food.source_id == "crater"
    assert french(food.formula).startswith("131 250 hab. × 1,4 kg/jour × 365 jours")


def test_doubling_population_doubles_every_figure() -> None:
    one, two = diagnose(1000), diagnose(2000)
    assert two.food.value == pytest.approx(2 * one.food.value)
    for a, b in ((one.land_range.low, two.land_range.low), (one.jobs.low, two.jobs.low),
                 (one.jobs.high, two.jobs.high)):
        assert b.value == pytest.approx(2 * a.value)


@pytest.mark.parametrize("population", [0, -5, True, 12.5])
def test_invalid_population_is_refused_in_french(population: int) -> None:
    with pytest.raises(EcopoleError, match="Population invalide"):
        diagnose(population)


def test_sources() -> None:
    assert SOURCES["ademe-2020"].url == (
        "https://loire-atlantique.resiliencealimentaire.fr/calculateur-surface-agricole")
    assert SOURCES["parcel"].url == "https://parcel-app.org"
    assert SOURCES["crater"].url is None
    assert "resolis.org" in (SOURCES["paniers-solidaires"].url or "")
    assert "Etalab" in SOURCES["insee-cog"].titre
    assert all(source.id == key for key, source in SOURCES.items())


# --- Baskets --------------------------------------------------------------------------------

def test_basket_sums() -> None:
    s = basket_scenario(params())
    assert s.yearly_baskets.value == 40 * 48
    assert s.full_cost.value == pytest.approx(40 * 48 * 16)
    assert [t.value for t in s.tier_payments] == pytest.approx(
        [20 * 48 * 16 * 0.10, 20 * 48 * 16 * 0.30])
    assert s.households_total.value == pytest.approx(sum(t.value for t in s.tier_payments))
    funded = sum(f.value for f in s.funder_payments)
    assert s.households_total.value + funded == pytest.approx(s.full_cost.value)
    rest = s.full_cost.value - s.households_total.value
    assert [f.value for f in s.funder_payments] == pytest.approx(
        [rest * 0.5, rest * 0.3, rest * 0.2])
    assert s.household_share.value == pytest.approx(20.0)
    for figure in (s.yearly_baskets, s.full_cost, *s.tier_payments, s.households_total,
                   *s.funder_payments, s.household_share):
        assert_formula_consistent(figure)


def test_basket_tiers_as_shares_of_households() -> None:
    tiers = [BasketTier("A", 10, households_pct=25), BasketTier("B", 50, households_pct=75)]
    s = basket_scenario(params(tiers=tiers))
    assert s.tier_payments[0].value == pytest.approx(10 * 48 * 16 * 0.10)
    assert s.household_share.value == pytest.approx(0.25 * 10 + 0.75 * 50)


def test_basket_formulas_read_well() -> None:
    s = basket_scenario(params())
    assert french(s.tier_payments[0].formula) == (
        "20 foyers × 48 semaines × 16 € × 10 % = 1 536 €")
    assert french(s.full_cost.formula) == "1 920 paniers × 16 € = 30 720 €"


def test_reference_flag() -> None:
    below = basket_scenario(params())
    assert not below.above_reference and "ne dépasse pas" in below.reference_note
    at = basket_scenario(params(tiers=[BasketTier("Tous", 30, households=40)]))
    assert not at.above_reference
    above = basket_scenario(params(tiers=[BasketTier("Tous", 35, households=40)]))
    assert above.above_reference and " dépasse la référence" in above.reference_note
    assert "30 000 paniers solidaires" in french(above.reference_note)
    assert above.reference_source_id == "paniers-solidaires"


def test_everyone_paying_full_price_needs_no_funder() -> None:
    s = basket_scenario(params(tiers=[BasketTier("Plein tarif", 100, households=40)], funders=[]))
    assert s.households_total.value == pytest.approx(s.full_cost.value)
    assert s.above_reference


@pytest.mark.parametrize(("changes", "message"), [
    ({"price": 0}, "prix du panier"),
    ({"households": 0}, "au moins un foyer"),
    ({"weeks": 60}, "semaines"),
    ({"tiers": []}, "aucune tranche"),
    ({"tiers": [BasketTier("A", 120, households=40)]}, "pourcentage entre 0 et 100"),
    ({"tiers": [BasketTier("A", 10, households=30)]}, "30 foyers au lieu de 40"),
    ({"tiers": [BasketTier("A", 10, households_pct=90)]}, "au lieu de 100"),
    ({"tiers": [BasketTier("A", 10, households=20), BasketTier("B", 10, households_pct=50)]},
     "soit un nombre de foyers"),
    ({"funders": []}, "personne ne finance"),
    ({"funders": [Funder("CAF", 60)]}, "parts des financeurs"),
])
def test_basket_validation(changes: dict[str, object], message: str) -> None:
    with pytest.raises(EcopoleError, match="Scénario de paniers solidaires") as caught:
        basket_scenario(params(**changes))
    assert message in french(caught.value.message)


def test_diagnose_bundles_everything() -> None:
    d = diagnose(POPULATION, params())
    assert d.population == POPULATION and d.population_source_id == "insee-cog"
    assert len(d.land) == 6 and d.baskets is not None
    assert d.jobs.low.value < d.jobs.high.value
    assert d.farmland is None and d.caveats == ()
    assert [e.place for e in d.parcel_examples] == ["Vannes", "Tourtoirac", "Tourtoirac"]
    assert diagnose(POPULATION).baskets is None


# --- Charts ---------------------------------------------------------------------------------

def check_svg(chart: Chart) -> ET.Element:
    root = ET.fromstring(chart.svg.encode("utf-8"))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "<svg" in chart.svg and "<script" not in chart.svg.lower()
    hrefs = re.findall(r'href="([^"]*)"', chart.svg)
    assert hrefs and all(href.startswith("#") for href in hrefs)
    assert "<text" in chart.svg and "<dc:date>" not in chart.svg  # text stays text, no date
    ET.fromstring(chart.inline_svg)
    return root


def texts(root: ET.Element) -> list[str]:
    return ["".join(el.itertext()) for el in root.iter("{http://www.w3.org/2000/svg}text")]


def test_land_chart() -> None:
    chart = land_chart_svg(land_needs(POPULATION), "Pays Tolosan")
    root = check_svg(chart)
    drawn = texts(root)
    assert "120 000".replace(" ", NNBSP) in drawn
    assert "bio : non publié" in drawn
    assert any("conventionnelle" in t for t in drawn)
    assert "Pays Tolosan" in chart.caption and "Pays Tolosan" in chart.alt
    assert "Pays Tolosan" not in chart.svg
    assert "ADEME" in chart.caption


def test_land_chart_is_deterministic() -> None:
    needs = land_needs(POPULATION)
    assert land_chart_svg(needs, "A").svg == land_chart_svg(needs, "A").svg


def test_hostile_territory_name_stays_out_of_the_svg() -> None:
    chart = land_chart_svg(land_needs(POPULATION), HOSTILE)
    check_svg(chart)
    assert HOSTILE in chart.caption and HOSTILE in chart.alt
    assert "Tolosan" not in chart.svg


def test_basket_chart_with_hostile_labels() -> None:
    scenario = basket_scenario(params(
        tiers=[BasketTier(HOSTILE, 10, households=40)],
        funders=[Funder("CAF $a$ <script>alert(1)</script>", 100)]))
    chart = basket_chart_svg(scenario)
    drawn = " ".join(texts(check_svg(chart)))
    assert "$x$ <b>Pays & « Tolosan »</b>" in drawn  # drawn literally, not as mathtext
    assert "CAF $a$ <script>alert(1)</script>" in drawn and "<script" not in chart.svg
    assert basket_chart_svg(scenario).svg == chart.svg
    assert "30 000 paniers solidaires" in french(chart.caption)
    assert "CAF" in chart.alt


@pytest.mark.slow  # another Python process
def test_drawing_charts_imports_no_plotting_library() -> None:
    code = ("import sys\n"
            "from tests.test_diagnostic import POPULATION, basket_scenario, land_needs, params\n"
            "from ecopole_kit.site.charts import basket_chart_svg, land_chart_svg\n"
            "land_chart_svg(land_needs(POPULATION), 'A')\n"
            "basket_chart_svg(basket_scenario(params()))\n"
            "print(sorted({'matplotlib', 'numpy', 'PIL'} & set(sys.modules)))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=Path(__file__).resolve().parent.parent)
    assert result.stdout.strip() == "[]"


def test_chart_has_an_accessible_title_and_description() -> None:
    chart = basket_chart_svg(basket_scenario(params(funders=[Funder("CAF <b>", 100)])))
    root = check_svg(chart)
    labelled = root.get("aria-labelledby", "").split()
    found = {el.get("id"): "".join(el.itertext()) for el in root.iter()
             if el.get("id") in labelled}
    assert root.get("role") == "img" and len(found) == 2
    assert "Qui paie les paniers solidaires" in found.values()
    assert any("CAF <b>" in text for text in found.values()) and "<b>" not in chart.svg


@pytest.mark.parametrize(("day", "expected"), [
    (date(2026, 5, 1), "1er mai 2026"), (date(2026, 3, 14), "14 mars 2026"),
    (date(2027, 12, 31), "31 décembre 2027"),
])
def test_french_date(day: date, expected: str) -> None:
    from ecopole_kit.foundation.french import french_date

    assert french_date(day) == expected
    assert french_date(None) == ""


def test_month_label_and_amount() -> None:
    from ecopole_kit.foundation.french import format_amount, month_label

    assert month_label(date(2027, 1, 15)) == "janv. 2027"
    assert format_amount(30.0) == "30"
    assert format_amount(12.5) == "12,5"
    assert format_amount(1234.567) == "1\u202f234,57"
