"""French as it is written: numbers, units, dates, months, and folding for comparison.

The one source of French formatting for every room: the site's pages, the diagnostic, the
rules' messages, the charts and the applicant's PDF all format through these functions.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext

NNBSP = "\u202f"  # narrow no-break space: French thousands separator
NBSP = "\u00a0"  # no-break space: between a number and its unit
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre")
_BEFORE_COLON = re.compile(r"(?<=\S) (?=:(?:\s|$))")
_BEFORE_SIGN = re.compile(r"(?<=\S) (?=\\?[;!?»%](?!\[))|(?<=«) ")
_BEFORE_UNIT = re.compile(r"(?<=\d) (?=(?:ha|Mha|m²|g|kg|€|h|hab\.)(?!\w))")
# What typography leaves alone in Markdown: code, link targets, tags, URLs, attributes.
_FENCE = re.compile(r"^\s*(?:```|~~~)")
_PROTECTED = re.compile(r"`[^`\n]*`|\]\([^)\n]*\)|<[^>\n]*>|https?://[^\s)>]+|\{[^}\n]*\}"
                        r"|&#?\w+;")
_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
_THOUSANDS = re.compile(r"(?<=\d) (?=\d{3}\b)")
# What every substitution above needs somewhere in the text (a quick test first).
_AFTER_DIGIT = re.compile(r"\d ")
_AROUND_SIGN = re.compile(r" \\?[:;!?»%]|« ")
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
    """French text with its no-break spaces: the narrow one (U+202F) before « ; ! ? % »,
    inside guillemets and between thousands, the plain one (U+00A0) before « : » and
    between a number and its unit.

    Only an existing ordinary space is turned into a no-break one: nothing is added or
    removed, so what a person typed keeps its letters (see ``typeset_markdown``).
    """
    if _AFTER_DIGIT.search(text):  # most prose has no figure: two substitutions spared
        text = _BEFORE_UNIT.sub(NBSP, _THOUSANDS.sub(NNBSP, text))
    if _AROUND_SIGN.search(text):
        text = _BEFORE_SIGN.sub(NNBSP, _BEFORE_COLON.sub(NBSP, text))
    return text


def typeset_markdown(markdown: str) -> str:
    """A Markdown page typeset in French: no-break spaces (``typeset``) and typographic
    apostrophes in its prose; code blocks, inline code, link targets, tags, URLs,
    attribute lists and character references are left as they are.

    Person-typed text reaches pages through ``literal``, which writes its apostrophes as
    character references: they stay straight, only its spaces before punctuation change.
    """
    out, in_code = [], False
    for line in markdown.split("\n"):
        if _FENCE.match(line):
            in_code = not in_code
        out.append(line if in_code or _FENCE.match(line) else _prose(line))
    return "\n".join(out)


def _prose(line: str) -> str:
    parts, last = [], 0
    for found in _PROTECTED.finditer(line):
        parts += [_prose_part(line[last:found.start()], after_markup=last > 0), found.group()]
        last = found.end()
    return "".join([*parts, _prose_part(line[last:], after_markup=last > 0)])


def _prose_part(text: str, *, after_markup: bool) -> str:
    """Prose between protected spans; right after one (« [lien](fiche:x) ; »), the space
    before the punctuation follows a word of the line too, so it is typeset as such."""
    typeset_text = typeset("x" + text)[1:] if after_markup else typeset(text)
    return _APOSTROPHE.sub("’", typeset_text) if "'" in typeset_text else typeset_text


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


def collation_key(text: str) -> tuple[str, str]:
    """French alphabetical order: accents, case and hyphens ignored first (« Cépet » before
    « Cox »), then the exact text to break ties."""
    return fold(text, hyphens=True), text


ARTICLES = ("le", "la", "les", "l'", "aucun")
# The COG's typeLiaison (TNCC): which article a name takes (6 to 8, « aux », « las »,
# « los », are written in the name and never contracted: treated as no article).
LIAISON_ARTICLES = {0: "aucun", 1: "aucun", 2: "le", 3: "la", 4: "les", 5: "l'"}
_WRITTEN_ARTICLE = re.compile(r"^(?:(les|le|la) |(l['’]))(?=\w)", re.IGNORECASE)
_CONTRACTED = {("à", "le"): "au", ("à", "les"): "aux", ("de", "le"): "du", ("de", "les"): "des"}
_VOWELS = "aeiouyàâäéèêëîïôöùûüœ"


def article_in(name: str) -> str | None:
    """The article a name begins with, as the COG writes it (« Les Abymes », « L'Isle »)."""
    found = _WRITTEN_ARTICLE.match(name)
    return None if found is None else (found.group(1) or "l'").casefold()


def with_preposition(name: str, article: str | None = None, preposition: str = "", *,
                     elides: bool = False) -> str:
    """A name with its article after a preposition, contracted as French does it:
    « au Pays Tolosan », « du Pays Tolosan », « aux Abymes », « à Corte », « d'Audruicq »,
    « pour la Réunion »; without preposition, the name with its article (« le Pays »).

    ``article`` is one of ``ARTICLES``; None takes the one the name begins with. A name
    that already begins with its article keeps it as written (« à La Rochelle »), except
    « le » and « les », contracted (« au Havre »). ``elides``: a mute h (« d'Hyères »).
    """
    written = article_in(name)
    chosen = written if article is None else article
    if chosen in (None, "aucun"):
        return _bare(name, preposition, elides)
    if written == chosen:
        rest = name[_WRITTEN_ARTICLE.match(name).end():]  # type: ignore[union-attr]
        if (preposition, chosen) in _CONTRACTED:
            return f"{_CONTRACTED[preposition, chosen]} {rest}"
        return f"{preposition} {name}".strip()
    if (preposition, chosen) in _CONTRACTED:
        return f"{_CONTRACTED[preposition, chosen]} {name}"
    joined = f"l’{name}" if chosen == "l'" else f"{chosen} {name}"
    return f"{preposition} {joined}".strip()


def _bare(name: str, preposition: str, elides: bool) -> str:
    first = name[:1].casefold()
    if preposition == "de" and (first in _VOWELS or (elides and first == "h")):
        return f"d’{name}"
    return f"{preposition} {name}".strip()


def joined(names: Sequence[str]) -> str:
    """« A », « A et B », « A, B et C »."""
    return f"{', '.join(names[:-1])} et {names[-1]}" if len(names) > 1 else "".join(names)


def capitalized(text: str) -> str:
    """The first letter in upper case (« Le Pays Tolosan est… »)."""
    return text[:1].upper() + text[1:]


def guessed_article(name: str) -> str:
    """The article a project's name most likely takes, offered as the interview's default:
    the one it begins with, « le » for a Pays, « la » for a communauté or a métropole."""
    written = article_in(name)
    if written:
        return written
    first = fold(name).split(" ")[0] if name.strip() else ""
    if first in ("pays", "petr", "pole", "syndicat", "parc", "grand"):
        return "le"
    if first in ("communaute", "metropole", "region", "agglomeration", "vallee", "cote"):
        return "la"
    return "aucun"
