"""The diagnostic of a territory: what it takes to feed it, each figure with formula and source.

Pure functions over published ratios (see ``SOURCES``); no I/O. Every ``Figure`` carries the
French text of its computation with the actual numbers, so a page can show how it was made.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ecopole_kit.errors import EcopoleError, ScenarioInvalid
from ecopole_kit.foundation.french import NNBSP, format_number, with_unit

REFERENCE_HOUSEHOLD_SHARE = 30.0  # "30 000 paniers solidaires": the family pays at most ~30 %
FOOD_KG_PER_PERSON_DAY = 1.4  # CRATer, from INCA 3


@dataclass(frozen=True)
class Source:
    id: str
    titre: str
    url: str | None
    detail: str


SOURCES: dict[str, Source] = {s.id: s for s in (
    Source("ademe-2020", "ADEME (2020), cité par le calculateur de surface agricole de "
           "Loire-Atlantique",
           "https://loire-atlantique.resiliencealimentaire.fr/calculateur-surface-agricole",
           "Hectares de terres agricoles nécessaires par personne et par an, selon le régime "
           "alimentaire, en conventionnel et en bio (valeur bio non publiée pour 107 g)."),
    Source("parcel", "PARCEL (Terre de Liens, FNAB, BASIC)", "https://parcel-app.org",
           "Outil lancé en 2019 ; exemples publiés pour Vannes (53 200 habitants) et "
           "Tourtoirac (649 habitants)."),
    Source("crater", "CRATer / Territoires Fertiles (Les Greniers d'Abondance)", None,
           "Diagnostics par commune, EPCI, département et région ; 1,4 kg de nourriture par "
           "personne et par jour (enquête INCA 3)."),
    Source("paniers-solidaires", "Programme « 30 000 paniers solidaires » (Réseau Cocagne)",
           "https://resolis.org",
           "Depuis 2010 : la famille paie au plus environ 30 % du prix du panier, des "
           "partenaires financent le reste, avec des ateliers cuisine, jardin et nutrition."),
    Source("insee-cog", "INSEE, Code officiel géographique, via Etalab "
           "(@etalab/decoupage-administratif 6.0.0)", None,
           "Population des communes et des EPCI."),
    Source("hypotheses", "Hypothèses du territoire", None,
           "Paramètres saisis pour le territoire : prix du panier, foyers, tranches, financeurs."),
)}


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


@dataclass(frozen=True)
class ParcelExample:
    place: str
    population: int
    jobs: float
    what: str
    unit: str


PARCEL_EXAMPLES: tuple[ParcelExample, ...] = (
    ParcelExample("Tourtoirac", 649, 10, "Emplois agricoles (régime actuel)", "emplois"),
    ParcelExample("Tourtoirac", 649, 19, "Emplois agricoles (100 % bio)", "emplois"),
    ParcelExample("Vannes", 53_200, 540, "Agriculteurs supplémentaires", "agriculteurs"),
)


def _pct(value: float) -> str:
    decimals = 0 if float(value).is_integer() else 1 if round(value, 1) == value else 2
    return with_unit(value, "%", decimals)


@dataclass(frozen=True)
class Figure:
    """One computed figure; ``formula`` shows the computation with its actual numbers."""

    label: str
    value: float
    unit: str
    formula: str
    source_id: str
    decimals: int = 0

    @property
    def display(self) -> str:
        """The value in French with its unit, e.g. "53 812 ha"."""
        return with_unit(self.value, self.unit, self.decimals)

    @property
    def source(self) -> Source:
        return SOURCES[self.source_id]


@dataclass(frozen=True)
class LandNeed:
    diet: str
    conventional: Figure
    organic: Figure | None


def _check_population(population: int) -> None:
    if isinstance(population, bool) or not isinstance(population, int) or population <= 0:
        raise ScenarioInvalid(f"Population invalide : {population!r}.",
                           hint="Indiquez un nombre entier d'habitants supérieur à zéro.")


def _pop(population: int) -> str:
    return with_unit(population, "hab.")


def _land_figure(population: int, diet: str, ratio: float, farming: str) -> Figure:
    value = population * ratio
    return Figure(
        label=f"Surface agricole nécessaire (régime {diet.lower()}, agriculture {farming})",
        value=value, unit="ha", source_id="ademe-2020",
        formula=f"{_pop(population)} × {with_unit(ratio, 'ha/hab.', 2)} = "
                f"{with_unit(value, 'ha')}",
    )


def land_needs(population: int) -> list[LandNeed]:
    """Farmland needed to feed ``population`` for each ADEME diet, conventional and organic."""
    _check_population(population)
    return [
        LandNeed(
            diet=r.diet,
            conventional=_land_figure(population, r.diet, r.conventional, "conventionnelle"),
            organic=None if r.organic is None
            else _land_figure(population, r.diet, r.organic, "biologique"),
        )
        for r in ADEME_RATIOS
    ]


def food_needs(population: int) -> Figure:
    """Food eaten in a year (CRATer: 1.4 kg per person per day), in tonnes."""
    _check_population(population)
    value = population * FOOD_KG_PER_PERSON_DAY * 365 / 1000
    return Figure(
        label="Nourriture consommée par la population en un an",
        value=value, unit="t par an", source_id="crater",
        formula=f"{_pop(population)} × {with_unit(FOOD_KG_PER_PERSON_DAY, 'kg/jour', 1)} "
                f"× {with_unit(365, 'jours')} ÷ {format_number(1000)} = {with_unit(value, 't')}",
    )


def _job_figure(population: int, example: ParcelExample) -> Figure:
    value = population * example.jobs / example.population
    decimals = 1 if value < 10 else 0
    return Figure(
        label=f"{example.what} : ordre de grandeur extrapolé de l'exemple PARCEL de "
              f"{example.place} ({format_number(example.population)} habitants, "
              f"{format_number(example.jobs)} {example.unit})",
        value=value, unit=example.unit, source_id="parcel", decimals=decimals,
        formula=f"{_pop(population)} × {with_unit(example.jobs, example.unit)} ÷ "
                f"{_pop(example.population)} = {with_unit(value, example.unit, decimals)}",
    )


def farm_jobs(population: int) -> list[Figure]:
    """Farm jobs, in proportion to PARCEL's worked examples (orders of magnitude only)."""
    _check_population(population)
    return [_job_figure(population, example) for example in PARCEL_EXAMPLES]


