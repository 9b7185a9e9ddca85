"""Property-based tests: typed text always shows literally; any valid configuration builds."""

from __future__ import annotations

import functools
import re
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import markdown
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecopole_kit.errors import InvalidDocuments
from ecopole_kit.foundation.documents import parse_yaml
from ecopole_kit.foundation.french import format_number
from ecopole_kit.foundation.markdown_text import literal, literal_paragraphs
from ecopole_kit.foundation.resources import load_schema
from ecopole_kit.project.scaffold import generate_project
from ecopole_kit.referentiel.content import load_referentiel
from ecopole_kit.site.pages import render_site
from ecopole_kit.site.templating import cell
from ecopole_kit.territory.geography import load_geography
from ecopole_kit.workflows.build import build_site
from tests.conftest import ROOT, examples, function_configs, place_for, typed
from tests.schema_strategies import from_schema


def _project_extensions() -> tuple[list[str], dict[str, Any]]:
    """The Markdown extensions of a new project's mkdocs.yml, with their settings."""
    # The kit's own template (trusted): its emoji settings name functions (!!python/name).
    config = yaml.unsafe_load((ROOT / "template" / "{{cookiecutter.project_slug}}" /
                               "mkdocs.yml").read_text("utf-8"))
    entries = [e if isinstance(e, dict) else {e: {}} for e in config["markdown_extensions"]]
    settings = {name: value or {} for entry in entries for name, value in entry.items()}
    return list(settings), settings


PROJECT_EXTENSIONS, PROJECT_SETTINGS = _project_extensions()
EXTENSIONS = PROJECT_EXTENSIONS
# What a project may add to its mkdocs.yml (Python-Markdown's own, pymdown-extensions).
# Known, on purpose: smartsymbols' English ordinals (1st) stay active; abbreviations a
# project defines for every page apply to typed text too (a tooltip, the text unchanged).
WIDE_EXTENSIONS = [
    *PROJECT_EXTENSIONS, "attr_list", "footnotes", "abbr", "def_list", "md_in_html", "meta",
    "smarty", "sane_lists", "wikilinks", "nl2br", "pymdownx.superfences", "pymdownx.emoji",
    "pymdownx.tilde", "pymdownx.caret", "pymdownx.mark", "pymdownx.keys", "pymdownx.critic",
    "pymdownx.arithmatex", "pymdownx.magiclink", "pymdownx.betterem", "pymdownx.highlight",
    "pymdownx.inlinehilite", "pymdownx.tasklist", "pymdownx.tabbed", "pymdownx.progressbar",
    "pymdownx.fancylists", "pymdownx.smartsymbols", "pymdownx.snippets", "pymdownx.escapeall",
    "pymdownx.blocks.admonition", "pymdownx.blocks.details", "pymdownx.blocks.html",
    "pymdownx.blocks.definition", "pymdownx.blocks.caption",
]
WIDE_SETTINGS = {**PROJECT_SETTINGS, "pymdownx.smartsymbols": {"ordinal_numbers": False}}
MARKDOWNS = {"projet": (PROJECT_EXTENSIONS, PROJECT_SETTINGS),
             "extensions ajoutées": (WIDE_EXTENSIONS, WIDE_SETTINGS)}
ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=80)
# Anything a person may paste: controls, line and paragraph separators, format characters.
PASTED_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=80)
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")
_DROPPED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")
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


@functools.cache
def _converter(markdowns: str) -> markdown.Markdown:
    extensions, configs = MARKDOWNS[markdowns]
    return markdown.Markdown(extensions=extensions, extension_configs=configs)


def _render(text: str, markdowns: str) -> tuple[str, set[str]]:
    converter = _converter(markdowns)
    converter.reset()
    return _html_text(converter.convert(text))


def _as_shown(text: str) -> str:
    """What a reader must see of typed text: controls dropped, any line break a space."""
    return _flat(_DROPPED.sub("", text))


