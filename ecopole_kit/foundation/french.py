"""French as it is written: numbers, units, dates, months, and folding for comparison.

The one source of French formatting for every room: the site's pages, the diagnostic, the
rules' messages, the charts and the applicant's PDF all format through these functions.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext

NNBSP = "\u202f"  # narrow no-break space: French thousands separator
NBSP = "\u00a0"  # no-break space: between a number and its unit
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre")
_BEFORE_SIGN = re.compile(r" (?=[:;!?»%])|(?<=«) |(?<=\d) (?=(?:ha|Mha|m²|g|kg|€)\b)")
_THOUSANDS = re.compile(r"(?<=\d) (?=\d{3}\b)")
SHORT_MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.",
                "oct.", "nov.", "déc.")


def format_number(value: float, decimals: int = 0) -> str:
    """French format: "53 812", "0,41", "1 234,5"; rounds half up (53 812,5 → "53 813").

    Any finite number is written out in full, never in scientific notation (1e30 gives 31
    digits); an infinite or undefined one is refused (ValueError), as validation does.
    """
    exact = _decimal(value, decimals)
    with localcontext() as context:
        context.prec = max(28, exact.adjusted() + decimals + 2)
        rounded = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = f"{rounded:,.{decimals}f}"
    if text.lstrip("-").strip("0,.") == "":
        text = text.lstrip("-")
    return text.replace(",", NNBSP).replace(".", ",")


def _decimal(value: float, decimals: int) -> Decimal:
    """The number as typed (0.1 stays 0.1), computations' float noise rounded away first."""
    if isinstance(value, int):  # bool included, an int may exceed a float's range
        return Decimal(value)
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"nombre non fini : {number}")
    return Decimal(repr(round(number, decimals + 6)))


def with_unit(value: float, unit: str, decimals: int = 0) -> str:
    """A number and its unit, joined by a no-break space: "53 812 ha"."""
    return f"{format_number(value, decimals)}{NBSP}{unit}"


def counted(count: float, one: str, many: str, decimals: int = 0) -> str:
    """A count and its noun, singular below 2 as French writes it: « 1 emploi », « 2 emplois »."""
    shown = round(count, decimals)
    return with_unit(count, one if abs(shown) < 2 else many, decimals)


def typeset(text: str) -> str:
    """The kit's own French text with its no-break spaces: before « : ; ! ? % », inside
    guillemets, between a number and its unit, and as thousands separator (narrow).

    For text written in this code only, never for what a person typed.
    """
    return _BEFORE_SIGN.sub(NBSP, _THOUSANDS.sub(NNBSP, text))




def format_amount(value: float, decimals: int = 2) -> str:
    """A figure shown without useless decimals: 30 → "30", 12.5 → "12,5", 1/3 → "0,33"."""
    text = format_number(value, decimals)
    return text.rstrip("0").rstrip(",") if "," in text else text


def french_date(value: date | None) -> str:
    """« 3 mars 2026 », « 1er mai 2026 »; empty for no date."""
    if value is None:
        return ""
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def french_datetime(moment: datetime) -> str:
    """« 1er décembre 2026 à 9 h 05 », in the machine's local time."""
    local = moment.astimezone()
    return f"{french_date(local.date())} à {local.hour}{NBSP}h{NBSP}{local.minute:02d}"


def month_label(value: date) -> str:
    """A chart's axis label: « mars 2026 », « janv. 2027 »."""
    return f"{SHORT_MONTHS[value.month - 1]} {value.year}"


def fold(text: str, *, hyphens: bool = False) -> str:
    """Lower case, without accents, with straight apostrophes and single spaces.

    With ``hyphens``, hyphens count as spaces (« en-projet » matches « en projet »).
    """
    text = text.casefold().replace("’", "'")
    if hyphens:
        text = text.replace("-", " ")
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())
