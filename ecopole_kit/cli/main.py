"""The ecopole-kit command line: options in, one workflow call, its result rendered."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any, NoReturn

import click
import click.core
import click.decorators
import click.exceptions
import click.formatting
import click.parser
import click.termui
import click.types

import ecopole_kit
from ecopole_kit.cli import click_fr, console
from ecopole_kit.cli.network import network
from ecopole_kit.cli.params import PathParam
from ecopole_kit.cli.requests import interrupt, requests
from ecopole_kit.territory.kinds import LOOKUP_KINDS

if TYPE_CHECKING:
    from pathlib import Path

# « --help » stays light: the kit's errors, French formatting, workflows and servers are
# imported by the command that needs them, never to define the commands.
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
PROJECT_ARG = click.argument("project", required=False, default=".", metavar="[PROJET]",
                             type=PathParam(file_okay=False))
SAFE_OPTION = click.option(
    "--safe", is_flag=True,
    help="Projet non relu : refuser dans mkdocs.yml ce qui exécuterait du code (hooks, "
         "plugins hors de ceux du modèle, gabarits, INHERIT hors du projet…).")


class FrenchGroup(click.Group):
    """Runs a command and turns every EcopoleError into a French message and exit code."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """Speak French before click parses anything (its usage errors included)."""
        click_fr.install(click.core, click.decorators, click.exceptions, click.formatting,
                         click.parser, click.termui, click.types)
        return super().main(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as error:
            _stopped(ctx, error)


def _stopped(ctx: click.Context, error: Exception) -> NoReturn:
    """A command stopped on an exception: a person's mistake is said in French, a closed
    output is nothing, anything else is a bug (the last safety net)."""
    from ecopole_kit.errors import EcopoleError

    if isinstance(error, EcopoleError):
        console.report_error(error)
        ctx.exit(error.exit_code)
    if isinstance(error, BrokenPipeError):  # « … | head » stopped reading: say nothing
        console.reader_gone()
        ctx.exit(1)
    if os.environ.get("ECOPOLE_KIT_DEBUG"):
        raise error
    console.report_bug(error)
    ctx.exit(1)


def _show_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """« ecopole-kit 0.3.0 — référentiel 0.3.0 »: the changelog is read only when asked."""
    if not value or ctx.resilient_parsing:
        return
    from ecopole_kit.workflows.update import shipped_referentiel_version

    kit = ecopole_kit.__version__
    click.echo(f"ecopole-kit {kit} — référentiel {shipped_referentiel_version()}")
    ctx.exit(0)


@click.group(cls=FrenchGroup, context_settings=CONTEXT)
@click.option("-V", "--version", is_flag=True, expose_value=False, is_eager=True,
              callback=_show_version, help="Afficher les versions du kit et du référentiel.")
def main() -> None:
    """Ouvrir un Ecopôle alimentaire : entretien, configuration validée et site du référentiel.

    Commencez par « ecopole-kit demo » pour voir un exemple, ou « ecopole-kit new » pour
    créer le projet de site de votre territoire.
    """


@main.command()
@click.argument("dest", required=False, type=PathParam(), metavar="[DOSSIER]")
@click.option("--answers", "answers_file", type=PathParam(),
              metavar="FICHIER",
              help="Fichier YAML de réponses : seules les questions manquantes sont posées.")
@click.option("--no-input", is_flag=True,
              help="Ne poser aucune question ; échoue en listant les réponses manquantes.")
@click.option("--force", is_flag=True,
              help="Écrire dans un dossier non vide (les fichiers remplacés sont sauvegardés).")
@click.option("--garder-reponses", "keep_answers", is_flag=True,
              help="Garder le fichier de réponses enregistré après une interruption "
                   "(supprimé sinon une fois le projet créé : il contient des données "
                   "personnelles).")
def new(dest: Path | None, answers_file: Path | None, no_input: bool, force: bool,
        keep_answers: bool) -> None:
    """Créer le projet de site d'un nouveau territoire (DOSSIER : son dossier)."""
    from pathlib import Path

    from ecopole_kit.errors import InterviewAborted, InterviewInterrupted
    from ecopole_kit.workflows.create import create_project, free_answers_path, save_answers

    prompter = None if no_input else console.TerminalPrompter()
    if prompter is not None:
        dest = _free_destination(dest, force=force)
        console.say("Entretien pour un nouvel Ecopôle alimentaire. Entrée : valeur proposée ; "
                    "« ? » : ce que veut dire la question ; Ctrl-C : arrêter sans rien écrire.")
    try:
        created = create_project(dest, answers_file=answers_file, prompter=prompter,
                                 here=Path.cwd(), force=force, keep_answers=keep_answers)
    except InterviewInterrupted as stopped:
        target = free_answers_path(Path.cwd())
        if stopped.answers and console.offer_to_save(target):
            save_answers(stopped.answers, target, dest)
            raise InterviewAborted(saved_to=target, dest=dest) from None
        raise InterviewAborted() from None
    console.success(f"Projet créé dans {created.path}")
    for backup in created.backups:
        console.say(f"  sauvegarde de l'ancienne version : {backup}")
    if created.answers_removed is not None:
        console.say(f"Réponses enregistrées supprimées ({created.answers_removed}) : elles "
                    "contenaient des données personnelles.")
    console.say(f"Étape suivante : ecopole-kit build {created.path}")


def _free_destination(dest: Path | None, *, force: bool) -> Path | None:
    """Before the first question: a folder that cannot take the project is said now, and
    another one asked for."""
    from ecopole_kit.workflows.create import folder_problem

    while dest is not None and not force:
        problem = folder_problem(dest, other="un autre dossier")
        if problem is None:
            break
        dest = console.other_folder(problem)
    return dest


