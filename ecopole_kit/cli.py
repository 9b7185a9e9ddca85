"""The ecopole-kit command line: options in, one workflow call, its result rendered."""

from __future__ import annotations

import contextlib
import getpass
import os
import signal
import sys
from pathlib import Path
from typing import Any

import click
import click.core
import click.decorators
import click.exceptions
import click.formatting
import click.parser
import click.termui
import click.types

from ecopole_kit import __version__, click_fr, console
from ecopole_kit.errors import (
    EcopoleError,
    InterviewAborted,
    InterviewInterrupted,
    InvalidDocuments,
)

click_fr.install(click.core, click.decorators, click.exceptions, click.formatting,
                 click.parser, click.termui, click.types)

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
PROJECT_ARG = click.argument("project", required=False, default=".", metavar="[PROJET]",
                             type=click.Path(file_okay=False, path_type=Path))


class FrenchGroup(click.Group):
    """Runs a command and turns every EcopoleError into a French message and exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except EcopoleError as error:
            console.report_error(error)
            ctx.exit(error.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as error:  # the last safety net: a bug, never a person's mistake
            if os.environ.get("ECOPOLE_KIT_DEBUG"):
                raise
            console.report_bug(error)
            ctx.exit(1)


@click.group(cls=FrenchGroup, context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="ecopole-kit",
                      message="%(prog)s %(version)s")
def main() -> None:
    """Ouvrir un Ecopôle alimentaire : entretien, configuration validée et site du référentiel.

    Commencez par « ecopole-kit demo » pour voir un exemple, ou « ecopole-kit new » pour
    créer le projet de site de votre territoire.
    """


@main.command()
@click.argument("dest", required=False, type=click.Path(path_type=Path), metavar="[DOSSIER]")
@click.option("--answers", "answers_file", type=click.Path(path_type=Path),
              metavar="FICHIER",
              help="Fichier YAML de réponses : seules les questions manquantes sont posées.")
@click.option("--no-input", is_flag=True,
              help="Ne poser aucune question ; échoue en listant les réponses manquantes.")
@click.option("--force", is_flag=True,
              help="Écrire dans un dossier non vide (les fichiers remplacés sont sauvegardés).")
def new(dest: Path | None, answers_file: Path | None, no_input: bool, force: bool) -> None:
    """Créer le projet de site d'un nouveau territoire (DOSSIER : son dossier)."""
    from ecopole_kit.create import create_project, free_answers_path, save_answers

    prompter = None if no_input else console.TerminalPrompter()
    if prompter is not None:
        console.say("Entretien pour un nouvel Ecopôle alimentaire. Entrée : valeur proposée ; "
                    "Ctrl-C : arrêter sans rien écrire.")
    try:
        created = create_project(dest, answers_file=answers_file, prompter=prompter,
                                 force=force)
    except InterviewInterrupted as stopped:
        target = free_answers_path(Path.cwd())
        if stopped.answers and console.offer_to_save(target):
            save_answers(stopped.answers, target)
            raise InterviewAborted(saved_to=target) from None
        raise InterviewAborted() from None
    console.success(f"Projet créé dans {created.path}")
    for backup in created.backups:
        console.say(f"  sauvegarde de l'ancienne version : {backup}")
    console.say(f"Étape suivante : ecopole-kit build {created.path}")