@pytest.mark.slow
@pytest.mark.parametrize("markdowns", MARKDOWNS)
@settings(max_examples=examples(200), deadline=None)
@given(text=PASTED_TEXT)
def test_any_typed_text_renders_literally_in_a_paragraph(text: str, markdowns: str) -> None:
    shown, tags = _render(f"Avant {literal(text)} après", markdowns)
    assert shown == _as_shown(f"Avant {text} après")
    assert tags == {"p"}


@pytest.mark.slow
@pytest.mark.parametrize("markdowns", MARKDOWNS)
@settings(max_examples=examples(200), deadline=None)
@given(text=PASTED_TEXT)
def test_any_typed_text_renders_literally_at_the_start_of_a_block(text: str,
                                                                 markdowns: str) -> None:
    shown, tags = _render(f"{literal_paragraphs(text)}\n\nFin.", markdowns)
    assert shown == _as_shown(f"{text} Fin.")
    assert tags == {"p"}


@pytest.mark.slow
@pytest.mark.parametrize("markdowns", MARKDOWNS)
@settings(max_examples=examples(150), deadline=None)
@given(text=PASTED_TEXT)
def test_any_typed_text_renders_literally_in_a_table_cell(text: str, markdowns: str) -> None:
    table = f"| A | B |\n|---|---|\n| {cell(text)} | fin |\n"
    shown, tags = _render(table, markdowns)
    assert shown == _as_shown(f"A B {text} fin")
    assert tags <= {"table", "thead", "tbody", "tr", "th", "td"}


FEATURES = {
    "admonition": "!!! note \"Titre\"", "détails": "??? note \"Titre\"",
    "bloc délimité": "```python", "bloc tilde": "~~~", "trois deux-points": "::: note",
    "bloc pymdownx": "/// note | Titre", "onglet": "=== \"Onglet\"", "HTML": "<details>",
    "liste d'attributs": "Titre {: .classe #id }", "note de bas de page": "Texte[^1]",
    "définition de note": "[^1]: la note", "abréviation": "*[HTML]: Hyper Text",
    "définition": ": une définition", "emoji": ":smile:", "formule": "$x^2$ et \\(y\\)",
    "lien": "[clic](javascript:alert(1))", "adresse": "https://exemple.fr www.exemple.fr",
    "courriel": "contact@exemple.fr", "surlignage": "==a== ^^b^^ ~~c~~ H~2~O",
    "touches": "++ctrl+alt++", "révision": "{++ajout++}", "inclusion": "--8<-- \"/etc/passwd\"",
    "guillemets": "\"a\" 'b' -- ... << >>", "tâche": "[ ] à faire", "titre": "# Titre",
    "liste": "a. b", "citation": "> c", "barre": "***", "commentaire": "<!-- c -->",
}


@pytest.mark.parametrize("markdowns", MARKDOWNS)
@pytest.mark.parametrize("feature", FEATURES)
def test_markdown_features_in_typed_text_stay_literal(feature: str, markdowns: str) -> None:
    typed_text = FEATURES[feature]
    for source, expected in ((f"Avant {literal(typed_text)} après", f"Avant {typed_text} après"),
                             (f"{literal_paragraphs(typed_text)}\n\nFin.", f"{typed_text} Fin.")):
        shown, tags = _render(source, markdowns)
        assert (shown, tags) == (_flat(expected), {"p"}), source


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
    """The typed name, unless it is the very name of another place (« Rÿ » is Ry, in the
    Seine-Maritime): validation rightly asks then which code was meant."""
    config, name = drawn
    name = name if len(name.strip()) >= 2 else f"{name}ab"
    named = load_geography().search.find(name, kinds=["commune", "epci"], limit=3)
    if any(match.score >= 1.0 for match in named.matches):
        name = f"{name} ab"
    config["territoire"]["nom"] = name
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


@pytest.mark.slow  # 25 whole sites rendered: 3 s
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


_FRENCH_NUMBER = re.compile(r"-?\d{1,3}(\u202f\d{3})*(,\d+)?")


@pytest.mark.slow
@settings(max_examples=examples(300))
@given(value=st.one_of(st.floats(allow_nan=False, allow_infinity=False),
                       st.integers(-10**40, 10**40)), decimals=st.integers(0, 3))
