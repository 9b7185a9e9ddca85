"""The demo site in a real browser: headless Chromium (Debian's package) driven by Playwright.

Pages load without console errors, French search finds a fiche (served and from disk),
tabs navigate, nothing is requested outside the machine, axe-core finds no serious or
critical violation, and screenshots are kept as test artefacts.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from ecopole_kit.project.scaffold import generate_project
from ecopole_kit.workflows.build import build_site
from tests.conftest import ROOT, example

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(os.environ.get("ECOPOLE_TEST_ARTIFACTS", ROOT / "test-artifacts"))
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync",
         "--disable-default-apps", "--disable-extensions"]
MAIN_PAGES = ["index.html", "territoire.html", "diagnostic.html", "feuille-de-route.html",
              "systeme-alimentaire/index.html", "accessibilite/index.html",
              "accessibilite/paniers-solidaires.html", "emploi/index.html",
              "evaluation/index.html", "glossaire.html", "histoire.html"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", ""}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = generate_project(example("pays-tolosan"), tmp_path_factory.mktemp("b") / "pt").path
    return build_site(project).site_dir


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium est absent : .ci/run doit l'installer (paquet Debian chromium).")
        pytest.skip("Chromium absent (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 900},  # type: ignore[attr-defined]
                                  locale="fr-FR")
    opened = context.new_page()
    opened.requests = []
    opened.errors = []
    opened.on("request", lambda request: opened.requests.append(request.url))
    opened.on("console", lambda message: message.type == "error"
              and opened.errors.append(message.text))
    opened.on("pageerror", lambda error: opened.errors.append(str(error)))
    yield opened
    context.close()


def _outside(urls: list[str]) -> list[str]:
    return [u for u in urls if urlparse(u).scheme not in ("file", "data", "blob")
            and urlparse(u).hostname not in LOCAL_HOSTS]


def _type_search(page: object, words: str) -> None:
    """Type as a person does: the search listens to key strokes."""
    page.click("input.md-search__input")  # type: ignore[attr-defined]
    page.keyboard.type(words, delay=30)  # type: ignore[attr-defined]


@pytest.mark.parametrize("path", MAIN_PAGES)
def test_page_loads_without_errors_or_outside_requests(page, served: str, path: str) -> None:
    page.goto(f"{served}/{path}", wait_until="networkidle")
    assert page.locator("h1").first.is_visible()
    assert page.errors == []
    assert _outside(page.requests) == []


def test_search_finds_the_fiche_in_french(page, served: str) -> None:
    page.goto(f"{served}/index.html", wait_until="networkidle")
    _type_search(page, "paniers")
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=15_000)
    assert "Développer les paniers solidaires" in page.locator(".md-search-result").inner_text()
    assert page.errors == []


def test_search_works_from_disk_without_a_server(page, site: Path) -> None:
    page.goto((site / "index.html").as_uri(), wait_until="load")
    _type_search(page, "paniers")
    page.locator(".md-search-result__item").first.wait_for(timeout=15_000)
    assert "Développer les paniers solidaires" in page.locator(".md-search-result").inner_text()
    assert _outside(page.requests) == []


def test_navigation_tabs_lead_to_the_functions(page, served: str) -> None:
    page.goto(f"{served}/index.html", wait_until="networkidle")
    tabs = page.locator(".md-tabs__link")
    assert [t.strip() for t in tabs.all_inner_texts()] == [
        "L'Ecopôle", "Monter le projet", "Système alimentaire", "Accessibilité", "Emploi",
        "Recherche et évaluation", "Ressources"]
    page.get_by_role("link", name="Accessibilité", exact=True).first.click()
    page.wait_for_url("**/accessibilite/index.html")
    assert "accessible" in page.locator("h1").first.inner_text().casefold()
    page.get_by_role("link", name="Emploi", exact=True).first.click()
    page.wait_for_url("**/emploi/index.html")


# Page → (screenshot, the picture it must show loaded, if any).
SCREENSHOTS = {"index.html": ("accueil.png", "carte-territoire.svg"),
               "territoire.html": ("territoire.png", "carte-territoire.svg"),
               "feuille-de-route.html": ("feuille-de-route.png", "feuille-de-route.svg"),
               "accessibilite/paniers-solidaires.html": ("fiche-paniers-solidaires.png", None)}


@pytest.mark.parametrize("path", SCREENSHOTS)
def test_screenshots_are_kept_as_artefacts(page, served: str, path: str) -> None:
    """Home page and territory page (with the map), roadmap (with its chart) and a fiche,
    full page, in ``test-artifacts/`` (or ``$ECOPOLE_TEST_ARTIFACTS``) for CI to keep."""
    name, picture = SCREENSHOTS[path]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTIFACTS / name
    target.unlink(missing_ok=True)  # a file left by an earlier run proves nothing
    page.goto(f"{served}/{path}", wait_until="networkidle")
    if picture:
        image = page.locator(f'article img[src$="{picture}"]').first
        assert image.evaluate("i => i.complete && i.naturalWidth > 0")
    page.screenshot(path=str(target), full_page=True)
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert target.stat().st_size > 10_000


@pytest.mark.parametrize("path", ["index.html", "accessibilite/index.html",
                                  "accessibilite/paniers-solidaires.html", "diagnostic.html",
                                  "feuille-de-route.html", "territoire.html"])
def test_no_serious_accessibility_violation(page, served: str, path: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page.goto(f"{served}/{path}", wait_until="networkidle")
    results = Axe().run(page)
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
               for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []


def test_hostile_text_runs_nothing_in_the_browser(page, tmp_path: Path) -> None:
    config = example("gohelle")
    config["territoire"]["nom"] = '<img src=x onerror="alert(1)"> {{ 7*7 }}'
    config["portage"]["nom"] = "</title><script>alert(2)</script>"
    config["contexte"]["presentation"] = "[clic](javascript:alert(3)) <svg onload=alert(4)>"
    site = build_site(generate_project(config, tmp_path / "h").path).site_dir
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for path in ("index.html", "accessibilite/paniers-solidaires.html", "diagnostic.html"):
        page.goto((site / path).as_uri(), wait_until="load")
        page.wait_for_timeout(300)
    page.goto((site / "index.html").as_uri(), wait_until="load")
    body = page.locator("article").inner_text()
    assert '<img src=x onerror="alert(1)"> {{ 7*7 }}' in body
    assert "</title><script>alert(2)</script>" in body
    assert page.locator("article a[href^='javascript']").count() == 0
    assert dialogs == []
