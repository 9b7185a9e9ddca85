"""Schema checks run once per content: a text that passed its schema is remembered, by the
hash of its content, of the schema and of the kit's version, in the kit's cache
(``foundation/cache.py``), and the same text is not checked again. A changed or hand-edited
file always is, and a text with problems is never remembered: its problems are said at every
run. jsonschema is imported only when a check runs (it costs more than the check itself).
"""

from __future__ import annotations

import hashlib
from functools import cache as cache_in_process

from ecopole_kit import __version__
from ecopole_kit.foundation import cache
from ecopole_kit.foundation.documents import Document
from ecopole_kit.foundation.resources import schema_path
from ecopole_kit.models import Issue

CHECKED_KIND = "contenus-verifies"


def digest(text: str, schema: str) -> str:
    """The hash of a text, the schema that checks it and the kit's version."""
    sha = hashlib.sha256(__version__.encode() + b"\0" + _schema_bytes(schema) + b"\0")
    sha.update(text.encode("utf-8"))
    return sha.hexdigest()


def passed_before(text: str, schema: str) -> bool:
    """Whether this very text passed this schema before (with this kit)."""
    return cache.seen(CHECKED_KIND, digest(text, schema))


def schema_issues(document: Document, text: str, schema: str, *,
                  remembered: bool = True) -> list[Issue]:
    """The schema problems of ``document``, parsed from ``text``: none when the same text
    passed before (unless ``remembered`` is false), else checked now (and remembered if it
    passes)."""
    key = digest(text, schema)
    if remembered and cache.seen(CHECKED_KIND, key):
        return []
    from ecopole_kit.foundation.validation import validate_document

    issues = validate_document(document, schema)
    if not issues:
        cache.remember(CHECKED_KIND, key)
    return issues


@cache_in_process
def _schema_bytes(schema: str) -> bytes:
    return schema_path(schema).read_bytes()
