"""The diagnostic of a territory: what it takes to feed it, each figure with formula and source.

Pure functions over published ratios (see ``SOURCES``); no I/O. Every ``Figure`` carries the
French text of its computation with the actual numbers, so a page can show how it was made.
The pieces live beside this module: ``figures`` (sources, figures, French words), ``land``
(farmland needed, as a range, and the declared farmland), ``jobs`` (farm jobs from the
national ratio), ``caveats`` (overseas and islands), ``baskets`` (the solidarity baskets).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ecopole_kit.foundation.french import format_number, with_unit
from ecopole_kit.territory.baskets import (
    REFERENCE_HOUSEHOLD_SHARE,
    BasketParams,
    BasketScenario,
    BasketTier,
    Funder,
    basket_scenario,
)
from ecopole_kit.territory.caveats import Caveat, caveats
from ecopole_kit.territory.figures import SOURCES, Figure, Source, check_population, inhabitants
from ecopole_kit.territory.jobs import PARCEL_EXAMPLES, JobsRange, ParcelExample, farm_jobs
from ecopole_kit.territory.land import (
    ADEME_RATIOS,
    DeclaredFarmland,
    DietRatio,
    FarmlandComparison,
    LandNeed,
    LandRange,
    compare_farmland,
    land_needs,
    land_range,
)

FOOD_KG_PER_PERSON_DAY = 1.4  # CRATer, from INCA 3

__all__ = [
    "ADEME_RATIOS", "PARCEL_EXAMPLES", "REFERENCE_HOUSEHOLD_SHARE", "SOURCES", "BasketParams",
    "BasketScenario", "BasketTier", "Caveat", "DeclaredFarmland", "Diagnostic", "DietRatio",
    "FarmlandComparison", "Figure", "Funder", "JobsRange", "LandNeed", "LandRange",
    "ParcelExample", "Source", "basket_scenario", "caveats", "compare_farmland", "diagnose",
    "farm_jobs", "food_needs", "format_number", "land_needs", "land_range",
]


def food_needs(population: int) -> Figure:
    """Food eaten in a year (CRATer: 1.4 kg per person per day), in tonnes."""
    check_population(population)
    value = population * FOOD_KG_PER_PERSON_DAY * 365 / 1000
    return Figure(
        label="Nourriture consommée par la population en un an",
        value=value, unit="t par an", source_id="crater",
        formula=f"{inhabitants(population)} × {with_unit(FOOD_KG_PER_PERSON_DAY, 'kg/jour', 1)}"
                f" × {with_unit(365, 'jours')} ÷ {format_number(1000)} = {with_unit(value, 't')}",
    )


@dataclass(frozen=True)
class Diagnostic:
    population: int
    food: Figure
    land_range: LandRange
    land: tuple[LandNeed, ...]
    jobs: JobsRange
    farmland: FarmlandComparison | None = None
    caveats: tuple[Caveat, ...] = ()
    baskets: BasketScenario | None = None
    parcel_examples: tuple[ParcelExample, ...] = PARCEL_EXAMPLES
    population_source_id: str = "insee-cog"


def diagnose(population: int, baskets: BasketParams | None = None, *,
             farmland: DeclaredFarmland | None = None,
             departements: Iterable[str] = ()) -> Diagnostic:
    """Bundle every figure of the diagnostic of a territory of ``population`` inhabitants.

    ``farmland`` is what the project declares (``contexte.sau_ha``); ``departements`` the
    codes of the départements the territory lies in, for the overseas and island caveats.
    """
    need = land_range(population)
    return Diagnostic(
        population=population,
        food=food_needs(population),
        land_range=need,
        land=tuple(land_needs(population)),
        jobs=farm_jobs(need),
        farmland=None if farmland is None else compare_farmland(need, farmland),
        caveats=caveats(departements),
        baskets=None if baskets is None else basket_scenario(baskets),
    )
