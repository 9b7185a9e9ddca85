"""Build a whole network: every site of reseau.yaml (in parallel, each as ``ecopole-kit
build`` would, an unchanged one skipped), then the dashboard from every site's summary.

One broken site never stops the others: each worker returns its outcome, problems as text,
and the caller reports them all at the end. Workers are processes (one site each at a time);
on Linux they are forked, so the référentiel and the geography, loaded once before, are
shared; elsewhere each worker loads them once.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from ecopole_kit.errors import EcopoleError, FileSystemError, InvalidDocuments
from ecopole_kit.network.dashboard import DashboardResult, build_dashboard, prepare_map
from ecopole_kit.network.reseau import Network, SiteEntry, load_network, shard_of
from ecopole_kit.network.stamps import up_to_date
from ecopole_kit.referentiel.content import load_referentiel
from ecopole_kit.workflows.build import build_site
from ecopole_kit.workflows.validate import load_knowledge

BUILT, UNCHANGED, FAILED, REMOTE = "construit", "inchangé", "échec", "distant"


@dataclass(frozen=True)
class SiteOutcome:
    """What became of one site: its status and, when it failed, every problem as a line."""

    label: str
    status: str
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class NetworkReport:
    network: Network
    outcomes: tuple[SiteOutcome, ...]
    dashboard: DashboardResult | None

    @property
    def failed(self) -> tuple[SiteOutcome, ...]:
        return tuple(o for o in self.outcomes if o.status == FAILED)


Progress = Callable[[SiteOutcome, int, int], None]


def build_network(path: Path, *, jobs: int | None = None, shard: tuple[int, int] | None = None,
                  force: bool = False, on_site: Progress | None = None) -> NetworkReport:
    """Build the sites of reseau.yaml (the ``shard`` slice only, then without dashboard)."""
    network = load_network(path)
    entries = shard_of(network.sites, shard)
    ahead = None if shard else functools.partial(prepare_map, network)
    outcomes = _build_all(entries, jobs or os.cpu_count() or 1, force, on_site or _silent,
                          ahead)
    dashboard = None if shard else build_dashboard(network, load_referentiel, force=force)
    return NetworkReport(network, outcomes, dashboard)


def write_dashboard(path: Path, *, force: bool = False) -> NetworkReport:
    """Only the dashboard, from the summaries already there (after a sharded CI build)."""
    network = load_network(path)
    return NetworkReport(network, (), build_dashboard(network, load_referentiel, force=force))


def _silent(_outcome: SiteOutcome, _done: int, _total: int) -> None:
    pass


def _build_all(entries: tuple[SiteEntry, ...], jobs: int, force: bool,
               on_site: Progress, ahead: Callable[[], None] | None) -> tuple[SiteOutcome, ...]:
    """Every site's outcome, in the file's order; sites needing no build are said first."""
    outcomes: dict[int, SiteOutcome] = {}
    todo = []
    for entry in entries:
        if entry.folder is None:
            outcomes[entry.position] = SiteOutcome(entry.label, REMOTE)
        elif not force and up_to_date(entry.folder):
            outcomes[entry.position] = SiteOutcome(entry.label, UNCHANGED)
        else:
            todo.append(entry)
    for done, outcome in enumerate(outcomes.values(), start=1):
        on_site(outcome, done, len(entries))
    for entry, outcome in _run(todo, jobs, ahead):
        outcomes[entry.position] = outcome
        on_site(outcome, len(outcomes), len(entries))
    return tuple(outcomes[e.position] for e in entries)


def _run(todo: list[SiteEntry], jobs: int,
         ahead: Callable[[], None] | None) -> Iterable[tuple[SiteEntry, SiteOutcome]]:
    if not todo:
        return []
    if jobs <= 1 or len(todo) == 1:
        return ((entry, build_one(str(entry.project), entry.label)) for entry in todo)
    return _parallel(todo, min(jobs, len(todo)), ahead)


def _parallel(todo: list[SiteEntry], jobs: int,
              ahead: Callable[[], None] | None) -> Iterator[tuple[SiteEntry, SiteOutcome]]:
    load_knowledge()  # forked workers inherit it: loaded once for the whole network
    with ProcessPoolExecutor(max_workers=jobs, mp_context=_context()) as pool:
        if ahead is not None:  # the dashboard's map, drawn by a worker while sites build
            pool.submit(ahead)
        futures: dict[Future[SiteOutcome], SiteEntry] = {
            pool.submit(build_one, str(entry.project), entry.label): entry for entry in todo}
        for future in as_completed(futures):
            yield futures[future], _outcome_of(future, futures[future])


def _context() -> multiprocessing.context.BaseContext:
    return multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")


def _outcome_of(future: Future[SiteOutcome], entry: SiteEntry) -> SiteOutcome:
    try:
        return future.result()
    except Exception as error:  # a worker that died (killed, out of memory)
        return SiteOutcome(entry.label, FAILED, (f"le processus de construction s'est arrêté : "
                                                 f"{error}",))


def build_one(root: str, label: str) -> SiteOutcome:
    """Build one site as ``ecopole-kit build`` would, every failure turned into lines."""
    try:
        build_site(Path(root))
    except InvalidDocuments as error:
        return SiteOutcome(label, FAILED, (*(i.as_text() for i in error.issues), error.message))
    except EcopoleError as error:
        return SiteOutcome(label, FAILED, _lines(error))
    except OSError as error:
        failure = FileSystemError(error=error, action="construction")
        return SiteOutcome(label, FAILED, _lines(failure))
    except Exception as error:  # a bug of the kit: said, and the other sites go on
        return SiteOutcome(label, FAILED, (f"erreur inattendue du kit ({type(error).__name__} : "
                                           f"{error}) ; signalez-la avec ce message.",))
    return SiteOutcome(label, BUILT)


def _lines(error: EcopoleError) -> tuple[str, ...]:
    return (*error.message.splitlines(), *([error.hint] if error.hint else []))
