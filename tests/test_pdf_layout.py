"""How the applicant's PDF is laid out, without WeasyPrint: the tables' column widths
(``table-layout: fixed``), the collector paused while WeasyPrint works, its progress told.

The PDF itself (pages, margins, progress of a real layout) is checked in test_package.py.
"""

from __future__ import annotations

import gc
import logging
import re
from typing import Any

import pytest

from ecopole_kit.requests import pdf
from ecopole_kit.requests.pdf_columns import (
    BOLD,
    CELL_PADDING,
    LINE_BREAK,
    MIN_SCALE,
    PAGE_EMS,
    TEXT_POINTS,
    TEXT_WIDTH_MM,
    Cell,
    advance,
    table_columns,
)
from ecopole_kit.site.rendered import NavPage, NavSection, RenderedSite


def cell(text: str, *, bold: bool = False) -> Cell:
    return [(text, bold)]


def ems(text: str, *, bold: bool = False) -> float:
    return sum(advance(c) for c in text) * (BOLD if bold else 1.0)


def test_columns_whose_lines_fit_share_the_page_as_their_lines() -> None:
    short, long = "Acteur", "Rôle tenu dans le projet"
    columns = table_columns([[cell(short), cell(long)]])
    assert columns.scale == 1
    wanted = [CELL_PADDING + ems(short), CELL_PADDING + ems(long)]
    assert columns.shares == pytest.approx([w / sum(wanted) for w in wanted])


def test_a_long_column_takes_what_the_short_one_does_not_need() -> None:
    words = "Direction de l'Ecopôle"
    prose = "Une phrase longue qui explique le rôle de chacun " * 6
    columns = table_columns([[cell(words), cell(prose)]])
    assert sum(columns.shares) == pytest.approx(1)
    narrow = columns.shares[0] * PAGE_EMS
    # at least its longest word, less than its whole line: the prose needs the room
    assert CELL_PADDING + ems("l'Ecopôle") <= narrow < CELL_PADDING + ems(words)
    assert columns.shares[1] > 0.75


def test_too_many_long_words_make_the_text_smaller_until_they_fit() -> None:
    header = [cell("Collectivités", bold=True)] * 7
    columns = table_columns([header, [cell("●")] * 7])
    assert MIN_SCALE < columns.scale < 1
    assert 7 * (CELL_PADDING + ems("Collectivités", bold=True) * columns.scale) == \
        pytest.approx(PAGE_EMS)
    assert columns.shares == pytest.approx([1 / 7] * 7)


def test_no_smaller_than_the_floor() -> None:
    columns = table_columns([[cell("Anticonstitutionnellement")] * 20])
    assert columns.scale == MIN_SCALE


def test_a_line_break_starts_a_new_line() -> None:
    two_lines = table_columns([[cell("court"), [("14 947 ha", True), (LINE_BREAK, False),
                                                ("28 202 hab. × 0,53 ha", False)]]])
    one_line = table_columns([[cell("court"), cell("14 947 ha 28 202 hab. × 0,53 ha")]])
    assert two_lines.shares[1] < one_line.shares[1]


def first_share(text: str, *, bold: bool = False) -> float:
    """The first column's share beside a column of prose that wants the whole page."""
    return table_columns([[cell(text, bold=bold), cell("mot " * 200)]]).shares[0]


def test_bold_is_wider_and_a_hyphen_lets_a_word_break() -> None:
    assert first_share("Intercommunalité", bold=True) > first_share("Intercommunalité")
    assert first_share("micro-fermes") < first_share("microsfermes")
    assert first_share("microsfermes") * PAGE_EMS == \
        pytest.approx(CELL_PADDING + ems("microsfermes"))  # a single word gets just itself


def test_a_non_breaking_space_holds_a_number_together() -> None:
    assert first_share("14\u202f947\u00a0ha") > first_share("14 947 ha")


def test_the_measures_are_those_of_the_stylesheet() -> None:
    assert f"margin: 20mm {(210 - TEXT_WIDTH_MM) // 2}mm;" in pdf.STYLESHEET
    assert f"table {{ border-collapse: collapse; width: 100%; margin: 3mm 0; " \
           f"font-size: {TEXT_POINTS}pt; }}" in pdf.STYLESHEET
    assert "th, td { border: 0.5pt solid #9aa59e; padding: 1.2mm 2mm;" in pdf.STYLESHEET


def test_short_rows_and_empty_tables() -> None:
    assert table_columns([]).shares == ()
    columns = table_columns([[cell("Code"), cell("Commune")], [cell("62057")]])
    assert len(columns.shares) == 2 and sum(columns.shares) == pytest.approx(1)


class FakeWeasyPrint:
    """Records the document it is given and what the collector and the log were doing."""

    def __init__(self, pages: int = 3) -> None:
        self.documents: list[str] = []
        self.collecting: list[bool] = []
        self.pages = pages

    def HTML(self, string: str, url_fetcher: Any) -> Any:
        self.documents.append(string)
        return self

    def write_pdf(self) -> bytes:
        self.collecting.append(gc.isenabled())
        progress = logging.getLogger("weasyprint.progress")
        progress.info("Step 3 - Applying CSS")
        for number in [*range(1, self.pages + 1), 2]:  # a page laid out again
            progress.info("Step 5 - Creating layout - Page %d", number)
        progress.info("Step 6 - Creating PDF")
        return b"%PDF-1.7"


