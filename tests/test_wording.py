"""The pages as a French reader reads them (rendered Markdown, no build): names with their
article, French typography, French alphabetical order, no trace of the kit's files or
commands; the roadmap's chart and calendar."""

from __future__ import annotations

import copy
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from functools import cache
from html import unescape
from itertools import pairwise
from typing import Any

import markdown
import pytest
import yaml

from ecopole_kit.foundation.french import NBSP, NNBSP, collation_key, typeset_markdown
from ecopole_kit.foundation.french import with_preposition as said
from ecopole_kit.referentiel.content import load_referentiel
from ecopole_kit.requests.package import Applicant, applicant_config, applicant_copy
from ecopole_kit.requests.pdf import EXTENSIONS, _configs
from ecopole_kit.site.charts import RoadmapBar, roadmap_chart_svg
from ecopole_kit.site.pages import RenderedSite, RenderOptions, render_site
from tests.conftest import EXAMPLES, example, function_configs, knowledge, place_for, typed

# The kit's name may be credited (« Site produit par ecopole-kit »), never run as a command.
KIT_TRACES = re.compile(r"\.yaml|ecopole-kit (?:build|new|validate|demo|serve|update|lookup|"
                        r"requests)|fonctions/")
SVG = "{http://www.w3.org/2000/svg}"


def _demo_functions() -> dict[str, Any]:
    folder = EXAMPLES / "demo-fonctions"
    return {path.stem: yaml.safe_load(path.read_text("utf-8")) for path in folder.glob("*.yaml")}


def site_of(config: dict[str, Any], functions: dict[str, Any] | None = None) -> RenderedSite:
    return render_site(load_referentiel(), typed(config), function_configs(functions),
                       place_for(config), RenderOptions(today=date(2026, 6, 1)))


@cache
def demo() -> RenderedSite:
    return site_of(example("pays-tolosan"), _demo_functions())


def territory(kind: str, code: str, name: str, **extra: Any) -> dict[str, Any]:
    config = copy.deepcopy(example("gohelle"))
    config["territoire"] = {"nom": name, "slug": name.lower().replace(" ", "-"), "type": kind,
                            "codes": [code], **extra}
    return config


# --- No file name, command or YAML on a public page -----------------------------------------

@cache
def applicant_site() -> RenderedSite:
    known = knowledge()
    request = {"type": "commune", "codes": ["97101"]}
    return applicant_copy(applicant_config(Applicant(
        "Camille Martin", "Les Jardins du Marais", request, "camille@exemple.fr"),
        known.geography), known)


@pytest.mark.slow
@pytest.mark.parametrize("site", [demo, applicant_site, lambda: site_of(example("gohelle"))],
                         ids=["démo", "copie du demandeur", "projet sans données"])
def test_no_page_names_a_kit_file_or_command(site: Any) -> None:
    for path, text in site().pages.items():
        assert not KIT_TRACES.search(text), (path, KIT_TRACES.search(text))
        assert "```yaml" not in text, path


@pytest.mark.slow
def test_the_demo_fills_every_function_page() -> None:
    for function_id in ("systeme-alimentaire", "accessibilite", "emploi", "evaluation"):
        page = demo().pages[f"{function_id}/index.md"]
        assert "pas encore décrit" not in page, function_id
    assert "![" in demo().pages["feuille-de-route.md"]  # the chart of the dated actions


# --- Names with their article ---------------------------------------------------------------

@pytest.mark.parametrize(("name", "article", "preposition", "expected"), [
    ("Pays Tolosan", "le", "à", "au Pays Tolosan"), ("Pays Tolosan", "le", "de", "du Pays Tolosan"),
    ("Pays Tolosan", "le", "pour", "pour le Pays Tolosan"), ("Les Abymes", None, "à", "aux Abymes"),
    ("Les Abymes", "les", "de", "des Abymes"), ("Corte", "aucun", "à", "à Corte"),
    ("La Réunion", None, "de", "de La Réunion"), ("Audruicq", "aucun", "de", "d’Audruicq"),
    ("Le Havre", "le", "à", "au Havre"), ("Agglo du Sud", "l'", "de", "de l’Agglo du Sud"),
    ("Région d'Audruicq", "la", "sur", "sur la Région d'Audruicq"),
])
def test_names_take_their_article_and_contraction(name: str, article: str | None,
                                                   preposition: str, expected: str) -> None:
    assert said(name, article, preposition) == expected


