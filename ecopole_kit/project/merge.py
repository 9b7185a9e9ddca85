"""Three-way merge of one generated file: what the kit wrote (base), what the person has
(current), what the kit writes now (new). Pure: bytes in, a decision out.

Nothing a person wrote is lost: a file untouched is replaced, a file changed on one side
only keeps that side, a file changed on both sides is merged line by line (merge3); when
both changed the same lines, the person's file stays as it is and the kit's proposal (the
merge, with the kit's lines where they clash) is written beside it. Never a ``.rej`` file.
"""

from __future__ import annotations

from dataclasses import dataclass

import merge3

UNCHANGED = "inchangé"
UPDATED = "mis à jour"
MERGED = "fusionné"
CONFLICT = "conflit"
NEW = "nouveau"
DELETED_BY_YOU = "supprimé par vous"
REMOVED = "retiré par le kit"
KEPT = "conservé"  # no longer generated, but the person changed it
MIGRATED = "migré"  # only the référentiel's migrations changed it
PROPOSAL_SUFFIX = ".proposition-{version}"


@dataclass(frozen=True)
class Clash:
    """Lines of the person's file (1-based, inclusive) that the kit also changed."""

    first: int
    last: int


@dataclass(frozen=True)
class FileMerge:
    """What becomes of one file: its status, its content (None: absent), a proposal beside."""

    path: str
    status: str
    current: bytes | None
    content: bytes | None
    proposal: bytes | None = None
    clashes: tuple[Clash, ...] = ()

    @property
    def changes_file(self) -> bool:
        return self.content != self.current


def merge_file(path: str, base: bytes | None, current: bytes | None,
               new: bytes | None) -> FileMerge:
    """Decide one file; ``base`` is None when the kit never generated it (or not this way)."""
    if current is None:
        if base is not None:
            return FileMerge(path, DELETED_BY_YOU, None, None)
        return FileMerge(path, NEW, None, new)
    if new is None:
        if current == base:
            return FileMerge(path, REMOVED, current, None)
        return FileMerge(path, KEPT, current, current)
    if current == new:
        return FileMerge(path, UNCHANGED, current, current)
    if base is None:  # a file of the person's where the kit now writes one: never overwritten
        return FileMerge(path, CONFLICT, current, current, proposal=new)
    if current == base:
        return FileMerge(path, UPDATED, current, new)
    if new == base:
        return FileMerge(path, UNCHANGED, current, current)
    return _three_way(path, base, current, new)


def _lines(content: bytes) -> list[str] | None:
    try:
        return content.decode("utf-8").splitlines(keepends=True)
    except UnicodeDecodeError:
        return None


def _three_way(path: str, base: bytes, current: bytes, new: bytes) -> FileMerge:
    texts = [_lines(content) for content in (base, current, new)]
    if texts[0] is None or texts[1] is None or texts[2] is None:  # not text: no line merge
        return FileMerge(path, CONFLICT, current, current, proposal=new, clashes=())
    merged, clashes = merge_lines(texts[0], texts[1], texts[2])
    content = "".join(merged).encode("utf-8")
    if clashes:
        return FileMerge(path, CONFLICT, current, current, proposal=content, clashes=clashes)
    return FileMerge(path, MERGED, current, content)


def merge_lines(base: list[str], mine: list[str],
                theirs: list[str]) -> tuple[list[str], tuple[Clash, ...]]:
    """Merge line lists; where both changed the same lines, ``theirs`` wins and is reported."""
    merged: list[str] = []
    clashes: list[Clash] = []
    for region in merge3.Merge3(base, mine, theirs).merge_regions():
        if region[0] == "unchanged":
            merged.extend(base[region[1]:region[2]])
        elif region[0] in ("same", "a"):
            merged.extend(mine[region[1]:region[2]])
        elif region[0] == "b":
            merged.extend(theirs[region[1]:region[2]])
        elif region[0] == "conflict":  # zstart, zend, astart, aend, bstart, bend
            astart, aend, bstart, bend = region[3], region[4], region[5], region[6]
            merged.extend(theirs[bstart:bend])
            clashes.append(Clash(astart + 1, max(aend, astart + 1)))
    return merged, tuple(clashes)
