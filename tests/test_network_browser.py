"""The network's dashboard in a real browser (Chromium through Playwright, as the sites in
test_browser.py): no console error, no request off the machine, axe-core without serious
violation, tables sorted on a click, markers leading to the sites, hostile names inert."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from ecopole_kit.project.scaffold import generate_project
from ecopole_kit.workflows.network import build_network
from tests.conftest import example
from tests.test_browser import _outside, _QuietHandler, browser, page  # noqa: F401

pytestmark = pytest.mark.slow
PAGES = ["index.html", "actions.html", "indicateurs.html"]


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("reseau-web")
    generate_project(example("pays-tolosan"), folder / "sites" / "pays-tolosan")
    hostile = example("gohelle")
    hostile["territoire"]["nom"] = '<img src=x onerror="alert(1)"> Gohelle'
    hostile["portage"]["nom"] = "</td><script>alert(2)</script>"
    generate_project(hostile, folder / "sites" / "gohelle")
    (folder / "reseau.yaml").write_text(yaml.safe_dump({
        "nom": "<script>alert(3)</script> Réseau", "sites": [
            {"chemin": "sites/pays-tolosan"}, {"chemin": "sites/gohelle"}]}), encoding="utf-8")
    report = build_network(folder / "reseau.yaml", jobs=1)
    assert not report.failed
    return folder


@pytest.fixture(scope="module")
def served(network: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(network))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/site"
    server.shutdown()


@pytest.mark.parametrize("path", PAGES)
def test_dashboard_pages_load_clean_and_accessible(page, served: str, path: str) -> None:  # noqa: F811
    from axe_playwright_python.sync_playwright import Axe

    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{served}/{path}", wait_until="networkidle")
    assert page.locator("h1").first.is_visible()
    assert page.errors == [] and dialogs == []
    assert _outside(page.requests) == []
    results = Axe().run(page)
    serious = [(v["id"], [n["target"] for n in v["nodes"]][:3])
               for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []


def test_the_actions_table_sorts_on_a_click(page, served: str) -> None:  # noqa: F811
    page.goto(f"{served}/actions.html", wait_until="networkidle")
    table = page.locator("article table").first
    engaged = table.locator("thead th", has_text="Sites engagés")
    counts = lambda: [int(t) for t in table.locator("tbody tr td:last-child").all_inner_texts()]  # noqa: E731
    engaged.click()
    first = counts()
    assert first == sorted(first) or first == sorted(first, reverse=True)
    engaged.click()
    assert counts() == list(reversed(first)) or counts() == sorted(first, reverse=True)
    assert set(first) != {first[0]}  # the table had something to sort


def test_a_marker_leads_to_its_site_and_names_are_text(page, served: str) -> None:  # noqa: F811
    page.goto(f"{served}/index.html", wait_until="networkidle")
    body = page.locator("article").inner_text()
    assert '<img src=x onerror="alert(1)"> Gohelle' in body
    assert "</td><script>alert(2)</script>" in body
    page.locator("figure.carte-reseau a").first.click()
    page.wait_for_url("**/sites/pays-tolosan/site/index.html")
    assert "Pays Tolosan" in page.locator("h1").first.inner_text()
