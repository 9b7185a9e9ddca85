"""The site engine: any rendered pages into a static site, knowing no project."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ecopole_kit.errors import BuildFailed
from ecopole_kit.project.layout import BUILD_DIR
from ecopole_kit.project.scaffold import generate_project
from ecopole_kit.site import engine
from ecopole_kit.site.rendered import NavPage, NavSection, RenderedSite
from ecopole_kit.workflows.build import build_site
from tests.conftest import example


def sources(pages: dict[str, str], name: str = "Essai") -> engine.SiteSources:
    nav = (NavSection("Pages", tuple(NavPage(path.removesuffix(".md").title(), path)
                                     for path in pages)),)
    return engine.SiteSources(rendered=RenderedSite(pages, {"data/a.bin": b"\x00"}, nav),
                              site_name=name, copyright="Essai")


def paths(tmp_path: Path) -> engine.SitePaths:
    return engine.SitePaths(work_dir=tmp_path / "travail", site_dir=tmp_path / "site")


def test_config_holds_the_nav_in_mkdocs_format_and_an_escaped_name(tmp_path: Path) -> None:
    site = sources({"index.md": "# A\n"}, name='<b>"Ré"</b>\n  & co')
    inherited = engine.SitePaths(tmp_path / "w" / "x", tmp_path / "out", tmp_path / "theme.yml")
    config = yaml.safe_load(engine.mkdocs_config(site, inherited))
    assert config["INHERIT"] == "../../theme.yml" and config["site_dir"] == "../../out"
    assert config["site_name"] == "&lt;b&gt;&quot;Ré&quot;&lt;/b&gt; &amp; co"
    assert config["nav"] == [{"Pages": [{"Index": "index.md"}]}]
    assert config["extra"] == {"polyfills": [engine.SHIM_TARGET], "generator": False}
    assert "INHERIT" not in yaml.safe_load(engine.mkdocs_config(site, paths(tmp_path)))


def test_untitled_pages_are_given_by_their_path() -> None:
    nav = (NavSection("A", (NavPage("Un", "un.md"), NavPage(None, "deux.md"))),)
    assert engine.mkdocs_nav(nav) == [{"A": [{"Un": "un.md"}, "deux.md"]}]


def test_prepare_writes_only_what_changed_and_removes_the_rest(tmp_path: Path) -> None:
    where = paths(tmp_path)
    engine.prepare(sources({"index.md": "# A\n", "vieux/page.md": "# B\n"}), where)
    docs = where.work_dir / engine.DOCS_DIR
    assert (docs / engine.STYLESHEET_TARGET).is_file() and (docs / "data/a.bin").is_file()
    kept = (docs / "index.md").stat().st_mtime_ns
    engine.prepare(sources({"index.md": "# A\n", "neuf.md": "# C\n"}), where)
    assert (docs / "index.md").stat().st_mtime_ns == kept
    assert not (docs / "vieux").exists()
    assert (docs / "neuf.md").read_text("utf-8") == "# C\n"


@pytest.mark.slow
def test_a_page_no_longer_produced_leaves_the_built_site(tmp_path: Path) -> None:
    where = paths(tmp_path)
    site = engine.build(sources({"index.md": "# A\n", "autre.md": "# B\n"}), where)
    assert (site / "autre.html").is_file() or (site / "autre" / "index.html").is_file()
    engine.build(sources({"index.md": "# A\n"}), where)
    assert not (where.work_dir / engine.DOCS_DIR / "autre.md").exists()
    assert not (site / "autre.html").exists() and not (site / "autre").exists()
    assert (site / "index.html").is_file()


@pytest.mark.slow
def test_strict_mode_fails_in_french(tmp_path: Path) -> None:
    broken = sources({"index.md": "[ailleurs](absente.md)\n"})
    with pytest.raises(BuildFailed) as raised:
        engine.build(broken, paths(tmp_path))
    assert str(raised.value).startswith("La construction du site a échoué")
    assert "absente.md" in str(raised.value)


@pytest.mark.slow
def test_a_user_page_removed_from_docs_is_gone_after_the_next_build(tmp_path: Path) -> None:
    project = generate_project(example("gohelle"), tmp_path / "gohelle").path
    (project / "docs" / "agenda.md").write_text("# Agenda\n\nRéunion jeudi.\n", "utf-8")
    site = build_site(project).site_dir
    built_docs = project / BUILD_DIR / engine.DOCS_DIR
    assert (site / "agenda.html").is_file() and (built_docs / "agenda.md").is_file()
    (project / "docs" / "agenda.md").unlink()
    build_site(project)
    assert not (built_docs / "agenda.md").exists() and not (site / "agenda.html").exists()
    assert (site / "notre-ecopole.html").is_file() and (site / "index.html").is_file()
    assert "agenda.md" not in (project / BUILD_DIR / engine.CONFIG_FILE).read_text("utf-8")


def test_mkdocs_messages_are_said_in_french() -> None:
    from ecopole_kit.site.mkdocs_fr import translated

    output = (
        "INFO    -  Cleaning site directory\n"
        "WARNING -  Doc file 'ma-page.md' contains a link 'absente.md', but the target is not "
        "found among documentation files.\n"
        "ERROR   -  Config value 'use_directory_urls': Expected type: <class 'bool'> but "
        "received: <class 'str'>\n"
        "ERROR   -  Config value 'plugins': The \"absent\" plugin is not installed\n"
        "WARNING -  Something new that nobody translated\n"
        "Aborted with 3 warnings in strict mode!\n")
    said = translated(output).splitlines()
    assert said == [
        "- docs/ma-page.md : le lien « absente.md » mène à un fichier qui n'existe pas ; "
        "corrigez le lien ou ajoutez le fichier.",
        "- mkdocs.yml : use_directory_urls : oui ou non (true / false) attendu, un texte trouvé.",
        "- mkdocs.yml : plugins : l'extension de site (plugin) « absent » n'est pas installée ; "
        "retirez-la ou installez son paquet.",
        "- mkdocs signale un problème ; détail (en anglais) : « Something new that nobody "
        "translated ».",
    ]
    assert "Aborted" not in translated(output) and "Cleaning" not in translated(output)
    assert translated("Traceback …\nKeyError: 'x'\n") == (
        "- mkdocs s'est arrêté sans dire pourquoi ; dernier message (en anglais) : "
        "« KeyError: 'x' ».")


# --- mkdocs run in this process -------------------------------------------------------------

def _process_state() -> tuple[object, ...]:
    import logging
    import os
    import sys

    logger = logging.getLogger("mkdocs")
    return Path.cwd(), list(sys.path), list(logger.handlers), logger.propagate, \
        logger.level, os.environ.get("NO_MKDOCS_2_WARNING")


@pytest.mark.slow
def test_two_builds_in_one_process_share_no_warning_and_leave_the_process_as_it_was(
        tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    engine.build(sources({"index.md": "# A\n"}), paths(tmp_path / "zero"))  # mkdocs imported
    before = _process_state()
    with pytest.raises(BuildFailed) as first:
        engine.build(sources({"index.md": "[x](premiere-absente.md)\n"}), paths(tmp_path / "a"))
    site = engine.build(sources({"index.md": "# Bien\n"}), paths(tmp_path / "b"))
    with pytest.raises(BuildFailed) as second:
        engine.build(sources({"index.md": "[y](seconde-absente.md)\n"}), paths(tmp_path / "c"))
    assert "premiere-absente.md" in str(first.value)
    assert "seconde-absente.md" in str(second.value)
    assert "premiere-absente.md" not in str(second.value)
    assert "Bien" in (site / "index.html").read_text("utf-8")
    assert _process_state() == before
    out, err = capfd.readouterr()
    assert out == "" and err == ""  # nothing of mkdocs reaches the terminal


@pytest.mark.slow
def test_strict_mode_holds_whatever_level_the_host_gave_its_loggers(tmp_path: Path) -> None:
    import logging

    root = logging.getLogger()
    before = root.level
    root.setLevel(logging.CRITICAL)  # a host that silences warnings
    try:
        with pytest.raises(BuildFailed) as raised:
            engine.build(sources({"index.md": "[x](absente.md)\n"}), paths(tmp_path))
    finally:
        root.setLevel(before)
    assert "absente.md" in str(raised.value)


@pytest.mark.slow
def test_theme_templates_are_compiled_once_into_the_kit_cache(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ecopole_kit.foundation import cache

    monkeypatch.setenv(cache.ENVIRONMENT, str(tmp_path / "cache"))
    engine.build(sources({"index.md": "# A\n"}), paths(tmp_path / "a"))
    compiled = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "cache" / "jinja").iterdir()}
    assert len(compiled) >= 3  # the theme's base, main and partials
    site = engine.build(sources({"index.md": "# B\n"}), paths(tmp_path / "b"))
    assert {p.name: p.stat().st_mtime_ns
            for p in (tmp_path / "cache" / "jinja").iterdir()} == compiled
    assert "<title>" in (site / "index.html").read_text("utf-8")


@pytest.mark.slow
def test_a_module_in_the_current_folder_is_not_imported_by_mkdocs(tmp_path: Path) -> None:
    import subprocess
    import sys

    project = generate_project(example("gohelle"), tmp_path / "gohelle").path
    for name in ("material", "pymdownx"):  # imported by mkdocs only, during the build
        (project / name).mkdir()
        (project / name / "__init__.py").write_text("raise SystemExit('piégé')\n", "utf-8")
    result = subprocess.run([sys.executable, "-m", "ecopole_kit", "build", "."], cwd=project,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "piégé" not in result.stdout + result.stderr
    assert (project / "site" / "index.html").is_file()


@pytest.mark.slow
def test_the_preview_renders_the_kit_pages_again_only_when_their_files_change(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from ecopole_kit.workflows import build as build_workflow
    from tests.conftest import knowledge

    project = generate_project(example("gohelle"), tmp_path / "gohelle").path
    rendered: list[Path] = []
    real = build_workflow.render_kit_pages

    def counted(root: Path, known: object, *, safe: bool = False) -> object:
        rendered.append(root)
        return real(root, known, safe=safe)  # type: ignore[arg-type]

    monkeypatch.setattr(build_workflow, "render_kit_pages", counted)
    preview = build_workflow._Preview(project, knowledge(), False)
    preview.prepare(build_workflow._snapshot(project))
    assert preview.refresh() is None and len(rendered) == 1
    page = project / "docs" / "agenda.md"
    page.write_text("# Agenda\n\nRéunion jeudi.\n", "utf-8")
    assert preview.refresh() == "" and len(rendered) == 1  # docs/ only: own pages re-read
    built = project / BUILD_DIR / engine.DOCS_DIR
    assert "Réunion jeudi" in (built / "agenda.md").read_text("utf-8")
    territory = project / "territoire.yaml"
    text = territory.read_text("utf-8")
    territory.write_text(text.replace("Gohelle", "Gohelle-Nord", 1), "utf-8")
    stamp = territory.stat().st_mtime + 2
    os.utime(territory, (stamp, stamp))  # a new time even on a coarse clock
    assert preview.refresh() == "" and len(rendered) == 2
    assert "Gohelle\\-Nord" in (built / "index.md").read_text("utf-8")  # typed text: literal
    territory.write_text("territoire: [\n", "utf-8")
    os.utime(territory, (stamp + 2, stamp + 2))
    said = preview.refresh()
    assert said and "territoire.yaml" in said and "YAML invalide" in said
