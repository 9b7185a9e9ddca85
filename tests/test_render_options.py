"""Render options: the public site and the applicant's copy differ only where they should.

Fast tests on ``render_site`` output: which pages are produced, which blocks show, and
that links to pages not produced are resolved to text, never left dangling.
"""

from __future__ import annotations

import re
import shutil
from functools import cache
from pathlib import Path

import pytest

from ecopole_kit.referentiel.content import load_referentiel
from ecopole_kit.requests.package import (
    LICENCE_PAGE,
    LICENCE_TITLE,
    Applicant,
    applicant_config,
    applicant_copy,
)
from ecopole_kit.site.pages import ExtraPage, RenderOptions, render_site
from ecopole_kit.site.rendered import NavPage, NavSection, RenderedSite, appended, nav_pages
from tests.conftest import (
    ROOT,
    example,
    function_configs,
    geography,
    knowledge,
    place_for,
    plain,
    typed,
)

AUDRUICQ = {"type": "epci", "codes": ["246200844"]}
OFFICIAL_PAGES = {"territoire.md", "diagnostic.md"}
# A relative link to one of the pages drawn from official data, from any folder.
_OFFICIAL_LINK = re.compile(r"\]\((?:\.\./)*(?:territoire|diagnostic)\.md[#)]")


@cache
def public() -> RenderedSite:
    config = example("gohelle")
    return render_site(load_referentiel(), typed(config), function_configs(), place_for(config))


@cache
def applicant(with_territory: bool) -> RenderedSite:
    territory = AUDRUICQ if with_territory else None
    known = knowledge()
    return applicant_copy(applicant_config(Applicant(
        "Camille Martin", "Les Jardins du Marais", territory, "camille@exemple.fr"),
        known.geography), known)


def home_block(site: RenderedSite) -> str:
    home = site.pages["index.md"]
    return plain(home[home.index('!!! info "Le projet en bref"'):home.index("Ce site est")])


@pytest.mark.slow
def test_public_site_shows_context_territory_and_request_block() -> None:
    site = public()
    assert "- **Milieu :** urbain" in home_block(site)
    assert "**Territoire :** Gohelle (" in home_block(site)
    assert "Faire votre demande" in site.pages["demander.md"]
    assert site.pages.keys() >= OFFICIAL_PAGES
    assert LICENCE_PAGE not in site.pages


@pytest.mark.slow
@pytest.mark.parametrize("with_territory", [True, False])
def test_applicant_copy_drops_the_milieu_line_and_the_request_block(
        with_territory: bool) -> None:
    site = applicant(with_territory)
    assert "Milieu" not in site.pages["index.md"]
    demander = site.pages["demander.md"]
    assert "Faire votre demande" not in demander and "[[formulaire-de-demande]]" not in demander
    assert "mailto:" not in demander
    assert "## Que mettre dans votre demande" in demander  # the rest of the page stays


@pytest.mark.slow
def test_applicant_copy_without_territory_has_no_official_pages_nor_links_to_them() -> None:
    site = applicant(with_territory=False)
    assert not OFFICIAL_PAGES & site.pages.keys()
    assert not any(path.startswith("assets/diagnostic/") for path in site.files)
    assert not OFFICIAL_PAGES & {page.path for page in nav_pages(site.nav)}
    for path, text in site.pages.items():
        assert not _OFFICIAL_LINK.search(text), path
    home = site.pages["index.md"]
    assert "- **Territoire :** non précisé\n" in home
    assert "habitants](" not in home and "codes officiels" not in home
    assert "Diagnostic : terres, emplois" not in home  # the list item, not only its link


@pytest.mark.slow
def test_applicant_copy_with_territory_keeps_the_official_pages() -> None:
    site = applicant(with_territory=True)
    assert site.pages.keys() >= OFFICIAL_PAGES
    assert "assets/diagnostic/surfaces.svg" in site.files
    assert "(intercommunalité, code officiel 246200844)" in home_block(site)
    assert "](territoire.md)" in home_block(site)


