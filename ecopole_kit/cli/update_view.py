"""What « ecopole-kit update » says: one line per file, the clashes, what is new."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from ecopole_kit.cli.console import report_error, say, success
from ecopole_kit.errors import InvalidDocuments

if TYPE_CHECKING:
    from ecopole_kit.project.merge import FileMerge
    from ecopole_kit.workflows.update import UpdateReport, UpdateStatus

KIT_FILES = ".ecopole/"
HIDDEN_WHEN_UNCHANGED = ("inchangé",)


def status_line(status: UpdateStatus) -> None:
    """The one line of --check."""
    if status.interrupted:
        say(f"{status.project} : une mise à jour a été interrompue ; lancez « ecopole-kit "
            "update » pour la terminer.")
    elif status.up_to_date:
        say(f"{status.project} est à jour (ecopole-kit {status.kit}, référentiel "
            f"{status.referentiel}).")
    else:
        say(f"Mise à jour disponible pour {status.project} : ecopole-kit {status.kit} → "
            f"{status.target_kit}, référentiel {status.referentiel} → "
            f"{status.target_referentiel}. Lancez « ecopole-kit update {status.project} ».")


def report(update: UpdateReport, *, dry_run: bool) -> None:
    if update.resumed:
        say("La mise à jour interrompue précédemment a été terminée.")
    if not update.files:
        status_line(update.status)
        return
    status = update.status
    say(f"{'Aperçu de la mise à jour' if dry_run else 'Mise à jour'} de {status.project} : "
        f"ecopole-kit {status.kit} → {status.target_kit}, référentiel {status.referentiel} → "
        f"{status.target_referentiel}.")
    for line in update.migrations:
        say(f"  migré      {line}")
    for merged in update.files:
        if not merged.path.startswith(KIT_FILES):
            say(f"  {merged.status:<18} {merged.path}")
    _conflicts(update, dry_run)
    _news(update)
    _outcome(update, dry_run)


def _conflicts(update: UpdateReport, dry_run: bool) -> None:
    version = update.status.target_kit
    for merged in update.conflicts:
        say()
        say(f"Conflit dans {merged.path} : {_where(merged)}")
        say(f"  Votre fichier est gardé tel quel. La proposition du kit "
            f"{'serait écrite' if dry_run else 'est écrite'} à côté : "
            f"{merged.path}.proposition-{version}.")
        say("  Comparez les deux, reportez dans votre fichier ce que vous voulez garder, puis "
            "supprimez la proposition.")


def _where(merged: FileMerge) -> str:
    if not merged.clashes:
        return "le kit produit désormais un fichier de ce nom, et le vôtre en diffère."
    spans = ", ".join(f"ligne {c.first}" if c.first == c.last else f"lignes {c.first} à {c.last}"
                      for c in merged.clashes)
    return f"vous et le kit avez modifié les mêmes lignes ({spans})."


def _news(update: UpdateReport) -> None:
    for entry in reversed(update.news):
        say()
        say(f"Nouveautés du référentiel {entry.version} ({entry.date}) :")
        for line in textwrap.wrap(entry.summary, 88):
            say(f"  {line}")
        for label, ids in (("fiches ajoutées", entry.added), ("fiches réécrites", entry.rewritten),
                           ("fiches retirées", entry.removed)):
            if ids:
                say(f"  {label} : {', '.join(ids)}")
        for renamed in entry.renamed:
            say(f"  fiche renommée : {renamed.old} → {renamed.new}")


def _outcome(update: UpdateReport, dry_run: bool) -> None:
    say()
    if dry_run:
        say("Rien n'a été écrit (--dry-run).")
        return
    if update.backup is not None and update.backup.is_dir():
        say(f"Les fichiers remplacés sont sauvegardés dans {update.backup}.")
    if update.issues:
        report_error(InvalidDocuments(issues=update.issues))
        say("La mise à jour est appliquée, mais le projet doit être corrigé avant sa "
            "construction.")
    elif update.conflicts:
        say("Mise à jour appliquée, sauf les conflits ci-dessus : résolvez-les, puis lancez "
            "« ecopole-kit build ».")
    else:
        success(f"Projet à jour (ecopole-kit {update.status.target_kit}, référentiel "
                f"{update.status.target_referentiel}).")
