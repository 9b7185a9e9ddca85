"""The network's map: France drawn at build time from the shipped commune outlines
(``territory/outlines.py``), the overseas départements as insets, each Ecopôle's communes
tinted and a numbered marker on its territory, linked to its site. SVG only: no tiles, no
request. Départements are drawn as the outline of their communes taken together.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ecopole_kit.territory.outlines import MapShapes, Outlines, Ring, map_shapes

MAIN_SIZE = 560.0
INSET_SIZE = 96.0
INSET_GAP = 22.0  # room for each inset's name above it
INSET_COLUMN = INSET_SIZE + 16.0
# The overseas départements, as insets beside metropolitan France (frame None).
OVERSEAS = (("971", "Guadeloupe"), ("972", "Martinique"), ("973", "Guyane"),
            ("974", "La Réunion"), ("976", "Mayotte"))
TERRITORY_FILL = "#9fd5b3"
MARKER_FILL = "#1b5e20"
_SITE_GROUP = "\0site"  # the sites' communes, drawn in the plane their frame's edges fix
_EDGE_GROUP = "\0bords"


@dataclass(frozen=True)
class MapSite:
    """One Ecopôle on the map: its number, its name, where it links and its communes."""

    number: int
    name: str
    href: str
    communes: tuple[str, ...]


@dataclass(frozen=True)
class _Frame:
    shapes: MapShapes
    paths: str
    x: float
    y: float
    title: str | None


def department_of(code: str) -> str:
    return code[:3] if code.startswith("97") else code[:2]


def frame_of(code: str) -> str | None:
    """The overseas département of a commune code, None for metropolitan France."""
    department = department_of(code)
    return department if department in dict(OVERSEAS) else None


@dataclass(frozen=True)
class FrameBase:
    """What a frame draws whatever the sites: its départements' outlines, and the communes
    at its four edges, which fix its projection (so a few communes give the same plane)."""

    paths: str
    edges: tuple[str, ...]


METROPOLE = "metropole"


def frame_keys() -> tuple[str, ...]:
    return (METROPOLE, *(department for department, _ in OVERSEAS))


def frame_bases(outlines: Outlines) -> dict[str, FrameBase]:
    """Every frame's base (a few seconds over all communes: the dashboard keeps it)."""
    return {key: _base(outlines, None if key == METROPOLE else key,
                       MAIN_SIZE if key == METROPOLE else INSET_SIZE) for key in frame_keys()}


def _base(outlines: Outlines, frame: str | None, size: float) -> FrameBase:
    groups = {code: department_of(code) for code in outlines.communes if frame_of(code) == frame}
    shapes = map_shapes(outlines, groups, width=size, max_height=size, margin=2.0)
    lines = [ring for rings in shapes.boundaries.values() for ring in rings]
    return FrameBase(path_data(lines), _edges(outlines, groups))


def _edges(outlines: Outlines, codes: Iterable[str]) -> tuple[str, ...]:
    """The communes reaching furthest west, east, south and north."""
    extent: dict[str, tuple[int, int, int, int]] = {}
    for code in codes:
        points = [p for ring in outlines.grid_rings(code) or [] for p in ring]
        if points:
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            extent[code] = (min(xs), -max(xs), min(ys), -max(ys))
    return tuple(dict.fromkeys(min(extent, key=lambda code: extent[code][side])
                               for side in range(4) if extent))


def france_map_svg(outlines: Outlines, sites: Sequence[MapSite], label: str,
                   bases: Mapping[str, FrameBase] | None = None) -> str:
    """The map, as an SVG document whose markers are links (``<a href>``)."""
    frames = _frames(outlines, sites, bases or frame_bases(outlines))
    width = INSET_COLUMN + MAIN_SIZE
    height = max(MAIN_SIZE, len(OVERSEAS) * (INSET_SIZE + INSET_GAP))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}" '
             f'role="group" aria-label="{_xml(label)}" class="carte-reseau" '
             f'font-family="sans-serif" font-size="11">', f"<title>{_xml(label)}</title>"]
    for frame in frames:
        parts += _frame_parts(frame, sites)
    return "\n".join([*parts, "</svg>"]) + "\n"