def site(markdown: str) -> RenderedSite:
    nav = (NavSection("Accueil", (NavPage("Page", "index.md"),)),)
    return RenderedSite(pages={"index.md": markdown}, files={}, nav=nav)


TABLES = """# Tables

| Acteur | Rôle |
|---|---|
| Collectivité | Porte le **projet alimentaire territorial** et réunit les acteurs |

| {heads} |
|{rules}|
| {cells} |
"""


@pytest.mark.slow
def test_each_table_gets_its_column_widths_and_the_fixed_layout() -> None:
    heads = " | ".join(["Collectivités"] * 12)
    markdown = TABLES.format(heads=heads, rules="|".join(["---"] * 12),
                             cells=" | ".join(["●"] * 12))
    weasyprint = FakeWeasyPrint()
    pdf.render_pdf(weasyprint, site(markdown), "Titre", "")
    document = weasyprint.documents[0]
    assert "table.columns { table-layout: fixed; }" in document
    tables = re.findall(r"<table[^>]*>\s*<colgroup>(.*?)</colgroup>", document, re.S)
    assert len(tables) == 2 and document.count('<table class="columns"') == 2
    for columns in tables:
        widths = [float(w) for w in re.findall(r'<col style="width: ([\d.]+)%"', columns)]
        assert sum(widths) == pytest.approx(100, abs=0.1)
    assert len(re.findall("<col ", tables[0])) == 2
    assert re.search(r'<table class="columns" style="font-size: (\d\.\d)pt">', document)
    first = [float(w) for w in re.findall(r'width: ([\d.]+)%', tables[0])]
    assert first[0] < first[1]  # the role's sentence wants the room


@pytest.mark.slow
@pytest.mark.parametrize("cells", [
    '<tr><td colspan="2">Deux colonnes</td></tr><tr><td>a</td><td>b</td></tr>',
    '<tr><td rowspan="2">Deux lignes</td><td>a</td></tr><tr><td>b</td></tr>',
    '<tr><td><table><tr><td>dedans</td></tr></table></td><td>b</td></tr>',
], ids=["colonnes fusionnées", "lignes fusionnées", "tableau dans un tableau"])
def test_spanned_cells_and_nested_tables_keep_the_automatic_layout(cells: str) -> None:
    weasyprint = FakeWeasyPrint()
    pdf.render_pdf(weasyprint, site(f'<table markdown="1">{cells}</table>\n'), "Titre", "")
    assert "<colgroup>" not in weasyprint.documents[0]
    assert "<td" in weasyprint.documents[0]  # the table is there


def test_an_entity_is_measured_as_one_character() -> None:
    """Python-Markdown holds entities (and inline HTML) as placeholders until its last step:
    a cell's width counts one character for each, not the placeholder's dozen."""
    def widths(cell: str) -> list[str]:
        weasyprint = FakeWeasyPrint()
        markdown = f"| Court | Long |\n|---|---|\n| {cell} | {'mot ' * 60} |\n"
        pdf.render_pdf(weasyprint, site(markdown), "Titre", "")
        return re.findall(r'width: ([\d.]+)%', weasyprint.documents[0])

    assert widths("Caf&eacute; d&eacute;j&agrave; l&agrave;") == widths("Café déjà là")


def test_the_collector_is_paused_while_weasyprint_works_and_restored() -> None:
    weasyprint = FakeWeasyPrint()
    assert gc.isenabled()
    pdf.render_pdf(weasyprint, site("# Page\n"), "Titre", "")
    assert weasyprint.collecting == [False] and gc.isenabled()
    gc.disable()
    try:
        pdf.render_pdf(weasyprint, site("# Page\n"), "Titre", "")
        assert not gc.isenabled()  # a collector paused by the caller stays paused
    finally:
        gc.enable()


def test_each_page_laid_out_then_the_writing_is_told() -> None:
    steps: list[str] = []
    progress = logging.getLogger("weasyprint.progress")
    before = (progress.level, progress.propagate, list(progress.handlers))
    pdf.render_pdf(FakeWeasyPrint(pages=3), site("# Page\n"), "Titre", "", on_step=steps.append)
    assert steps == ["mise en page du PDF, page 1", "mise en page du PDF, page 2",
                     "mise en page du PDF, page 3", "écriture du PDF"]
    assert (progress.level, progress.propagate, list(progress.handlers)) == before


def test_without_a_listener_weasyprint_logs_are_left_alone(
        caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="weasyprint.progress"):
        pdf.render_pdf(FakeWeasyPrint(pages=1), site("# Page\n"), "Titre", "")
    assert "Step 5 - Creating layout - Page 1" in caplog.messages
