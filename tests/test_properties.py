"""Property-based tests: typed text always shows literally; any valid configuration builds."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from typing import Any

import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecopole_kit.foundation.markdown_text import literal
from ecopole_kit.foundation.resources import load_schema
from ecopole_kit.project.scaffold import generate_project
from ecopole_kit.referentiel.content import load_referentiel
from ecopole_kit.site.pages import render_site
from ecopole_kit.site.templating import cell
from ecopole_kit.workflows.build import build_site
from tests.conftest import function_configs, place_for, typed
from tests.schema_strategies import from_schema

EXTENSIONS = ["admonition", "tables", "toc", "pymdownx.details"]
ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=80)
TERRITORIES = [("commune", ["62057"]), ("commune", ["2A004"]), ("commune", ["97411"]),
               ("commune", ["75056"]), ("epci", ["246200844"]),
               ("plusieurs-epci", ["200034957", "200071314"]), ("departement", ["2B"])]


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _html_text(html: str) -> tuple[str, set[str]]:
    parser = _Text()
    parser.feed(html)
    return _flat(" ".join(parser.parts)), parser.tags


def _flat(text: str) -> str:
    """Runs of any white space read as one space in a page."""
    return re.sub(r"\s+", " ", text).strip()


@settings(max_examples=300)
@given(ANY_TEXT)
def test_any_typed_text_renders_literally_in_a_paragraph(text: str) -> None:
    shown, tags = _html_text(markdown.markdown(f"Avant {literal(text)} après",
                                               extensions=EXTENSIONS))
    assert shown == _flat(f"Avant {text} après")
    assert tags == {"p"}


@settings(max_examples=200)
@given(ANY_TEXT)
def test_any_typed_text_renders_literally_in_a_table_cell(text: str) -> None:
    table = f"| A | B |\n|---|---|\n| {cell(text)} | fin |\n"
    shown, tags = _html_text(markdown.markdown(table, extensions=EXTENSIONS))
    assert shown == _flat(f"A B {text} fin")
    assert tags <= {"table", "thead", "tbody", "tr", "th", "td"}


def _engagement() -> st.SearchStrategy[Any]:
    days = st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31))
    dates = st.lists(days.map(lambda d: d.isoformat()), min_size=2, max_size=2).map(sorted)
    stages = st.sampled_from(["idée", "en projet", "en cours", "opérationnel"])
    block = st.builds(lambda stage, span, lead: {"stade": stage, "debut": span[0],
                                                 "fin": span[1], "responsable": lead},
                      stages, dates, ANY_TEXT)
    return st.one_of(stages, block)


def _territory_configs() -> st.SearchStrategy[dict[str, Any]]:
    schema = load_schema("territoire")
    overrides: dict[str, st.SearchStrategy[Any]] = {
        "territoire": st.sampled_from(TERRITORIES).map(
            lambda t: {"type": t[0], "codes": t[1], "nom": "x", "slug": "projet"}),
    }
    for function_id, node in schema["properties"]["fonctions"]["properties"].items():
        for action in node["properties"]:
            overrides[f"fonctions.{function_id}.{action}"] = _engagement()
    return st.tuples(from_schema(schema, schema, overrides), ANY_TEXT).map(_named)


def _named(drawn: tuple[dict[str, Any], str]) -> dict[str, Any]:
    config, name = drawn
    config["territoire"]["nom"] = name if len(name.strip()) >= 2 else f"{name}ab"
    return config


def _free_texts(config: dict[str, Any]) -> list[str]:
    texts = [config["territoire"]["nom"], config["portage"]["nom"], config["contact"]["nom"],
             *config["portage"].get("partenaires", [])]
    return [t for t in texts if t.strip()]


@pytest.mark.slow
@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
@given(config=_territory_configs())
def test_any_valid_territory_configuration_generates_and_builds(config: dict[str, Any],
                                                                 tmp_path_factory) -> None:
    project = generate_project(config, tmp_path_factory.mktemp("h") / "projet").path
    site = build_site(project).site_dir
    html = (site / "index.html").read_text("utf-8")
    article = html[html.index("<article"):html.index("</article>")]
    shown, _ = _html_text(article)
    for text in _free_texts(config):
        assert _flat(text) in shown
    for page in site.rglob("*.html"):
        assert "<script>alert" not in page.read_text("utf-8")


def _function_configs() -> st.SearchStrategy[dict[str, Any]]:
    strategies = {}
    for function_id in ("systeme-alimentaire", "accessibilite", "emploi", "evaluation"):
        schema = load_schema(f"fonction-{function_id}")
        overrides: dict[str, st.SearchStrategy[Any]] = {
            "indicateurs[].fiche": st.sampled_from(sorted(load_referentiel().fiches)),
        }
        strategies[function_id] = from_schema(schema, schema, overrides)
    return st.fixed_dictionaries(strategies)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(functions=_function_configs())
def test_any_valid_function_configuration_renders_its_texts_literally(
        functions: dict[str, Any]) -> None:
    from tests.conftest import example

    config = example("gohelle")
    rendered = render_site(load_referentiel(), typed(config), function_configs(functions),
                           place_for(config))
    for function_id, data in functions.items():
        shown, tags = _html_text(markdown.markdown(rendered.pages[f"{function_id}/index.md"],
                                                   extensions=EXTENSIONS))
        assert not tags & {"script", "iframe", "img", "object", "style"}
        for text in _strings(data):
            assert _flat(text) in shown, (function_id, text)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, dict):
        return [s for key, item in value.items() if key not in _CODED for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


# Fields shown through a derived form (commune names, fiche titles, dates, ids).
_CODED = {"commune", "arrets", "fiche", "id", "producteur", "debut", "fin", "date"}