@main.command()
@click.argument("chemins", nargs=-1, type=PathParam())
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Format du rapport.")
def validate(chemins: tuple[Path, ...], output_format: str) -> None:
    """Vérifier un projet (territoire.yaml, fonctions/*.yaml) ou des fichiers isolés."""
    from pathlib import Path

    from ecopole_kit.errors import InvalidDocuments
    from ecopole_kit.workflows.validate import survey_paths

    survey = survey_paths(list(chemins) or [Path(".")])
    issues = survey.issues
    console.report_issues(issues, output_format=output_format)
    if issues:
        if output_format == "text":
            console.report_error(InvalidDocuments(issues=issues), listing=False)
        sys.exit(1)
    if output_format == "text":
        console.success("Tout est valide.")
        console.to_complete(survey.to_complete)


@main.command()
@PROJECT_ARG
@SAFE_OPTION
@click.option("--force", is_flag=True,
              help="Reconstruire même si rien n'a changé depuis la dernière construction.")
def build(project: Path, safe: bool, force: bool) -> None:
    """Vérifier puis construire le site statique dans PROJET/site/."""
    from ecopole_kit.network.stamps import stamped_to_complete, up_to_date  # light

    if not force and up_to_date(project, safe=safe):  # before mkdocs or the data are loaded
        console.say(f"Rien n'a changé depuis la dernière construction : {project / 'site'} est "
                    "à jour (--force pour reconstruire).")
        console.to_complete(stamped_to_complete(project))
        return
    from ecopole_kit.workflows.site_build import build_project

    built = build_project(project, safe=safe)
    console.success(f"Site construit : {built.index}")
    console.to_complete(built.to_complete)


@main.command()
@PROJECT_ARG
@click.option("--port", type=click.IntRange(1024, 65535), default=8000, show_default=True,
              metavar="PORT",
              help="Port local de l'aperçu.")
@SAFE_OPTION
def serve(project: Path, port: int, safe: bool) -> None:
    """Aperçu en direct sur http://127.0.0.1:PORT, mis à jour à chaque modification."""
    import signal

    from ecopole_kit.foundation.network import ensure_port_free
    from ecopole_kit.workflows.build import serve_site

    ensure_port_free("127.0.0.1", port)  # said before « Aperçu sur … » is promised
    console.say(f"Aperçu sur http://127.0.0.1:{port}/ — Ctrl-C pour arrêter.")
    signal.signal(signal.SIGTERM, interrupt)  # stop the preview server with us
    try:
        serve_site(project, address=f"127.0.0.1:{port}", on_change=console.rebuilt, safe=safe)
    except KeyboardInterrupt:
        console.say("Aperçu arrêté.")


@main.command()
@PROJECT_ARG
@click.option("--check", is_flag=True,
              help="Dire seulement si une mise à jour est disponible (code 1 si oui), "
                   "sans rien écrire.")
@click.option("--dry-run", is_flag=True,
              help="Montrer ce que la mise à jour ferait, sans rien écrire.")
def update(project: Path, check: bool, dry_run: bool) -> None:
    """Mettre PROJET à jour vers ce kit et son référentiel, en gardant vos modifications."""
    from ecopole_kit.cli import update_view
    from ecopole_kit.workflows.update import check_update, update_project

    if check:
        status = check_update(project)
        update_view.status_line(status)
        sys.exit(0 if status.up_to_date else 1)
    report = update_project(project, dry_run=dry_run)
    update_view.report(report, dry_run=dry_run)
    sys.exit(1 if report.conflicts or report.issues else 0)


@main.command()
@click.argument("query", nargs=-1, required=True, metavar="RECHERCHE…")
@click.option("--type", "kinds", multiple=True,
              type=click.Choice(LOOKUP_KINDS),
              help="Ne chercher que ce type de territoire (répétable).")
@click.option("--limite", "--limit", "limit", type=click.IntRange(1, 1000), default=10,
              show_default=True, metavar="N", help="Nombre maximal de résultats montrés.")
@click.option("--tout", "show_all", is_flag=True, help="Montrer tous les résultats.")
def lookup(query: tuple[str, ...], kinds: tuple[str, ...], limit: int, show_all: bool) -> None:
    """Trouver un territoire par nom, code INSEE, code postal ou SIREN d'EPCI.

    Le nom peut être précisé par son département ou sa région (« Saint-Pierre 974 »,
    « Corte Haute-Corse »), un arrondissement par son numéro (« Marseille 13e »).
    """
    from ecopole_kit.errors import TerritoryNotFound
    from ecopole_kit.territory.geography import load_geography

    text = " ".join(query)
    found = load_geography().search.find(text, kinds=kinds or None,
                                         limit=None if show_all else limit)
    if not found.matches:
        raise TerritoryNotFound(f"Aucun territoire trouvé pour « {text} ».", hint=found.note
                                or "Essayez un autre nom, sans abréviation, ou un code officiel.")
    if found.note:
        console.say(found.note)
    console.matches(found.matches)
    if found.hidden:
        console.hidden_matches(found.hidden, text)


@main.command()
@click.argument("dest", required=False, default="ecopole-demo", metavar="[DOSSIER]",
                type=PathParam())
def demo(dest: Path) -> None:
    """Générer et construire l'exemple du Pays Tolosan (par défaut dans ./ecopole-demo)."""
    from ecopole_kit.workflows.create import run_demo

    built = run_demo(dest)
    console.success("Démo construite. Ouvrez dans un navigateur :")
    console.say(str(built.index.resolve()))


main.add_command(requests)
main.add_command(network)
