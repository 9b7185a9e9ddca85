"""Files the kit reads and writes: no link followed out of a project, sites built whole,
temporary folders cleaned up, and ``--safe`` refusing a mkdocs.yml that runs code."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from ecopole_kit.errors import BuildFailed, UnsafeConfig, UnsafeLink
from ecopole_kit.foundation import folders
from ecopole_kit.project.files import check_project
from ecopole_kit.project.links import tree
from ecopole_kit.project.mkdocs_safety import SAFE_PLUGINS, check_safe
from ecopole_kit.project.scaffold import WORK_PREFIX as NEW_PREFIX
from ecopole_kit.project.scaffold import generate_project
from ecopole_kit.requests import package
from ecopole_kit.site import engine
from ecopole_kit.site.rendered import NavPage, NavSection, RenderedSite
from ecopole_kit.workflows.build import build_site
from tests.conftest import ROOT, example, knowledge, load_mkdocs, made_project, stand_in_package

TEMPLATE_MKDOCS = ROOT / "template" / "{{cookiecutter.project_slug}}" / "mkdocs.yml"


def _dead_pid() -> int:
    """The id of a process that has ended (and was waited for)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(".site."))


# Links in a project.


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "p"
    (root / "docs" / "images").mkdir(parents=True)
    (root / "docs" / "agenda.md").write_text("# Agenda\n", "utf-8")
    (root / "docs" / "images" / "logo.svg").write_text("<svg/>", "utf-8")
    (root / "pages").mkdir()
    (root / "pages" / "partage.md").write_text("# Partagé\n", "utf-8")
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text("url = https://jeton@exemple.fr\n", "utf-8")
    (tmp_path / "ailleurs.txt").write_text("secret\n", "utf-8")
    return root


def test_a_link_out_of_the_project_in_docs_is_refused_by_name(project: Path) -> None:
    (project / "docs" / "secret.md").symlink_to(project.parent / "ailleurs.txt")
    with pytest.raises(UnsafeLink) as raised:
        tree(project, "docs")
    assert f"{project}/docs/secret.md : lien symbolique vers" in str(raised.value)
    assert "hors du projet" in str(raised.value) and "copie du fichier" in str(raised.value)


@pytest.mark.parametrize("target", ["/etc/passwd", "/proc/self/environ", "../../../ailleurs.txt"])
def test_system_files_and_the_environment_are_refused(project: Path, target: str) -> None:
    (project / "docs" / "images" / "fuite.md").symlink_to(target)
    with pytest.raises(UnsafeLink, match=r"docs/images/fuite\.md : lien symbolique"):
        tree(project, "docs")


def test_a_linked_folder_out_of_the_project_is_refused(project: Path, tmp_path: Path) -> None:
    (project / "docs" / "dehors").symlink_to(tmp_path, target_is_directory=True)
    with pytest.raises(UnsafeLink, match="docs/dehors : lien symbolique"):
        tree(project, "docs")


def test_links_that_stay_in_the_project_are_followed(project: Path) -> None:
    (project / "docs" / "partage.md").symlink_to("../pages/partage.md")
    (project / "docs" / "pages").symlink_to("../pages", target_is_directory=True)
    found = tree(project, "docs")
    assert found["partage.md"] == found["pages/partage.md"] == \
        (project / "pages" / "partage.md").resolve()
    assert {"agenda.md", "images/logo.svg"} <= set(found)


@pytest.mark.parametrize("target", [".git/config", "site/index.html"])
def test_links_into_hidden_folders_or_the_site_are_refused(project: Path, target: str) -> None:
    (project / "site").mkdir()
    (project / "site" / "index.html").write_text("<p>", "utf-8")
    (project / "docs" / "x.md").symlink_to(f"../{target}")
    with pytest.raises(UnsafeLink, match=r"docs/x\.md : lien symbolique vers (un dossier caché|"
                                         r"le dossier site/)"):
        tree(project, "docs")


def test_a_folder_that_contains_itself_is_refused(project: Path) -> None:
    (project / "docs" / "images" / "boucle").symlink_to("..", target_is_directory=True)
    with pytest.raises(UnsafeLink, match="boucle"):
        tree(project, "docs")


