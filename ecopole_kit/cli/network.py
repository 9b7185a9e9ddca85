"""The `network` commands: build every site of reseau.yaml and the network's dashboard.

Progress (which site, how many done) is shown on a terminal only, on one line rewritten;
piped or redirected, only the outcome and the problems are printed.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from ecopole_kit.cli import console
from ecopole_kit.cli.params import PathParam
from ecopole_kit.cli.shown import lines, one_line

if TYPE_CHECKING:
    from pathlib import Path

    from ecopole_kit.workflows.network import NetworkReport, SiteOutcome

NETWORK_ARG = click.argument("reseau", required=False, default="reseau.yaml",
                             metavar="[RESEAU.yaml]", type=PathParam())
FORCE_OPTION = click.option("--force", is_flag=True,
                            help="Tout reconstruire, même ce qui n'a pas changé.")
STATUS_WORDS = {"construit": "construit", "inchangé": "inchangé, non reconstruit",
                "échec": "en échec", "distant": "publié ailleurs (résumé lu à côté de reseau.yaml)"}


def parse_shard(_ctx: click.Context, _param: click.Parameter,
                value: str | None) -> tuple[int, int] | None:
    """« 2/5 » → (2, 5): the second of five slices."""
    if value is None:
        return None
    k, _, n = value.partition("/")
    if not (k.isdigit() and n.isdigit()) or not 1 <= int(k) <= int(n):
        raise click.BadParameter(f"« {value} » : indiquez K/N avec 1 ≤ K ≤ N, par exemple 2/5.")
    return int(k), int(n)


@click.group()
def network() -> None:
    """Le réseau : construire tous les sites de reseau.yaml et son tableau de bord."""


@network.command("build")
@NETWORK_ARG
@click.option("--jobs", type=click.IntRange(1, 256), default=None, metavar="N",
              help="Nombre de sites construits en même temps (par défaut : un par cœur).")
@click.option("--shard", callback=parse_shard, default=None, metavar="K/N",
              help="Ne construire que la K-ième de N tranches de sites (matrice de CI), "
                   "sans le tableau de bord.")
@FORCE_OPTION
def build(reseau: Path, jobs: int | None, shard: tuple[int, int] | None, force: bool) -> None:
    """Construire chaque site de RESEAU.yaml (en parallèle), puis le tableau de bord."""
    from ecopole_kit.network.reseau import network_path
    from ecopole_kit.workflows.network import build_network

    report = build_network(network_path(reseau), jobs=jobs, shard=shard, force=force,
                           on_site=_progress if sys.stderr.isatty() else None)
    _report(report, shard)


@network.command("dashboard")
@NETWORK_ARG
@FORCE_OPTION
def dashboard(reseau: Path, force: bool) -> None:
    """Écrire seulement le tableau de bord, d'après les résumés déjà construits."""
    from ecopole_kit.network.reseau import network_path
    from ecopole_kit.workflows.network import write_dashboard

    _report(write_dashboard(network_path(reseau), force=force), None)


def _progress(outcome: SiteOutcome, done: int, total: int) -> None:
    text = f"[{done}/{total}] {one_line(outcome.label)} : {STATUS_WORDS[outcome.status]}"
    console.status(text, last=done == total)


def _report(report: NetworkReport, shard: tuple[int, int] | None) -> None:
    from ecopole_kit.foundation.french import counted

    counts = {status: sum(1 for o in report.outcomes if o.status == status)
              for status in STATUS_WORDS}
    if report.outcomes:
        click.echo(f"Sites : {counted(counts['construit'], 'construit', 'construits')}, "
                   f"{counted(counts['inchangé'], 'inchangé', 'inchangés')}, "
                   f"{counts['échec']} en échec"
                   + (f", {counted(counts['distant'], 'publié ailleurs', 'publiés ailleurs')}"
                      if counts["distant"] else "")
                   + (f" (tranche {shard[0]}/{shard[1]})." if shard else "."))
    problems = [(o.label, o.problems) for o in report.failed]
    if report.dashboard is not None:
        problems += list(report.dashboard.problems)
        done = "construit" if report.dashboard.rebuilt else "inchangé, non reconstruit"
        click.secho(f"Tableau de bord {done} : {report.dashboard.index}", fg="green")
    elif shard:
        click.echo("Tranche seule : le tableau de bord s'écrit ensuite avec "
                   "« ecopole-kit network dashboard ».")
    _problems(problems)


def _problems(problems: list[tuple[str, tuple[str, ...]]]) -> None:
    if not problems:
        return
    from ecopole_kit.foundation.french import counted

    for label, found in problems:
        click.secho(f"\n{one_line(label)} :", fg="red", bold=True, err=True)
        for line in found:
            click.echo(f"  {lines(line)}", err=True)
    sites = len({label for label, _ in problems})
    click.secho(f"\nErreur : {counted(sites, 'site', 'sites')} en échec ; les autres ont été "
                "construits.", fg="red", err=True)
    click.echo("Corrigez ce que chaque ligne indique, puis relancez « ecopole-kit network "
               "build » : seuls les sites modifiés seront reconstruits.", err=True)
    sys.exit(1)
