"""Farmland needed to feed a territory: the ADEME table by diet, and a range for today's diet.

Pure: no I/O. The range has two bounds a reader can picture: the whole ADEME footprint of
the average French diet, which counts the land abroad that grows what France imports (high),
and the share of that footprint located in France (low). The territory's farmland, when the
project declares it, is compared with both.
"""

from __future__ import annotations

from dataclasses import dataclass

from ecopole_kit.errors import ScenarioInvalid
from ecopole_kit.foundation.french import typeset, with_unit
from ecopole_kit.territory.figures import Figure, check_population, inhabitants, pct, span, whole

ABROAD_SHARE_PCT = 37.0  # share of the land feeding France located abroad (about 37 %)
NATIONAL_FOOTPRINT_MHA = 26.0  # land feeding the French population (about 26 Mha)
PARCEL_RELOCATED_MHA = 20.9  # PARCEL: all food relocated, no conversion to organic


@dataclass(frozen=True)
class DietRatio:
    """ADEME (2020): hectares per person per year; ``organic`` is None where not published."""

    diet: str
    conventional: float
    organic: float | None


ADEME_RATIOS: tuple[DietRatio, ...] = (
    DietRatio("170 g de viande par jour", 0.53, 0.75),
    DietRatio("107 g de viande par jour (moyenne française actuelle)", 0.43, None),
    DietRatio("75 g de viande par jour", 0.29, 0.41),
    DietRatio("30 g de viande par jour", 0.19, 0.28),
    DietRatio("Pescétarien ou végétarien", 0.14, 0.20),
    DietRatio("Végétalien", 0.12, 0.16),
)
AVERAGE_DIET = ADEME_RATIOS[1]


@dataclass(frozen=True)
class LandNeed:
    diet: str
    conventional: Figure
    organic: Figure | None


def _ratio(ratio: float) -> str:
    return with_unit(ratio, "ha/hab.", 2)


def _land_figure(population: int, diet: str, ratio: float, farming: str) -> Figure:
    value = population * ratio
    return Figure(
        label=f"Surface agricole nécessaire (régime {diet.lower()}, agriculture {farming})",
        value=value, unit="ha", source_id="ademe-2020",
        formula=f"{inhabitants(population)} × {_ratio(ratio)} = {with_unit(value, 'ha')}",
    )


def land_needs(population: int) -> list[LandNeed]:
    """Farmland needed to feed ``population`` for each ADEME diet, conventional and organic."""
    check_population(population)
    return [
        LandNeed(
            diet=r.diet,
            conventional=_land_figure(population, r.diet, r.conventional, "conventionnelle"),
            organic=None if r.organic is None
            else _land_figure(population, r.diet, r.organic, "biologique"),
        )
        for r in ADEME_RATIOS
    ]


@dataclass(frozen=True)
class LandRange:
    """Land needed at today's average diet: ``low`` its share in France, ``high`` all of it."""

    low: Figure
    high: Figure
    relocation: Figure  # PARCEL's full relocation, as a share of the national footprint

    @property
    def display(self) -> str:
        """« de 18 000 à 28 000 ha », each bound to two significant digits."""
        return span(self.low.value, self.high.value, "ha", "ha", "moins d'un hectare")


def _high(population: int) -> Figure:
    ratio = AVERAGE_DIET.conventional
    value = population * ratio
    return Figure(
        label="Toute l'empreinte, terres situées à l'étranger comprises (estimation haute)",
        value=value, unit="ha", source_id="ademe-2020",
        formula=f"{inhabitants(population)} × {_ratio(ratio)} = {with_unit(value, 'ha')}")


def _low(population: int) -> Figure:
    ratio = AVERAGE_DIET.conventional
    value = population * ratio * (100 - ABROAD_SHARE_PCT) / 100
    return Figure(
        label="La part de l'empreinte située en France (estimation basse)",
        value=value, unit="ha", source_id="importations",
        formula=f"{inhabitants(population)} × {_ratio(ratio)} × ({pct(100)} − "
                f"{pct(ABROAD_SHARE_PCT)}) = {with_unit(value, 'ha')}")


def _relocation() -> Figure:
    value = PARCEL_RELOCATED_MHA / NATIONAL_FOOTPRINT_MHA * 100
    return Figure(
        label="Toute l'alimentation relocalisée en France, au régime actuel (PARCEL), "
              "rapportée à l'empreinte nationale",
        value=value, unit="%", source_id="parcel",
        formula=f"{with_unit(PARCEL_RELOCATED_MHA, 'Mha', 1)} ÷ "
                f"{with_unit(NATIONAL_FOOTPRINT_MHA, 'Mha')} × 100 = {with_unit(value, '%')}")


def land_range(population: int) -> LandRange:
    """Farmland needed at today's average diet, from its share in France to all of it."""
    check_population(population)
    return LandRange(low=_low(population), high=_high(population), relocation=_relocation())


@dataclass(frozen=True)
class DeclaredFarmland:
    """The territory's farmland (SAU) as the project declares it, with its source and year."""

    hectares: float
    source: str | None = None
    year: int | None = None


@dataclass(frozen=True)
class FarmlandComparison:
    """The declared farmland as a share of the land needed, from the high to the low bound."""

    declared: DeclaredFarmland
    of_high: Figure
    of_low: Figure
    position: str  # "sous", "dans" or "au-dessus" of the range

    @property
    def display(self) -> str:
        """« de 43 à 68 % » of the land needed, to the whole percent."""
        return span(self.of_high.value, self.of_low.value, "%", "%", typeset("moins de 1 %"),
                    rounder=whole)

    @property
    def sentence(self) -> str:
        return POSITION_SENTENCES[self.position]


POSITION_SENTENCES = {key: typeset(text) for key, text in {
    "sous": "La surface agricole déclarée est inférieure même à l'estimation basse : au "
            "régime alimentaire moyen, elle ne suffirait pas à nourrir la population du "
            "territoire.",
    "dans": "La surface agricole déclarée se situe dans la fourchette : elle suffirait ou non, "
            "selon la part de l'alimentation que l'on voudrait produire sur place.",
    "au-dessus": "La surface agricole déclarée dépasse l'estimation haute : en surface, elle "
                 "suffirait à nourrir la population du territoire.",
}.items()}


def _share(declared: float, need: Figure, bound: str) -> Figure:
    value = declared / need.value * 100
    return Figure(
        label=f"Surface agricole déclarée rapportée à l'estimation {bound}",
        value=value, unit="%", source_id="declaration",
        formula=f"{with_unit(declared, 'ha')} ÷ {with_unit(need.value, 'ha')} × 100 = "
                f"{with_unit(value, '%')}")


def compare_farmland(need: LandRange, declared: DeclaredFarmland) -> FarmlandComparison:
    """How the declared farmland compares with the land needed."""
    if not declared.hectares > 0:
        raise ScenarioInvalid(
            typeset(f"Surface agricole déclarée invalide : {declared.hectares!r} ha."),
            hint="Indiquez dans contexte.sau_ha une surface en hectares supérieure à zéro.")
    hectares = declared.hectares
    position = ("sous" if hectares < need.low.value
                else "dans" if hectares <= need.high.value else "au-dessus")
    return FarmlandComparison(declared=declared, of_high=_share(hectares, need.high, "haute"),
                              of_low=_share(hectares, need.low, "basse"), position=position)