def test_hidden_links_are_left_out_like_hidden_files(project: Path) -> None:
    (project / "docs" / ".cache").symlink_to("/etc/passwd")
    assert ".cache" not in tree(project, "docs")


@pytest.mark.slow
def test_a_project_file_linked_out_of_the_project_is_an_issue(tmp_path: Path) -> None:
    root = made_project("gohelle", tmp_path / "p")
    outside = tmp_path / "territoire.yaml"
    shutil.move(root / "territoire.yaml", outside)
    (root / "territoire.yaml").symlink_to(outside)
    (root / "fonctions" / "emploi.yaml").unlink()
    (root / "fonctions" / "emploi.yaml").symlink_to("/etc/hostname")
    issues = check_project(root, knowledge())[1]
    assert {(issue.file, "hors du projet" in issue.message) for issue in issues} == {
        (str(root / "territoire.yaml"), True), (str(root / "fonctions" / "emploi.yaml"), True)}


@pytest.mark.slow
def test_a_project_file_linked_inside_the_project_is_read(tmp_path: Path) -> None:
    root = made_project("gohelle", tmp_path / "p")
    shutil.move(root / "territoire.yaml", root / "configuration.yaml")
    (root / "territoire.yaml").symlink_to("configuration.yaml")
    assert check_project(root, knowledge())[1] == []


# Folders the kit writes.


def _sources(marker: str = "A", pages: int = 3) -> engine.SiteSources:
    texts = {f"page-{n}.md": f"# Page {n} {marker}\n" for n in range(pages)}
    texts["index.md"] = f"# Accueil {marker}\n"
    nav = (NavSection("Pages", tuple(NavPage(None, path) for path in texts)),)
    return engine.SiteSources(rendered=RenderedSite(texts, {}, nav), site_name="Essai",
                              copyright="Essai")


def _paths(tmp_path: Path) -> engine.SitePaths:
    return engine.SitePaths(work_dir=tmp_path / "travail", site_dir=tmp_path / "site")