@dataclass(frozen=True)
class BasketTier:
    """Households paying ``paid_pct`` % of the basket; give ``households`` or ``households_pct``."""

    label: str
    paid_pct: float
    households: int | None = None
    households_pct: float | None = None


@dataclass(frozen=True)
class Funder:
    """A partner paying ``share_pct`` % of what households do not pay."""

    name: str
    share_pct: float


@dataclass(frozen=True)
class BasketParams:
    price: float
    households: int
    weeks: int
    tiers: Sequence[BasketTier]
    funders: Sequence[Funder] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "tiers", tuple(self.tiers))
        object.__setattr__(self, "funders", tuple(self.funders))


@dataclass(frozen=True)
class BasketScenario:
    params: BasketParams
    yearly_baskets: Figure
    full_cost: Figure
    tier_payments: tuple[Figure, ...]
    households_total: Figure
    funder_payments: tuple[Figure, ...]
    household_share: Figure
    above_reference: bool
    reference_note: str
    reference_source_id: str = "paniers-solidaires"


def _invalid(message: str, hint: str) -> EcopoleError:
    return ScenarioInvalid(f"Scénario de paniers solidaires : {message}", hint=hint)


def _check_total(total: float, what: str) -> None:
    if abs(total - 100) > 0.01:
        raise _invalid(f"{what} font {format_number(total, 2)} % au lieu de 100 %.",
                       hint="Corrigez les pourcentages pour que leur somme fasse 100.")


def _check_pct(value: float, what: str) -> None:
    if not 0 <= value <= 100:
        raise _invalid(f"{what} : {value!r} n'est pas un pourcentage entre 0 et 100.",
                       hint="Indiquez un nombre entre 0 et 100.")


def _check_basics(p: BasketParams) -> None:
    if not p.price > 0:
        raise _invalid("le prix du panier doit être supérieur à 0 €.", hint="Exemple : 16.")
    if p.households < 1:
        raise _invalid("il faut au moins un foyer bénéficiaire.", hint="Exemple : 40.")
    if not 1 <= p.weeks <= 53:
        raise _invalid("le nombre de semaines par an doit aller de 1 à 53.", hint="Exemple : 48.")
    if not p.tiers:
        raise _invalid("aucune tranche de participation des foyers.",
                       hint="Ajoutez au moins une tranche (part payée par les foyers).")
    for what, pct in [(f"tranche « {t.label} »", t.paid_pct) for t in p.tiers] + [
            (f"financeur « {f.name} »", f.share_pct) for f in p.funders]:
        _check_pct(pct, what)


def _tier_households(p: BasketParams) -> list[float]:
    """Number of households of each tier, from counts or from shares of all households."""
    counts = [t.households for t in p.tiers]
    shares = [t.households_pct for t in p.tiers]
    if all(c is not None for c in counts) and all(s is None for s in shares):
        resolved = [float(c or 0) for c in counts]
        if sum(resolved) != p.households:
            raise _invalid(f"les tranches comptent {format_number(sum(resolved))} foyers au "
                           f"lieu de {format_number(p.households)}.",
                           hint="Corrigez le nombre de foyers de chaque tranche.")
        return resolved
    if all(s is not None for s in shares) and all(c is None for c in counts):
        _check_total(sum(s or 0 for s in shares), "les parts de foyers des tranches")
        return [p.households * (s or 0) / 100 for s in shares]
    raise _invalid("chaque tranche doit donner soit un nombre de foyers, soit une part des "
                   "foyers (la même forme pour toutes).",
                   hint="Choisissez nombres ou pourcentages pour toutes les tranches.")