@main.command()
@click.argument("chemins", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Format du rapport.")
def validate(chemins: tuple[Path, ...], output_format: str) -> None:
    """Vérifier un projet (territoire.yaml, fonctions/*.yaml) ou des fichiers isolés."""
    from ecopole_kit.project import validate_paths

    issues = validate_paths(list(chemins) or [Path(".")])
    console.report_issues(issues, output_format=output_format)
    if issues:
        if output_format == "text":
            console.report_error(InvalidDocuments(issues=issues), listing=False)
        sys.exit(1)
    if output_format == "text":
        console.success("Tout est valide.")


@main.command()
@PROJECT_ARG
def build(project: Path) -> None:
    """Vérifier puis construire le site statique dans PROJET/site/."""
    from ecopole_kit.site import build_site

    built = build_site(project)
    console.success(f"Site construit : {built.index}")


@main.command()
@PROJECT_ARG
@click.option("--port", type=click.IntRange(1024, 65535), default=8000, show_default=True,
              metavar="PORT",
              help="Port local de l'aperçu.")
def serve(project: Path, port: int) -> None:
    """Aperçu en direct sur http://127.0.0.1:PORT, mis à jour à chaque modification."""
    from ecopole_kit.site import serve_site

    console.say(f"Aperçu sur http://127.0.0.1:{port}/ — Ctrl-C pour arrêter.")
    signal.signal(signal.SIGTERM, _interrupt)  # stop the preview server with us
    try:
        serve_site(project, address=f"127.0.0.1:{port}", on_change=console.rebuilt)
    except KeyboardInterrupt:
        console.say("Aperçu arrêté.")


@main.command()
@click.argument("query", nargs=-1, required=True, metavar="RECHERCHE…")
@click.option("--type", "kinds", multiple=True,
              type=click.Choice(["commune", "epci", "departement", "region"]),
              help="Ne chercher que ce type de territoire (répétable).")
@click.option("--limit", type=click.IntRange(1, 100), default=10, show_default=True,
              metavar="N",
              help="Nombre maximal de résultats.")
def lookup(query: tuple[str, ...], kinds: tuple[str, ...], limit: int) -> None:
    """Trouver un territoire par nom, code INSEE, code postal ou SIREN d'EPCI."""
    from ecopole_kit.territory import load_geography

    text = " ".join(query)
    matches = load_geography().lookup(text, kinds=kinds or None, limit=limit)
    if not matches:
        raise EcopoleError(f"Aucun territoire trouvé pour « {text} ».",
                           hint="Essayez un autre nom, sans abréviation, ou un code officiel.")
    console.matches(matches)


REGISTER_OPTION = click.option(
    "--registre", "register_path", type=click.Path(dir_okay=False, path_type=Path),
    default=lambda: os.environ.get("ECOPOLE_KIT_REGISTRE", "demandes.sqlite"),
    show_default="demandes.sqlite, ou $ECOPOLE_KIT_REGISTRE",
    help="Fichier SQLite du registre des demandes.")


@main.group()
@REGISTER_OPTION
@click.option("--par", "by", metavar="NOM", default=lambda: _whoami(),
              show_default="$ECOPOLE_KIT_AGENT ou l'utilisateur",
              help="Qui agit (noté dans l'historique de chaque demande).")
@click.option("--conservation", "retention_days", type=click.IntRange(1, 3650), default=365,
              metavar="JOURS",
              show_default=True,
              help="Durée de conservation des données personnelles, en jours.")
@click.pass_context
def requests(ctx: click.Context, register_path: Path, by: str, retention_days: int) -> None:
    """Registre des demandes du référentiel : enregistrer, examiner, répondre, envoyer."""
    ctx.obj = {"path": register_path, "by": by, "retention_days": retention_days}


def _register(ctx: click.Context, *, create: bool = False) -> Any:
    from ecopole_kit.register import Register

    path: Path = ctx.obj["path"]
    if not create and not path.is_file():
        raise EcopoleError(f"{path} : registre introuvable.",
                           hint="Vérifiez --registre ou $ECOPOLE_KIT_REGISTRE ; les commandes "
                                "add, import et serve créent le registre.")
    return Register(path, retention_days=ctx.obj["retention_days"])


def _whoami() -> str:
    """Who acts, for the history: $ECOPOLE_KIT_AGENT, else the account name."""
    try:
        return os.environ.get("ECOPOLE_KIT_AGENT") or getpass.getuser()
    except (KeyError, OSError):  # an account without a name (some containers)
        return "inconnu"


@requests.command("add")
@click.argument("fichier", type=click.Path(path_type=Path))
@click.pass_context
def requests_add(ctx: click.Context, fichier: Path) -> None:
    """Enregistrer une demande écrite dans un fichier YAML (nom, organisation, courriel…)."""
    from ecopole_kit.requests_flow import add_from_file

    added = add_from_file(_register(ctx, create=True), fichier, by=ctx.obj["by"])
    console.success(f"Demande n° {added.id} enregistrée (reçue).")


@requests.command("import")
@click.argument("courriels", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.pass_context
def requests_import(ctx: click.Context, courriels: tuple[Path, ...]) -> None:
    """Enregistrer des demandes reçues par courriel (fichiers .eml)."""
    from ecopole_kit.requests_flow import import_emails

    imported = import_emails(_register(ctx, create=True), list(courriels), by=ctx.obj["by"])
    for request in imported.added:
        console.success(f"Demande n° {request.id} enregistrée (reçue).")
    if imported.issues:
        raise InvalidDocuments(issues=imported.issues)


@requests.command("list")
@click.option("--statut", type=click.Choice(["reçue", "en examen", "acceptée", "refusée",
                                             "envoyée"]), help="Seulement ce statut.")
@click.pass_context
def requests_list(ctx: click.Context, statut: str | None) -> None:
    """Lister les demandes, des plus anciennes aux plus récentes."""
    console.requests_table(_register(ctx).list(statut))


@requests.command("show")
@click.argument("numero", type=int, metavar="NUMÉRO")
@click.pass_context
def requests_show(ctx: click.Context, numero: int) -> None:
    """Afficher une demande et son historique."""
    console.request_detail(_register(ctx).get(numero))


@requests.command("review")
@click.argument("numero", type=int, metavar="NUMÉRO")
@click.pass_context
def requests_review(ctx: click.Context, numero: int) -> None:
    """Passer une demande « en examen »."""
    changed = _register(ctx).review(numero, by=ctx.obj["by"])
    console.success(f"Demande n° {changed.id} : {changed.statut}.")


@requests.command("accept")
@click.argument("numero", type=int, metavar="NUMÉRO")
@click.option("--motif", metavar="TEXTE", help="Pourquoi la demande est acceptée (facultatif).")
@click.pass_context
def requests_accept(ctx: click.Context, numero: int, motif: str | None) -> None:
    """Accepter une demande et préparer son paquet (PDF et site), adapté à son territoire."""
    from ecopole_kit.requests_flow import accept_and_package

    accepted, folder = accept_and_package(_register(ctx), ctx.obj["path"], numero,
                                          by=ctx.obj["by"], reason=motif)
    console.success(f"Demande n° {accepted.id} acceptée. Paquet prêt dans {folder} :")
    for file in sorted(folder.iterdir()):
        console.say(f"  {file}")
    console.say(f"Après l'envoi : ecopole-kit requests send {accepted.id}")


@requests.command("refuse")
@click.argument("numero", type=int, metavar="NUMÉRO")
@click.option("--motif", required=True, metavar="TEXTE", help="La raison du refus (obligatoire).")
@click.pass_context
def requests_refuse(ctx: click.Context, numero: int, motif: str) -> None:
    """Refuser une demande, en donnant la raison."""
    changed = _register(ctx).refuse(numero, by=ctx.obj["by"], reason=motif)
    console.success(f"Demande n° {changed.id} : {changed.statut}.")


@requests.command("send")
@click.argument("numero", type=int, metavar="NUMÉRO")
@click.pass_context
def requests_send(ctx: click.Context, numero: int) -> None:
    """Noter que le paquet d'une demande acceptée a été envoyé (quoi, quand, par qui)."""
    from ecopole_kit.requests_flow import mark_sent

    sent = mark_sent(_register(ctx), ctx.obj["path"], numero, by=ctx.obj["by"])
    console.success(f"Demande n° {sent.id} : {sent.statut}.")


@requests.command("export")
@click.option("--courriel", metavar="ADRESSE",
              help="Seulement les demandes de cette personne (droit d'accès).")
@click.pass_context
def requests_export(ctx: click.Context, courriel: str | None) -> None:
    """Exporter les demandes en JSON (toutes, ou celles d'une personne)."""
    register = _register(ctx)
    records = (register.export_person(courriel) if courriel
               else [r.as_dict() for r in register.list()])
    console.json_dump(records)


@requests.command("purge")
@click.option("--courriel", metavar="ADRESSE",
              help="Effacer les données de cette personne (à sa demande).")
@click.pass_context
def requests_purge(ctx: click.Context, courriel: str | None) -> None:
    """Effacer les données personnelles échues, ou celles d'une personne qui le demande."""
    from ecopole_kit.requests_flow import purge

    count = purge(_register(ctx), ctx.obj["path"], by=ctx.obj["by"], courriel=courriel)
    console.success(f"{count} demande(s) anonymisée(s), paquets compris ; leur historique est "
                    "conservé.")


@requests.command("serve")
@click.option("--port", type=click.IntRange(1024, 65535), default=8001, show_default=True,
              metavar="PORT",
              help="Port local du formulaire.")
@click.option("--contact", metavar="ADRESSE",
              help="Adresse à laquelle les candidats exercent leurs droits sur leurs données.")
@click.pass_context
def requests_serve(ctx: click.Context, port: int, contact: str | None) -> None:
    """Servir le formulaire de demande sur http://127.0.0.1:PORT (Ctrl-C pour arrêter)."""
    from ecopole_kit.intake import serve_intake

    console.say(f"Formulaire sur http://127.0.0.1:{port}/ — Ctrl-C pour arrêter.")
    signal.signal(signal.SIGTERM, _interrupt)
    with contextlib.suppress(KeyboardInterrupt):
        serve_intake(ctx.obj["path"], port=port, retention_days=ctx.obj["retention_days"],
                     contact=contact)
    console.say("Formulaire arrêté.")


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@main.command()
@click.argument("dest", required=False, default="ecopole-demo", metavar="[DOSSIER]",
                type=click.Path(path_type=Path))
def demo(dest: Path) -> None:
    """Générer et construire l'exemple du Pays Tolosan (par défaut dans ./ecopole-demo)."""
    from ecopole_kit.create import run_demo

    built = run_demo(dest)
    console.success("Démo construite. Ouvrez dans un navigateur :")
    console.say(str(built.index.resolve()))