def _fake_mkdocs(returncode: int = 0, error: BaseException | None = None):
    """mkdocs replaced in-process: writes a page into --site-dir, then succeeds or fails."""
    def run(work_dir: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
        site = Path(arguments[arguments.index("--site-dir") + 1])
        (site / "index.html").write_text("<p>neuf</p>", "utf-8")
        if error is not None:
            raise error
        return subprocess.CompletedProcess(arguments, returncode, "", "ERROR - panne")
    return run


def _old_site(tmp_path: Path) -> dict[str, bytes]:
    site = tmp_path / "site"
    (site / "sous").mkdir(parents=True)
    (site / "index.html").write_text("<p>ancien</p>", "utf-8")
    (site / "sous" / "page.html").write_bytes(b"\x00ancien")
    return _snapshot(site)


@pytest.mark.parametrize("failure", ["strict", "ctrl-c", "disk full"])
def test_a_failed_build_keeps_the_previous_site_byte_for_byte(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: str) -> None:
    before = _old_site(tmp_path)
    fake = {"strict": _fake_mkdocs(returncode=1),
            "ctrl-c": _fake_mkdocs(error=KeyboardInterrupt()),
            "disk full": _fake_mkdocs(error=OSError(28, "No space left on device"))}[failure]
    monkeypatch.setattr(engine, "_mkdocs", fake)
    with pytest.raises((BuildFailed, KeyboardInterrupt, OSError)):
        engine.build(_sources(), _paths(tmp_path))
    assert _snapshot(tmp_path / "site") == before
    assert _leftovers(tmp_path) == []


def test_a_failed_swap_puts_the_previous_site_back(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = _old_site(tmp_path)
    monkeypatch.setattr(engine, "_mkdocs", _fake_mkdocs())
    real_rename = os.rename

    def rename(source: str | Path, target: str | Path) -> None:
        if Path(source).name.startswith(".site.new-"):
            raise OSError(28, "No space left on device")
        real_rename(source, target)

    monkeypatch.setattr(os, "rename", rename)
    with pytest.raises(OSError):
        engine.build(_sources(), _paths(tmp_path))
    assert _snapshot(tmp_path / "site") == before and _leftovers(tmp_path) == []


def test_a_successful_build_swaps_the_new_site_in(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _old_site(tmp_path)
    monkeypatch.setattr(engine, "_mkdocs", _fake_mkdocs())
    engine.build(_sources(), _paths(tmp_path))
    assert _snapshot(tmp_path / "site") == {"index.html": b"<p>neuf</p>"}
    assert _leftovers(tmp_path) == []
    assert (tmp_path / "site").stat().st_mode & 0o755 == 0o755  # not mkdtemp's 0o700


@pytest.mark.parametrize("crash", ["between the renames", "before the first rename",
                                   "while removing the old site"])
def test_the_next_run_recovers_from_a_crash_during_the_swap(tmp_path: Path, crash: str) -> None:
    site, pid = tmp_path / "site", _dead_pid()
    new, old = tmp_path / f".site.new-{pid}-x", tmp_path / f".site.old-{pid}-x"
    new.mkdir()
    (new / "index.html").write_text("neuf", "utf-8")
    if crash == "before the first rename":
        site.mkdir()
        (site / "index.html").write_text("ancien", "utf-8")
    else:
        old.mkdir()
        (old / "index.html").write_text("ancien", "utf-8")
    if crash == "while removing the old site":
        new.rename(site)
    folders.recover(site)
    expected = "ancien" if crash == "before the first rename" else "neuf"
    assert (site / "index.html").read_text("utf-8") == expected
    assert _leftovers(tmp_path) == []


def test_a_running_build_s_folders_are_not_stale(tmp_path: Path) -> None:
    mine = tmp_path / f"{folders.tagged('.site.new-')}x"
    mine.mkdir()
    assert folders.remove_stale(tmp_path, ".site.new-") == []
    assert mine.is_dir()


def test_a_linked_site_or_work_folder_is_refused_and_its_target_untouched(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "cible"
    target.mkdir()
    (target / "précieux.txt").write_text("à garder", "utf-8")
    monkeypatch.setattr(engine, "_mkdocs", _fake_mkdocs())
    for linked in ("site", "travail"):
        (tmp_path / linked).symlink_to(target, target_is_directory=True)
        with pytest.raises(UnsafeLink, match=f"{linked} : ce dossier est un lien symbolique"):
            engine.build(_sources(), _paths(tmp_path))
        assert _snapshot(target) == {"précieux.txt": "à garder".encode()}
        (tmp_path / linked).unlink()


def test_links_planted_in_the_work_folder_are_removed_not_written_through(
        tmp_path: Path) -> None:
    target = tmp_path / "cible"
    target.mkdir()
    where = _paths(tmp_path)
    (where.work_dir / "docs").mkdir(parents=True)
    (where.work_dir / "docs" / "assets").symlink_to(target, target_is_directory=True)
    (where.work_dir / "docs" / "index.md").symlink_to(tmp_path / "ailleurs.md")
    engine.prepare(_sources(), where)
    assert list(target.iterdir()) == [] and not (tmp_path / "ailleurs.md").exists()
    assert (where.work_dir / "docs" / engine.STYLESHEET_TARGET).is_file()
    assert not (where.work_dir / "docs" / "index.md").is_symlink()


# Temporary folders of new and accept.


@pytest.mark.slow
def test_new_removes_the_folders_a_crash_left_behind(tmp_path: Path) -> None:
    stale = tmp_path / f"{NEW_PREFIX}{_dead_pid()}-abcd"
    (stale / "p").mkdir(parents=True)
    running = tmp_path / f"{folders.tagged(NEW_PREFIX)}efgh"
    running.mkdir()
    generate_project(example("gohelle"), tmp_path / "p")
    assert not stale.exists() and running.is_dir()


@pytest.fixture
def temporary_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    system = tmp_path / "tmp"
    system.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system))
    yield system


def _stale_package(system: Path) -> Path:
    stale = system / f"{package.WORK_PREFIX}{_dead_pid()}-abcd"
    (stale / "build").mkdir(parents=True)
    (stale / "build" / "reponses.yaml").write_text("courriel: camille@exemple.fr\n", "utf-8")
    return stale


def test_the_next_package_removes_the_folders_a_crash_left_behind(
        temporary_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stale = _stale_package(temporary_folder)

    def fake_build(sources: object, paths: engine.SitePaths) -> Path:
        paths.site_dir.mkdir(parents=True)
        return paths.site_dir

    monkeypatch.setattr(package.engine, "build", fake_build)
    config = {"territoire": {"nom": "Essai"}}
    package._static_site(config, RenderedSite({}, {}, ()), date(2024, 6, 3))
    assert not stale.exists() and list(temporary_folder.iterdir()) == []


@pytest.mark.slow
def test_purge_removes_the_folders_a_crash_left_behind(temporary_folder: Path,
                                                       run_cli) -> None:
    from ecopole_kit.workflows.requests import Desk

    stale = _stale_package(temporary_folder)
    Desk(Path("r.sqlite"), "Dominique").open(create=True)
    result = run_cli("requests", "--registre", "r.sqlite", "purge")
    assert result.exit_code == 0, result.stderr
    assert not stale.exists()


def _accepted_with_linked_folder(run_cli, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Any]:
    from tests.test_requests_cli import _eml_from_the_site, _run

    monkeypatch.setattr("ecopole_kit.workflows.requests.build_package", stand_in_package)
    _run(run_cli, "import", str(_eml_from_the_site(tmp_path)))
    target = tmp_path / "cible"
    (target / "demande-1").mkdir(parents=True)
    (target / "demande-1" / "autre.txt").write_text("à garder", "utf-8")
    (tmp_path / "envois").mkdir()
    (tmp_path / "envois" / "registre").symlink_to(target, target_is_directory=True)
    return target, _run


@pytest.mark.slow
def test_accept_and_purge_refuse_a_linked_package_folder(
        run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target, run = _accepted_with_linked_folder(run_cli, tmp_path, monkeypatch)
    refused = run(run_cli, "accept", "1")
    assert refused.exit_code == 1
    assert "envois/registre : ce dossier est un lien symbolique" in refused.stderr
    assert "Traceback" not in refused.stderr
    purged = run(run_cli, "purge", "--courriel", "camille@exemple.fr")
    assert purged.exit_code == 1 and "lien symbolique" in purged.stderr
    assert _snapshot(target) == {"demande-1/autre.txt": "à garder".encode()}


# --safe


def _config(tmp_path: Path, text: str, name: str = "mkdocs.yml") -> Path:
    """The template's configuration with ``text`` added at its end (line 43 on), or among
    its Markdown extensions (line 31 on) when ``text`` is a list item."""
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    template = TEMPLATE_MKDOCS.read_text("utf-8")
    extension = "  - pymdownx.details\n"
    path.write_text(template.replace(extension, extension + text) if text.startswith("  - ")
                    else template + text, "utf-8")
    return path


def test_the_allowed_plugins_are_the_template_s_own() -> None:
    plugins = load_mkdocs(TEMPLATE_MKDOCS.read_text("utf-8"))["plugins"]
    names = [next(iter(p)) if isinstance(p, dict) else p for p in plugins]
    assert tuple(names) == SAFE_PLUGINS


def test_safe_accepts_the_template_s_own_configuration(tmp_path: Path) -> None:
    check_safe(tmp_path, _config(tmp_path, ""))
    check_safe(tmp_path, _config(tmp_path, "  - pymdownx.emoji:\n      emoji_index: "
                                            "!!python/name:material.extensions.emoji.twemoji\n"))


@pytest.mark.parametrize(("addition", "expected"), [
    ("hooks:\n  - crochets.py\n", ":43: hooks: ses fichiers Python seraient exécutés"),
    ("extra_templates:\n  - a.html\n", ":43: extra_templates:"),
    ("  - pymdownx.snippets:\n      base_path: /\n", ":31: markdown_extensions: « pymdownx"),
    ("extra:\n  jeton: !ENV GITHUB_TOKEN\n", ":44: !ENV : recopierait"),
    ("extra:\n  x: !!python/object/apply:os.system [id]\n", ":44: !!python/object/apply:os.s"),
    ("extra:\n  x: !!python/name:os.system\n", ":44: !!python/name:os.system : objet"),
    ("INHERIT: ../../ailleurs.yml\n", ":43: INHERIT: chemin vers"),
    ("INHERIT: absent.yml\n", ":43: INHERIT: fichier introuvable"),
    ("INHERIT: mkdocs.yml\n", ":43: INHERIT: ce fichier hérite de lui-même"),
])
def test_safe_refuses_what_runs_code_with_its_line(tmp_path: Path, addition: str,
                                                    expected: str) -> None:
    config = _config(tmp_path, addition)
    with pytest.raises(UnsafeConfig) as raised:
        check_safe(tmp_path, config)
    assert f"{config}{expected}" in str(raised.value)


def test_safe_refuses_unknown_plugins_and_custom_templates(tmp_path: Path) -> None:
    text = TEMPLATE_MKDOCS.read_text("utf-8").replace("  - offline\n", "  - offline\n  - macros\n")
    config = tmp_path / "mkdocs.yml"
    config.write_text(text.replace("  name: material\n", "  name: material\n  custom_dir: o\n"),
                      "utf-8")
    with pytest.raises(UnsafeConfig) as raised:
        check_safe(tmp_path, config)
    assert f"{config}:7: theme.custom_dir:" in str(raised.value)
    assert "plugins: « macros » non autorisé" in str(raised.value)


def test_safe_follows_inherit_inside_the_project(tmp_path: Path) -> None:
    parent = _config(tmp_path, "hooks: [x.py]\n", name="commun/base.yml")
    config = tmp_path / "mkdocs.yml"
    config.write_text("INHERIT: commun/base.yml\n", "utf-8")
    with pytest.raises(UnsafeConfig, match=f"{parent}:43: hooks:"):
        check_safe(tmp_path, config)


# With mkdocs: one project built for the module, and an engine site killed mid-build.


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = generate_project(example("gohelle"), tmp_path_factory.mktemp("b") / "p").path
    build_site(root, safe=True)  # the template's own configuration passes --safe
    return root


@pytest.mark.slow
def test_a_link_in_docs_publishes_nothing(built: Path) -> None:
    before = _snapshot(built / "site")
    link = built / "docs" / "secret.md"
    link.symlink_to("/etc/passwd")
    try:
        with pytest.raises(UnsafeLink):
            build_site(built)
    finally:
        link.unlink()
    assert _snapshot(built / "site") == before
    assert not any("secret" in name for name in before)


@pytest.mark.slow
def test_a_failing_strict_build_keeps_the_site_byte_for_byte(built: Path) -> None:
    before = _snapshot(built / "site")
    page = built / "docs" / "cassee.md"
    page.write_text("[ailleurs](absente.md)\n", "utf-8")
    try:
        with pytest.raises(BuildFailed, match=r"absente\.md"):
            build_site(built)
    finally:
        page.unlink()
    assert _snapshot(built / "site") == before and _leftovers(built) == []


KILLED_BUILD = """
import sys
from pathlib import Path
from tests.test_file_safety import _paths, _sources
from ecopole_kit.site import engine
engine.build(_sources(sys.argv[2], pages=300), _paths(Path(sys.argv[1])))
"""


def _build_in_a_subprocess(tmp_path: Path, marker: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", KILLED_BUILD, str(tmp_path), marker],
                            cwd=ROOT, start_new_session=True)


@pytest.mark.slow
def test_a_build_killed_at_any_moment_leaves_a_whole_site(tmp_path: Path) -> None:
    started = time.monotonic()
    assert _build_in_a_subprocess(tmp_path, "A").wait() == 0
    duration = time.monotonic() - started
    old = _snapshot(tmp_path / "site")
    for moment in (0.55, 0.7, 0.85, 0.95):  # mkdocs writes the site in the last part
        process = _build_in_a_subprocess(tmp_path, "B")
        time.sleep(random.uniform(moment - 0.1, moment + 0.05) * duration)
        os.killpg(process.pid, 9)  # the kit and its mkdocs, as a terminal's kill would
        process.wait()
        folders.recover(tmp_path / "site")  # what the next run does first
        site = _snapshot(tmp_path / "site")
        assert site == old or (site.keys() == old.keys() and b"Accueil B" in site["index.html"])
    assert _leftovers(tmp_path) == []
    engine.build(_sources("A", pages=300), _paths(tmp_path))
    assert _leftovers(tmp_path) == []
    assert b"Accueil A" in (tmp_path / "site" / "index.html").read_bytes()
