"""The built demo as a reader sees it (one build for the module): French theme strings,
home cards with inline icons and nothing fetched, no kit file or command on any page; and
the « à compléter » list that build prints for the maintainer."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from ecopole_kit.cli.main import main
from ecopole_kit.workflows.create import run_demo

pytestmark = pytest.mark.slow
ENGLISH = ("Made with", "Back to top", "Search", "Previous", "Next", "Copyright",
           "Table of contents", "Skip to content")
KIT_TRACES = re.compile(r"\.yaml|ecopole-kit (?:build|new|validate|demo|serve|update)|"
                        r"fonctions/")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run_demo(tmp_path_factory.mktemp("wording") / "demo").project


def _visible(html: str) -> str:
    """The text a reader sees (and the alt and title attributes), without scripts."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    shown = re.findall(r'(?:alt|title|aria-label|placeholder)="([^"]*)"', html)
    return " ".join([re.sub(r"<[^>]+>", " ", html), *shown])


def _pages(site: Path) -> Iterator[tuple[Path, str]]:
    for path in sorted(site.rglob("*.html")):
        yield path, _visible(path.read_text("utf-8"))


def test_every_string_of_the_theme_is_french(demo: Path) -> None:
    for path, text in _pages(demo / "site"):
        for english in ENGLISH:
            assert english not in text, (path.name, english)
    home = (demo / "site" / "index.html").read_text("utf-8")
    assert "Site produit par ecopole-kit" in home and "Retour en haut" in home


def test_no_built_page_names_a_kit_file_or_command(demo: Path) -> None:
    for path, text in _pages(demo / "site"):
        if path.name != "notre-ecopole.html":
            assert not KIT_TRACES.search(text), (path.name, KIT_TRACES.search(text))


def test_home_shows_cards_with_bundled_icons_and_fetches_nothing(demo: Path) -> None:
    home = (demo / "site" / "index.html").read_text("utf-8")
    assert 'class="grid cards' in home and home.count('class="twemoji') >= 7
    assert ":material-" not in home
    assert not re.search(r"(?:src|href)=\"https?://(?!127\.0\.0\.1)", home.split("<footer")[0])


def test_build_prints_what_is_left_to_complete(demo: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(demo)
    result = CliRunner().invoke(main, ["build", "."])
    assert result.exit_code == 0, result.output
    assert "À compléter" in result.output
    assert "territoire.yaml : contexte.menages" in result.output
    validated = CliRunner().invoke(main, ["validate", "."])
    assert "Tout est valide." in validated.output and "À compléter" in validated.output