def test_any_finite_number_is_written_out_in_french(value: float, decimals: int) -> None:
    text = format_number(value, decimals)
    assert _FRENCH_NUMBER.fullmatch(text), text  # never « 1e+30 », « inf » or a traceback
    shown = Decimal(text.replace("\u202f", "").replace(",", "."))
    assert abs(shown - Decimal(value)) <= Decimal(10) ** -decimals + abs(Decimal(value)) / 10**15


_YAML_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=200)
_YAML_PIECES = st.lists(st.sampled_from(["a: ", "- ", "&x ", "*x ", "[", "]", "{", "}", ", ",
                                         "\n", "  ", "\u2028", "\x07", "!!int ", "!!float ",
                                         "? ", "'", '"', "9" * 30, "1.0e+30", "#"]), max_size=40)


@pytest.mark.slow
@settings(max_examples=examples(400), deadline=None)
@given(text=st.one_of(_YAML_TEXT, _YAML_PIECES.map("".join)))
def test_any_text_parses_or_gets_an_issue(text: str) -> None:
    try:
        parse_yaml(text, "f.yaml")
    except InvalidDocuments as error:
        assert all(issue.file == "f.yaml" and issue.message for issue in error.issues)


@pytest.mark.slow
@settings(max_examples=examples(100))
@given(number=st.integers(18, 6000).flatmap(
    lambda n: st.text("0123456789", min_size=n, max_size=n)).map(lambda d: f"-1{d}"),
    text=PASTED_TEXT)
def test_huge_integers_and_pasted_controls_are_told_with_their_line(number: str,
                                                                     text: str) -> None:
    for source, told in ((f"x: 1\ny: {number}\n", "nombre entier trop long"),
                         (f"x: 1\ny: a{text}\n", "caractère invisible interdit")):
        if told.startswith("caractère") and not _FORBIDDEN.search(text):
            continue
        with pytest.raises(InvalidDocuments) as raised:
            parse_yaml(source, "f.yaml")
        issue = raised.value.issues[0]
        found = _FORBIDDEN.search(text)
        line = 2 + (text[:found.start()].count("\n") if found and "caractère" in told else 0)
        assert (issue.line, told in issue.message, "colonne" in issue.message) == (line, True, True)


@pytest.fixture(scope="module")
def featured_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One project whose partners are typed Markdown features, built by mkdocs with the
    project's extensions and those a project may add."""
    from tests.conftest import example

    config = example("pays-tolosan")
    config["portage"]["partenaires"] = list(FEATURES.values())
    project = generate_project(config, tmp_path_factory.mktemp("md") / "p").path
    added = [e for e in WIDE_EXTENSIONS if e not in PROJECT_EXTENSIONS and e != "meta"]
    mkdocs = project / "mkdocs.yml"
    mkdocs.write_text(mkdocs.read_text("utf-8").replace(
        "markdown_extensions:\n", "markdown_extensions:\n" + "".join(f"  - {e}\n" for e in added)),
        "utf-8")
    return build_site(project).site_dir


@pytest.mark.slow
def test_typed_markdown_features_stay_literal_in_the_built_site(featured_site: Path) -> None:
    html = (featured_site / "index.html").read_text("utf-8")
    article = html[html.index("<article"):html.index("</article>")]
    # The kit's own territory map is an image; typed text must never make one.
    article = re.sub(r'<img [^>]*src="assets/carte-territoire\.svg"[^>]*>', "", article)
    # So are the cards of the four functions (their « --- » rules are the kit's layout).
    article = re.sub(r'<div class="grid cards".*?</div>\s*</div>|<div class="grid cards".*?'
                     r"</div>", "", article, flags=re.S)
    shown, tags = _html_text(article)
    for typed_text in FEATURES.values():
        assert _flat(typed_text) in shown, typed_text
    assert not tags & {"details", "script", "img", "sup", "abbr", "mark", "del", "ins", "kbd",
                       "input", "dl", "blockquote", "pre", "code", "hr", "math"}
    assert 'class="admonition note' not in article  # the kit's own « info » box only
    assert 'href="javascript' not in article
