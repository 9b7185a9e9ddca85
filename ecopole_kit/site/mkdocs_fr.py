"""mkdocs' own warnings and errors, said in French with what to do.

mkdocs writes English lines (« WARNING - Doc file 'x.md' contains a link … »); the staff see
each known one translated, the page or key it names kept; a line no pattern knows is still
introduced in French, its English detail quoted once.
"""

from __future__ import annotations

import re
from collections.abc import Callable

Translation = Callable[[re.Match[str]], str]
_TYPES: dict[str, str] = {
    "bool": "oui ou non (true / false)", "str": "un texte", "int": "un nombre entier",
    "list": "une liste", "dict": "un ensemble de clés"}
_LEVEL = re.compile(r"^(WARNING|ERROR|INFO)\s*-\s*")
_TRANSLATIONS: tuple[tuple[re.Pattern[str], Translation], ...] = (
    (re.compile(r"Doc file '(.+?)' contains a link '(.+?)', but the target (?:'.+?' )?is not "
                r"found among documentation files\."),
     lambda m: f"docs/{m[1]} : le lien « {m[2]} » mène à un fichier qui n'existe pas ; "
               "corrigez le lien ou ajoutez le fichier."),
    (re.compile(r"Doc file '(.+?)' contains a link '(.+?)', but the doc '(.+?)' does not "
                r"contain an anchor '(.+?)'\."),
     lambda m: f"docs/{m[1]} : le lien « {m[2]} » vise l'ancre « {m[4]} », absente de "
               f"{m[3]} ; corrigez l'ancre (le titre visé, en minuscules, avec des tirets)."),
    (re.compile(r"Doc file '(.+?)' contains a link to '(.+?)' which is not found"),
     lambda m: f"docs/{m[1]} : le lien vers « {m[2]} » ne mène à rien ; corrigez-le."),
    (re.compile(r"Config value '(.+?)': Unrecognised theme name: '(.+?)'"),
     lambda m: f"mkdocs.yml : thème « {m[2]} » inconnu ; gardez « name: material »."),
    (re.compile(r"Config value '(.+?)': Failed to load extension '(.+?)'"),
     lambda m: f"mkdocs.yml : {m[1]} : l'extension Markdown « {m[2]} » est introuvable ; "
               "vérifiez son nom, ou installez le paquet qui la fournit."),
    (re.compile(r"Config value '(.+?)': The \"(.+?)\" plugin is not installed"),
     lambda m: f"mkdocs.yml : {m[1]} : l'extension de site (plugin) « {m[2]} » n'est pas "
               "installée ; retirez-la ou installez son paquet."),
    (re.compile(r"Config value '(.+?)': Expected type: <class '(\w+)'> but received: "
                r"<class '(\w+)'>"),
     lambda m: f"mkdocs.yml : {m[1]} : {_TYPES.get(m[2], m[2])} attendu, "
               f"{_TYPES.get(m[3], m[3])} trouvé."),
    (re.compile(r"Config value '(.+?)': (.+)"),
     lambda m: f"mkdocs.yml : {m[1]} : valeur refusée par mkdocs ; détail (en anglais) : "
               f"« {m[2]} »."),
)
_NOISE = re.compile(r"^(Aborted with .*|Error: Aborted.*)$")


def translated(output: str) -> str:
    """Every warning or error line of mkdocs' output, in French, in order."""
    lines = [_line(_LEVEL.sub("", raw).strip()) for raw in output.splitlines()
             if _LEVEL.match(raw) and not raw.startswith("INFO")]
    return "\n".join(f"- {line}" for line in lines) or _unknown(output)


def _line(text: str) -> str:
    for pattern, say in _TRANSLATIONS:
        found = pattern.search(text)
        if found:
            return say(found)
    return f"mkdocs signale un problème ; détail (en anglais) : « {text} »."


def _unknown(output: str) -> str:
    last = next((line.strip() for line in reversed(output.splitlines())
                 if line.strip() and not _NOISE.match(line.strip())), "")
    detail = f" ; dernier message (en anglais) : « {last} »" if last else ""
    return f"- mkdocs s'est arrêté sans dire pourquoi{detail}."
