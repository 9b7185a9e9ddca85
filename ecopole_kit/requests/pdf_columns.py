"""Column widths for the PDF's tables, so that WeasyPrint lays them out with
``table-layout: fixed``: one pass down the rows, instead of measuring every cell's text
twice (its longest word, its longest line) before laying it out a third time.

The widths follow CSS 2.1's automatic table layout, measured in ems of DejaVu Sans from
each character's kind instead of from the font: each column gets at least its longest word;
if every column's longest line fits across the page, the page's width is shared in
proportion to those lines, otherwise what is left beyond the longest words goes to the
columns in proportion to how much more their longest line needs. Where even the longest
words do not fit side by side, the table's text is made smaller until they do (where the
automatic layout would have run the table past the page's edge).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# As pdf.STYLESHEET lays the tables out: their text's size, the width between the margins.
TEXT_POINTS = 8.5
TEXT_WIDTH_MM = 210 - 2 * 18
_EM_PER_MM = 72 / 25.4 / TEXT_POINTS
PAGE_EMS = TEXT_WIDTH_MM * _EM_PER_MM
CELL_PADDING = 4.5 * _EM_PER_MM  # a cell's 2 × 2 mm of padding and its borders
MIN_SCALE = 0.75  # no smaller than 6.4 pt, even if a word must then overflow its cell
BOLD = 1.12  # DejaVu Sans Bold is about an eighth wider
LINE_BREAK = "\n"  # a <br>: the cell's text goes on at the next line

Run = tuple[str, bool]  # a piece of a cell's text, whether it is bold
Cell = Sequence[Run]


@dataclass(frozen=True)
class Columns:
    """Each column's share of the table's width, in order (they sum to 1), and the size of
    the table's text relative to ``TEXT_POINTS``: below 1 when its longest words would not fit
    across the page otherwise."""

    shares: tuple[float, ...]
    scale: float = 1.0


def table_columns(rows: Sequence[Sequence[Cell]]) -> Columns:
    """The columns of a table given as rows of cells (rows may be short of cells)."""
    count = max((len(row) for row in rows), default=0)
    if not count:
        return Columns(())
    measured = [[_measure(row[column]) for row in rows if column < len(row)]
                for column in range(count)]
    words = [max(word for word, _line in cells) for cells in measured]
    lines = [max(line for _word, line in cells) for cells in measured]
    text_room = PAGE_EMS - count * CELL_PADDING
    if sum(words) > text_room:  # smaller text, shared by the longest words
        scale = max(text_room / sum(words), MIN_SCALE)
        return Columns(_shares([CELL_PADDING + word * scale for word in words]), scale)
    least = [CELL_PADDING + word for word in words]
    most = [CELL_PADDING + line for line in lines]
    return Columns(_shares(most if sum(most) <= PAGE_EMS else _between(least, most)))


def _between(least: Sequence[float], most: Sequence[float]) -> list[float]:
    """The page's width beyond the longest words, shared by what each column wants more."""
    room, wanted = PAGE_EMS - sum(least), [m - n for m, n in zip(most, least, strict=True)]
    return [n + room * more / sum(wanted) for n, more in zip(least, wanted, strict=True)]


def _measure(runs: Iterable[Run]) -> tuple[float, float]:
    """A cell's longest word and longest line, in ems."""
    word = line = longest_word = longest_line = 0.0
    for text, bold in runs:
        for character in text:
            if character == LINE_BREAK:
                word = line = 0.0
                continue
            width = advance(character) * (BOLD if bold else 1.0)
            line, word = line + width, 0.0 if character == " " else word + width
            longest_word, longest_line = max(longest_word, word), max(longest_line, line)
            if character == "-":
                word = 0.0  # a line may break after a hyphen
    return longest_word, longest_line


def advance(character: str) -> float:
    """About how wide a character of DejaVu Sans is, in ems, by its kind (averages of the
    font's advances, a lower-case letter weighted by how often French text uses it)."""
    if character == " ":
        return 0.32
    if character.isupper():
        return 0.68
    if character.isdigit():
        return 0.64
    if character.isalpha():
        return 0.56
    return 0.40  # punctuation, symbols, non-breaking spaces


def _shares(widths: Sequence[float]) -> tuple[float, ...]:
    total = sum(widths)
    return tuple(width / total for width in widths) if total else (1 / len(widths),) * len(widths)
