"""The network's dashboard: every site's summary read (as data), the pages rendered
(``network/pages.py``) and built by the site engine into ``site/`` beside reseau.yaml.

It is built again only when reseau.yaml, a summary or the kit changed (a stamp in the
network's ``.ecopole/``), so a rerun with nothing changed is near instant.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ecopole_kit import __version__
from ecopole_kit.errors import EcopoleError, InvalidDocuments
from ecopole_kit.foundation.documents import write_text_atomic
from ecopole_kit.foundation.folders import refuse_linked_folder
from ecopole_kit.foundation.resources import shipped_file
from ecopole_kit.network.france_map import FrameBase, frame_bases, frame_keys
from ecopole_kit.network.pages import Release, SiteRow, render_dashboard
from ecopole_kit.network.reseau import Network, SiteEntry
from ecopole_kit.network.summary import SiteSummary, read_summary
from ecopole_kit.referentiel.content import Referentiel
from ecopole_kit.referentiel.release import REFERENTIEL_RELEASE
from ecopole_kit.site import engine
from ecopole_kit.territory.outlines import Outlines, load_outlines

STAMP_FILE = "tableau.json"  # inside the network's .ecopole/
BASE_FILE = "carte-france.json"  # inside the network's .ecopole/: the map's départements
_PATH_DATA = re.compile(r"^[MLZ0-9.,-]*$")
_CODE = re.compile(r"^[0-9AB]{5}$")
WORK_DIR = "build"  # inside the network's .ecopole/
DASHBOARD_COPYRIGHT = ("Contours des communes : IGN, ADMIN EXPRESS COG (Licence Ouverte). "
                       "Tableau de bord produit par ecopole-kit.")
NETWORK_ASSETS = {
    "assets/stylesheets/reseau.css": ("network", "assets", "reseau.css"),
    "assets/javascripts/tableaux.js": ("network", "assets", "tableaux.js"),
    "assets/javascripts/tablesort.min.js": ("network", "vendor", "tablesort", "tablesort.min.js"),
    "assets/javascripts/tablesort.number.min.js": ("network", "vendor", "tablesort",
                                                   "tablesort.number.min.js"),
    "assets/javascripts/tablesort-LICENCE.txt": ("network", "vendor", "tablesort", "LICENCE"),
}


@dataclass(frozen=True)
class DashboardResult:
    """Where the dashboard is, whether it was built again, and each site's problems."""

    index: Path
    rebuilt: bool
    problems: tuple[tuple[str, tuple[str, ...]], ...]


def build_dashboard(network: Network, referentiel: Callable[[], Referentiel], *,
                    force: bool = False) -> DashboardResult:
    """Read every summary, then build the dashboard unless nothing it shows changed."""
    refuse_linked_folder(network.record_dir)
    rows, problems = site_rows(network)
    index = network.site_dir / "index.html"
    inputs = _fingerprint(network, rows)
    if not force and index.is_file() and _stamped(network) == inputs:
        return DashboardResult(index, False, problems)
    outlines = load_outlines()
    rendered = render_dashboard(network.nom, rows, referentiel(), outlines,
                                Release(kit=__version__, referentiel=REFERENTIEL_RELEASE),
                                map_bases(network, outlines))
    sources = engine.SiteSources(rendered=rendered, site_name=f"Tableau de bord — {network.nom}",
                                 copyright=DASHBOARD_COPYRIGHT)
    engine.build(sources, dashboard_paths(network))
    write_text_atomic(network.record_dir / STAMP_FILE, json.dumps({"empreinte": inputs}) + "\n")
    return DashboardResult(index, True, problems)


def prepare_map(network: Network) -> None:
    """Draw and keep the map's base ahead of the dashboard (a worker does it while the
    sites build; a failure here only leaves it to the dashboard)."""
    map_bases(network, load_outlines())


