"""One root for every error a person can cause; messages are French and built here."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ecopole_kit.models import Issue


class EcopoleError(Exception):
    """Root of the errors the CLI reports to a person (exit code 1)."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.message = message
        self.hint = hint
        super().__init__(message if hint is None else f"{message}\n{hint}")


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
            hint="Lisez les avertissements ci-dessus ; ils nomment la page en cause.",
        )


class InterviewAborted(EcopoleError):
    """The person stopped the interview."""

    def __init__(self, *, saved_to: Path | None = None) -> None:
        self.saved_to = saved_to
        hint = (
            f"Vos réponses sont enregistrées dans {saved_to} ; reprenez avec --answers {saved_to}."
            if saved_to
            else "Rien n'a été écrit."
        )
        super().__init__("Entretien interrompu.", hint=hint)