def _validate(p: BasketParams) -> list[float]:
    _check_basics(p)
    households = _tier_households(p)
    if any(t.paid_pct < 100 for t in p.tiers):
        if not p.funders:
            raise _invalid("personne ne finance la part non payée par les foyers.",
                           hint="Ajoutez au moins un financeur.")
        _check_total(sum(f.share_pct for f in p.funders), "les parts des financeurs")
    return households


def _euros(value: float, cents: bool = False) -> str:
    return with_unit(value, "€", 2 if cents and not float(value).is_integer() else 0)


def _tier_payment(p: BasketParams, tier: BasketTier, households: float) -> Figure:
    value = households * p.weeks * p.price * tier.paid_pct / 100
    count = with_unit(households, "foyers", 0 if households.is_integer() else 1)
    return Figure(
        label=f"Payé par les foyers de la tranche « {tier.label} »",
        value=value, unit="€ par an", source_id="hypotheses",
        formula=f"{count} × {with_unit(p.weeks, 'semaines')} × {_euros(p.price, cents=True)} × "
                f"{_pct(tier.paid_pct)} = {_euros(value)}",
    )


def _funder_payment(cost: Figure, paid: Figure, funder: Funder) -> Figure:
    value = (cost.value - paid.value) * funder.share_pct / 100
    return Figure(
        label=f"Financé par « {funder.name} »",
        value=value, unit="€ par an", source_id="hypotheses",
        formula=f"({_euros(cost.value)} − {_euros(paid.value)} payés par les foyers) × "
                f"{_pct(funder.share_pct)} = {_euros(value)}",
    )


def _totals(p: BasketParams, tiers: list[Figure]) -> tuple[Figure, Figure, Figure]:
    baskets = p.households * p.weeks
    cost = baskets * p.price
    paid = sum(t.value for t in tiers)
    count = with_unit(baskets, "paniers")
    return (
        Figure("Paniers distribués par an", baskets, "paniers", source_id="hypotheses",
               formula=f"{with_unit(p.households, 'foyers')} × {with_unit(p.weeks, 'semaines')}"
                       f" = {count}"),
        Figure("Coût complet des paniers", cost, "€ par an", source_id="hypotheses",
               formula=f"{count} × {_euros(p.price, cents=True)} = {_euros(cost)}"),
        Figure("Payé par l'ensemble des foyers", paid, "€ par an", source_id="hypotheses",
               formula=" + ".join(_euros(t.value) for t in tiers) + f" = {_euros(paid)}"),
    )


def _above_reference(share: float) -> bool:
    return round(share, 6) > REFERENCE_HOUSEHOLD_SHARE


def _reference_note(share: float) -> str:
    verb = "dépasse" if _above_reference(share) else "ne dépasse pas"
    return (f"La part moyenne payée par les foyers ({with_unit(share, '%', 1)}) {verb} la "
            f"référence d'environ {_pct(REFERENCE_HOUSEHOLD_SHARE)} du programme "
            f"« 30{NNBSP}000 paniers solidaires » (Réseau Cocagne), où la famille paie au plus "
            f"environ {_pct(REFERENCE_HOUSEHOLD_SHARE)} du prix du panier.")


def basket_scenario(params: BasketParams) -> BasketScenario:
    """Who pays the solidarity baskets: households by tier, then each funder."""
    households = _validate(params)
    tiers = [_tier_payment(params, t, n) for t, n in zip(params.tiers, households, strict=True)]
    baskets, cost, paid = _totals(params, tiers)
    share = paid.value / cost.value * 100
    return BasketScenario(
        params=params, yearly_baskets=baskets, full_cost=cost, tier_payments=tuple(tiers),
        households_total=paid,
        funder_payments=tuple(_funder_payment(cost, paid, f) for f in params.funders),
        household_share=Figure(
            "Part moyenne du prix payée par les foyers", share, "%", source_id="hypotheses",
            decimals=1, formula=f"{_euros(paid.value)} ÷ {_euros(cost.value)} × 100 = "
                                f"{with_unit(share, '%', 1)}"),
        above_reference=_above_reference(share),
        reference_note=_reference_note(share),
    )


@dataclass(frozen=True)
class Diagnostic:
    population: int
    food: Figure
    land: tuple[LandNeed, ...]
    jobs: tuple[Figure, ...]
    baskets: BasketScenario | None = None
    population_source_id: str = "insee-cog"


def diagnose(population: int, baskets: BasketParams | None = None) -> Diagnostic:
    """Bundle every figure of the diagnostic of a territory of ``population`` inhabitants."""
    return Diagnostic(
        population=population,
        food=food_needs(population),
        land=tuple(land_needs(population)),
        jobs=tuple(farm_jobs(population)),
        baskets=None if baskets is None else basket_scenario(baskets),
    )
