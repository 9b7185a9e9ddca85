"""A site build whose inputs did not change ends at once, before mkdocs, matplotlib or the
geography are imported; any change (a file of the project, its docs/, the kit) builds again,
and so does --force."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ecopole_kit.network import stamps
from tests.conftest import made_project, plain

HEAVY = ("mkdocs", "matplotlib", "ecopole_kit.territory.geography", "ecopole_kit.site.engine")


def kit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "ecopole_kit", *args],
                          cwd=cwd, capture_output=True, text=True, check=False,
                          env={**os.environ, "NO_COLOR": "1"})
    return subprocess.CompletedProcess(done.args, done.returncode, plain(done.stdout),
                                       done.stderr)


def imported(result: subprocess.CompletedProcess[str]) -> set[str]:
    return {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()
            if line.startswith("import time:")}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return made_project("audruicq", tmp_path / "p")


@pytest.mark.slow
def test_the_fingerprint_follows_every_input_and_nothing_else(project: Path) -> None:
    first = stamps.fingerprint(project)
    assert stamps.fingerprint(project) == first
    (project / "README.md").write_text("autre chose", encoding="utf-8")  # not an input
    (project / "site").mkdir()
    (project / "site" / "x.html").write_text("x", encoding="utf-8")
    assert stamps.fingerprint(project) == first
    (project / "docs" / "nouvelle.md").write_text("# Nouvelle\n", encoding="utf-8")
    second = stamps.fingerprint(project)
    assert second != first
    (project / "fonctions" / "emploi.yaml").write_text("notes: x\n", encoding="utf-8")
    assert stamps.fingerprint(project) != second
    assert stamps.fingerprint(project, safe=True) != stamps.fingerprint(project)


@pytest.mark.slow
def test_a_link_out_of_the_project_is_not_read(project: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("un", encoding="utf-8")
    os.symlink(secret, project / "docs" / "lien.md")
    before = stamps.fingerprint(project)
    secret.write_text("deux", encoding="utf-8")
    assert stamps.fingerprint(project) == before  # its text only: the target is never opened


def test_no_stamp_or_no_site_means_a_build(project: Path) -> None:
    assert not stamps.up_to_date(project)
    (project / "site").mkdir()
    for name in stamps.BUILT_FILES:
        (project / "site" / name).write_text("x", encoding="utf-8")
    assert not stamps.up_to_date(project)
    stamps.write_stamp(project, stamps.fingerprint(project))
    assert stamps.up_to_date(project)
    assert json.loads(stamps.stamp_path(project).read_text("utf-8"))["kit"]
    (project / ".site.old-123-abc").mkdir()  # a swap a crash interrupted
    assert not stamps.up_to_date(project)
    (project / ".site.old-123-abc").rmdir()
    stamps.stamp_path(project).write_text("{pas du json", encoding="utf-8")
    assert not stamps.up_to_date(project)


@pytest.mark.slow
def test_an_unchanged_build_ends_at_once_and_force_builds_again(project: Path) -> None:
    built = kit("build", str(project), cwd=project.parent)
    assert built.returncode == 0, built.stderr[-2000:]
    summary = json.loads((project / "site" / "ecopole.json").read_text("utf-8"))
    assert summary["territoire"]["population"] > 0 and summary["portage"]
    index = project / "site" / "index.html"
    stamp = index.stat().st_mtime_ns

    again = kit("build", str(project), cwd=project.parent)
    assert again.returncode == 0
    assert "Rien n'a changé depuis la dernière construction" in again.stdout
    assert "--force pour reconstruire" in again.stdout
    assert "À compléter" in built.stdout  # said again, from the stamp
    assert again.stdout.split("À compléter")[1] == built.stdout.split("À compléter")[1]
    assert not imported(again) & set(HEAVY), imported(again) & set(HEAVY)
    assert index.stat().st_mtime_ns == stamp

    forced = kit("build", "--force", str(project), cwd=project.parent)
    assert "Site construit" in forced.stdout and index.stat().st_mtime_ns != stamp
    assert "ecopole_kit.site.engine" in imported(forced)  # the check above can see them

    (project / "docs" / "nouvelle.md").write_text("# Une page à nous\n", encoding="utf-8")
    changed = kit("build", str(project), cwd=project.parent)
    assert "Site construit" in changed.stdout
    assert (project / "site" / "nouvelle.html").is_file()
