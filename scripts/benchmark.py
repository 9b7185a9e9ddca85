"""Measure ecopole-kit's speed, as ratios, in one run (issue 16).

Run from the repository root, in the environment where ecopole-kit is installed::

    python scripts/benchmark.py [--runs 5] [--sans-demandes] [--sans-reseau]

Every figure times whole processes from outside (wall clock), after one warm-up run, and is
the median of ``--runs`` runs; a comparison runs its two commands in turn (A B A B …) and
gives the median of the ratios pair by pair, so that it holds when the machine's speed
drifts. It prints one table, then the machine it ran on:

- ``ecopole-kit build`` of the demo against a bare ``mkdocs build --strict`` of the very
  pages the kit rendered (its ``.ecopole/build/``): target ≤ 1.15, forced (``--force``:
  nothing changed, the schema checks remembered) and after a change of territoire.yaml
  (everything checked again); with the processor time of a forced build, which uses a
  second core where there is one (``workflows/site_build.py``), and both commands held to
  one core (the kit then renders in turn), for information;
- a rebuild with nothing changed against a full one (``build --force``): target ≤ 0.1, and
  « en attente » where the kit has no ``--force`` yet (no skipping of unchanged builds);
- ``--help``, ``validate`` and ``lookup`` against ``python -c "import click"``: ``--help``
  ≤ 2 times that floor, ``validate`` and ``lookup`` ≤ 0.3 s (``validate`` also after a
  change of territoire.yaml);
- ``requests accept`` (the applicant's PDF and zip): target ≤ 10 s, for information;
- ``network build`` of four sites, one job against two (when the kit has the command);
- then the territory lookup inside one process (load, mean and 95th percentile).

Speed is checked here, never by a timed test.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ecopole_kit.territory.geography import Geography, load_geography

ROOT = Path(__file__).resolve().parent.parent
KIT = [sys.executable, "-m", "ecopole_kit"]
# Material's English notice, off for both. The kit is timed as it runs once installed: pip
# compiles its bytecode at install, so a machine that forbids writing bytecode
# (PYTHONDONTWRITEBYTECODE) would time the compiling of an editable checkout instead.
ENV = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
       "NO_MKDOCS_2_WARNING": "1"}
LOOKUP_TARGET_MS = 20.0
REQUEST = """nom: Camille Martin
organisation: Les Jardins du Val
courriel: camille@exemple.fr
territoire: {type: epci, codes: ["246200844"]}
motivation: Notre association porte un jardin d'insertion et souhaite créer un pôle
  alimentaire territorial avec la communauté de communes.
