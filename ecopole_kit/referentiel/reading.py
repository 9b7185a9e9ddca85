"""How the référentiel's files are read: each checked the first time its content is seen,
trusted after.

A file is checked in full (YAML with line numbers, its schema, French issues
``file:line: field: message``) when its content is new: a changed or hand-edited file always
is. Once it passed, the hash of its content (with its schema and the kit's version) is
remembered in the kit's cache (``foundation/cache.py``), and the same content is then read
with libyaml's C loader and no schema pass, about ten times faster. The checks across files
(identifiers, links, order of the versions) always run, on the data.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache as cache_in_process
from pathlib import Path

import yaml

from ecopole_kit import __version__
from ecopole_kit.foundation import cache
from ecopole_kit.foundation.documents import Document, parse_yaml, read_text
from ecopole_kit.foundation.resources import schema_path
from ecopole_kit.foundation.validation import validate_document
from ecopole_kit.models import Issue

CACHE_KIND = "referentiel-verifie"
_BASE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _TrustedLoader(_BASE_LOADER):  # type: ignore[misc,valid-type]
    """libyaml's safe loader (when built), dates kept as text as the checked loader does."""


_TrustedLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def digest(text: str, schema: str) -> str:
    """The hash of a file's content, the schema that checks it and the kit's version."""
    sha = hashlib.sha256(__version__.encode() + b"\0" + _schema_bytes(schema) + b"\0")
    sha.update(text.encode("utf-8"))
    return sha.hexdigest()


@cache_in_process
def _schema_bytes(schema: str) -> bytes:
    return schema_path(schema).read_bytes()


@dataclass(frozen=True)
class Reader:
    """Reads the files of a référentiel: checked, unless the same content passed before
    (``remembered``: false to check every file whatever the cache says)."""

    remembered: bool = True

    def read(self, path: Path, name: str, schema: str) -> tuple[Document, list[Issue]]:
        text = read_text(path, name)
        key = digest(text, schema)
        if self.remembered and cache.seen(CACHE_KIND, key):
            data = yaml.load(text, Loader=_TrustedLoader)
            return Document(name=name, data=data, root=None), []
        document = parse_yaml(text, name)
        issues = validate_document(document, schema)
        if not issues:
            cache.remember(CACHE_KIND, key)
        return document, issues
