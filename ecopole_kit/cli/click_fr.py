"""French for click's own messages (usage, help headings, usage errors).

click marks its messages for gettext but ships no catalogue; its modules bind ``_`` and
``ngettext`` at import, so the CLI points them at this table once at start-up.
"""

from __future__ import annotations

from types import ModuleType

_SINGULAR = {
    "Usage:": "Utilisation :",
    "Options": "Options",
    "Commands": "Commandes",
    "Show this message and exit.": "Afficher cette aide et quitter.",
    "Show the version and exit.": "Afficher la version et quitter.",
    "Error: {message}": "Erreur : {message}",
    "Try '{command} {option}' for help.": "Essayez « {command} {option} » pour l'aide.",
    "Missing argument": "Argument manquant",
    "Missing option": "Option manquante",
    "Missing parameter": "Paramètre manquant",
    "Missing command.": "Commande manquante.",
    "Missing {param_type}": "{param_type} manquant",
    "No such command {name!r}.": "Commande inconnue {name!r}.",
    "No such option {name!r}.": "Option inconnue {name!r}.",
    "Option {name!r} does not take a value.": "L'option {name!r} ne prend pas de valeur.",
    "Invalid value for {param_hint}: {message}": "Valeur invalide pour {param_hint} : {message}",
    "Invalid value: {message}": "Valeur invalide : {message}",
    "Aborted!": "Interrompu.",
    "default: {default}": "par défaut : {default}",
    "required": "obligatoire",
    "env var: {var}": "variable d'environnement : {var}",
    "Error: invalid input": "Erreur : réponse invalide",
    "{value} is not in the range {range}.": "{value} n'est pas dans l'intervalle {range}.",
    "{value!r} is not a valid {number_type}.": "{value!r} n'est pas un nombre valide.",
    "{name} {filename!r} does not exist.": "{name} {filename!r} introuvable.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} est un dossier.",
    "{name} {filename!r} is a file.": "{name} {filename!r} est un fichier.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} illisible.",
    "file": "fichier",
    "directory": "dossier",
    "path": "chemin",
    "%(prog)s, version %(version)s": "%(prog)s, version %(version)s",
}
_PLURAL = {
    "Got unexpected extra argument ({args})": ("Argument en trop ({args})",
                                               "Arguments en trop ({args})"),
    "Did you mean {possibility}?": ("Vouliez-vous dire {possibility} ?",
                                    "(Vouliez-vous dire : {possibilities} ?)"),
    "Option {name!r} requires an argument.": ("L'option {name!r} attend une valeur.",
                                              "L'option {name!r} attend {nargs} valeurs."),
    "{value!r} is not {choice}.": ("{value!r} n'est pas {choice}.",
                                   "{value!r} n'est pas parmi {choices}."),
}


def gettext(message: str) -> str:
    return _SINGULAR.get(message, message)


def ngettext(singular: str, plural: str, count: int) -> str:
    french = _PLURAL.get(singular)
    if french is None:
        return singular if count == 1 else plural
    return french[0] if count == 1 else french[1]


def install(*modules: ModuleType) -> None:
    """Point the given click modules' message functions at the French table."""
    for module in modules:
        if hasattr(module, "_"):
            module._ = gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]