consentement: true
"""


def kit_command() -> list[str]:
    script = shutil.which("ecopole-kit", path=str(Path(sys.executable).parent))
    return [script] if script else KIT


def processor_time(command: Sequence[str], runs: int) -> Timing:
    """The processor time (user and system, every core) of ``command``, run ``runs`` times."""
    times = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        run(command)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        times.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return Timing.of(times)


def run(command: Sequence[str], cwd: Path | None = None, *, one_core: bool = False) -> float:
    """The wall time of ``command``; with ``one_core``, held to a single core (Linux)."""
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=ENV, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, preexec_fn=_first_core if one_core else None)
    return time.perf_counter() - start


def _first_core() -> None:
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


@dataclass(frozen=True)
class Timing:
    median: float
    low: float
    high: float

    @classmethod
    def of(cls, times: Sequence[float]) -> Timing:
        return cls(statistics.median(times), min(times), max(times))


def timed(command: Sequence[str], runs: int, cwd: Path | None = None,
          before: Callable[[], None] | None = None) -> Timing:
    (before or (lambda: None))()
    run(command, cwd)  # warm-up: file cache, bytecode, the kit's own cache
    times = []
    for _ in range(runs):
        (before or (lambda: None))()
        times.append(run(command, cwd))
    return Timing.of(times)


def paired(a: Sequence[str], b: Sequence[str], runs: int,
           before_a: Callable[[], None] | None = None,
           one_core: bool = False) -> tuple[Timing, Timing, Timing]:
    """A and B in turn; the median of A/B pair by pair (each on one core if asked)."""
    prepare = before_a or (lambda: None)
    prepare()
    run(a, one_core=one_core)
    run(b, one_core=one_core)
    pairs = []
    for _ in range(runs):
        prepare()
        first = run(a, one_core=one_core)
        pairs.append((first, run(b, one_core=one_core)))
    return (Timing.of([x for x, _ in pairs]), Timing.of([y for _, y in pairs]),
            Timing.of([x / y for x, y in pairs]))


def seconds(t: Timing) -> str:
    return f"{t.median:.2f} s ({t.low:.2f}–{t.high:.2f})"


def row(label: str, value: str, ratio: str = "", target: str = "",
        ok: bool | None = None) -> str:
    verdict = "" if ok is None else ("ok" if ok else "AU-DESSUS")
    return f"| {label:<48} | {value:>22} | {ratio:>7} | {target:>8} | {verdict:<9} |"


def header() -> list[str]:
    return [row("mesure", "médiane (min–max)", "ratio", "cible"),
            "|" + "|".join("-" * n for n in (50, 24, 9, 10, 11)) + "|"]


def has_option(command: Sequence[str], option: str) -> bool:
    shown = subprocess.run([*command, "--help"], capture_output=True, text=True, env=ENV,
                           check=False)
    return shown.returncode == 0 and option in shown.stdout


def build_rows(kit: list[str], demo: Path, runs: int) -> list[str]:
    force = has_option([*kit, "build"], "--force")
    full = [*kit, "build", str(demo), *(["--force"] if force else [])]
    bare = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--config-file",
            str(demo / ".ecopole" / "build" / "mkdocs.yml"), "--site-dir",
            str(demo.parent / "mkdocs-nu")]
    kit_t, bare_t, ratio = paired(full, bare, runs)
    edited, _bare, edited_ratio = paired([*kit, "build", str(demo)], bare, runs,
                                         before_a=_edit(demo / "territoire.yaml"))
    lines = [row("build (démo) contre mkdocs build --strict nu", seconds(kit_t),
                 f"{ratio.median:.2f}", "≤ 1.15", ratio.median <= 1.15),
             row("  mkdocs build --strict des mêmes pages", seconds(bare_t)),
             row("  temps processeur du build (tous cœurs)", seconds(processor_time(full, runs))),
             row("build après modification de territoire.yaml", seconds(edited),
                 f"{edited_ratio.median:.2f}", "≤ 1.15", edited_ratio.median <= 1.15),
             *_one_core_rows(full, bare, runs)]
    if not force:
        return [*lines, row("reconstruction sans changement / complète", "en attente",
                            "", "≤ 0.1", None)]
    again, _whole, ratio = paired([*kit, "build", str(demo)], full, runs)
    return [*lines, row("reconstruction sans changement / complète", seconds(again),
                        f"{ratio.median:.2f}", "≤ 0.1", ratio.median <= 0.1)]


def _one_core_rows(full: list[str], bare: list[str], runs: int) -> list[str]:
    """The same build and bare mkdocs, each held to one core: the kit renders its pages
    in turn instead of beside mkdocs (for information: the target is for this machine)."""
    if not hasattr(os, "sched_setaffinity") or len(os.sched_getaffinity(0)) < 2:
        return []
    kit_t, _bare, ratio = paired(full, bare, runs, one_core=True)
    return [row("  le même build sur un seul cœur (en série)", seconds(kit_t),
                f"{ratio.median:.2f}")]


def _edit(path: Path) -> Callable[[], None]:
    """Before each run, a new comment line at the end of ``path``: its content is new to
    the kit (built and checked again, nothing remembered), its data the same."""
    count = iter(range(1_000_000))

    def edit() -> None:
        with path.open("a", encoding="utf-8") as stream:
            stream.write(f"# modification {next(count)} du banc d'essai\n")

    return edit


def floor_rows(kit: list[str], demo: Path, runs: int) -> list[str]:
    """Each command paired with the floor, ``python -c "import click"``."""
    floor = [sys.executable, "-c", "import click"]
    lines = []
    for label, args, target, limit in (
            ("ecopole-kit --help", ["--help"], "≤ 2×", None),
            ("ecopole-kit validate (démo)", ["validate", str(demo)], "≤ 0.3 s", 0.3),
            ("ecopole-kit lookup Frontonnais", ["lookup", "Frontonnais"], "≤ 0.3 s", 0.3)):
        t, bottom, ratio = paired([*kit, *args], floor, runs)
        ok = ratio.median <= 2 if limit is None else t.median <= limit
        lines.append(row(label, seconds(t), f"{ratio.median:.1f}×", target, ok))
    edited, _floor, ratio = paired([*kit, "validate", str(demo)], floor, runs,
                                   before_a=_edit(demo / "territoire.yaml"))
    lines.append(row("validate après modification de territoire.yaml", seconds(edited),
                     f"{ratio.median:.1f}×", "≤ 0.3 s", edited.median <= 0.3))
    return [row("plancher : python -c \"import click\"", seconds(bottom)), *lines]


def accept_rows(kit: list[str], work: Path, runs: int) -> list[str]:
    register = work / "demandes" / "registre.sqlite"
    register.parent.mkdir(parents=True)
    request = register.parent / "demande.yaml"
    request.write_text(REQUEST, "utf-8")
    base = [*kit, "requests", "--registre", str(register), "--par", "Banc d'essai"]
    for _ in range(runs + 1):
        run([*base, "add", str(request)], cwd=register.parent)
    times = [run([*base, "accept", str(number)], cwd=register.parent)
             for number in range(1, runs + 2)][1:]  # the first one warms up
    t = Timing.of(times)
    return [row("requests accept (PDF et zip)", seconds(t), "", "≤ 10 s", t.median <= 10)]


def network_rows(kit: list[str], work: Path, runs: int) -> list[str]:
    if not has_option([*kit, "network", "build"], "--jobs"):
        return [row("network build, 1 tâche / 2 tâches", "en attente (issue 10)")]
    folder = work / "reseau"
    folder.mkdir()
    names = ["pays-tolosan", "audruicq", "gohelle", "pays-tolosan"]
    for index, name in enumerate(names):
        run([*kit, "new", str(folder / f"s{index}"), "--answers",
             str(ROOT / "examples" / f"{name}.yaml"), "--no-input"])
    sites = "".join(f"  - chemin: s{i}\n" for i in range(len(names)))
    (folder / "reseau.yaml").write_text(f"nom: Réseau d'essai\nsites:\n{sites}", "utf-8")
    build = [*kit, "network", "build", str(folder / "reseau.yaml"), "--force"]
    serial, parallel, ratio = paired([*build, "--jobs", "1"], [*build, "--jobs", "2"], runs)
    return [row("network build de 4 sites, 1 tâche", seconds(serial)),
            row("network build de 4 sites, 2 tâches", seconds(parallel),
                f"{1 / ratio.median:.2f}")]


def typo(name: str, rng: random.Random) -> str:
    """Drop, double or swap one letter, as a hurried person would."""
    i = rng.randrange(1, max(2, len(name) - 1))
    return rng.choice([name[:i] + name[i + 1:], name[:i] + name[i] + name[i:],
                       name[:i - 1] + name[i] + name[i - 1] + name[i + 1:]])


def realistic_queries(geo: Geography, count: int = 200) -> list[str]:
    """Exact names, folded names, beginnings, typos and short EPCI names, drawn at random."""
    rng = random.Random(2026)
    communes = sorted(geo.communes.values(), key=lambda c: c.code)
    weights = [(c.population or 1) ** 0.5 for c in communes]  # bigger places asked more
    names = [c.nom for c in rng.choices(communes, weights=weights, k=count)]
    epcis = rng.sample(sorted(e.nom for e in geo.epcis.values()), count // 5)
    fifth = count // 5
    return [*names[:fifth],
            *(n.lower().replace("é", "e").replace("-", " ") for n in names[fifth:2 * fifth]),
            *(n[:max(3, len(n) // 2)] for n in names[2 * fifth:3 * fifth]),
            *(typo(n, rng) for n in names[3 * fifth:4 * fifth]),
            *(e.split(" ", 1)[-1] for e in epcis)]


def lookup_rows() -> list[str]:
    start = time.perf_counter()
    geo = load_geography()
    load_ms = (time.perf_counter() - start) * 1000
    times = []
    for query in realistic_queries(geo):
        start = time.perf_counter()
        geo.lookup(query)
        times.append((time.perf_counter() - start) * 1000)
    mean, p95 = statistics.mean(times), statistics.quantiles(times, n=20)[-1]
    return [row("chargement des données (load_geography)", f"{load_ms:.0f} ms"),
            row(f"recherche par nom, moyenne ({len(times)} requêtes)", f"{mean:.1f} ms", "",
                "< 20 ms", mean < LOOKUP_TARGET_MS),
            row("recherche par nom, 95e centile", f"{p95:.1f} ms", "", "< 20 ms",
                p95 < LOOKUP_TARGET_MS)]


def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in
                  Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor() or "?") \
        if Path("/proc/cpuinfo").exists() else platform.processor() or "?"
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return (f"Machine : {os.cpu_count()} cœurs (nproc), {model} ; charge moyenne {load} ; "
            f"Python {sys.version.split()[0]}, {platform.system()} ; découpage des polices "
            f"par HarfBuzz : {'oui' if _harfbuzz_subset() else 'non (fontTools, plus lent)'}.")


def _harfbuzz_subset() -> bool:
    """Whether WeasyPrint finds libharfbuzz-subset (else it subsets fonts with fontTools)."""
    import ctypes.util

    return ctypes.util.find_library("harfbuzz-subset") is not None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sans-demandes", action="store_true", help="sans requests accept")
    parser.add_argument("--sans-reseau", action="store_true", help="sans network build")
    options = parser.parse_args()
    kit = kit_command()
    with tempfile.TemporaryDirectory(prefix="ecopole-banc-") as folder:
        work = Path(folder)
        demo = work / "demo"
        run([*kit, "demo", str(demo)])
        lines = [*header(), *build_rows(kit, demo, options.runs),
                 *floor_rows(kit, demo, options.runs)]
        if not options.sans_demandes:
            lines += accept_rows(kit, work, max(options.runs // 2, 1))
        if not options.sans_reseau:
            lines += network_rows(kit, work, max(options.runs // 2, 1))
        lines += lookup_rows()
    print("\n".join(lines))
    print(f"\n{machine()}")


if __name__ == "__main__":
    main()
