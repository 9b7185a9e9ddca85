"""Measure ``ecopole-kit network build``: sites per minute with one worker and with every
core, for 5 and 20 sites, and a rerun with nothing changed.

Run from the repository root, in the environment where ecopole-kit is installed::

    python scripts/benchmark_network.py [--sizes 5 20] [--repeat 2]

Each size gets a fresh network of site projects made from the shipped examples (in a
temporary folder), built once with ``--jobs 1`` and once with every core (``--force``, so
both build every site and the dashboard), then run again unchanged. Targets: every core
≥ 1.7 × one worker on 2 cores; the unchanged rerun ≤ 0.1 × the first build.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from ecopole_kit.foundation.resources import example_path
from ecopole_kit.project.scaffold import generate_project

EXAMPLES = ("pays-tolosan", "audruicq", "gohelle")
PARALLEL_TARGET = 1.7
RERUN_TARGET = 0.1


def make_network(folder: Path, size: int) -> Path:
    for index in range(size):
        answers = yaml.safe_load(example_path(EXAMPLES[index % 3]).read_text("utf-8"))
        generate_project(answers, folder / "sites" / f"site-{index + 1:02d}")
    path = folder / "reseau.yaml"
    path.write_text(yaml.safe_dump({"nom": "Réseau de mesure", "sites": [
        {"chemin": f"sites/site-{i + 1:02d}"} for i in range(size)]}), encoding="utf-8")
    return path


def timed(path: Path, *args: str, fresh: bool = True) -> float:
    """One run as a person types it; ``fresh``: without the map kept by an earlier run."""
    if fresh:
        (path.parent / ".ecopole" / "carte-france.json").unlink(missing_ok=True)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "ecopole_kit", "network", "build", str(path), *args],
                   check=True, capture_output=True)
    return time.perf_counter() - start


def measure(size: int, cores: int, repeat: int) -> dict[str, float]:
    """The best of ``repeat`` runs of each (a shared machine only ever slows a run down)."""
    found: dict[str, list[float]] = {"serial": [], "parallel": [], "rerun": []}
    with tempfile.TemporaryDirectory() as temporary:
        path = make_network(Path(temporary), size)
        for _ in range(repeat):
            found["serial"].append(timed(path, "--jobs", "1", "--force"))
            found["parallel"].append(timed(path, "--jobs", str(cores), "--force"))
            found["rerun"].append(timed(path, fresh=False))
    return {key: min(values) for key, values in found.items()}


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "inconnu"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5, 20])
    parser.add_argument("--repeat", type=int, default=2, help="runs of each, the best kept")
    arguments = parser.parse_args()
    cores = os.cpu_count() or 1
    print(f"Machine : {cores} cœurs (nproc), {cpu_model()}, Python {platform.python_version()}")
    print(f"Meilleur de {arguments.repeat} exécutions ; charge de la machine au départ : "
          f"{os.getloadavg()[0]:.1f}")
    print(f"| sites | --jobs 1 | --jobs {cores} | parallèle / série | relance inchangée | "
          "relance / première construction |")
    print("|---|---|---|---|---|---|")
    for size in arguments.sizes:
        found = measure(size, cores, arguments.repeat)
        per_minute = {k: size * 60 / v for k, v in found.items() if k != "rerun"}
        speedup = found["serial"] / found["parallel"]
        rerun = found["rerun"] / found["parallel"]
        print(f"| {size} | {per_minute['serial']:.1f} sites/min ({found['serial']:.1f} s) | "
              f"{per_minute['parallel']:.1f} sites/min ({found['parallel']:.1f} s) | "
              f"{speedup:.2f} × (cible ≥ {PARALLEL_TARGET}) | {found['rerun']:.2f} s | "
              f"{rerun:.3f} (cible ≤ {RERUN_TARGET}) |")


if __name__ == "__main__":
    main()
