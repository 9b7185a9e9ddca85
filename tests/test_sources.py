"""Every figure of the référentiel carries its source, and each source has one name.

A figure is a digit sequence that is a quantity, a percentage, an amount or a year, a span
of years (« 2021-2027 »), or a number written in words before what it counts (« trois ans »,
« vingt-quatre mois », « cinq intercommunalités »); digits that belong to an identifier (an
article L5132-15-1, a loi n° 2014-856, a fiche F14100, the ordinal « 1er ») are not figures,
nor is the text of a link (« [Les trois Ecopôles](page:trois-ecopoles) » names a page).
A figure is sourced when the same unit of text (a paragraph, a list item, a table with its
caption) cites, in parentheses or after « Source : », one of the sources the fiche or the page
lists. The licence page has no figure of its own to source; the glossary cites one source per
entry.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
import yaml

from ecopole_kit.foundation.resources import shipped
from ecopole_kit.referentiel.content import load_referentiel

REFERENTIEL = shipped("referentiel")
FICHES = sorted(REFERENTIEL.glob("fiches/*/*.yaml"))
PAGES = sorted(REFERENTIEL.glob("pages/*.md"))
FIGURE = re.compile(r"(?<![\w\-/.,’'°])\d+(?:[ \u00a0\u202f]\d{3})*(?:,\d+)?(?![\w\-/]|[.,]\d)")
YEARS = re.compile(r"(?<![\w\-/.])(?:19|20)\d\d[-–](?:19|20)\d\d(?![\w\-/])")
NUMBER_WORD = (r"(?:deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|quinze|seize|"
               r"vingt(?:-quatre)?|trente|quarante|cinquante|soixante|cent|mille)")
COUNTED = (r"(?:ans|années|mois|semaines|jours|heures|hectares|euros|pour cent|salariés|"
           r"emplois|postes|communes|intercommunalités|jardins|Ecopôles|structures|associés|"
           r"personnes morales|lauréats|niveaux)")
WORDED = re.compile(rf"\b{NUMBER_WORD}\s+{COUNTED}\b", re.IGNORECASE)
LINK_TEXT = re.compile(r"\[[^\]]*\]\([^)]*\)")
PARENTHESIS = re.compile(r"\(([^()]*)\)")
CAPTION = re.compile(r"Sources?\s*:(.*)", re.IGNORECASE)
LINK_TARGET = re.compile(r"\]\([^)]*\)")
LIST_MARKER = re.compile(r"^\s*(?:\d+\.|[-*])\s+", re.MULTILINE)
NOT_CITED = {"id", "fonction", "liens", "sources", "exemples"}  # examples carry a source each


def figures(text: str) -> list[str]:
    bare = LIST_MARKER.sub("", LINK_TARGET.sub("]", text))
    unlinked = LINK_TEXT.sub("", text)
    return FIGURE.findall(bare) + YEARS.findall(bare) + WORDED.findall(unlinked)


def source_key(title: str) -> str:
    """How a source is cited in the text: its title up to the first comma, colon or « ( »."""
    return re.split(r",| \(|\s: | — ", title, maxsplit=1)[0].strip().casefold()


def cited(unit: str, keys: set[str]) -> bool:
    places = PARENTHESIS.findall(unit) + CAPTION.findall(unit)
    return any(key in place.casefold() for place in places for key in keys)


def unsourced(units: list[str], keys: set[str]) -> list[str]:
    return [unit for unit in units if figures(unit) and not cited(unit, keys)]


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield from (part for part in re.split(r"\n\s*\n", value) if part.strip())
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def fiche_units(data: Mapping[str, Any]) -> tuple[list[str], set[str]]:
    units = [text for key, value in data.items() if key not in NOT_CITED
             for text in _strings(value)]
    return units, {source_key(s["titre"]) for s in data["sources"]}


def _blocks(body: str) -> list[str]:
    """Paragraphs, list items one by one, tables with their « *Source : …* » caption."""
    blocks: list[str] = []
    for block in re.split(r"\n\s*\n", body):
        if block.startswith("#") or not block.strip():
            continue
        if block.lstrip().startswith("*Source") and blocks and blocks[-1].startswith("|"):
            blocks[-1] += "\n" + block
        elif re.match(r"\s*[-*] ", block):
            blocks += re.split(r"\n(?=[-*] )", block)
        else:
            blocks.append(block)
    return blocks


def page_units(text: str) -> tuple[list[str], set[str]]:
    body, _, sources = text.partition("\n## Sources\n")
    titles = [part for line in sources.splitlines() if line.startswith("- ")
              for part in re.split(r"\s; ", line[2:])]
    return _blocks(body), {source_key(title) for title in titles}


@pytest.mark.parametrize("path", FICHES, ids=lambda p: p.stem)
def test_every_figure_of_a_fiche_cites_one_of_its_sources(path: Any) -> None:
    units, keys = fiche_units(yaml.safe_load(path.read_text("utf-8")))
    assert unsourced(units, keys) == []


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.stem)
def test_every_figure_of_a_page_cites_one_of_its_sources(path: Any) -> None:
    units, keys = page_units(path.read_text("utf-8"))
    assert unsourced(units, keys) == []


def test_the_check_fails_when_a_fiche_loses_its_sources() -> None:
    data = yaml.safe_load((REFERENTIEL / "fiches/emploi/parcours-insertion.yaml")
                          .read_text("utf-8"))
    units, keys = fiche_units(data)
    assert unsourced(units, keys) == []
    stripped = copy.deepcopy(data)
    stripped["sources"] = [{"titre": "Une source sans rapport"}]
    assert unsourced(*fiche_units(stripped))  # the figures no longer carry a source


def test_the_check_fails_on_a_page_without_its_sources() -> None:
    text = (REFERENTIEL / "pages/modele-economique-insertion.md").read_text("utf-8")
    assert unsourced(*page_units(text)) == []
    assert unsourced(*page_units(text.partition("\n## Sources\n")[0]))


def test_identifiers_and_ordinals_are_not_figures() -> None:
    assert figures("art. L5132-15-1, loi n° 2014-856, fiche F14100, le 1er juillet") == []
    assert figures("au moins 4 mois, 23 921 €, 30 %, 0,41 ha, en 2024") == [
        "4", "23 921", "30", "0,41", "2024"]


def test_spans_of_years_and_numbers_in_words_are_figures() -> None:
    assert figures("308 GAL pour 2023-2027") == ["308", "2023-2027"]
    assert figures("reconnu pour trois ans, puis cinq ans ; vingt-quatre mois en tout") == [
        "trois ans", "cinq ans", "vingt-quatre mois"]
    assert figures("voir [Les trois Ecopôles](page:trois-ecopoles), pendant un mois") == []
    units, keys = page_units("Le PAT est reconnu pour trois ans.\n\n## Sources\n\n- DRAAF\n")
    assert [u.strip() for u in unsourced(units, keys)] == ["Le PAT est reconnu pour trois ans."]


def test_glossary_entries_with_figures_have_a_source() -> None:
    for entry in load_referentiel().glossary:
        if figures(entry["definition"]):
            assert "source" in entry, entry["terme"]


def _all_sources() -> Iterator[tuple[str, str | None]]:
    referentiel = load_referentiel()
    for source in referentiel.sources():
        yield source.titre, source.url
    for entry in referentiel.glossary:
        if "source" in entry:
            yield entry["source"]["titre"], entry["source"].get("url")


def test_one_name_per_source_and_no_home_page_links() -> None:
    titles: dict[str | None, set[str]] = {}
    urls: dict[str, set[str | None]] = {}
    for title, url in _all_sources():
        titles.setdefault(url, set()).add(title)
        urls.setdefault(title, set()).add(url)
        assert url is None or re.match(r"https://[^/]+/.+", url), f"page d'accueil : {url}"
    assert {url: t for url, t in titles.items() if url and len(t) > 1} == {}
    assert {title: u for title, u in urls.items() if len(u) > 1} == {}
