"""The `requests` commands: the register of requests for the référentiel."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

from ecopole_kit.cli import console
from ecopole_kit.cli.params import PathParam
from ecopole_kit.cli.shown import one_line
from ecopole_kit.requests.statuses import STATUSES

if TYPE_CHECKING:
    from pathlib import Path

    from ecopole_kit.workflows.requests import Desk

REGISTER_OPTION = click.option(
    "--registre", "register_path", metavar="FICHIER|URL",
    default=lambda: os.environ.get("ECOPOLE_KIT_REGISTRE", "demandes.sqlite"),
    show_default="demandes.sqlite, ou $ECOPOLE_KIT_REGISTRE",
    help="Registre des demandes : un fichier SQLite, ou une base PostgreSQL "
         "(postgresql://utilisateur@hôte:port/base ; le mot de passe dans ~/.pgpass ou "
         "$PGPASSWORD).")


@click.group()
@REGISTER_OPTION
@click.option("--par", "by", metavar="NOM", default=None,
              show_default="$ECOPOLE_KIT_AGENT ou l'utilisateur",
              help="Qui agit (noté dans l'historique de chaque demande).")
@click.option("--conservation", "retention_days", type=click.IntRange(1, 3650), default=365,
              metavar="JOURS",
              show_default=True,
              help="Durée de conservation des données personnelles, en jours.")
@click.pass_context
def requests(ctx: click.Context, register_path: str, by: str | None,
             retention_days: int) -> None:
    """Registre des demandes du référentiel : enregistrer, examiner, répondre, envoyer."""
    ctx.obj = {"path": register_path, "by": by, "retention_days": retention_days}


def _desk(ctx: click.Context) -> Desk:
    from ecopole_kit.workflows.requests import Desk

    by = ctx.obj["by"]  # who acts is looked up when a command needs it, never for --help
    return Desk(ctx.obj["path"], _whoami() if by is None else by, ctx.obj["retention_days"])


def _whoami() -> str:
    """Who acts, for the history: $ECOPOLE_KIT_AGENT, else the account name."""
    import getpass

    try:
        return os.environ.get("ECOPOLE_KIT_AGENT") or getpass.getuser()
    except (KeyError, OSError):  # an account without a name (some containers)
        return "inconnu"


@requests.command("add")
@click.argument("fichier", type=PathParam())
@click.pass_context
def requests_add(ctx: click.Context, fichier: Path) -> None:
    """Enregistrer une demande écrite dans un fichier YAML (nom, organisation, courriel…)."""
    from ecopole_kit.workflows.requests import add_from_file

    added = add_from_file(_desk(ctx), fichier)
    console.success(f"Demande n° {added.id} enregistrée (reçue).")


@requests.command("import")
@click.argument("courriels", nargs=-1, required=True, type=PathParam())
@click.pass_context
def requests_import(ctx: click.Context, courriels: tuple[Path, ...]) -> None:
    """Enregistrer des demandes reçues par courriel (fichiers .eml)."""
    from ecopole_kit.errors import InvalidDocuments
    from ecopole_kit.workflows.requests import import_emails

    imported = import_emails(_desk(ctx), list(courriels))
    for request in imported.added:
        console.success(f"Demande n° {request.id} enregistrée (reçue).")
    if imported.issues:
        raise InvalidDocuments(issues=imported.issues)


@requests.command("list")
@click.option("--statut", type=click.Choice(STATUSES), help="Seulement ce statut.")
@click.pass_context
def requests_list(ctx: click.Context, statut: str | None) -> None:
    """Lister les demandes, des plus anciennes aux plus récentes."""
    from ecopole_kit.workflows.requests import list_requests

    console.requests_table(list_requests(_desk(ctx), statut))


@requests.command("show")
@click.argument("numero", type=int, metavar="NUMÉRO")
@click.pass_context
def requests_show(ctx: click.Context, numero: int) -> None:
    """Afficher une demande et son historique."""
    from ecopole_kit.workflows.requests import show_request

    request, territory = show_request(_desk(ctx), numero)
    console.request_detail(request, territory=territory)


@requests.command("review")
@click.argument("numero", type=int, metavar="NUMÉRO")
@click.option("--territoire", "choice", metavar="CHOIX",
              help="Territoire à rattacher sans question (ou à corriger) : numéros proposés "
                   "ou codes officiels, séparés par des virgules.")
@click.pass_context
def requests_review(ctx: click.Context, numero: int, choice: str | None) -> None:
    """Passer une demande « en examen » et rattacher son territoire à ses codes officiels."""
    from ecopole_kit.workflows.requests import review

    reviewed = review(_desk(ctx), numero, retie=choice is not None)
    request = reviewed.request
    if reviewed.moved:
        console.success(f"Demande n° {request.id} : {request.statut}.")
    pending = request.territoire_texte and not request.territoire and not request.anonymise
    if pending or choice is not None:
        _tie_territory(ctx, request.id, request.territoire_texte, reviewed.proposals, choice)


def _tie_territory(ctx: click.Context, request_id: int, text: str | None,
                   proposals: Sequence[Any],
                   choice: str | None) -> None:
    """Show what the applicant's words may name; tie what staff choose."""
    from ecopole_kit.errors import InvalidRequest
    from ecopole_kit.requests.territory_text import numbered
    from ecopole_kit.workflows.requests import tie_territory

    if text:
        console.say(f"Territoire écrit par la personne : « {one_line(text)} »")
    offered = numbered(proposals)
    _show_proposals(proposals, offered)
    while True:
        answer = choice if choice is not None else _ask_choice(offered)
        if not answer.strip():
            console.say(f"Territoire laissé à rattacher ; plus tard : ecopole-kit requests "
                        f"review {request_id} (ou --territoire CODES).")
            return
        try:
            tied, words = tie_territory(_desk(ctx), request_id, answer, proposals)
        except InvalidRequest as error:
            if choice is not None:
                raise
            console.say(f"{error.message} Recommencez.")
            continue
        console.success(f"Demande n° {tied.id} : territoire rattaché, {words}.")
        return


