"""The command's build: the kit's pages rendered in a forked process while mkdocs loads here,
with the same site, the same French errors and the same files as a build in turn."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

import ecopole_kit
from ecopole_kit.errors import InvalidDocuments
from ecopole_kit.foundation import parallel
from ecopole_kit.foundation.resources import template_file
from ecopole_kit.project.scaffold import generate_project
from ecopole_kit.site import engine
from ecopole_kit.workflows import site_build
from tests.conftest import example, plain

needs_a_spare_core = pytest.mark.skipif(not parallel.spare_core(),
                                        reason="un seul cœur, ou pas de fork : rendu en série")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return generate_project(example("audruicq"), tmp_path / "p").path


def _pages(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_text("utf-8") for p in site.rglob("*.html")}


@pytest.mark.slow
@needs_a_spare_core
def test_the_site_is_the_one_a_build_in_turn_makes(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    side_by_side = site_build.build_project(project)
    pages = _pages(side_by_side.site_dir)
    stamp = (project / ".ecopole" / "construction.json").read_text("utf-8")
    monkeypatch.setattr(parallel, "spare_core", lambda: False)
    in_turn = site_build.build_project(project)
    assert in_turn.to_complete == side_by_side.to_complete and in_turn.to_complete
    assert _pages(in_turn.site_dir) == pages and "index.html" in pages
    assert (project / ".ecopole" / "construction.json").read_text("utf-8") == stamp


@pytest.mark.slow
@needs_a_spare_core
def test_an_error_of_the_project_crosses_back_in_french_with_its_line(
        project: Path, tmp_path: Path) -> None:
    territory = project / "territoire.yaml"
    territory.write_text(territory.read_text("utf-8").replace("type: epci", "type: epcii", 1),
                         "utf-8")
    with pytest.raises(InvalidDocuments) as raised:
        site_build.build_project(project)
    assert any(issue.file.endswith("territoire.yaml") and issue.line
               for issue in raised.value.issues)
    assert not (project / "site").exists()  # nothing half built
    done = subprocess.run([sys.executable, "-m", "ecopole_kit", "build", str(project)],
                          capture_output=True, text=True, check=False,
                          env={**os.environ, "NO_COLOR": "1"})
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "territoire.yaml:" in plain(done.stderr) and "epcii" in plain(done.stderr)


def test_warming_mkdocs_up_leaves_the_process_as_it_was(tmp_path: Path) -> None:
    here, path = Path.cwd(), list(sys.path)
    logger = logging.getLogger("mkdocs")
    handlers, propagate = list(logger.handlers), logger.propagate
    engine.warm_up(template_file("mkdocs.yml"), tmp_path)
    assert "mkdocs.commands.build" in sys.modules and "pymdownx.emoji" in sys.modules
    assert (Path.cwd(), sys.path) == (here, path)
    assert (logger.handlers, logger.propagate) == (handlers, propagate)
    assert list(tmp_path.iterdir()) == []  # nothing written
    broken = tmp_path / "mkdocs.yml"
    broken.write_text("theme: [\n", "utf-8")
    engine.warm_up(broken, tmp_path)  # a warm-up says nothing: the build will


def test_the_installed_version_is_the_one_the_kit_says() -> None:
    assert metadata.version("ecopole-kit") == ecopole_kit.__version__
