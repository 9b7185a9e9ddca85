"""Built sites: strict mkdocs-material builds of each example, tailored to the territory."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from ecopole_kit.project.scaffold import generate_project
from ecopole_kit.referentiel.content import load_referentiel
from ecopole_kit.workflows.build import build_site
from tests.conftest import example

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    built = {}
    for name in ("pays-tolosan", "audruicq", "gohelle"):
        project = generate_project(example(name), tmp_path_factory.mktemp(name) / name).path
        built[name] = build_site(project).site_dir
    return built


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hrefs: list[str] = []
        self.srcs: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("href"):
            self.hrefs.append(found["href"] or "")
        if found.get("src"):
            self.srcs.append(found["src"] or "")


def _parse(path: Path) -> _Text:
    parser = _Text()
    parser.feed(path.read_text("utf-8"))
    return parser


def _main_text(path: Path) -> str:
    html = path.read_text("utf-8")
    article = html[html.index("<article"):html.index("</article>")]
    parser = _Text()
    parser.feed(article)
    text = re.sub(r"[ \t\r\n]+", " ", " ".join(parser.parts)).strip()  # keeps no-break spaces
    return text.replace("’", "'")  # tests write straight apostrophes


def test_home_page_presents_the_territory(sites: dict[str, Path]) -> None:
    text = _main_text(sites["pays-tolosan"] / "index.html")
    assert "Ecopôle alimentaire — Pays Tolosan" in text
    assert "Cocagne Haute-Garonne" in text
    assert "200034957, 200071314, 243100773, 243100815, 243100732" in text
    assert "périurbain" in text


def test_function_page_lists_engaged_actions_first(sites: dict[str, Path]) -> None:
    text = _main_text(sites["pays-tolosan"] / "systeme-alimentaire" / "index.html")
    engaged = text.index("Actions engagées au Pays Tolosan")
    explore = text.index("À explorer")
    referentiel = load_referentiel()
    titles = {f.id: f.titre for f in referentiel.fiches.values()}
    for fiche in ("livraison-mutualisee", "stockage-partage", "mises-en-culture-concertees"):
        assert engaged < text.index(titles[fiche]) < explore
    assert explore < text.index(titles["transformation-partagee"])


def test_sites_differ_where_engagements_differ(sites: dict[str, Path]) -> None:
    page = Path("systeme-alimentaire") / "transformation-partagee.html"
    audruicq = _main_text(sites["audruicq"] / page)
    tolosan = _main_text(sites["pays-tolosan"] / page)
    assert "Engagée à la Région d'Audruicq — stade\u00a0: opérationnel" in audruicq
    assert "À explorer au Pays Tolosan" in tolosan
    assert "Faire durer l'action à la Région d'Audruicq" in audruicq  # advice of its stage
    assert "Pour le Pays Tolosan" in tolosan and "Pour la Région d'Audruicq" not in audruicq


def test_history_and_ecopole_pages(sites: dict[str, Path]) -> None:
    history = _main_text(sites["gohelle"] / "histoire.html")
    for year in ("2011", "2015", "2018", "2019", "2020"):
        assert year in history
    assert "PTCE" in _main_text(sites["gohelle"] / "ecopole.html")


def test_roadmap_groups_engaged_actions_by_stage(sites: dict[str, Path]) -> None:
    text = _main_text(sites["gohelle"] / "feuille-de-route.html")
    titles = {f.id: f.titre for f in load_referentiel().fiches.values()}
    operational, ongoing = text.index("Opérationnel"), text.index("En cours")
    planned = text.index("En projet")
    assert operational < text.index(titles["micro-fermes-servicielles"]) < ongoing
    assert ongoing < text.index(titles["economie-fonctionnalite-cooperation"]) < planned
    assert text[planned:].count("Aucune action à ce stade.") == 2  # en projet, idée


def test_every_fiche_has_a_page(sites: dict[str, Path]) -> None:
    for fiche in load_referentiel().fiches.values():
        page = sites["audruicq"] / fiche.fonction / f"{fiche.id}.html"
        assert fiche.titre in _main_text(page)


def _pages(site: Path) -> Iterator[Path]:
    yield from (p for p in site.rglob("*.html")
                if "assets" not in p.parts and p.name != "404.html")


def test_links_resolve_and_nothing_is_fetched_from_another_host(sites: dict[str, Path]) -> None:
    site = sites["pays-tolosan"]
    for page in _pages(site):
        parsed = _parse(page)
        for src in parsed.srcs:
            assert not re.match(r"^(https?:)?//", src), f"{page}: {src}"
        for href in parsed.hrefs:
            if re.match(r"^(https?:|mailto:|#)", href):
                continue
            target = (page.parent / href.split("#")[0]).resolve()
            assert target.exists(), f"{page}: {href}"
    html = (site / "index.html").read_text("utf-8")
    assert "fonts.googleapis.com" not in html
    assert '<html lang="fr"' in html


def test_printable_layout(sites: dict[str, Path]) -> None:
    page = sites["audruicq"] / "emploi" / "parcours-insertion.html"
    assert 'href="../assets/stylesheets/ecopole.css"' in page.read_text("utf-8")
    css = (sites["audruicq"] / "assets" / "stylesheets" / "ecopole.css").read_text("utf-8")
    assert "@media print" in css


def test_site_works_from_disk(sites: dict[str, Path]) -> None:
    index = (sites["pays-tolosan"] / "index.html").read_text("utf-8")
    assert 'href="systeme-alimentaire/index.html"' in index  # no directory URLs
    assert (sites["pays-tolosan"] / "search" / "search_index.js").is_file()  # offline search


def test_user_pages_are_added_and_never_modified(sites: dict[str, Path]) -> None:
    project = sites["gohelle"].parent
    text = _main_text(sites["gohelle"] / "notre-ecopole.html")
    assert "Cette page présentera bientôt le projet" in text
    assert (project / "docs" / "notre-ecopole.md").read_text("utf-8").startswith("# Notre")


def test_editing_the_territory_and_rebuilding_changes_the_site(tmp_path: Path) -> None:
    project = generate_project(example("gohelle"), tmp_path / "g").path
    territory = project / "territoire.yaml"
    territory.write_text(territory.read_text("utf-8").replace(
        "    places-a-vivres: opérationnel\n", "    places-a-vivres: opérationnel\n"
        "    paniers-solidaires: en projet\n"), "utf-8")
    site = build_site(project).site_dir
    text = _main_text(site / "accessibilite" / "paniers-solidaires.html")
    assert "Engagée à Gohelle — stade\u00a0: en projet" in text


def test_hostile_text_is_shown_literally(tmp_path: Path) -> None:
    config = example("gohelle")
    hostile = '</title><script>alert(1)</script> {{ 7*7 }} *gras* [lien](javascript:x) "q"'
    config["territoire"]["nom"] = hostile
    config["portage"]["nom"] = "<img src=x onerror=alert(1)>"
    config["contexte"]["presentation"] = "# Titre\n\n<iframe src='//evil'></iframe> | a |"
    project = generate_project(config, tmp_path / "h").path
    site = build_site(project).site_dir
    for page in _pages(site):
        html = page.read_text("utf-8")
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "<iframe" not in html
    text = _main_text(site / "index.html")
    assert hostile in text
    assert "<img src=x onerror=alert(1)>" in text
    assert "# Titre" in text


def test_territory_page_lists_official_communes_and_population(sites: dict[str, Path]) -> None:
    from ecopole_kit.territory.geography import load_geography

    codes = ["200034957", "200071314", "243100773", "243100815", "243100732"]
    resolved = load_geography().resolve("plusieurs-epci", codes)
    text = _main_text(sites["pays-tolosan"] / "territoire.html")
    population = f"{resolved.population:,}".replace(",", "\u202f")
    assert f"{population} habitants" in text
    assert "CC du Frontonnais" in text and "CC des Hauts-Tolosans" in text
    for commune in resolved.communes:
        assert commune.nom in text
    assert "INSEE, Code officiel géographique" in text
    assert f"{population} habitants" in _main_text(sites["pays-tolosan"] / "index.html")


def test_diagnostic_page_shows_figures_formulas_sources_and_charts(
        sites: dict[str, Path]) -> None:
    page = sites["pays-tolosan"] / "diagnostic.html"
    text = _main_text(page)
    assert "129\u202f734\u00a0hab. × 0,41\u00a0ha/hab." in text  # five EPCI
    assert "ADEME (2020)" in text and "PARCEL" in text
    assert "emplois à temps plein" in text and "Recensement agricole 2020" in text
    assert "extrapolé" not in text  # no job figure scaled from a village any more
    assert "Tourtoirac (649\u00a0habitants)" in text  # PARCEL's examples, as context
    assert 'src="assets/diagnostic/surfaces.svg"' in page.read_text("utf-8")
    assert 'src="assets/diagnostic/regimes.svg"' in page.read_text("utf-8")
    svg = (sites["pays-tolosan"] / "assets" / "diagnostic" / "surfaces.svg").read_text("utf-8")
    assert svg.lstrip().startswith("<?xml") and "<script" not in svg
    assert "quand la structure porteuse en aura fixé les paramètres" in text


def test_request_page_offers_a_prefilled_mail(sites: dict[str, Path]) -> None:
    html = (sites["gohelle"] / "demander.html").read_text("utf-8")
    assert 'href="mailto:contact@exemple.fr?subject=Demande%20du%20r%C3%A9f%C3%A9rentiel' in html
    assert "Organisation%20%3A" in html and "%28oui%20ou%20non%29%20%3A" in html
    assert "[[formulaire-de-demande]]" not in html
    text = _main_text(sites["gohelle"] / "demander.html")
    assert "nommez votre territoire comme vous le diriez" in text
    assert "codes officiels" not in text and "lookup" not in text


def test_request_page_links_the_online_form_when_configured(tmp_path: Path) -> None:
    config = example("gohelle")
    config["demandes"] = {"courriel": "demandes@exemple.fr",
                          "formulaire": "https://demandes.exemple.fr/?a=1&b=2"}
    site = build_site(generate_project(config, tmp_path / "g").path).site_dir
    html = (site / "demander.html").read_text("utf-8")
    assert 'href="https://demandes.exemple.fr/?a=1&amp;b=2"' in html
    assert 'href="mailto:demandes@exemple.fr?' in html


def test_diagnostic_shows_declared_households_with_their_source(tmp_path: Path) -> None:
    config = example("audruicq")
    config["contexte"].update(menages=7000, menages_source="INSEE, recensement (exemple de test)")
    site = build_site(generate_project(config, tmp_path / "a").path).site_dir
    text = _main_text(site / "diagnostic.html")
    assert "7\u202f000\u00a0ménages — INSEE, recensement (exemple de test)" in text
    assert "personnes par ménage" in text


def test_diagnostic_says_households_are_not_given(sites: dict[str, Path]) -> None:
    text = _main_text(sites["gohelle"] / "diagnostic.html")
    assert "Ménages\u00a0: nombre non renseigné." in text
    assert "Surface agricole du territoire\u00a0: non renseignée." in text


def test_no_english_footer_on_any_page(sites: dict[str, Path]) -> None:
    """The footer speaks French: Material's « Made with » credit is not shown."""
    pages = list(sites["gohelle"].rglob("*.html"))
    assert pages
    for page in pages:
        html = page.read_text("utf-8")
        assert "Made with" not in html, page
    assert "Site produit par ecopole-kit" in (sites["gohelle"] / "index.html").read_text("utf-8")
