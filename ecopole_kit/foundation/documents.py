"""Reading and writing the YAML files a person edits, keeping line numbers for messages."""

from __future__ import annotations

import itertools
import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ecopole_kit.errors import InvalidDocuments, os_reason
from ecopole_kit.foundation.french import format_number
from ecopole_kit.models import FieldPath, Issue

MAX_BYTES = 2 * 1024 * 1024
# Limits checked while the node tree is composed, before any value is built: an alias bomb
# (a few hundred bytes expanding to billions of values) or a deep nesting is refused early.
MAX_DEPTH = 50  # lists and blocks inside one another; a real file stays under 10
MAX_VALUES = 100_000  # values in a document once aliases are expanded; real files hold < 5 000
MAX_INT_DIGITS = 18  # an integer of more digits is a code typed without quotes, or a slip
MAX_SHOWN_CHARACTERS = 10
SCHEMA_COMMENT = "# yaml-language-server: $schema={url}\n"
# Characters a person cannot see, often pasted from a word processor: C0 and C1 controls
# (except tab and line breaks), DEL, the Unicode line and paragraph separators, and what
# YAML refuses besides. U+0085 and U+2028 would also shift YAML's line numbers.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029"
                        "\ud800-\udfff\ufffe\uffff]")
_CHARACTER_NAMES = {"\x85": "passage à la ligne NEL", "\u2028": "séparateur de ligne",
                    "\u2029": "séparateur de paragraphe", "\x7f": "suppression (DEL)",
                    "\x00": "caractère nul"}
_INT_TAG = "tag:yaml.org,2002:int"


class _Refused(yaml.composer.ComposerError):
    """A document beyond the limits; its message is French and complete."""


class _Unreadable(_Refused):
    """A value its explicit tag cannot build (« !!float abc »)."""


def _base_loader() -> type[yaml.SafeLoader]:
    """libyaml's parser (C), when PyYAML was built with it, under PyYAML's own composer
    (Python), which the limits below hook into: the events come ten times faster, the
    checks stay. Else PyYAML's safe loader, all in Python."""
    try:
        from yaml.cyaml import CParser  # type: ignore[attr-defined]
    except ImportError:  # pragma: no cover - PyYAML built without libyaml
        return yaml.SafeLoader

    class Base(yaml.composer.Composer, CParser, yaml.constructor.SafeConstructor,
               yaml.resolver.Resolver):
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)

    return Base  # type: ignore[return-value]  # the safe loader's interface


if TYPE_CHECKING:
    _Base = yaml.SafeLoader
else:
    _Base = _base_loader()