def test_pays_tolosan_is_said_with_le() -> None:
    site = demo()
    assert "adapté au Pays Tolosan" in site.pages["index.md"]
    assert "nourrir le Pays Tolosan" in site.pages["diagnostic.md"]
    assert "Le Pays Tolosan est" in site.pages["territoire.md"]
    assert "## Actions engagées au Pays Tolosan" in site.pages["emploi/index.md"]
    advice = site.pages["accessibilite/paniers-solidaires.md"]
    assert "Au Pays Tolosan, Cocagne" in advice and "À Pays Tolosan" not in advice


@pytest.mark.slow
def test_les_abymes_take_the_article_of_the_official_data() -> None:
    site = site_of(territory("commune", "97101", "Les Abymes"))
    assert "adapté aux Abymes" in site.pages["index.md"]
    assert "nourrir Les Abymes" in site.pages["diagnostic.md"]
    assert "nourrir la population des Abymes" in site.pages["diagnostic.md"]


@pytest.mark.slow
def test_an_overseas_departement_is_said_as_the_cog_writes_it() -> None:
    site = site_of(territory("departement", "974", "La Réunion"))
    assert "adapté à La Réunion" in site.pages["index.md"]
    assert "(département, code officiel 974)" in site.pages["index.md"].replace(NBSP, " ")


@pytest.mark.slow
def test_a_marseille_arrondissement_is_not_called_a_commune() -> None:
    site = site_of(territory("commune", "13213", "Marseille 13e Arrondissement"))
    assert "(arrondissement municipal, code officiel 13213)" in site.pages["index.md"]
    assert "est un arrondissement municipal de Marseille." in site.pages["territoire.md"]
    assert "| **Commune** | 1 |" in site.pages["territoire.md"]


@pytest.mark.slow
def test_counts_agree_with_their_nouns() -> None:
    home = demo().pages["index.md"]
    assert f"73{NBSP}communes" in home and "codes officiels" in home
    assert re.search(r"\d+\u00a0actions engagées sur \d+", home)
    single = site_of(territory("commune", "2B096", "Corte")).pages["index.md"]
    assert f"1{NBSP}commune**" in single and "code officiel 2B096" in single


# --- French typography ----------------------------------------------------------------------

def test_typography_puts_the_french_spaces() -> None:
    text = typeset_markdown("Quoi ? Oui ; non ! Titre : « citation »\n```\na : b ; c ?\n```\n"
                            "[lien](https://x.fr/?a=b) `code ; x` l'été")
    assert f"Quoi{NNBSP}? Oui{NNBSP}; non{NNBSP}! Titre{NBSP}: «{NNBSP}citation{NNBSP}»" in text
    assert "a : b ; c ?" in text and "(https://x.fr/?a=b)" in text and "`code ; x`" in text
    assert "l’été" in text


def test_the_spaces_after_a_link_or_inline_code_are_french_too() -> None:
    text = typeset_markdown("voir [la fiche](fiche:x) ; puis « [lien](page:y) » et `code` : ici")
    assert text == (f"voir [la fiche](fiche:x){NNBSP}; puis «{NNBSP}[lien](page:y){NNBSP}» "
                    f"et `code`{NBSP}: ici")
    assert typeset_markdown("[a](b) c") == "[a](b) c"  # an ordinary space stays ordinary


def test_every_page_has_its_french_spaces_and_apostrophes() -> None:
    for path, text in demo().pages.items():
        prose = re.sub(r"```.*?```|`[^`\n]*`|\]\([^)]*\)|<[^>]*>", "", text, flags=re.S)
        assert not re.search(r"\S [;!?](?!\[)", prose), (path, re.search(r".{20}\S [;!?]", prose))
        assert not re.search(r"\S :\s", prose), (path, re.search(r".{20}\S :\s", prose))
        assert not re.search(r"\w'\w", prose), (path, re.search(r".{20}\w'\w.{10}", prose))


