"""Shared fixtures: a CLI runner, a scripted prompter, and example answers.

The fast subset (``pytest -m "not slow"``) must stay fast: what every test needs and never
changes (the geography, the commune names) is made once per session, and the kit's cache
(checked référentiel files and schemas, compiled templates, the name index) is kept from
one run to the next in pytest's own cache folder, so that no test writes into the person's
own ``~/.cache``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from hypothesis import settings

from ecopole_kit.cli.main import main
from ecopole_kit.models import Question
from tests.pg_server import postgres_server, postgres_url  # noqa: F401  (PostgreSQL fixtures)

# No timing in tests: a loaded CI machine must not turn a slow example into a failure.
settings.register_profile("ecopole", deadline=None)
settings.load_profile("ecopole")

# The fast subset (-m "not slow": the edit-and-run loop) tries a quarter of each property's
# examples; any other run, CI's plain ``pytest`` among them, tries them all.
_QUARTER = {"examples": False}


def pytest_configure(config: pytest.Config) -> None:
    _QUARTER["examples"] = "not slow" in (config.getoption("markexpr") or "")


def pytest_report_header(config: pytest.Config) -> str | None:
    if _QUARTER["examples"]:
        return "hypothesis : un quart des exemples (sous-ensemble rapide ; pytest les essaie tous)"
    return None


def examples(full: int) -> int:
    """How many examples a property tries: ``full``, a quarter in the fast subset."""
    return max(10, full // 4) if _QUARTER["examples"] else full


ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session", autouse=True)
def kit_cache(request: pytest.FixtureRequest,
              tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The kit's cache folder (inherited by the commands it starts), kept from one run to the
    next in pytest's own cache (``.pytest_cache``, never the person's ``~/.cache``): the kit
    keys all it keeps by content and code, so a kept entry is one the run would make again.
    A fresh folder per session under ``-p no:cacheprovider`` (or with ``--cache-clear``)."""
    kept = getattr(request.config, "cache", None)
    folder = kept.mkdir("ecopole-kit") if kept else tmp_path_factory.mktemp("cache-du-kit")
    before = os.environ.get("ECOPOLE_KIT_CACHE")
    os.environ["ECOPOLE_KIT_CACHE"] = str(folder)
    yield folder
    if before is None:
        os.environ.pop("ECOPOLE_KIT_CACHE", None)
    else:
        os.environ["ECOPOLE_KIT_CACHE"] = before


def stand_in_package(applicant: object, folder: Path, **_: object) -> None:
    """In place of ``build_package`` where a test is about the steps, not the package (the
    real one is checked in test_package.py): an empty PDF and zip in the package's folder."""
    (folder / "referentiel-x.pdf").write_bytes(b"%PDF-1.7")
    (folder / "site-x.zip").write_bytes(b"PK")


def pdf_pages(path: Path) -> list[str]:
    """The text of each page of a PDF, read by pdfium (pypdf takes ten times longer on the
    applicant's 137 pages)."""
    import pypdfium2 as pdfium  # type: ignore[import-untyped, unused-ignore]

    document = pdfium.PdfDocument(str(path))
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


def example(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text("utf-8"))
    return data


_MADE: dict[str, Path] = {}  # "folder": where made_project keeps its models this session


@pytest.fixture(scope="session", autouse=True)
def _made_projects(tmp_path_factory: pytest.TempPathFactory) -> None:
    _MADE["folder"] = tmp_path_factory.mktemp("projets-modeles")


def made_project(name: str, destination: Path) -> Path:
    """The project ``new`` makes from the example answers ``name``, at ``destination``.

    Made once per session, then copied (files only, fresh dates): 5 ms instead of 50 for
    the tests that start from a new project; the tests of ``new`` itself generate theirs.
    """
    from ecopole_kit.project.scaffold import generate_project

    model = _MADE["folder"] / name
    if not model.exists():
        generate_project(example(name), model)
    shutil.copytree(model, destination, copy_function=shutil.copy)
    return destination


@pytest.fixture
def run_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Run ecopole-kit in tmp_path; stdout and stderr are kept apart."""
    monkeypatch.chdir(tmp_path)

    def run(*args: str, input: str | None = None) -> Result:
        return CliRunner().invoke(main, list(args), input=input, catch_exceptions=True)

    return run


@dataclass
class ScriptedPrompter:
    """Answers the interview from a list and records what it was shown."""

    answers: list[str]
    confirms: list[bool] = field(default_factory=lambda: [True])
    corrections: list[int | None] = field(default_factory=list)
    asked: list[tuple[str, str, str]] = field(default_factory=list)
    explained: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    summaries: list[str] = field(default_factory=list)

    def section(self, title: str) -> None:
        self.sections.append(title)

    def ask(self, question: Question, *, default: str, position: str) -> str:
        self.asked.append((question.dotted, default, position))
        if not self.answers:
            raise AssertionError(f"no scripted answer left for {question.dotted}")
        return self.answers.pop(0)

    def explain(self, message: str) -> None:
        self.explained.append(message)

    def summary(self, text: str) -> None:
        self.summaries.append(text)

    def confirm(self, text: str, *, default: bool) -> bool:
        return self.confirms.pop(0)

    def choose_correction(self, questions: list[Question]) -> int | None:
        return self.corrections.pop(0)


def place_for(config: dict[str, Any]) -> Any:
    """The official territory of a configuration, as the site build resolves it."""
    from ecopole_kit.site.territory_pages import Place
    from ecopole_kit.territory.geography import load_geography

    geography = load_geography()
    declared = config["territoire"]
    return Place(geography.resolve(declared["type"], declared["codes"]), geography.attribution,
                 commune_names())


@cache
def commune_names() -> Mapping[str, str]:
    """Every commune's name by its code, made once (35 000 of them: 10 ms a time)."""
    from ecopole_kit.territory.geography import load_geography

    return {code: commune.nom for code, commune in load_geography().communes.items()}


def write_yaml(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def knowledge() -> Any:
    """The shipped référentiel and geography, as the workflows pass them to the core."""
    from ecopole_kit.workflows.validate import load_knowledge

    return load_knowledge()


def geography() -> Any:
    from ecopole_kit.territory.geography import load_geography

    return load_geography()


def typed(config: dict[str, Any]) -> Any:
    """A territory configuration as the core receives it."""
    from ecopole_kit.project.config import TerritoryConfig

    return TerritoryConfig.from_data(config)


def function_configs(data: dict[str, Any] | None = None) -> Any:
    from ecopole_kit.project.config import FunctionConfigs

    return FunctionConfigs.from_data(data or {})


def plain(text: str) -> str:
    """A rendered page with plain spaces and straight apostrophes, for tests written so."""
    return (text.replace("\u202f", " ").replace("\u00a0", " ").replace("’", "'")
            .replace("&#39;", "'"))


class _MkdocsLoader(yaml.SafeLoader):
    """yaml.safe_load, with Material's ``!!python/name:`` tags read as their names."""


_MkdocsLoader.add_multi_constructor(
    "tag:yaml.org,2002:python/name:", lambda loader, suffix, node: f"python/name:{suffix}")


def load_mkdocs(text: str) -> Any:
    """A mkdocs.yml as data, without importing what its tags name."""
    return yaml.load(text, Loader=_MkdocsLoader)