class _Loader(_Base):
    """Safe YAML where dates stay text (the schemas check their form, as a person typed it),
    composed within limits of depth, expanded size and integer length."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._values = 0
        self._sizes: dict[int, int] = {}  # id(node) -> values once its aliases are expanded

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event: yaml.Event = self.peek_event()  # type: ignore[no-untyped-call]
        mark: Any = event.start_mark
        if self.check_event(yaml.AliasEvent):
            return self._alias(parent, index, getattr(event, "anchor", ""), mark)
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _Refused(None, None, f"imbrication trop profonde (plus de {MAX_DEPTH} "
                           "niveaux de listes ou de blocs) ; simplifiez la structure.", mark)
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if isinstance(node, yaml.ScalarNode) and node.tag == _INT_TAG:
            _check_integer(str(node.value), mark)
        self._sizes[id(node)] = 1 + sum(self._sizes[id(child)] for child in _children(node))
        self._count(1, mark, alias=False)
        return node

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, LookupError, AttributeError, ArithmeticError):
            tag = str(node.tag).removeprefix("tag:yaml.org,2002:")
            raise _Unreadable(None, None, f"« {_short(node.value)} » ne peut pas être lu "
                              f"comme « !!{tag} » ; retirez l'étiquette « !!{tag} » ou "
                              "corrigez la valeur.", node.start_mark) from None

    def _alias(self, parent: yaml.Node | None, index: int, anchor: str, mark: Any) -> yaml.Node:
        node = super().compose_node(parent, index)
        size = self._sizes.get(id(node))
        if node is None or size is None:
            raise _Refused(None, None, f"l'alias « *{anchor} » est placé à l'intérieur de sa "
                           f"propre ancre (&{anchor}) ; une valeur ne peut pas se contenir "
                           "elle-même.", mark)
        self._count(size, mark, alias=True)
        return node

    def _count(self, values: int, mark: yaml.Mark, *, alias: bool) -> None:
        self._values += values
        if self._values > MAX_VALUES:
            limit = format_number(MAX_VALUES)
            raise _Refused(None, None, (
                f"document trop grand une fois les alias (*nom) développés (plus de {limit} "
                "valeurs) ; écrivez les valeurs sans ancre (&nom) ni alias." if alias else
                f"document trop grand (plus de {limit} valeurs) ; ce n'est sans doute pas le "
                "bon fichier."), mark)


def _children(node: yaml.Node | None) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [child for pair in node.value for child in pair]
    return []


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 24 else text[:20] + "…"


def _check_integer(text: str, mark: yaml.Mark) -> None:
    digits = sum(character.isalnum() for character in text)
    if digits > MAX_INT_DIGITS:
        raise _Refused(None, None, f"nombre entier trop long (« {_short(text)} », plus de "
                       f"{MAX_INT_DIGITS} chiffres) ; vérifiez la valeur, ou mettez-la entre "
                       "guillemets si c'est un code.", mark)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class Document:
    """A parsed YAML file and the node tree that knows where each value stands."""

    name: str
    data: Any
    root: yaml.Node | None

    def line_of(self, path: Sequence[str | int]) -> int | None:
        """Line (1-based) of the value at ``path``, or of its nearest existing parent."""
        node = self.root
        if node is None:
            return None
        line = node.start_mark.line + 1
        for part in path:
            child = _child(node, part)
            if child is None:
                break
            node = child
            line = node.start_mark.line + 1
        return line

    def key_line(self, path: Sequence[str | int], key: str) -> int | None:
        """Line of a mapping key (used for keys that should not be there)."""
        node = self.root
        for part in path:
            node = _child(node, part) if node is not None else None
        if isinstance(node, yaml.MappingNode):
            for key_node, _ in node.value:
                if key_node.value == key:
                    return int(key_node.start_mark.line) + 1
        return self.line_of(path)


def _child(node: yaml.Node, part: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == str(part):
                found: yaml.Node = value_node
                return found
    elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) \
            and 0 <= part < len(node.value):
        item: yaml.Node = node.value[part]
        return item
    return None


def _problem(name: str, line: int | None, message: str) -> InvalidDocuments:
    return InvalidDocuments(issues=[Issue(name, line, (), message)])


def read_text(path: Path, name: str | None = None) -> str:
    """Read a text file a person wrote, turning every OS or encoding failure into a French issue."""
    name = name or str(path)
    try:
        if not path.exists():
            raise _problem(name, None, "fichier introuvable ; vérifiez le chemin.")
        if path.is_dir():
            raise _problem(name, None, "c'est un dossier, un fichier était attendu.")
        if not path.is_file():  # a FIFO would block, /dev/zero never end
            raise _problem(name, None, "ce n'est pas un fichier ordinaire (périphérique, tube "
                           "ou socket) ; indiquez un fichier texte.")
        raw = _read_at_most(path, MAX_BYTES)
        if len(raw) > MAX_BYTES:
            raise _problem(name, None, f"fichier trop volumineux (plus de {MAX_BYTES} octets) ; "
                           "ce n'est sans doute pas le bon fichier.")
    except OSError as error:
        raise _problem(name, None, f"lecture impossible : {os_reason(error)}.") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise _problem(name, line, "le fichier n'est pas en UTF-8 ; enregistrez-le en UTF-8 "
                       "depuis votre éditeur.") from None


_YAML_REASONS = (  # YAML's English reasons (libyaml's, or PyYAML's), as a French editor says them
    (re.compile(r"mapping values are not allowed (?:here|in this context)"),
     "deux-points inattendu (une valeur contenant « : » se met entre guillemets)"),
    (re.compile(r"found character '\\t' that cannot start any token|found a tab character"),
     "tabulation interdite : indentez avec des espaces"),
    (re.compile(r"found character '(.)' that cannot start any token"),
     "le caractère « {0} » ne peut pas commencer une valeur : mettez-la entre guillemets"),
    (re.compile(r"expected ',' or '\]'"), "liste entre crochets non fermée (« ] »)"),
    (re.compile(r"expected ',' or '\}'"), "ensemble entre accolades non fermé (« } »)"),
    (re.compile(r"found unexpected end of stream"), "guillemets ouverts et jamais fermés"),
    (re.compile(r"found undefined alias '(.+)'"), "alias « *{0} » sans ancre « &{0} » définie"),
    (re.compile(r"expected <block end>, but found|did not find expected (?:key|'-' indicator)"),
     "élément mal aligné : les éléments d'une liste ou d'un bloc ont la même indentation"),
    (re.compile(r"could not find expected ':'"), "deux-points « : » manquant après une clé"),
)


def _french_reason(reason: str) -> str:
    for pattern, french in _YAML_REASONS:
        found = pattern.search(reason)
        if found:
            return french.replace("{0}", found.group(1)) if found.groups() else french
    return "syntaxe invalide"


def _reason(error: yaml.MarkedYAMLError, text: str) -> str:
    """The error's reason; libyaml does not name the character no token can start with:
    it is read from the text, where the error points."""
    reason = error.problem or error.context or ""
    mark = error.problem_mark
    if reason == "found character that cannot start any token" and mark is not None:
        line = text.split("\n")[mark.line] if mark.line < text.count("\n") + 1 else ""
        character = line[mark.column] if mark.column < len(line) else ""
        reason = f"found character {character!r} that cannot start any token"
    return reason


def _read_at_most(path: Path, limit: int) -> bytes:
    """At most ``limit + 1`` bytes, without blocking on a file that changed kind meanwhile."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(descriptor, "rb") as stream:
        return stream.read(limit + 1)


