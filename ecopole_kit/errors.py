"""One root for every error a person can cause; messages are French and built here."""

from __future__ import annotations

import errno
import shlex
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # annotations only: the command line imports errors to report them
    from pathlib import Path

    from ecopole_kit.models import Issue


class EcopoleError(Exception):
    """Root of the errors the CLI reports to a person (exit code 1)."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.message = message
        self.hint = hint
        super().__init__(message if hint is None else f"{message}\n{hint}")

    def __reduce__(self) -> tuple[Any, ...]:
        """Picklable whatever a subclass's ``__init__`` takes: an error raised in a worker
        process reaches the parent as it was (message, hint and every attribute)."""
        return (_rebuilt, (type(self), self.args, dict(self.__dict__)))


def _rebuilt(kind: type[EcopoleError], args: tuple[Any, ...],
             attributes: dict[str, Any]) -> EcopoleError:
    error = kind.__new__(kind)
    error.args = args
    error.__dict__.update(attributes)
    return error


class UsageError(EcopoleError):
    """A command called in a way that cannot work (exit code 2)."""

    exit_code = 2


class InvalidDocuments(EcopoleError):
    """One or more files do not satisfy their schema or rules."""

    def __init__(self, *, issues: Sequence[Issue]) -> None:
        self.issues = tuple(issues)
        count = len(self.issues)
        plural = "s" if count > 1 else ""
        super().__init__(
            f"{count} problème{plural} trouvé{plural}.",
            hint="Corrigez les fichiers indiqués puis relancez la commande.",
        )


class MissingAnswers(EcopoleError):
    """--no-input was given but required answers are missing."""

    def __init__(self, *, questions: Sequence[str]) -> None:
        self.questions = tuple(questions)
        listing = "\n".join(f"  - {q}" for q in self.questions)
        super().__init__(
            f"Réponses obligatoires manquantes (--no-input) :\n{listing}",
            hint="Ajoutez-les au fichier de réponses (--answers) ou lancez sans --no-input.",
        )


class DestinationError(EcopoleError):
    """The destination folder cannot receive a project."""

    def __init__(self, *, path: Path, reason: str, hint: str) -> None:
        self.path = path
        super().__init__(f"{path} : {reason}", hint=hint)


_OS_REASONS = {
    errno.EACCES: "écriture ou lecture refusée (droits insuffisants)",
    errno.EPERM: "opération refusée (droits insuffisants)",
    errno.ENOSPC: "le disque est plein",
    errno.EROFS: "le disque est en lecture seule",
    errno.ENOTDIR: "un élément du chemin est un fichier, pas un dossier",
    errno.EISDIR: "c'est un dossier, un fichier était attendu",
    errno.ENOENT: "chemin introuvable",
    errno.EEXIST: "un fichier porte déjà ce nom, un dossier était attendu",
    errno.ENAMETOOLONG: "nom de fichier trop long",
}


def os_reason(error: OSError) -> str:
    """The French reason of an operating-system error."""
    name = errno.errorcode.get(error.errno or 0, "inconnue")
    return _OS_REASONS.get(error.errno or 0, f"erreur du système ({name})")


class FileSystemError(EcopoleError):
    """Reading or writing a file failed for a reason outside the kit."""

    def __init__(self, *, error: OSError, action: str) -> None:
        where = error.filename or "?"
        super().__init__(f"{where} : {action} impossible : {os_reason(error)}.",
                         hint="Vérifiez le chemin, les droits du dossier et la place libre.")


class ProjectNotFound(EcopoleError):
    """A folder is not a site project."""

    def __init__(self, *, path: Path) -> None:
        self.path = path
        super().__init__(
            f"{path} : ce dossier n'est pas un projet de site Ecopôle (territoire.yaml absent).",
            hint="Indiquez le dossier créé par « ecopole-kit new », ou créez-en un.",
        )


class BuildFailed(EcopoleError):
    """The static site generator refused the site."""

    def __init__(self, *, output: str) -> None:
        self.output = output
        super().__init__(
            "La construction du site a échoué :\n" + output.strip(),
            hint="Corrigez ce que chaque ligne indique, puis relancez la construction ; "
                 "le site précédent est resté en place.",
        )


class InterviewInterrupted(EcopoleError):
    """Ctrl-C during the interview: the answers given so far travel with it."""

    def __init__(self, *, answers: dict[str, Any]) -> None:
        self.answers = answers
        super().__init__("Entretien interrompu.", hint="Rien n'a été écrit dans le projet.")


class InterviewAborted(EcopoleError):
    """The person stopped the interview."""

    def __init__(self, *, saved_to: Path | None = None, dest: Path | None = None) -> None:
        self.saved_to = saved_to
        folder = f" {shlex.quote(str(dest))}" if dest is not None else ""
        hint = (
            f"Vos réponses sont enregistrées dans {saved_to} ; reprenez avec : "
            f"ecopole-kit new --answers {shlex.quote(str(saved_to))}{folder}"
            if saved_to
            else "Rien n'a été écrit."
        )
        super().__init__("Entretien interrompu.", hint=hint)


# The référentiel and the official data shipped with the kit.


class ReferentielInvalid(EcopoleError):
    """The référentiel's own content is wrong (a bad link, a fiche that does not validate)."""


