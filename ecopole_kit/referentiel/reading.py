"""How the référentiel's files are read: checked the first time a content is seen, trusted
after.

A référentiel is checked in full (YAML with line numbers, its schemas, French issues
``file:line: field: message``) when its content hash is new: a changed or hand-edited
référentiel always is. Once checked, the hash is remembered in the kit's cache
(``foundation/cache.py``) and the same content is then read with libyaml's C loader and no
schema pass, which is about ten times faster. The hash covers every file of the
référentiel, the schemas that check it and the kit's version.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml

from ecopole_kit import __version__
from ecopole_kit.foundation import cache
from ecopole_kit.foundation.documents import Document, load_yaml, read_text
from ecopole_kit.foundation.resources import schema_path
from ecopole_kit.foundation.validation import validate_document
from ecopole_kit.models import Issue

CACHE_KIND = "referentiel-verifie"
SCHEMAS = ("fiche", "referentiel-fonctions", "glossaire", "changelog")
_BASE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _TrustedLoader(_BASE_LOADER):  # type: ignore[misc,valid-type]
    """libyaml's safe loader (when built), dates kept as text as the checked loader does."""


_TrustedLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def digest(base: Path) -> str:
    """The content hash of a référentiel folder, its schemas and the kit's version."""
    sha = hashlib.sha256(__version__.encode())
    files = sorted(p for p in base.rglob("*") if p.is_file())
    for path in [*files, *(schema_path(name) for name in SCHEMAS)]:
        sha.update(str(path.relative_to(path.parents[1])).encode() + b"\0")
        sha.update(path.read_bytes() + b"\0")
    return sha.hexdigest()


@dataclass(frozen=True)
class Reader:
    """Reads one file of a référentiel: checked (with issues) or trusted (already checked)."""

    trusted: bool

    def read(self, path: Path, name: str, schema: str) -> tuple[Document, list[Issue]]:
        if self.trusted:
            data = yaml.load(read_text(path, name), Loader=_TrustedLoader)
            return Document(name=name, data=data, root=None), []
        document = load_yaml(path, name)
        return document, validate_document(document, schema)


def reader_for(base: Path) -> tuple[Reader, str]:
    """The reader for a référentiel folder, and its hash (to remember once it is checked)."""
    key = digest(base)
    return Reader(trusted=cache.seen(CACHE_KIND, key)), key


def remember_checked(key: str) -> None:
    cache.remember(CACHE_KIND, key)
