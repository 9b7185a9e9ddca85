"""Everything shown to a person in the terminal (with cli.py, the only module using click).

Imported to define the commands, so it imports only what click already has: the kit's
errors, French formatting, json and pathlib come in with the function that needs them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any

import click

from ecopole_kit.cli.shown import lines, one_line

if TYPE_CHECKING:
    from pathlib import Path

    from ecopole_kit.errors import EcopoleError
    from ecopole_kit.models import Issue, Question, ToComplete


def say(text: str = "") -> None:
    click.echo(lines(text))


def progress(text: str) -> None:
    """What a long step is doing, for a person at a terminal (nothing when piped)."""
    if sys.stderr.isatty():
        click.echo(lines(text), err=True)


def status(text: str, *, last: bool = False) -> None:
    """One line that each call rewrites, at a terminal (nothing when piped); ``last`` ends it."""
    if sys.stderr.isatty():
        click.echo("\r\x1b[2K" + one_line(text), nl=last, err=True)


def status_cleared() -> None:
    """Remove the line of ``status``, once its work is done."""
    if sys.stderr.isatty():
        click.echo("\r\x1b[2K", nl=False, err=True)


def success(text: str) -> None:
    click.secho(lines(text), fg="green")


def to_complete(items: Sequence[ToComplete]) -> None:
    """The « à compléter » list, after a success: what the pages would show once filled."""
    if not items:
        return
    say("À compléter (facultatif : les pages le montreront une fois rempli) :")
    for item in items:
        say(f"  - {item.as_text()}")


def report_issues(issues: Sequence[Issue], *, output_format: str) -> None:
    """Print validation problems as ``file:line: champ: message`` lines or as JSON."""
    if output_format == "json":
        json_dump({"valide": not issues, "problemes": [i.as_dict() for i in issues]})
        return
    for issue in issues:
        click.echo(lines(issue.as_text()), err=True)


def report_error(error: EcopoleError, *, listing: bool = True) -> None:
    """Print a user error in French, with where and what to do; never a traceback."""
    from ecopole_kit.errors import InvalidDocuments

    if listing and isinstance(error, InvalidDocuments):
        report_issues(error.issues, output_format="text")
    click.secho(f"Erreur : {lines(error.message)}", fg="red", err=True)
    if error.hint:
        click.echo(lines(error.hint), err=True)


def matches(found: Sequence[Any]) -> None:
    """Print lookup results: code, name and description, best first."""
    width = max(len(match.code) for match in found)
    for match in found:
        name = click.style(one_line(match.nom), bold=True)
        click.echo(f"{one_line(match.code):<{width}}  {name}  {one_line(match.detail)}")


def hidden_matches(count: int, text: str) -> None:
    """« … et 12 autres résultats », and how to see them or narrow the search."""
    from ecopole_kit.foundation.french import counted

    others = counted(count, "autre résultat", "autres résultats")
    say(f"… et {others} : « ecopole-kit lookup --tout {one_line(text)} » pour tout voir, "
        "ou précisez le département (« Saint-Pierre 974 », « Corte Haute-Corse »).")


def report_bug(error: Exception) -> None:
    """An unexpected failure: say so plainly, without a traceback."""
    click.secho(f"Erreur inattendue d'ecopole-kit : {type(error).__name__} : {lines(error)}",
                fg="red", err=True)
    click.echo("C'est un défaut du kit, pas de vos fichiers. Relancez avec la variable "
               "ECOPOLE_KIT_DEBUG=1 pour le détail, et signalez-le à l'équipe.", err=True)


def reader_gone() -> None:
    """The output's reader closed it (``| head``): send what is left nowhere, quietly."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def json_dump(data: Any) -> None:
    import json

    click.echo(lines(json.dumps(data, ensure_ascii=False, indent=2)))  # escapes stay valid JSON


def requests_table(found: Sequence[Any]) -> None:
    """One line per request: number, status, date received, organisation."""
    if not found:
        click.echo("Aucune demande.")
        return
    for request in found:
        who = one_line(request.organisation or "(données effacées)")
        day = _local(request.recue_le).strftime("%d/%m/%Y")
        damaged = "  (ligne endommagée)" if request.endommage else ""
        click.echo(f"{request.id:>5}  {request.statut:<10}  {day}  {who}{damaged}")


