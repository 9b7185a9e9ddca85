"""How the référentiel's files are read: each checked the first time its content is seen,
trusted after.

A file is checked in full (YAML with line numbers, its schema, French issues
``file:line: field: message``) when its content is new: a changed or hand-edited file always
is. Once it passed, the hash of its content (with its schema and the kit's version) is
remembered in the kit's cache (``foundation/checked.py``), and the same content is then read
with libyaml's C loader and no schema pass, about ten times faster, its data kept in the
cache too. The checks across files (identifiers, links, order of the versions) always run,
on the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ecopole_kit.foundation import cache, checked
from ecopole_kit.foundation.documents import Document, parse_yaml, read_text
from ecopole_kit.models import Issue

_BASE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _TrustedLoader(_BASE_LOADER):  # type: ignore[misc,valid-type]
    """libyaml's safe loader (when built), dates kept as text as the checked loader does."""


_TrustedLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class Reader:
    """Reads the files of a référentiel: checked, unless the same content passed before
    (``remembered``: false to check every file whatever the cache says)."""

    remembered: bool = True

    def read(self, path: Path, name: str, schema: str) -> tuple[Document, list[Issue]]:
        text = read_text(path, name)
        if self.remembered and checked.passed_before(text, schema):
            return Document(name=name, data=_trusted(text), root=None), []
        document = parse_yaml(text, name)
        return document, checked.schema_issues(document, text, schema,
                                               remembered=self.remembered)


def _trusted(text: str) -> Any:
    """A checked text's data: read by libyaml once, then from the kit's cache."""
    return cache.decoded("referentiel-lu", text.encode("utf-8"),
                         lambda raw: yaml.load(raw.decode("utf-8"), Loader=_TrustedLoader),
                         form=Path(__file__).read_bytes())
