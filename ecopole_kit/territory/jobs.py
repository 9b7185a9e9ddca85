"""Farm jobs for the land a territory needs, from the national ratio of the 2020 census.

Pure: no I/O. The Recensement agricole 2020 counts 659 500 full-time equivalents on
26.7 Mha of farmland; that ratio, applied to both bounds of the land range, gives a range of
jobs, rounded to two significant digits. PARCEL's published examples are kept as context,
never extrapolated from.
"""

from __future__ import annotations

from dataclasses import dataclass

from ecopole_kit.foundation.french import NBSP, counted, with_unit
from ecopole_kit.territory.figures import Figure, span
from ecopole_kit.territory.land import LandRange

RA2020_FTE = 659_500  # full-time equivalents, Recensement agricole 2020
RA2020_SAU_HA = 26_700_000  # farmland (SAU), Recensement agricole 2020
JOB, JOBS = "emploi à temps plein", "emplois à temps plein"


@dataclass(frozen=True)
class JobsRange:
    """Farm jobs on the low and the high bound of the land needed."""

    ratio: Figure
    low: Figure
    high: Figure

    @property
    def display(self) -> str:
        """« de 440 à 690 emplois à temps plein », « environ 7 emplois à temps plein »."""
        return span(self.low.value, self.high.value, JOB, JOBS, f"moins d'un {JOB}")


def national_ratio() -> Figure:
    """Full-time equivalents per 100 ha of farmland in France (2020)."""
    value = RA2020_FTE / RA2020_SAU_HA * 100
    return Figure(
        label="Emplois agricoles pour 100 ha en France (équivalents temps plein, 2020)",
        value=value, unit="ETP pour 100 ha", source_id="agreste-ra2020", decimals=2,
        formula=f"{with_unit(RA2020_FTE, 'ETP')} ÷ {with_unit(RA2020_SAU_HA, 'ha')} × 100 = "
                f"{with_unit(value, 'ETP pour 100 ha', 2)}")


def _jobs(land: Figure, bound: str) -> Figure:
    value = land.value * RA2020_FTE / RA2020_SAU_HA
    decimals = 1 if value < 100 else 0
    return Figure(
        label=f"Emplois agricoles sur l'estimation {bound} des terres nécessaires",
        value=value, unit="ETP", source_id="agreste-ra2020", decimals=decimals,
        formula=f"{with_unit(land.value, 'ha')} × {with_unit(RA2020_FTE, 'ETP')} ÷ "
                f"{with_unit(RA2020_SAU_HA, 'ha')} = {with_unit(value, 'ETP', decimals)}")


def farm_jobs(land: LandRange) -> JobsRange:
    """Farm jobs on the land range, at the national ratio of jobs per hectare."""
    return JobsRange(ratio=national_ratio(), low=_jobs(land.low, "basse"),
                     high=_jobs(land.high, "haute"))


@dataclass(frozen=True)
class ParcelExample:
    """A worked example PARCEL published for one commune (context, not a ratio)."""

    place: str
    population: int
    hectares: int
    jobs: int
    jobs_one: str
    jobs_many: str
    scenario: str = ""

    @property
    def sentence(self) -> str:
        """« Tourtoirac (649 habitants) : 240 ha et environ 10 emplois agricoles »."""
        scenario = f" {self.scenario}" if self.scenario else ""
        return (f"{self.place} ({counted(self.population, 'habitant', 'habitants')}){scenario}"
                f" : {with_unit(self.hectares, 'ha')} et environ "
                f"{counted(self.jobs, self.jobs_one, self.jobs_many)}")


PARCEL_EXAMPLES: tuple[ParcelExample, ...] = (
    ParcelExample("Vannes", 53_200, 15_800, 540, "agriculteur de plus", "agriculteurs de plus"),
    ParcelExample("Tourtoirac", 649, 240, 10, "emploi agricole", "emplois agricoles"),
    ParcelExample("Tourtoirac", 649, 460, 19, "emploi agricole", "emplois agricoles",
                  f"en 100{NBSP}% bio"),
)
