"""The wheel carries the template, référentiel, schemas and examples, and works anywhere."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out),
                    str(ROOT)], check=True, capture_output=True)
    return next(out.glob("ecopole_kit-*.whl"))


def test_wheel_ships_the_resources(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in ("ecopole_kit/_shipped/template/cookiecutter.json",
                     "ecopole_kit/_shipped/schemas/territoire.schema.json",
                     "ecopole_kit/_shipped/referentiel/fonctions.yaml",
                     "ecopole_kit/_shipped/referentiel/fiches/accessibilite/paniers-solidaires.yaml",
                     "ecopole_kit/_shipped/examples/pays-tolosan.yaml",
                     "ecopole_kit/_shipped/referentiel/CHANGELOG.yaml",
                     "ecopole_kit/project/releases/0_1_0/template/cookiecutter.json",
                     "ecopole_kit/project/releases/0_1_0/schemas/territoire.schema.json",
                     "ecopole_kit/project/releases/0_2_0/template/cookiecutter.json",
                     "ecopole_kit/project/releases/0_2_0/schemas/territoire.schema.json",
                     "ecopole_kit/site/templates/fiche.md.j2",
                     "ecopole_kit/site/vendor/iframe-worker/shim.js",
                     "ecopole_kit/web/templates/form.html",
                     "ecopole_kit/data/contours.json.gz",
                     "ecopole_kit/_shipped/schemas/reseau.schema.json",
                     "ecopole_kit/_shipped/schemas/ecopole.schema.json",
                     "ecopole_kit/network/mkdocs.yml",
                     "ecopole_kit/network/assets/tableaux.js",
                     "ecopole_kit/network/vendor/tablesort/tablesort.min.js",
                     "ecopole_kit/network/vendor/tablesort/LICENCE"):
        assert expected in names
    assert not any(name.startswith("tests/") for name in names)


def test_installed_wheel_runs_the_demo_from_any_directory(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site-packages"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target",
                    str(target), str(wheel)], check=True, capture_output=True)
    elsewhere = tmp_path / "ailleurs"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target)}
    result = subprocess.run([sys.executable, "-m", "ecopole_kit", "demo"], cwd=elsewhere,
                            env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    index = Path(result.stdout.strip().splitlines()[-1])
    assert index == elsewhere / "ecopole-demo" / "site" / "index.html"
    assert "Pays Tolosan" in index.read_text("utf-8")
    code = "import ecopole_kit; print(ecopole_kit.__file__)"
    probe = subprocess.run([sys.executable, "-c", code], cwd=elsewhere, env=env,
                           capture_output=True, text=True, check=True)
    assert probe.stdout.startswith(str(target))