def request_detail(request: Any, *, territory: str | None) -> None:
    """A request, field by field (the territory in words, dates in local time), then its
    history; everything the applicant wrote is shown escaped."""
    click.secho(f"Demande n° {request.id} — {request.statut}", bold=True)
    for label, value in (("Nom", request.nom), ("Organisation", request.organisation),
                         ("Courriel", request.courriel), ("Territoire", territory),
                         ("Reçue le", _when(request.recue_le)),
                         ("Source", request.source), ("Motivation", request.motivation)):
        missing = "(effacé)" if request.anonymise else "—"
        click.echo(f"{label} : {one_line(value) if value is not None else missing}")
    if request.endommage:
        click.secho(f"Données illisibles dans le registre : {', '.join(request.endommage)}.",
                    fg="yellow")
    click.secho("Historique", bold=True)
    for event in request.events:
        reason = f" — {one_line(event.reason)}" if event.reason else ""
        click.echo(f"  {_when(event.at)}  {event.status:<10}  par {one_line(event.by)}{reason}")
    for shipment in request.envois:
        files = one_line(", ".join(shipment.files))
        click.echo(f"  {_when(shipment.at)}  envoi par {one_line(shipment.by)} : {files}")


def _local(stamp: str) -> datetime:
    """A register's UTC stamp as the machine's local time."""
    return datetime.fromisoformat(stamp).astimezone()


def _when(stamp: str) -> str:
    from ecopole_kit.foundation.french import french_datetime

    return french_datetime(_local(stamp))


def rebuilt(problems: str) -> None:
    """Tell the person the preview was refreshed, or why it could not be."""
    if problems:
        click.secho("Aperçu non mis à jour :", fg="red", err=True)
        click.echo(lines(problems), err=True)
    else:
        click.secho("Aperçu mis à jour.", fg="green")


_YES, _NO = ("o", "oui", "y", "yes"), ("n", "non", "no")


def _yes_no(value: str) -> bool:
    answer = value.strip().casefold()
    if answer in _YES or answer in _NO:
        return answer in _YES
    raise click.BadParameter("répondez o (oui) ou n (non).")


def confirm(text: str, *, default: bool) -> bool:
    """A yes/no question in French: o/oui or n/non, Entrée for the default."""
    answer: bool = click.prompt(f"{text} [{'O/n' if default else 'o/N'}]",
                                default="o" if default else "n", show_default=False,
                                value_proc=_yes_no)
    return answer


@contextmanager
def _interruptible() -> Iterator[None]:
    """click turns Ctrl-C and end of input into Abort; the interview expects KeyboardInterrupt."""
    try:
        yield
    except click.Abort:
        click.echo()
        raise KeyboardInterrupt from None


def offer_to_save(path: Path) -> bool:
    """After Ctrl-C in the interview: ask whether to keep the answers given so far."""
    try:
        return confirm(f"Enregistrer les réponses déjà données dans {path} ?", default=True)
    except click.Abort:
        return False


def other_folder(problem: str) -> Path:
    """The destination is taken: ask for another one (Entrée or Ctrl-C: stop)."""
    from pathlib import Path

    from ecopole_kit.errors import InterviewAborted

    click.secho(f"  ✗ {lines(problem)}", fg="yellow")
    try:
        answer: str = click.prompt("Autre dossier (Entrée : arrêter)", default="",
                                   show_default=False, type=str, value_proc=str)
    except click.Abort:  # Ctrl-C or the end of input: nothing was asked yet
        click.echo()
        raise InterviewAborted() from None
    if not answer.strip():
        raise InterviewAborted()
    return Path(answer.strip())


class TerminalPrompter:
    """The interview's prompter, talking to a person through click."""

    def section(self, title: str) -> None:
        click.echo()
        click.secho(f"— {title} —", bold=True)

    def ask(self, question: Question, *, default: str, position: str) -> str:
        click.echo(click.style(f"[{position}] ", fg="cyan") + question.help)
        if question.choices:
            for number, choice in enumerate(question.choice_labels or question.choices, 1):
                click.echo(f"    {number}. {one_line(choice)}")
            if question.is_list:
                click.echo("    (plusieurs choix possibles : leurs numéros, séparés par des "
                           "virgules)")
        elif question.is_list:
            click.echo("    (plusieurs valeurs possibles, séparées par « ; » — ou par des "
                       "virgules, entre guillemets celle qui en contient une)")
        label = question.label
        if not question.required and not default:
            label += f" (Entrée : {question.skip_label or 'passer'})"
        with _interruptible():
            answer: str = click.prompt(label, default=default, show_default=bool(default),
                                       type=str, value_proc=str)
        return answer

    def explain(self, message: str) -> None:
        click.secho(f"  ✗ {message}", fg="yellow")

    def summary(self, text: str) -> None:
        click.echo()
        click.secho("Récapitulatif", bold=True)
        click.echo(text)

    def confirm(self, text: str, *, default: bool) -> bool:
        with _interruptible():
            return confirm(text, default=default)

    def choose_correction(self, questions: list[Question]) -> int | None:
        for number, question in enumerate(questions, 1):
            click.echo(f"  {number:>2}. {question.section} — {question.label}")
        with _interruptible():
            choice: int = click.prompt("Numéro de la réponse à corriger (0 : aucune)",
                                       type=click.IntRange(0, len(questions)), default=0)
        return choice - 1 if choice else None
