"""Reading and writing the YAML files a person edits, keeping line numbers for messages."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ecopole_kit.errors import InvalidDocuments, os_reason
from ecopole_kit.models import FieldPath, Issue

MAX_BYTES = 2 * 1024 * 1024
SCHEMA_COMMENT = "# yaml-language-server: $schema={url}\n"


class _Loader(yaml.SafeLoader):
    """Safe YAML where dates stay text: the schemas check their form, as a person typed it."""


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
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise _problem(name, None, f"fichier trop volumineux ({size} octets, au plus "
                           f"{MAX_BYTES} octets) ; ce n'est sans doute pas le bon fichier.")
        raw = path.read_bytes()
    except OSError as error:
        raise _problem(name, None, f"lecture impossible : {os_reason(error)}.") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise _problem(name, line, "le fichier n'est pas en UTF-8 ; enregistrez-le en UTF-8 "
                       "depuis votre éditeur.") from None


class _TolerantLoader(_Loader):
    """Reads any tag (mkdocs.yml may hold « !!python/name: » tags) to check syntax only."""


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def check_syntax(path: Path, name: str) -> Document:
    """Raise an issue with line and column if a YAML file is not well formed; else return it
    (tagged values read as None, their tags kept in the node tree)."""
    return parse_yaml(read_text(path, name), name, loader_class=_TolerantLoader)


def parse_yaml(text: str, name: str, *, loader_class: type[_Loader] = _Loader) -> Document:
    """Parse YAML text into a Document; syntax errors become issues with line and column."""
    loader = loader_class(text)
    try:
        root = loader.get_single_node()
        duplicates = list(_duplicate_keys(root, name)) if root is not None else []
        if duplicates:
            raise InvalidDocuments(issues=duplicates)
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        column = f", colonne {mark.column + 1}" if mark else ""
        reason = error.problem or error.context or "syntaxe invalide"
        raise _problem(name, line, f"YAML invalide{column} : {reason} ; vérifiez "
                       "l'indentation, les deux-points et les guillemets.") from None
    except yaml.YAMLError as error:
        raise _problem(name, None, f"YAML invalide : {error}") from None
    finally:
        loader.dispose()
    return Document(name=name, data=data, root=root)


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