def map_bases(network: Network, outlines: Outlines) -> dict[str, FrameBase]:
    """The map's départements, drawn once and kept (they change only with the kit's data);
    what is read back is checked to be path data and commune codes only."""
    path = network.record_dir / BASE_FILE
    key = f"{__version__}:{json.dumps(outlines.source, sort_keys=True)}:{len(outlines.communes)}"
    try:
        found = _read_bases(json.loads(path.read_text(encoding="utf-8")), key)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        found = None
    if found is not None:
        return found
    bases = frame_bases(outlines)
    write_text_atomic(path, json.dumps({"cle": key, "cadres": {
        frame: {"chemins": base.paths, "bords": list(base.edges)}
        for frame, base in bases.items()}}) + "\n")
    return bases


def _read_bases(data: dict[str, Any], key: str) -> dict[str, FrameBase] | None:
    if data.get("cle") != key:
        return None
    bases = {frame: FrameBase(str(v["chemins"]), tuple(str(c) for c in v["bords"]))
             for frame, v in data["cadres"].items()}
    clean = all(_PATH_DATA.match(b.paths) and all(_CODE.match(c) for c in b.edges)
                for b in bases.values())
    return bases if clean and set(bases) == set(frame_keys()) else None


def dashboard_paths(network: Network) -> engine.SitePaths:
    assets = {**engine.kit_assets(),
              **{target: shipped_file(*source) for target, source in NETWORK_ASSETS.items()}}
    return engine.SitePaths(work_dir=network.record_dir / WORK_DIR, site_dir=network.site_dir,
                            inherit=shipped_file("network", "mkdocs.yml"), assets=assets)


def site_rows(network: Network) -> tuple[list[SiteRow],
                                         tuple[tuple[str, tuple[str, ...]], ...]]:
    """Each site as the dashboard shows it, and the problems of the summaries unread."""
    rows, problems = [], []
    for number, entry in enumerate(network.sites, start=1):
        summary, problem = _summary(network, entry)
        if problem:
            problems.append((entry.label, problem))
        rows.append(SiteRow(number, entry.label, _href(network, entry), summary,
                            _absent(entry) if summary is None and not problem else
                            ("résumé illisible" if problem else None)))
    return rows, tuple(problems)


def _summary(network: Network, entry: SiteEntry) -> tuple[SiteSummary | None, tuple[str, ...]]:
    path = entry.summary
    if not os.path.lexists(path):
        return None, ()
    if not path.resolve().is_relative_to(network.folder.resolve()):
        return None, (f"{path} : lien qui sort du dossier du réseau, résumé ignoré.",)
    try:
        return read_summary(path, str(path)), ()
    except InvalidDocuments as error:
        return None, tuple(issue.as_text() for issue in error.issues)
    except EcopoleError as error:
        return None, (error.message,)


def _absent(entry: SiteEntry) -> str:
    if entry.folder is not None:
        return "pas encore construit"
    return f"résumé absent ({entry.summary.name} attendu à côté de reseau.yaml)"


def _href(network: Network, entry: SiteEntry) -> str | None:
    """The published address, else the local site relative to the dashboard."""
    if entry.url:
        return entry.url
    if entry.folder is None:
        return None
    local = Path(os.path.relpath(entry.folder / "site" / "index.html", network.site_dir))
    return quote(local.as_posix())


def _fingerprint(network: Network, rows: list[SiteRow]) -> str:
    digest = hashlib.sha256(f"{__version__}\0{REFERENTIEL_RELEASE}\0".encode())
    digest.update(network.path.read_bytes())
    inside = network.folder.resolve()
    for entry in network.sites:
        summary = entry.summary
        readable = summary.is_file() and summary.resolve().is_relative_to(inside)
        digest.update(b"\0" + (summary.read_bytes() if readable else b"-"))
    digest.update(str(len(rows)).encode())
    return digest.hexdigest()


def _stamped(network: Network) -> str | None:
    try:
        found = json.loads((network.record_dir / STAMP_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return found.get("empreinte") if isinstance(found, dict) else None