@pytest.mark.slow
def test_person_typed_text_keeps_its_apostrophes_and_never_becomes_an_icon() -> None:
    config = territory("epci", "246200844", "Val d'Oc :material-home: <div markdown>*x*")
    home = site_of(config).pages["index.md"]
    html = markdown.Markdown(extensions=EXTENSIONS, extension_configs=_configs()).convert(home)
    title = html[html.index("<h1"):html.index("</h1>")]
    assert "<svg" not in title and "<div" not in title and "<em>" not in title
    assert "Val d'Oc :material-home: <div markdown>*x*" in unescape(title)


# --- French alphabetical order --------------------------------------------------------------

def test_names_are_sorted_the_french_way() -> None:
    assert sorted(["Cox", "Cépet", "Castelnau-d'Estrétefonds", "Cabanac"], key=collation_key) \
        == ["Cabanac", "Castelnau-d'Estrétefonds", "Cépet", "Cox"]
    page = demo().pages["territoire.md"]
    assert page.index("| Cépet |") < page.index("| Cox |")
    glossary = demo().pages["glossaire.md"]
    terms = re.findall(r"^## (.+)$", glossary, re.M)
    assert terms == sorted(terms, key=collation_key)


# --- Roadmap: calendar and chart ------------------------------------------------------------

@pytest.mark.slow
def test_calendar_uids_are_unique_per_territory_and_action() -> None:
    tolosan = demo().files["feuille-de-route.ics"].decode()
    other = copy.deepcopy(example("pays-tolosan"))
    other["territoire"]["slug"] = "autre-pays"
    again = site_of(other).files["feuille-de-route.ics"].decode()
    uids = [re.findall(r"^UID:(.+)\r?$", text, re.M) for text in (tolosan, again)]
    assert uids[0] and len(set(uids[0])) == len(uids[0])
    assert not set(uids[0]) & set(uids[1])
    assert all(uid.startswith("pays-tolosan.") for uid in uids[0])


def _ticks(svg: str) -> tuple[list[tuple[float, str]], tuple[float, float]]:
    root = ET.fromstring(svg[svg.index("<svg"):])
    ticks = []
    for group in root.iter(f"{SVG}g"):
        if re.fullmatch(r"xtick_\d+", group.get("id", "")):
            x = float(next(group.iter(f"{SVG}use")).get("x", "nan"))
            label = " ".join("".join(t.itertext()) for t in group.iter(f"{SVG}text"))
            ticks.append((x, label))
    axes = next(g for g in root.iter(f"{SVG}g") if g.get("id") == "axes_1")
    corners = [float(v) for v in re.findall(r"[\d.]+", next(axes.iter(f"{SVG}path"))
                                            .get("d", ""))]
    return ticks, (min(corners[0::2]), max(corners[0::2]))


@pytest.mark.parametrize("days", [25, 70, 200, 400, 800, 1825])
def test_roadmap_tick_labels_are_distinct_and_within_the_axis(days: int) -> None:
    start = date(2026, 3, 10)
    bars = [RoadmapBar("Mises en culture concertées", "en projet", start,
                       start + timedelta(days=days)),
            RoadmapBar("Parcours d'insertion", "en cours", start + timedelta(days=5), None)]
    chart = roadmap_chart_svg(bars, "du Pays Tolosan", today=start + timedelta(days=20))
    ticks, (left, right) = _ticks(chart.svg)
    labels = [label for _, label in ticks]
    assert 2 <= len(labels) <= 7 and len(set(labels)) == len(labels), labels
    assert all(left - 0.5 <= x <= right + 0.5 for x, _ in ticks)
    widest = max(len(part) for label in labels for part in label.split()) * 11 * 0.62
    gaps = [b - a for (a, _), (b, _) in pairwise(ticks)]
    assert min(gaps) > widest, (labels, gaps)
    assert "sans date de fin" in chart.svg  # the open-ended action's marker, in the legend
