"""What `new` writes: the site project's files, its record, and what it never touches."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ecopole_kit import __version__
from ecopole_kit.errors import DestinationError, InvalidDocuments
from ecopole_kit.project.files import load_project
from ecopole_kit.project.scaffold import generate_project
from tests.conftest import example, geography, knowledge, load_mkdocs


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return generate_project(example("pays-tolosan"), tmp_path / "pt").path


@pytest.mark.slow
def test_project_layout(project: Path) -> None:
    files = sorted(p.relative_to(project).as_posix() for p in project.rglob("*") if p.is_file())
    for expected in ("territoire.yaml", "mkdocs.yml", "README.md", ".gitignore",
                     "docs/notre-ecopole.md", ".github/workflows/site.yml",
                     ".ecopole/projet.yaml", ".ecopole/reponses.yaml",
                     ".ecopole/schemas/territoire.schema.json",
                     "fonctions/systeme-alimentaire.yaml", "fonctions/accessibilite.yaml",
                     "fonctions/emploi.yaml", "fonctions/evaluation.yaml"):
        assert expected in files


@pytest.mark.slow
def test_yaml_files_declare_their_schema_on_the_first_line(project: Path) -> None:
    first = (project / "territoire.yaml").read_text("utf-8").splitlines()[0]
    assert first == ("# yaml-language-server: "
                     "$schema=./.ecopole/schemas/territoire.schema.json")
    emploi = (project / "fonctions" / "emploi.yaml").read_text("utf-8").splitlines()[0]
    assert emploi.endswith("$schema=../.ecopole/schemas/fonction-emploi.schema.json")
    assert (project / ".ecopole" / "schemas" / "fonction-emploi.schema.json").is_file()


@pytest.mark.slow
def test_generated_project_is_valid_and_round_trips(project: Path) -> None:
    loaded = load_project(project, knowledge())
    tolosan = example("pays-tolosan")
    assert loaded.config.data == tolosan
    assert loaded.config.territoire.nom == tolosan["territoire"]["nom"] == "Pays Tolosan"
    assert loaded.config.territoire.codes == tuple(tolosan["territoire"]["codes"])
    assert loaded.config.stages_of("emploi") == tolosan["fonctions"]["emploi"]
    for function_id in ("systeme-alimentaire", "accessibilite", "emploi", "evaluation"):
        assert isinstance(loaded.functions.of(function_id), dict)


@pytest.mark.slow
def test_mkdocs_configuration_is_french_offline_material(project: Path) -> None:
    config = load_mkdocs((project / "mkdocs.yml").read_text("utf-8"))
    assert config["theme"]["name"] == "material"
    assert config["theme"]["language"] == "fr"
    assert config["theme"]["font"] is False
    assert {"search": {"lang": "fr"}} in config["plugins"]
    assert "offline" in config["plugins"]


@pytest.mark.slow
def test_record_keeps_kit_version_and_answers(project: Path) -> None:
    record = yaml.safe_load((project / ".ecopole" / "projet.yaml").read_text("utf-8"))
    assert record["version_kit"] == __version__
    assert record["demo"] is False
    answers = yaml.safe_load((project / ".ecopole" / "reponses.yaml").read_text("utf-8"))
    assert answers == example("pays-tolosan")


@pytest.mark.slow
def test_readme_for_the_project_lead(project: Path) -> None:
    readme = (project / "README.md").read_text("utf-8")
    assert readme.startswith("# Ecopôle alimentaire — Pays Tolosan")
    for command in ("ecopole-kit validate .", "ecopole-kit build .", "ecopole-kit serve ."):
        assert command in readme
    assert "Publier" in readme


@pytest.mark.slow
def test_typed_text_is_never_rendered_as_a_template(tmp_path: Path) -> None:
    config = example("gohelle")
    config["territoire"]["nom"] = "{{ 7 * 7 }} {% raw %}<b>x</b>"
    config["contexte"]["presentation"] = "{{ cookiecutter.project_slug }}"
    project = generate_project(config, tmp_path / "g").path
    saved = yaml.safe_load((project / "territoire.yaml").read_text("utf-8"))
    assert saved["territoire"]["nom"] == "{{ 7 * 7 }} {% raw %}<b>x</b>"
    assert saved["contexte"]["presentation"] == "{{ cookiecutter.project_slug }}"
    readme = (project / "README.md").read_text("utf-8")
    assert "49" not in readme.splitlines()[0]
    assert "<b>" not in readme


def test_non_empty_destination_is_refused_and_untouched(tmp_path: Path) -> None:
    dest = tmp_path / "d"
    dest.mkdir()
    (dest / "mes-notes.md").write_text("à moi", "utf-8")
    with pytest.raises(DestinationError):
        generate_project(example("gohelle"), dest)
    assert [p.name for p in dest.iterdir()] == ["mes-notes.md"]


@pytest.mark.slow
def test_force_keeps_foreign_files_and_backs_up_replaced_ones(tmp_path: Path) -> None:
    dest = generate_project(example("gohelle"), tmp_path / "d").path
    (dest / "mes-notes.md").write_text("à moi", "utf-8")
    territory = dest / "territoire.yaml"
    territory.write_text(territory.read_text("utf-8") + "# ma note\n", "utf-8")
    result = generate_project(example("gohelle"), dest, force=True)
    assert (dest / "mes-notes.md").read_text("utf-8") == "à moi"
    assert [b.name for b in result.backups] == ["territoire.yaml"]  # the only edited file
    backup = result.backups[0]
    assert backup.read_text("utf-8").endswith("# ma note\n")
    assert "# ma note" not in territory.read_text("utf-8")


def test_destination_that_is_a_file(tmp_path: Path) -> None:
    target = tmp_path / "fichier"
    target.write_text("x", "utf-8")
    with pytest.raises(DestinationError, match="c'est un fichier"):
        generate_project(example("gohelle"), target)


@pytest.mark.slow
def test_nothing_is_left_behind_when_generation_fails(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("ecopole_kit.project.scaffold._copy_schemas", explode)
    with pytest.raises(KeyboardInterrupt):
        generate_project(example("gohelle"), tmp_path / "g")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
@pytest.mark.parametrize("name", ["../../etc", "/tmp/ailleurs", "..", "a/../../b", "C:\\\\x"])
def test_typed_names_never_lead_outside_the_destination(tmp_path: Path, name: str) -> None:
    from ecopole_kit.project.questions import default_for, questions

    slug_question = next(q for q in questions() if q.dotted == "territoire.slug")
    slug = default_for(slug_question, {"territoire.nom": name}, geography())
    config = example("gohelle")
    config["territoire"].update(nom=name, slug=slug)
    if slug is None:  # nothing usable in the name: the interview asks for a slug instead
        with pytest.raises(InvalidDocuments):
            generate_project(config, tmp_path / "dest" / "p")
        assert not (tmp_path / "dest").exists()
        return
    project = generate_project(config, tmp_path / "dest" / "p").path
    assert [p.name for p in tmp_path.iterdir()] == ["dest"]  # nothing beside the destination
    assert [p.name for p in (tmp_path / "dest").iterdir()] == ["p"]
    assert project == tmp_path / "dest" / "p"


def test_a_slug_with_a_path_is_refused(tmp_path: Path) -> None:
    config = example("gohelle")
    config["territoire"]["slug"] = "../evil"
    with pytest.raises(InvalidDocuments, match="1 problème"):
        generate_project(config, tmp_path / "p")
    assert list(tmp_path.iterdir()) == []
