"""Tables of 35 000 records read by part, when a record of that part is first asked for.

A build or a validation needs a few dozen communes; making all 35 000 records (and reading
all outlines) cost most of their loading time. The shipped data are therefore kept, in the
kit's cache, as one ``marshal`` blob per part (a département, by the code's first digits);
a part is decoded the first time one of its codes is asked for, and the whole table only
when it is walked through (a search index, a map of France). The search index's names
are likewise kept as one text (``NameLines``).
"""

from __future__ import annotations

import gc
import marshal
import threading
from bisect import bisect_right
from collections.abc import (
    Callable,
    ItemsView,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
    ValuesView,
)
from typing import Any, TypeVar

V = TypeVar("V")
Row = Sequence[Any]


def part_of(code: str) -> str:
    """The part a commune's code belongs to: its département's digits (« 2A », « 31 »,
    « 974 »); none (empty) for any other code, such as an EPCI's SIREN."""
    if len(code) != 5:
        return ""
    return code[:3] if code.startswith("97") else code[:2]


def split_rows(rows: Iterable[Row]) -> dict[str, bytes]:
    """Rows (each starting with its code) as one ``marshal`` blob per part, in their order."""
    parts: dict[str, list[tuple[Any, ...]]] = {}
    for row in rows:
        parts.setdefault(part_of(str(row[0])), []).append(tuple(row))
    return {part: marshal.dumps(found) for part, found in parts.items()}


class ChunkedTable(Mapping[str, V]):
    """A read-only mapping code → record over parts decoded when first needed (``make``
    turns a row into its record; the row's first item is its code); walking through it
    decodes every part, in the order the rows were given. Safe across threads (the
    requests' web server): a part is decoded once, under a lock."""

    def __init__(self, parts: Mapping[str, bytes], make: Callable[[Row], V]) -> None:
        self._parts = dict(parts)
        self._make = make
        self._decoded: dict[str, dict[str, V]] = {}
        self._all: dict[str, V] | None = None
        self._lock = threading.Lock()

    def __getitem__(self, code: str) -> V:
        if not isinstance(code, str):
            raise KeyError(code)
        return self._part(part_of(code))[code]

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self._part(part_of(code))

    def __iter__(self) -> Iterator[str]:
        return iter(self._whole())

    def __len__(self) -> int:
        return len(self._whole())

    def values(self) -> ValuesView[V]:  # the whole table's own, not a lookup per key
        return self._whole().values()

    def items(self) -> ItemsView[str, V]:
        return self._whole().items()

    @property
    def parts_read(self) -> frozenset[str]:
        """The parts decoded so far (a build reads those of its territory only)."""
        return frozenset(part for part in self._decoded if part in self._parts)

    def _part(self, part: str) -> dict[str, V]:
        found = self._decoded.get(part)
        if found is None:
            with self._lock:
                found = self._decoded.get(part)
                if found is None:
                    blob = self._parts.get(part)
                    rows = () if blob is None else marshal.loads(blob)
                    found = {str(row[0]): self._make(row) for row in rows}
                    self._decoded[part] = found
        return found

    def _whole(self) -> dict[str, V]:
        """Every record, in the rows' order (the garbage collector held off meanwhile: the
        records form no cycle)."""
        if self._all is None:
            enabled = gc.isenabled()
            gc.disable()
            try:
                self._all = {code: record for part in self._parts
                             for code, record in self._part(part).items()}
            finally:
                if enabled:
                    gc.enable()
        return self._all


class NameLines:
    """The names of the search index as one text, a name per line: finding the names that
    hold a fragment is then ``str.find`` in C (0.2 to 1.6 ms a query, where a Python loop
    over the 40 000 names took 3 to 6 ms)."""

    def __init__(self, names: Sequence[str]) -> None:
        self._names = names
        self._starts: list[int] = []
        position = 1
        for name in names:
            self._starts.append(position)
            position += len(name) + 1
        self._text = "\n" + "\n".join(names) + "\n"

    def holding(self, fragment: str, *, at_start: bool = False) -> list[int]:
        """The index of each name holding ``fragment`` (or starting with it), in order."""
        if not fragment:
            return list(range(len(self._names)))
        if "\n" in fragment:  # a name is one line
            return []
        needle, skip = ("\n" + fragment, 1) if at_start else (fragment, 0)
        found: list[int] = []
        at = self._text.find(needle)
        while at != -1:
            found.append(bisect_right(self._starts, at + skip) - 1)
            # on from the end of that name: each name is found once
            at = self._text.find(needle, self._starts[found[-1]] + len(self._names[found[-1]]))
        return found