def _show_proposals(proposals: Sequence[Any], offered: Sequence[Any]) -> None:
    numbers = {(match.kind, match.code): index for index, match in enumerate(offered, 1)}
    for proposal in proposals:
        console.say(f"  « {one_line(proposal.part)} »")
        shown = [m for m in proposal.matches if (m.kind, m.code) in numbers]
        if not shown:
            console.say("     aucun territoire officiel trouvé sous ce nom")
        for match in shown:
            console.say(f"     {numbers[match.kind, match.code]}. {one_line(match.nom)} — "
                        f"{one_line(match.detail)} ({match.code})")


def _ask_choice(offered: Sequence[Any]) -> str:
    numbers = f"un ou plusieurs numéros (1 à {len(offered)}), " if offered else ""
    try:
        return str(click.prompt(f"Territoire de la demande : {numbers}ou des codes officiels "
                                "séparés par des virgules ; Entrée pour décider plus tard",
                                default="", show_default=False, prompt_suffix=" : "))
    except click.Abort:  # no terminal, or end of input: nothing is tied
        return ""


@requests.command("accept")
@click.argument("numero", type=int, metavar="NUMÉRO")
@click.option("--motif", metavar="TEXTE", help="Pourquoi la demande est acceptée (facultatif).")
@click.option("--sans-territoire", "without_territory", is_flag=True,
              help="Préparer le paquet sans diagnostic quand le territoire écrit par la "
                   "personne n'a pas pu être rattaché.")
@click.pass_context
def requests_accept(ctx: click.Context, numero: int, motif: str | None,
                    without_territory: bool) -> None:
    """Accepter une demande et préparer son paquet (PDF et site), adapté à son territoire."""
    from ecopole_kit.workflows.requests import accept_and_package

    console.progress(f"Demande n° {numero} : préparation du paquet, le site et le PDF (une "
                     "dizaine de secondes)…")
    try:
        accepted, folder = accept_and_package(
            _desk(ctx), numero, reason=motif, without_territory=without_territory,
            on_step=lambda text: console.status(f"Paquet n° {numero} : {text}…"))
    finally:
        console.status_cleared()
    console.success(f"Demande n° {accepted.id} acceptée. Paquet prêt dans {folder} :")
    for file in sorted(folder.iterdir()):
        console.say(f"  {file}")
    console.say(f"Après l'envoi : ecopole-kit requests send {accepted.id}")


@requests.command("refuse")
@click.argument("numero", type=int, metavar="NUMÉRO")
@click.option("--motif", required=True, metavar="TEXTE", help="La raison du refus.")
@click.pass_context
def requests_refuse(ctx: click.Context, numero: int, motif: str) -> None:
    """Refuser une demande, en donnant la raison."""
    from ecopole_kit.workflows.requests import refuse

    changed = refuse(_desk(ctx), numero, reason=motif)
    console.success(f"Demande n° {changed.id} : {changed.statut}.")


@requests.command("send")
@click.argument("numero", type=int, metavar="NUMÉRO")
@click.pass_context
def requests_send(ctx: click.Context, numero: int) -> None:
    """Noter que le paquet d'une demande acceptée a été envoyé (quoi, quand, par qui)."""
    from ecopole_kit.workflows.requests import mark_sent

    sent = mark_sent(_desk(ctx), numero)
    console.success(f"Demande n° {sent.id} : {sent.statut}.")


