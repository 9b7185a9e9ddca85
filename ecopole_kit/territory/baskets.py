"""The solidarity-basket scenario of a territory: who pays what, each figure with its formula.

Pure: no I/O. The reference is the « 30 000 paniers solidaires » programme (Réseau Cocagne),
where the family pays at most about 30 % of the basket's price.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ecopole_kit.errors import EcopoleError, ScenarioInvalid
from ecopole_kit.foundation.french import NNBSP, counted, format_number, with_unit
from ecopole_kit.territory.figures import Figure, pct

REFERENCE_HOUSEHOLD_SHARE = 30.0  # "30 000 paniers solidaires": the family pays at most ~30 %


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
    for what, value in [(f"tranche « {t.label} »", t.paid_pct) for t in p.tiers] + [
            (f"financeur « {f.name} »", f.share_pct) for f in p.funders]:
        _check_pct(value, what)


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


def _weeks(p: BasketParams) -> str:
    return counted(p.weeks, "semaine", "semaines")


def _tier_payment(p: BasketParams, tier: BasketTier, households: float) -> Figure:
    value = households * p.weeks * p.price * tier.paid_pct / 100
    count = counted(households, "foyer", "foyers", 0 if households.is_integer() else 1)
    return Figure(
        label=f"Payé par les foyers de la tranche « {tier.label} »",
        value=value, unit="€ par an", source_id="hypotheses",
        formula=f"{count} × {_weeks(p)} × {_euros(p.price, cents=True)} × "
                f"{pct(tier.paid_pct)} = {_euros(value)}",
    )


def _funder_payment(cost: Figure, paid: Figure, funder: Funder) -> Figure:
    value = (cost.value - paid.value) * funder.share_pct / 100
    return Figure(
        label=f"Financé par « {funder.name} »",
        value=value, unit="€ par an", source_id="hypotheses",
        formula=f"({_euros(cost.value)} − {_euros(paid.value)} payés par les foyers) × "
                f"{pct(funder.share_pct)} = {_euros(value)}",
    )


def _totals(p: BasketParams, tiers: list[Figure]) -> tuple[Figure, Figure, Figure]:
    baskets = p.households * p.weeks
    cost = baskets * p.price
    paid = sum(t.value for t in tiers)
    count = counted(baskets, "panier", "paniers")
    return (
        Figure("Paniers distribués par an", baskets, "paniers" if baskets > 1 else "panier",
               source_id="hypotheses",
               formula=f"{counted(p.households, 'foyer', 'foyers')} × {_weeks(p)} = {count}"),
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
            f"référence d'environ {pct(REFERENCE_HOUSEHOLD_SHARE)} du programme "
            f"« 30{NNBSP}000 paniers solidaires » (Réseau Cocagne), où la famille paie au plus "
            f"environ {pct(REFERENCE_HOUSEHOLD_SHARE)} du prix du panier.")


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
