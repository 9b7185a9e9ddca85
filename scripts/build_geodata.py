"""Build ecopole_kit/data/geographie.json.gz from the official French territorial data.

Source: npm package ``@etalab/decoupage-administratif`` version 6.0.0 (millésime 2026):
INSEE Code officiel géographique, DGCL list of EPCI, INSEE legal populations, La Poste
postal codes, assembled by Etalab. Package code under MIT, data under the Licence Ouverte.

Run from the repository root (needs ``npm`` and network access to the npm registry)::

    python scripts/build_geodata.py
    python scripts/build_geodata.py --from /tmp/etalab/package   # an unpacked copy, offline

The output is deterministic (sorted records, compact JSON, gzip with mtime 0), so a
rebuild from the same version gives a byte-identical file.

Choices (checked against version 6.0.0):

- communes: the 34,969 ``commune-actuelle`` and the 45 ``arrondissement-municipal`` of
  Paris, Lyon and Marseille (with their parent commune and its EPCI). Former communes
  (``commune-deleguee``, ``commune-associee``) are kept only as name aliases pointing to
  their current commune, and ``anciensCodes`` as code aliases: people still search for
  the village they know by its old name or code.
- population of a commune: its ``population`` field (INSEE legal population). Six
  uninhabited communes (TAAF, Clipperton) have none: stored as null.
- population of an EPCI: the sum of its member communes' ``population``. The
  ``populationMunicipale`` of epci.json comes from the DGCL file and another vintage
  (it differs from that sum for 1,246 of the 1,255 EPCI: 0.6 % on average, 5 % at most); summing the
  communes keeps an EPCI's figure equal to the total of the communes it lists.
- ``typeLiaison`` (the COG's TNCC: which article a name takes, 0 to 8) is kept for
  communes, départements and régions, as ``liaison``: the pages contract « au Havre »,
  « aux Abymes », « d'Audruicq » from it (``foundation/french.py``, ``LIAISON_ARTICLES``).
- EPCI types: ``METRO`` and ``MET69`` (Métropole de Lyon) are both written ``MET``.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

PACKAGE = "@etalab/decoupage-administratif"
VERSION = "6.0.0"
ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "ecopole_kit" / "data" / "geographie.json.gz"
MAX_BYTES = 3_000_000
EPCI_TYPES = {"CC": "CC", "CA": "CA", "CU": "CU", "METRO": "MET", "MET69": "MET"}
FORMAT = {
    "regions": ["code", "nom", "liaison"],
    "departements": ["code", "nom", "region", "zone", "liaison"],
    "communes": ["code", "nom", "departement", "region", "epci", "codes_postaux",
                 "population", "commune_parente", "liaison"],
    "epci": ["siren", "nom", "type", "communes", "population"],
    "anciennes_communes": ["code", "nom", "commune_actuelle"],
    "anciens_codes": ["code", "commune_actuelle"],
}

Raw = list[dict[str, Any]]


def fetch_package(workdir: Path) -> Path:
    """npm pack the pinned version into workdir and return its unpacked data folder."""
    subprocess.run(["npm", "pack", f"{PACKAGE}@{VERSION}", "--silent"],
                   cwd=workdir, check=True, stdout=subprocess.DEVNULL)
    tarball = next(workdir.glob("*.tgz"))
    with tarfile.open(tarball) as archive:
        archive.extractall(workdir, filter="data")
    return workdir / "package" / "data"


def read(data_dir: Path, name: str) -> Raw:
    records: Raw = json.loads((data_dir / f"{name}.json").read_text(encoding="utf-8"))
    return records


def epci_of_communes(epcis: Raw) -> dict[str, str]:
    return {member["code"]: epci["code"] for epci in epcis for member in epci["membres"]}


def build_communes(communes: Raw, epci_of: dict[str, str]) -> list[list[Any]]:
    rows = []
    for c in communes:
        if c["type"] not in ("commune-actuelle", "arrondissement-municipal"):
            continue
        parent = c.get("commune")
        epci = epci_of.get(parent or c["code"])
        rows.append([c["code"], c["nom"], c["departement"], c["region"], epci,
                     sorted(c.get("codesPostaux", [])), c.get("population"), parent,
                     c.get("typeLiaison", 0)])
    return sorted(rows)


def build_epcis(epcis: Raw, populations: dict[str, int | None]) -> list[list[Any]]:
    rows = []
    for e in epcis:
        members = sorted(m["code"] for m in e["membres"])
        total = sum(populations[code] or 0 for code in members)
        rows.append([e["code"], e["nom"], EPCI_TYPES[e["type"]], members, total])
    return sorted(rows)


def build_aliases(communes: Raw) -> tuple[list[list[Any]], list[list[Any]]]:
    """Former communes (by name) and former codes, each pointing to the current commune."""
    names = sorted({(c["code"], c["nom"], c["chefLieu"]) for c in communes
                    if c["type"] in ("commune-deleguee", "commune-associee")})
    codes = sorted({(old, c["code"]) for c in communes if c["type"] == "commune-actuelle"
                    for old in c.get("anciensCodes", []) if old != c["code"]})
    return [list(row) for row in names], [list(row) for row in codes]


def build(data_dir: Path) -> dict[str, Any]:
    communes, epcis = read(data_dir, "communes"), read(data_dir, "epci")
    commune_rows = build_communes(communes, epci_of_communes(epcis))
    populations = {row[0]: row[6] for row in commune_rows}
    former_names, former_codes = build_aliases(communes)
    return {
        "source": {"package": PACKAGE, "version": VERSION,
                   "licence": "MIT (paquet) ; données sous Licence Ouverte (Etalab)",
                   "producteur": "INSEE, Code officiel géographique, via Etalab"},
        "format": FORMAT,
        "regions": sorted([r["code"], r["nom"], r.get("typeLiaison", 0)]
                          for r in read(data_dir, "regions")),
        "departements": sorted([d["code"], d["nom"], d["region"], d["zone"],
                                d.get("typeLiaison", 0)]
                               for d in read(data_dir, "departements")),
        "communes": commune_rows,
        "epci": build_epcis(epcis, populations),
        "anciennes_communes": former_names,
        "anciens_codes": former_codes,
    }


def write(payload: dict[str, Any], output: Path) -> int:
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=buffer,
                       mtime=0) as gz:
        gz.write(text.encode("utf-8"))
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(buffer.getvalue())
    return len(buffer.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="source", type=Path,
                        help="dossier du paquet déjà décompressé (contenant data/)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = args.source / "data" if args.source else fetch_package(Path(tmp))
        payload = build(data_dir)
    size = write(payload, OUTPUT)
    counts = ", ".join(f"{len(payload[key])} {key}" for key in FORMAT)
    pretty = f"{size:_}".replace("_", " ")
    print(f"{OUTPUT.relative_to(ROOT)} : {pretty} octets ({counts})")
    if size > MAX_BYTES:
        raise SystemExit(f"Fichier trop gros : {size} octets (maximum {MAX_BYTES}).")


if __name__ == "__main__":
    main()
