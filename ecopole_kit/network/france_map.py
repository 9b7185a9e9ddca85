"""The network's map: France drawn at build time from the shipped commune outlines
(``territory/outlines.py``), the overseas départements as insets, each Ecopôle's communes
tinted and a numbered marker on its territory, linked to its site. SVG only: no tiles, no
request. Départements are drawn as the outline of their communes taken together.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
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
_SITE_GROUP = "\0site"  # a site's commune with no outline of its own (Paris, Lyon, Marseille)


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
    x: float
    y: float
    title: str | None


def department_of(code: str) -> str:
    return code[:3] if code.startswith("97") else code[:2]


def frame_of(code: str) -> str | None:
    """The overseas département of a commune code, None for metropolitan France."""
    department = department_of(code)
    return department if department in dict(OVERSEAS) else None


def france_map_svg(outlines: Outlines, sites: Sequence[MapSite], label: str) -> str:
    """The map, as an SVG document whose markers are links (``<a href>``)."""
    frames = _frames(outlines, sites)
    width = INSET_COLUMN + MAIN_SIZE
    height = max(MAIN_SIZE, len(OVERSEAS) * (INSET_SIZE + INSET_GAP))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}" '
             f'role="group" aria-label="{_xml(label)}" class="carte-reseau" '
             f'font-family="sans-serif" font-size="11">', f"<title>{_xml(label)}</title>"]
    for frame in frames:
        parts += _frame_parts(frame, sites)
    return "\n".join([*parts, "</svg>"]) + "\n"


def _frames(outlines: Outlines, sites: Sequence[MapSite]) -> list[_Frame]:
    wanted = {code for site in sites for code in site.communes}
    frames = [_Frame(_shapes(outlines, None, wanted, MAIN_SIZE), INSET_COLUMN, 0.0, None)]
    for index, (department, name) in enumerate(OVERSEAS):
        y = index * (INSET_SIZE + INSET_GAP) + INSET_GAP
        frames.append(_Frame(_shapes(outlines, department, wanted, INSET_SIZE), 0.0, y, name))
    return frames


def _shapes(outlines: Outlines, frame: str | None, wanted: set[str], size: float) -> MapShapes:
    groups = {code: department_of(code) for code in outlines.communes if frame_of(code) == frame}
    groups.update({code: _SITE_GROUP for code in wanted
                   if frame_of(code) == frame and code not in groups})
    return map_shapes(outlines, groups, width=size, max_height=size, margin=2.0)


def _frame_parts(frame: _Frame, sites: Sequence[MapSite]) -> list[str]:
    shapes = frame.shapes
    parts = [f'<g transform="translate({frame.x:g},{frame.y:g})">']
    if frame.title:
        parts += [f'<rect x="0" y="0" width="{INSET_SIZE:g}" height="{INSET_SIZE:g}" '
                  'fill="none" stroke="#b0b0b0"/>',
                  f'<text x="0" y="-6" fill="#1a1a1a">{_xml(frame.title)}</text>']
    lines = [ring for group, rings in shapes.boundaries.items() if group != _SITE_GROUP
             for ring in rings]
    parts.append(f'<path class="departements" fill="#f4f4f4" stroke="#8a8a8a" '
                 f'stroke-width="0.5" stroke-linejoin="round" d="{path_data(lines)}"/>')
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