class GeographyUnavailable(EcopoleError):
    """The shipped extract of the official geography cannot be read."""


class TerritoryNotFound(EcopoleError):
    """No official territory answers a search or a set of codes."""


class ScenarioInvalid(EcopoleError):
    """A diagnostic cannot be computed from the figures given (population, baskets)."""


class ProjectFileConflict(EcopoleError):
    """A file a person added to the project takes a name the kit produces."""


# The register of requests and the applicant's package.


class RegisterError(EcopoleError):
    """Root of the failures of the register of requests."""


class RegisterUnavailable(RegisterError):
    """The register cannot be opened, read or written (missing, locked, damaged, newer)."""


class RequestNotFound(RegisterError):
    """No request has this number."""

    def __init__(self, *, request_id: int, hint: str | None = None) -> None:
        self.request_id = request_id
        super().__init__(f"Demande n° {request_id} introuvable.", hint=hint)


class StepNotAllowed(RegisterError):
    """The request's status (or its erased data) does not allow this step."""


class InvalidRequest(RegisterError):
    """What staff or the form gave for a request is not usable (origin, status, actor…)."""


class DuplicateRequest(InvalidRequest):
    """The same person already sent the same request."""


class PackageError(EcopoleError):
    """The applicant's package cannot be produced or found."""


class PdfEngineMissing(PackageError):
    """WeasyPrint or Pango is not installed."""


class EmailUnreadable(EcopoleError):
    """A request e-mail cannot be read."""


class FormUnavailable(EcopoleError):
    """The intake form cannot start (missing extras, unreadable settings)."""


class FileUnreadable(EcopoleError):
    """A file named on the command line cannot be read."""


class PortBusy(EcopoleError):
    """A local server cannot listen: another program holds the port."""

    def __init__(self, *, host: str, port: int) -> None:
        self.port = port
        super().__init__(f"Le port {port} de {host} est déjà utilisé par un autre programme.",
                         hint=f"Arrêtez cet autre programme, ou choisissez un autre port avec "
                              f"--port (par exemple --port {port + 1}).")


# Safety of the files the kit reads and writes.


class UnsafeLink(EcopoleError):
    """A symbolic link would make the kit read or write outside the project (or through a
    folder the kit empties): it is refused, never followed."""


class UnsafeConfig(EcopoleError):
    """``--safe``: the project's mkdocs.yml would run code or read outside the project."""


class UpdateError(EcopoleError):
    """A project cannot be updated as it stands (the project is left as it was)."""


class RecordInvalid(UpdateError):
    """The kit's record of a project (.ecopole/projet.yaml, reponses.yaml) is missing or damaged."""

    def __init__(self, *, path: Path) -> None:
        self.path = path
        super().__init__(
            f"{path} : fichier absent ou illisible ; sans lui, le kit ne sait pas ce qu'il a "
            "produit et ne peut pas mettre le projet à jour sans risque.",
            hint="Restaurez-le depuis votre dépôt (git) ou une sauvegarde, ou recréez le projet "
                 "avec « ecopole-kit new » puis recopiez-y vos modifications.")


class ReleaseUnknown(UpdateError):
    """The project was made by a kit version this kit cannot regenerate."""

    def __init__(self, *, path: Path, version: str, current: str) -> None:
        self.path = path
        newer = f"plus récente que celle installée ({current})"
        super().__init__(
            f"{path} : projet créé ou mis à jour par ecopole-kit {version}, une version "
            f"{newer if _later(version, current) else 'que ce kit ne connaît pas'}.",
            hint=f"Installez ecopole-kit {version} ou plus récent (pip install -U ecopole-kit).")


def _later(version: str, current: str) -> bool:
    try:
        return tuple(map(int, version.split("."))) > tuple(map(int, current.split(".")[:3]))
    except ValueError:
        return False


class MigrationFailed(UpdateError):
    """A data migration of the référentiel cannot be applied to a project file."""

    def __init__(self, *, path: str, line: int | None, reason: str, hint: str) -> None:
        self.path = path
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where} : {reason}", hint=hint)