@pytest.mark.slow
@pytest.mark.parametrize("with_territory", [True, False])
def test_applicant_copy_ends_with_the_licence_page(with_territory: bool) -> None:
    site = applicant(with_territory)
    assert site.nav[-1].entries[-1] == NavPage(LICENCE_TITLE, LICENCE_PAGE)
    assert site.pages[LICENCE_PAGE].startswith(f"# {LICENCE_TITLE}")
    assert ("Licence Ouverte d'Etalab" in plain(site.pages[LICENCE_PAGE])) is with_territory


def test_the_credits_list_every_source_the_referentiel_cites() -> None:
    """The credits come from the fiches and functions themselves, not from a second list."""
    credits = plain(applicant(False).pages[LICENCE_PAGE])
    cited = load_referentiel().sources()
    assert cited
    for source in cited:
        assert plain(source.titre.replace("[", "\\[")) in credits
        if source.url:
            assert f"]({source.url})" in credits


@pytest.mark.slow
def test_navigation_is_typed_and_lists_every_page_once() -> None:
    site = public()
    assert all(isinstance(section, NavSection) for section in site.nav)
    assert [s.title for s in (site.nav[0], site.nav[-1])] == ["L'Ecopôle", "Ressources"]
    paths = [page.path for page in nav_pages(site.nav)]
    assert len(paths) == len(set(paths)) and set(paths) == site.pages.keys()
    extended = appended(site.nav, "Ressources", [NavPage(None, "a-moi.md")])
    assert extended[-1].entries[-1] == NavPage(None, "a-moi.md")
    assert extended[:-1] == site.nav[:-1]


@pytest.mark.parametrize("site", [public, lambda: applicant(False)], ids=["public", "copy"])
def test_fiche_placeholders_are_replaced(site: object) -> None:
    rendered: RenderedSite = site()  # type: ignore[operator]
    fiches = [path for path in rendered.pages if "/" in path and not path.endswith("index.md")]
    assert len(fiches) == len(load_referentiel().fiches)
    for path in fiches:
        assert "{territoire}" not in rendered.pages[path], path
        assert "{porteur}" not in rendered.pages[path], path
    tailored = rendered.pages["accessibilite/paniers-solidaires.md"]
    name = "Gohelle" if rendered is public() else "votre territoire"
    assert f'!!! tip "Pour {name}"' in tailored
    assert f"    À {name}, " in tailored


@pytest.mark.slow
def test_a_link_to_a_page_not_produced_becomes_its_text(tmp_path: Path) -> None:
    copy = tmp_path / "referentiel"
    shutil.copytree(ROOT / "referentiel", copy)
    page = copy / "pages" / "histoire.md"
    page.write_text(page.read_text("utf-8") + "\nVoir le [diagnostic](page:diagnostic#terres).\n",
                    "utf-8")
    load_referentiel.cache_clear()
    try:
        referentiel = load_referentiel(copy)
        config = applicant_config(Applicant("Camille", "Jardins", None, "c@exemple.fr"),
                                  geography())
        options = RenderOptions(project_context=False, request_form=False)
        without = render_site(referentiel, typed(config), function_configs(), None, options)
        gohelle = example("gohelle")
        with_place = render_site(referentiel, typed(gohelle), function_configs(),
                                 place_for(gohelle))
    finally:
        load_referentiel.cache_clear()
    assert "Voir le diagnostic.\n" in without.pages["histoire.md"]
    assert "Voir le [diagnostic](diagnostic.md#terres).\n" in with_place.pages["histoire.md"]


@pytest.mark.slow
def test_extra_pages_are_rendered_and_linked() -> None:
    config = example("gohelle")
    extra = ExtraPage("En plus", "en-plus.md",
                      "# En plus\n\nVoir le [glossaire](page:glossaire).\n")
    site = render_site(load_referentiel(), typed(config), function_configs(), place_for(config),
                       RenderOptions(extra_pages=(extra,)))
    assert site.pages["en-plus.md"] == "# En plus\n\nVoir le [glossaire](glossaire.md).\n"
    assert site.nav[-1].entries[-1] == NavPage("En plus", "en-plus.md")
