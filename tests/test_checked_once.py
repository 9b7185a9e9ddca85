"""A project file that passed its schema is not checked against it again while its content
stays the same; a changed file always is, a faulty one is never remembered, and the rules
across files run every time."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ecopole_kit.foundation import cache, checked
from ecopole_kit.project.scaffold import generate_project
from ecopole_kit.workflows.validate import validate_paths
from tests.conftest import example, plain


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(cache.ENVIRONMENT, str(tmp_path / "cache"))
    return generate_project(example("pays-tolosan"), tmp_path / "p").path


def _validate(project: Path) -> tuple[int, str, set[str]]:
    """``ecopole-kit validate`` in its own process: exit code, French output, modules loaded."""
    probe = ("import sys, runpy; sys.argv = ['ecopole-kit', 'validate', sys.argv[1]]\n"
             "try:\n    runpy.run_module('ecopole_kit', run_name='__main__')\n"
             "finally:\n    print('MODULES', ' '.join(sys.modules), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", probe, str(project)], capture_output=True,
                          text=True, check=False, env={**os.environ, "NO_COLOR": "1"})
    modules = done.stderr.rsplit("MODULES", 1)[-1].split()
    return done.returncode, plain(done.stdout + done.stderr.rsplit("MODULES", 1)[0]), set(modules)


@pytest.mark.slow
def test_a_file_that_passed_is_not_checked_again_until_it_changes(project: Path) -> None:
    first = _validate(project)
    assert first[0] == 0 and "jsonschema" in first[2]
    again = _validate(project)
    assert again[0] == 0 and "Tout est valide" in again[1] and "jsonschema" not in again[2]
    territory = project / "territoire.yaml"
    territory.write_text(territory.read_text("utf-8") + "champ_inconnu: 1\n", "utf-8")
    for _ in range(2):  # a faulty content is said at every run, never remembered
        code, output, modules = _validate(project)
        assert code == 1 and "jsonschema" in modules
        assert "territoire.yaml:" in output and "champ_inconnu" in output


PRODUCER = """producteurs:
  - id: ferme-du-moulin
    nom: Ferme du Moulin
    commune: "31202"
    productions: [légumes]
    certification_bio: certifiée
"""


@pytest.mark.slow
def test_the_rules_across_files_run_even_when_the_schemas_passed_before(project: Path) -> None:
    food = project / "fonctions" / "systeme-alimentaire.yaml"
    food.write_text(PRODUCER, "utf-8")
    assert validate_paths([project]) == []
    assert checked.passed_before(PRODUCER, "fonction-systeme-alimentaire")
    territory = project / "territoire.yaml"  # now an EPCI of the Pas-de-Calais
    text = territory.read_text("utf-8").replace("'200034957'", "'246200844'", 1)
    territory.write_text("\n".join(line for line in text.split("\n")
                                   if line.strip() not in ("- '200071314'", "- '243100773'")),
                         "utf-8")
    issues = validate_paths([project])
    assert [(i.file.rsplit("/", 1)[-1], i.line) for i in issues] == [
        ("systeme-alimentaire.yaml", 4)]  # the unchanged file's commune, outside the territory
