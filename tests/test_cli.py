"""Every command's exit codes and French messages, through the real CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
import yaml

from ecopole_kit import __version__
from ecopole_kit.referentiel.release import REFERENTIEL_RELEASE
from tests.conftest import EXAMPLES, example, write_yaml


def test_version(run_cli) -> None:
    result = run_cli("--version")
    assert result.exit_code == 0
    assert result.output.strip() == f"ecopole-kit {__version__} — référentiel {REFERENTIEL_RELEASE}"


def test_help_is_french(run_cli) -> None:
    result = run_cli("--help")
    assert result.exit_code == 0
    assert "Utilisation :" in result.output
    assert "Afficher cette aide et quitter." in result.output
    for command in ("new", "validate", "build", "serve", "demo"):
        assert command in result.output


def test_unknown_option_is_a_usage_error_in_french(run_cli) -> None:
    result = run_cli("validate", "--nope")
    assert result.exit_code == 2
    assert "Option inconnue '--nope'" in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_bad_format_choice_is_a_usage_error(run_cli) -> None:
    result = run_cli("validate", "--format", "xml")
    assert result.exit_code == 2
    assert "Valeur invalide pour '--format'" in result.stderr


def test_a_file_given_for_a_folder_is_said_in_french(run_cli, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    result = run_cli("build", "notes.txt")
    assert result.exit_code == 2
    assert "Valeur invalide pour '[PROJET]' : Dossier 'notes.txt' est un fichier." in result.stderr


@pytest.mark.slow
def test_new_from_answers_without_input(run_cli, tmp_path: Path) -> None:
    result = run_cli("new", "projet", "--answers", str(EXAMPLES / "audruicq.yaml"),
                     "--no-input")
    assert result.exit_code == 0, result.output + result.stderr
    assert "Projet créé dans projet" in result.output
    assert "Étape suivante : ecopole-kit build projet" in result.output
    config = yaml.safe_load((tmp_path / "projet" / "territoire.yaml").read_text("utf-8"))
    assert config["territoire"]["codes"] == ["246200844"]


@pytest.mark.slow
def test_new_defaults_to_a_folder_named_by_the_slug(run_cli, tmp_path: Path) -> None:
    result = run_cli("new", "--answers", str(EXAMPLES / "gohelle.yaml"), "--no-input")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "gohelle" / "territoire.yaml").is_file()


def test_new_no_input_lists_missing_answers(run_cli, tmp_path: Path) -> None:
    answers = write_yaml(tmp_path / "r.yaml", {"territoire": {"nom": "Nulle Part"}})
    result = run_cli("new", "--answers", str(answers), "--no-input")
    assert result.exit_code == 1
    assert "Réponses obligatoires manquantes (--no-input)" in result.stderr
    assert "territoire.codes (Codes officiels)" in result.stderr
    assert not (tmp_path / "nulle-part").exists()


def test_new_invalid_answers_file_reports_file_and_line(run_cli, tmp_path: Path) -> None:
    answers = tmp_path / "r.yaml"
    text = (EXAMPLES / "gohelle.yaml").read_text("utf-8")
    answers.write_text(text.replace("milieu: urbain", "milieu: citadin"), "utf-8")
    line = text.splitlines().index("  milieu: urbain") + 1
    result = run_cli("new", "--answers", str(answers), "--no-input")
    assert result.exit_code == 1
    assert f"{answers}:{line}: contexte.milieu: « citadin » n'est pas une valeur permise" \
        in result.stderr
    assert not (tmp_path / "gohelle").exists()


@pytest.mark.slow
def test_new_interactive_through_the_terminal(run_cli, tmp_path: Path) -> None:
    answers = write_yaml(tmp_path / "r.yaml", {
        k: v for k, v in yaml.safe_load((EXAMPLES / "gohelle.yaml").read_text("utf-8")).items()
        if k != "contact"})
    typed = "Alex Dupont\nalex@exemple.fr\n" + "\n" * 30 + "o\n"
    result = run_cli("new", "ici", "--answers", str(answers), input=typed)
    assert result.exit_code == 0, result.output + result.stderr
    assert "— Contact —" in result.output
    assert "Récapitulatif" in result.output
    assert "[1/" in result.output
    assert (tmp_path / "ici" / "territoire.yaml").is_file()


def test_new_refuses_a_non_empty_destination(run_cli, tmp_path: Path) -> None:
    (tmp_path / "occupe").mkdir()
    (tmp_path / "occupe" / "notes.txt").write_text("à garder", "utf-8")
    result = run_cli("new", "occupe", "--answers", str(EXAMPLES / "gohelle.yaml"), "--no-input")
    assert result.exit_code == 1
    assert "le dossier n'est pas vide" in result.stderr
    assert "--force" in result.stderr
    assert sorted(p.name for p in (tmp_path / "occupe").iterdir()) == ["notes.txt"]


def test_new_missing_answers_file(run_cli) -> None:
    result = run_cli("new", "--answers", "absent.yaml", "--no-input")
    assert result.exit_code == 1
    assert "absent.yaml: (document): fichier introuvable" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_validate_valid_project(run_cli) -> None:
    run_cli("new", "p", "--answers", str(EXAMPLES / "gohelle.yaml"), "--no-input")
    result = run_cli("validate", "p")
    assert result.exit_code == 0
    assert "Tout est valide." in result.output


@pytest.mark.slow
def test_validate_reports_every_problem_with_file_and_line(run_cli, tmp_path: Path) -> None:
    run_cli("new", "p", "--answers", str(EXAMPLES / "gohelle.yaml"), "--no-input")
    path = tmp_path / "p" / "territoire.yaml"
    lines = path.read_text("utf-8").splitlines()
    lines = [line.replace("type: epci", "type: ville").replace("milieu: urbain", "milieux: urbain")
             for line in lines]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    type_line = next(i for i, line in enumerate(lines, 1) if "type: ville" in line)
    milieu_line = next(i for i, line in enumerate(lines, 1) if "milieux:" in line)
    result = run_cli("validate", "p")
    assert result.exit_code == 1
    errors = result.stderr
    assert (f"p/territoire.yaml:{type_line}: territoire.type: « ville » n'est pas une "
            "valeur") in errors
    assert (f"p/territoire.yaml:{milieu_line}: contexte.milieux: champ inconnu « milieux » ; "
            "vouliez-vous dire « milieu » ?") in errors
    assert "champ obligatoire « milieu » manquant" in errors
    assert "3 problèmes trouvés." in errors


def test_validate_json_format(run_cli, tmp_path: Path) -> None:
    bad = write_yaml(tmp_path / "territoire.yaml", {"territoire": {"nom": "X"}})
    result = run_cli("validate", str(bad), "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["valide"] is False
    problems = {(p["ligne"], p["champ"], p["message"]) for p in report["problemes"]}
    assert (1, "", "champ obligatoire « portage » manquant (Structure porteuse) ; "
            "ajoutez-le.") in problems
    assert (2, "territoire", "champ obligatoire « codes » manquant (Codes officiels) ; "
            "ajoutez-le.") in problems
    assert (2, "territoire.nom", "texte trop court (au moins 2 caractères).") in problems
    assert len(problems) == 8  # 4 sections, slug, type, codes missing; nom too short
    assert all(p["fichier"] == str(bad) for p in report["problemes"])


def test_validate_malformed_yaml_gives_line_and_column(run_cli, tmp_path: Path) -> None:
    bad = tmp_path / "territoire.yaml"
    bad.write_text("territoire:\n  nom: [non fermé\n  slug: x\n", "utf-8")
    result = run_cli("validate", str(bad))
    assert result.exit_code == 1
    assert f"{bad}:3: (document): YAML invalide, colonne" in result.stderr
    assert "Traceback" not in result.stderr


def test_validate_a_folder_that_is_not_a_project(run_cli, tmp_path: Path) -> None:
    (tmp_path / "vide").mkdir()
    result = run_cli("validate", "vide")
    assert result.exit_code == 1
    assert "n'est pas un projet de site Ecopôle" in result.stderr


@pytest.mark.slow
def test_build_reports_invalid_project_without_building(run_cli, tmp_path: Path) -> None:
    run_cli("new", "p", "--answers", str(EXAMPLES / "gohelle.yaml"), "--no-input")
    path = tmp_path / "p" / "fonctions" / "emploi.yaml"
    before = path.read_text("utf-8")
    path.write_text(before + "inconnu: 1\n", "utf-8")
    line = before.count("\n") + 1
    result = run_cli("build", "p")
    assert result.exit_code == 1
    assert f"p/fonctions/emploi.yaml:{line}: inconnu: champ inconnu « inconnu »" in result.stderr
    assert not (tmp_path / "p" / "site").exists()


@pytest.mark.slow
def test_build_outside_a_project(run_cli) -> None:
    result = run_cli("build")
    assert result.exit_code == 1
    assert "ce dossier n'est pas un projet de site Ecopôle" in result.stderr


def test_status_choices_of_the_cli_are_the_register_s() -> None:
    import click

    from ecopole_kit.cli.requests import requests_list
    from ecopole_kit.requests.statuses import STATUSES

    option = next(p for p in requests_list.params if p.name == "statut")
    assert isinstance(option.type, click.Choice)
    assert tuple(option.type.choices) == STATUSES


def test_validate_messages_never_write_escape_sequences(run_cli, tmp_path: Path) -> None:
    """A value quoted in a message, or a file name, reaches the terminal escaped."""
    config = example("audruicq")
    config["territoire"]["nom"] = "Audruicq\x1b[2J\u202e"
    config["territoire"]["codes"] = ["6205\x1b[31m"]
    path = write_yaml(tmp_path / "terr\x1b[1mitoire.yaml", config)
    result = run_cli("validate", str(path))
    assert result.exit_code == 1
    assert "\x1b" not in result.stderr and "\u202e" not in result.stderr
    assert "\\u001b" in result.stderr


def test_a_busy_port_is_said_before_anything_starts(run_cli, tmp_path: Path) -> None:
    import socket

    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = str(holder.getsockname()[1])
        for command in (("serve", str(tmp_path), "--port", port),
                        ("requests", "--registre", str(tmp_path / "r.sqlite"), "serve",
                         "--port", port)):
            result = run_cli(*command)
            assert result.exit_code == 1, command
            assert f"Le port {port} de 127.0.0.1 est déjà utilisé" in result.stderr
            assert "Aperçu sur" not in result.output and "Formulaire sur" not in result.output


@pytest.mark.slow  # another Python process
def test_a_reader_that_stops_early_is_no_defect(tmp_path: Path) -> None:
    """« ecopole-kit lookup … | head »: a closed pipe ends quietly, no « défaut du kit »."""
    import os
    import subprocess
    import sys

    read, write = os.pipe()
    os.close(read)
    try:
        result = subprocess.run([sys.executable, "-m", "ecopole_kit", "lookup", "saint",
                                 "--limit", "50"], stdout=write, stderr=subprocess.PIPE,
                                text=True, check=False, timeout=60)
    finally:
        os.close(write)
    assert result.returncode == 1
    assert result.stderr == ""


@pytest.mark.parametrize("special", ["/dev/zero", "fifo"])
def test_a_special_file_gets_a_clear_error_not_a_hang(run_cli, tmp_path: Path,
                                                     special: str) -> None:
    import os

    path = tmp_path / "tube.yaml"
    if special == "fifo":
        os.mkfifo(path)
    else:
        path = Path(special)
    result = run_cli("validate", str(path))
    assert result.exit_code == 1
    assert "ce n'est pas un fichier ordinaire" in result.stderr


def test_a_very_long_path_is_said_in_french(run_cli, tmp_path: Path) -> None:
    result = run_cli("validate", str(tmp_path / ("x" * 300) / "territoire.yaml"))
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr and "Erreur" in result.stderr


def _commands(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found += _commands(command, (*path, name))
        else:
            found.append((*path, name))
    return found


def test_every_help_page_is_french(run_cli) -> None:
    from ecopole_kit.cli.main import main

    for path in _commands(main):
        output = run_cli(*path, "--help").output
        for english in ("[required]", "env var:", "default:", "Usage:", "Show this message"):
            assert english not in output, (path, english)
    assert "[obligatoire]" in run_cli("requests", "refuse", "--help").output


# What « --help » may import: click, the CLI's own light modules, the option choices.
HELP_MODULES = {"ecopole_kit", "ecopole_kit.cli", "ecopole_kit.cli.click_fr",
                "ecopole_kit.cli.console", "ecopole_kit.cli.main", "ecopole_kit.cli.network",
                "ecopole_kit.cli.params", "ecopole_kit.cli.requests", "ecopole_kit.cli.shown",
                "ecopole_kit.requests", "ecopole_kit.requests.statuses",
                "ecopole_kit.territory", "ecopole_kit.territory.kinds"}
NOT_FOR_HELP = ("pathlib", "json", "decimal", "dataclasses", "socket", "getpass", "signal",
                "importlib.metadata", "yaml", "jsonschema", "jinja2", "mkdocs")
# Runs the console script's entry point, then lists what is imported (before anything else is).
PROBE = """import sys
from ecopole_kit.cli import main
try:
    main(sys.argv[2:], prog_name="ecopole-kit")