class _TolerantLoader(_Loader):
    """Reads any tag (mkdocs.yml may hold « !!python/name: » tags) to check syntax only."""


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def check_syntax(path: Path, name: str) -> Document:
    """Raise an issue with line and column if a YAML file is not well formed; else return it
    (tagged values read as None, their tags kept in the node tree)."""
    return parse_yaml(read_text(path, name), name, loader_class=_TolerantLoader)


def parse_yaml(text: str, name: str, *, loader_class: type[_Loader] = _Loader) -> Document:
    """Parse YAML text into a Document; syntax errors and limits become issues with line and
    column."""
    _check_text(text, name)
    loader = loader_class(text)
    try:
        root = loader.get_single_node()
        duplicates = list(_duplicate_keys(root, name)) if root is not None else []
        if duplicates:
            raise InvalidDocuments(issues=duplicates)
        data = loader.construct_document(root) if root is not None else None
    except _Unreadable as error:
        line, column = _where(error)
        raise _problem(name, line, f"valeur illisible{column} : {error.problem}") from None
    except _Refused as error:
        line, column = _where(error)
        raise _problem(name, line, f"limite dépassée{column} : {error.problem}") from None
    except yaml.MarkedYAMLError as error:
        line, column = _where(error)
        reason = _french_reason(_reason(error, text))
        raise _problem(name, line, f"YAML invalide{column} : {reason} ; vérifiez "
                       "l'indentation, les deux-points et les guillemets.") from None
    except yaml.YAMLError as error:
        raise _problem(name, None, f"YAML invalide : {error}") from None
    finally:
        loader.dispose()
    return Document(name=name, data=data, root=root)


def _where(error: yaml.MarkedYAMLError) -> tuple[int | None, str]:
    """The line of a YAML error, and ", colonne N" to follow the message's first words."""
    mark = error.problem_mark or error.context_mark
    if mark is None:
        return None, ""
    return mark.line + 1, f", colonne {mark.column + 1}"


def _check_text(text: str, name: str) -> None:
    """Refuse a text too long, or holding characters a person cannot see, before YAML."""
    if len(text) > MAX_BYTES:
        raise _problem(name, None, f"texte trop long ({format_number(len(text))} caractères, "
                       f"au plus {format_number(MAX_BYTES)}) ; ce n'est sans doute pas le bon "
                       "fichier.")
    matches = itertools.islice(_FORBIDDEN.finditer(text), MAX_SHOWN_CHARACTERS)
    found = [_forbidden(text, match.start(), name) for match in matches]
    if found:
        raise InvalidDocuments(issues=found)


def _forbidden(text: str, position: int, name: str) -> Issue:
    character = text[position]
    line_start = text.rfind("\n", 0, position) + 1
    label = _CHARACTER_NAMES.get(character, "caractère de contrôle")
    return Issue(name, text.count("\n", 0, position) + 1, (),
                 f"caractère invisible interdit, colonne {position - line_start + 1} : "
                 f"{label} (U+{ord(character):04X}), souvent collé depuis un traitement de "
                 "texte ; supprimez-le (retapez le texte à cet endroit, ou un vrai retour à la "
                 "ligne si c'en était un).")


def _duplicate_keys(node: yaml.Node, name: str, trail: FieldPath = ()) -> Iterator[Issue]:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            here = (*trail, key)
            if key in seen:
                yield Issue(name, key_node.start_mark.line + 1, here,
                            "clé en double ; gardez une seule occurrence.")
            seen.add(key)
            yield from _duplicate_keys(value_node, name, here)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _duplicate_keys(item, name, (*trail, index))


def load_yaml(path: Path, name: str | None = None) -> Document:
    """Read and parse a YAML file a person edits."""
    display = name or str(path)
    return parse_yaml(read_text(path, display), display)


def dump_yaml(data: Any, *, schema_url: str | None = None, header: str = "") -> str:
    """Serialise data as readable YAML (UTF-8, key order kept), with an optional schema line."""
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=88,
                          default_flow_style=False)
    lines = SCHEMA_COMMENT.format(url=schema_url) if schema_url else ""
    return lines + header + text


def write_text_atomic(path: Path, text: str) -> None:
    """Write a text file through a temporary sibling so a crash never leaves half a file."""
    write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write a file through a temporary sibling so a crash never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
