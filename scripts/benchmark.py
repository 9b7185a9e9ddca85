"""Measure the territory lookup and the start-up time of the command line.

Run from the repository root, in the environment where ecopole-kit is installed::

    python scripts/benchmark.py

Prints one table: load time of the territory data, name lookups over all communes
(mean and 95th percentile over about 200 realistic queries, target < 20 ms), the first
fuzzy query (which builds the trigram index), and the wall time of ``ecopole-kit --help``
(target < 0.3 s), which must not import ``ecopole_kit.territory.geography``.
"""

from __future__ import annotations

import random
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from ecopole_kit.territory.geography import Geography, load_geography
from ecopole_kit.territory.outlines import load_outlines

LOOKUP_TARGET_MS = 20.0
HELP_TARGET_S = 0.3
HELP_PROBE = """
import sys
sys.argv = ["ecopole-kit", "--help"]
from ecopole_kit.cli.main import main
try:
    main()
except SystemExit:
    pass
print("TERRITORY-IMPORTED" if "ecopole_kit.territory.geography" in sys.modules
      else "TERRITORY-ABSENT",
      file=sys.stderr)
"""


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def typo(name: str, rng: random.Random) -> str:
    """Drop, double or swap one letter, as a hurried person would."""
    i = rng.randrange(1, max(2, len(name) - 1))
    return rng.choice([name[:i] + name[i + 1:], name[:i] + name[i] + name[i:],
                       name[:i - 1] + name[i] + name[i - 1] + name[i + 1:]])


def realistic_queries(geo: Geography, count: int = 200) -> dict[str, list[str]]:
    """Exact names, folded names, beginnings, typos and short EPCI names, drawn at random."""
    rng = random.Random(2026)
    communes = sorted(geo.communes.values(), key=lambda c: c.code)
    weights = [(c.population or 1) ** 0.5 for c in communes]  # bigger places asked more
    names = [c.nom for c in rng.choices(communes, weights=weights, k=count)]
    epcis = rng.sample(sorted(e.nom for e in geo.epcis.values()), count // 5)
    fifth = count // 5
    return {
        "nom exact": names[:fifth],
        "minuscules sans accents": [n.lower().replace("é", "e").replace("-", " ")
                                    for n in names[fifth:2 * fifth]],
        "début du nom": [n[:max(3, len(n) // 2)] for n in names[2 * fifth:3 * fifth]],
        "faute de frappe": [typo(n, rng) for n in names[3 * fifth:4 * fifth]],
        "EPCI sans « CC du »": [e.split(" ", 1)[-1] for e in epcis],
    }


def lookup_times(geo: Geography, queries: list[str]) -> list[float]:
    return [timed(lambda q=q: geo.lookup(q)) * 1000 for q in queries]  # type: ignore[misc]


def help_command() -> list[str]:
    script = shutil.which("ecopole-kit", path=str(Path(sys.executable).parent))
    return [script, "--help"] if script else [sys.executable, "-m", "ecopole_kit", "--help"]


def help_wall_time(runs: int = 7) -> float:
    command = help_command()
    subprocess.run(command, check=True, capture_output=True)  # warm the file cache
    return statistics.median(
        timed(lambda: subprocess.run(command, check=True, capture_output=True))
        for _ in range(runs))


def help_imports_territory() -> bool:
    probe = subprocess.run([sys.executable, "-c", HELP_PROBE], capture_output=True, text=True,
                           check=True)
    return "TERRITORY-IMPORTED" in probe.stderr


def row(label: str, value: str, target: str = "", ok: bool | None = None) -> str:
    verdict = "" if ok is None else ("ok" if ok else "AU-DESSUS")
    return f"| {label:<44} | {value:>12} | {target:>9} | {verdict:<9} |"


def main() -> None:
    load_s = timed(load_geography)
    outlines_s = timed(load_outlines)
    geo = load_geography()
    groups = realistic_queries(geo)
    first_fuzzy_ms = timed(lambda: geo.lookup("Audruik")) * 1000
    all_ms: list[float] = []
    lines = [row("mesure", "valeur", "cible", None), "|" + "-" * 46 + "|" + "-" * 14 + "|"
             + "-" * 11 + "|" + "-" * 11 + "|",
             row("chargement des données (load_geography)", f"{load_s * 1000:.0f} ms"),
             row("chargement des contours (load_outlines)", f"{outlines_s * 1000:.0f} ms"),
             row("1re recherche floue (index de trigrammes)", f"{first_fuzzy_ms:.0f} ms")]
    for label, queries in groups.items():
        times = lookup_times(geo, queries)
        all_ms += times
        lines.append(row(f"recherche : {label} ({len(times)})",
                         f"{statistics.mean(times):.1f} ms moy."))
    p95 = statistics.quantiles(all_ms, n=20)[-1]
    lines += [row(f"recherche par nom, moyenne ({len(all_ms)} requêtes)",
                  f"{statistics.mean(all_ms):.1f} ms", "< 20 ms",
                  statistics.mean(all_ms) < LOOKUP_TARGET_MS),
              row("recherche par nom, 95e centile", f"{p95:.1f} ms", "< 20 ms",
                  p95 < LOOKUP_TARGET_MS),
              row("recherche par nom, maximum", f"{max(all_ms):.1f} ms")]
    help_s = help_wall_time()
    imported = help_imports_territory()
    lines += [row("ecopole-kit --help (médiane de 7)", f"{help_s:.2f} s", "< 0.3 s",
                  help_s < HELP_TARGET_S),
              row("--help importe ecopole_kit.territory.geography", "oui" if imported else "non",
                  "non", not imported)]
    print("\n".join(lines))
    print(f"\n{len(geo.communes)} communes et arrondissements, {len(geo.epcis)} EPCI ; "
          f"Python {sys.version.split()[0]}.")


if __name__ == "__main__":
    main()