except SystemExit:
    pass
modules = sorted(sys.modules)
with open(sys.argv[1], "w", encoding="utf-8") as out:
    out.write("\\n".join(modules))
"""


def help_imports(tmp_path: Path, *args: str) -> tuple[str, set[str]]:
    listing = tmp_path / "modules.txt"
    done = subprocess.run([sys.executable, "-c", PROBE, str(listing), *args], cwd=tmp_path,
                          capture_output=True, text=True, check=True)
    return done.stdout, set(listing.read_text(encoding="utf-8").split("\n"))


@pytest.mark.slow
@pytest.mark.parametrize("command", [(), ("requests",), ("requests", "serve"), ("network",),
                                     ("network", "build"), ("build",), ("lookup",),
                                     ("new",), ("validate",)])
def test_help_imports_nothing_heavy(tmp_path: Path, command: tuple[str, ...]) -> None:
    """« --help » starts as fast as click allows: the kit's errors, models, French
    formatting, workflows, pathlib or json are imported by commands that run, never to
    show what they do (the start-up figure is measured by scripts/benchmark.py)."""
    shown, modules = help_imports(tmp_path, *command, "--help")
    assert "Utilisation : ecopole-kit" in shown and "Afficher cette aide" in shown
    assert {"click", "ecopole_kit.cli.main"} <= modules  # the probe sees the imports
    assert {m for m in modules if m.startswith("ecopole_kit")} - HELP_MODULES == set()
    assert [m for m in NOT_FOR_HELP if m in modules] == []


@pytest.mark.slow
def test_the_help_probe_sees_a_command_that_runs(tmp_path: Path) -> None:
    """The check above is not vacuous: a command that runs imports what --help must not."""
    _, modules = help_imports(tmp_path, "validate", str(tmp_path))
    assert {"ecopole_kit.errors", "pathlib", "yaml"} <= modules


def test_progress_is_for_a_terminal_only(monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    import sys

    from ecopole_kit.cli import console

    console.progress("préparation du paquet…")
    assert capsys.readouterr().err == ""  # piped: quiet
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    console.progress("préparation du paquet…")
    assert capsys.readouterr().err == "préparation du paquet…\n"


def test_a_status_line_is_rewritten_in_place_then_cleared(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import sys

    from ecopole_kit.cli import console

    console.status("page 1")
    console.status_cleared()
    assert capsys.readouterr().err == ""  # piped: quiet
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    console.status("page 1")
    console.status("page 2\x1b]0;titre\x07")  # what it shows is text, escapes included
    console.status_cleared()
    console.status("fini", last=True)
    assert capsys.readouterr().err == ("\r\x1b[2Kpage 1\r\x1b[2Kpage 2\\u001b]0;titre\\u0007"
                                       "\r\x1b[2K\r\x1b[2Kfini\n")