def _frames(outlines: Outlines, sites: Sequence[MapSite],
            bases: Mapping[str, FrameBase]) -> list[_Frame]:
    wanted = {code for site in sites for code in site.communes}
    frames = [_Frame(_shapes(outlines, None, wanted, bases[METROPOLE], MAIN_SIZE),
                     bases[METROPOLE].paths, INSET_COLUMN, 0.0, None)]
    for index, (department, name) in enumerate(OVERSEAS):
        y = index * (INSET_SIZE + INSET_GAP) + INSET_GAP
        base = bases[department]
        frames.append(_Frame(_shapes(outlines, department, wanted, base, INSET_SIZE),
                             base.paths, 0.0, y, name))
    return frames


def _shapes(outlines: Outlines, frame: str | None, wanted: set[str], base: FrameBase,
            size: float) -> MapShapes:
    """The sites' communes of a frame in its plane, with its edge communes to fix it."""
    groups = {code: _SITE_GROUP for code in wanted if frame_of(code) == frame}
    groups.update({code: _EDGE_GROUP for code in base.edges if code not in groups})
    return map_shapes(outlines, groups, width=size, max_height=size, margin=2.0)


def _frame_parts(frame: _Frame, sites: Sequence[MapSite]) -> list[str]:
    shapes = frame.shapes
    parts = [f'<g transform="translate({frame.x:g},{frame.y:g})">']
    if frame.title:
        parts += [f'<rect x="0" y="0" width="{INSET_SIZE:g}" height="{INSET_SIZE:g}" '
                  'fill="none" stroke="#b0b0b0"/>',
                  f'<text x="0" y="-6" fill="#1a1a1a">{_xml(frame.title)}</text>']
    parts.append(f'<path class="departements" fill="#f4f4f4" stroke="#8a8a8a" '
                 f'stroke-width="0.5" stroke-linejoin="round" d="{frame.paths}"/>')
    for site in sites:
        parts += _site_parts(shapes, site)
    parts.append("</g>")
    return parts


def _site_parts(shapes: MapShapes, site: MapSite) -> list[str]:
    rings = [ring for code in site.communes for ring in shapes.communes.get(code, ())]
    if not rings:
        return []
    xs = [x for ring in rings for x, _ in ring]
    ys = [y for ring in rings for _, y in ring]
    x, y = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    name = _xml(f"{site.number}. {site.name}")
    return [f'<path class="territoire" fill="{TERRITORY_FILL}" stroke="none" '
            f'fill-rule="evenodd" d="{path_data(rings, closed=True)}"/>',
            f'<a href="{_xml(site.href)}" aria-label="{name}"><title>{name}</title>'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="8" fill="{MARKER_FILL}" stroke="#ffffff" '
            f'stroke-width="1.5"/><text x="{x:.1f}" y="{y + 3.5:.1f}" text-anchor="middle" '
            f'fill="#ffffff" font-weight="bold">{site.number}</text></a>']


def placed(outlines: Outlines, communes: Sequence[str]) -> bool:
    """Whether at least one of a site's communes has an outline to place it by."""
    return any(outlines.grid_rings(code) is not None for code in communes)


def path_data(rings: Sequence[Ring], *, closed: bool = False) -> str:
    """SVG path data, points closer than half a unit to the previous one left out."""
    out = []
    for ring in rings:
        kept = [ring[0]]
        for point in ring[1:]:
            if abs(point[0] - kept[-1][0]) + abs(point[1] - kept[-1][1]) >= 0.5:
                kept.append(point)
        if len(kept) > 1:
            out.append("M" + "L".join(f"{x:g},{y:g}" for x, y in kept) + ("Z" if closed else ""))
    return "".join(out)


def _xml(text: str) -> str:
    return html.escape(text, quote=True)