@requests.command("export")
@click.option("--courriel", metavar="ADRESSE",
              help="Seulement les demandes de cette personne (droit d'accès).")
@click.pass_context
def requests_export(ctx: click.Context, courriel: str | None) -> None:
    """Exporter les demandes en JSON (toutes, ou celles d'une personne)."""
    from ecopole_kit.workflows.requests import export

    console.json_dump(export(_desk(ctx), courriel))


@requests.command("purge")
@click.option("--courriel", metavar="ADRESSE",
              help="Effacer les données de cette personne (à sa demande).")
@click.pass_context
def requests_purge(ctx: click.Context, courriel: str | None) -> None:
    """Effacer les données personnelles échues, ou celles d'une personne qui le demande."""
    from ecopole_kit.workflows.requests import purge

    count = purge(_desk(ctx), courriel)
    console.success(f"{count} demande(s) anonymisée(s), paquets compris ; leur historique est "
                    "conservé.")


@requests.command("migrate")
@click.option("--vers", "target", required=True, metavar="FICHIER|URL",
              help="Registre à remplir : une base PostgreSQL (postgresql://…) ou un fichier "
                   "SQLite ; il doit être vide.")
@click.pass_context
def requests_migrate(ctx: click.Context, target: str) -> None:
    """Copier tout le registre (demandes et historiques) vers un autre registre, vide."""
    from ecopole_kit.workflows.requests import migrate

    copied = migrate(_desk(ctx), target)
    console.success(f"{copied.summary()} de {copied.source} vers {copied.target}.")


@requests.command("serve")
@click.option("--port", type=click.IntRange(1024, 65535), default=8001, show_default=True,
              metavar="PORT",
              help="Port local du formulaire.")
@click.option("--adresse", "host", default="127.0.0.1", show_default=True, metavar="IP",
              help="Adresse d'écoute (127.0.0.1 derrière un serveur mandataire sur la même "
                   "machine).")
@click.option("--production", is_flag=True,
              help="Servir avec waitress, sur plusieurs fils d'exécution (derrière un serveur "
                   "mandataire HTTPS).")
@click.option("--fils", "threads", type=click.IntRange(1, 64), default=4, show_default=True,
              metavar="N", help="Fils d'exécution du serveur de production.")
@click.option("--contact", metavar="ADRESSE",
              help="Adresse à laquelle les candidats exercent leurs droits sur leurs données.")
@click.option("--nom-public", "public_names", multiple=True, metavar="NOM",
              help="Nom sous lequel le formulaire est publié (répétable) ; les autres en-têtes "
                   "Host sont refusés.")
@click.option("--derriere-proxy", "proxies", type=click.IntRange(0, 5), default=0,
              metavar="N", show_default=True,
              help="Nombre de serveurs mandataires (reverse proxy) devant le formulaire, dont "
                   "les en-têtes X-Forwarded-* sont crus.")
@click.option("--limite", "rate_limit", default="5 per minute", show_default=True,
              metavar="TEXTE", help="Envois permis par adresse (en anglais : 20 per hour).")
@click.option("--stockage-limite", "rate_storage", metavar="URI",
              default=lambda: os.environ.get("ECOPOLE_KIT_STOCKAGE_LIMITE", "memory://"),
              show_default="memory://, ou $ECOPOLE_KIT_STOCKAGE_LIMITE",
              help="Où compter les envois : memory:// (ce processus) ou un stockage partagé "
                   "par plusieurs processus (redis://hôte:6379).")
@click.pass_context
def requests_serve(ctx: click.Context, port: int, host: str, production: bool, threads: int,
                   contact: str | None, public_names: tuple[str, ...], proxies: int,
                   rate_limit: str, rate_storage: str) -> None:
    """Servir le formulaire de demande sur http://127.0.0.1:PORT (Ctrl-C pour arrêter)."""
    import contextlib
    import signal

    from ecopole_kit.foundation.network import ensure_port_free
    from ecopole_kit.web.serving import serve_intake, serve_production

    ensure_port_free(host, port)
    options = {"port": port, "host": host, "retention_days": ctx.obj["retention_days"],
               "contact": contact, "public_names": public_names, "proxies": proxies,
               "rate_limit": rate_limit, "rate_storage": rate_storage}
    kind = f"serveur de production, {threads} fils" if production else "serveur local"
    shown = f"[{host}]" if ":" in host else host
    console.say(f"Formulaire sur http://{shown}:{port}/ ({kind}) — Ctrl-C pour arrêter.")
    signal.signal(signal.SIGTERM, interrupt)
    with contextlib.suppress(KeyboardInterrupt):
        if production:
            serve_production(ctx.obj["path"], threads=threads, **options)
        else:
            serve_intake(ctx.obj["path"], **options)
    console.say("Formulaire arrêté.")


def interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
