"""Work done alongside the main thread in another process, where the platform forks.

A forked child starts with everything already loaded (référentiel, geography, modules), so
it costs no import; it holds its own interpreter lock, so pure-Python work (mkdocs) truly
runs beside the main thread's (WeasyPrint). Where forking is not safe (macOS, Windows),
the work runs in place, first: the result is the same, only slower. A process killed midway
(out of memory, a signal) has its work done again in place when its result is asked for.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Alongside(Generic[T]):
    """Work started alongside: ``result()`` waits for it (and raises its error again)."""

    def __init__(self, future: Future[T], function: Callable[..., T], args: tuple[Any, ...]):
        self._future, self._function, self._args = future, function, args

    def result(self) -> T:
        try:
            return self._future.result()
        except BrokenProcessPool:  # the process was killed: its work is done here instead
            return self._function(*self._args)


def can_fork() -> bool:
    """Linux forks safely (macOS's system libraries do not, Windows cannot)."""
    return sys.platform == "linux" and "fork" in multiprocessing.get_all_start_methods()


def spare_core() -> bool:
    """Whether work started ``alongside`` would truly run beside this process: the platform
    forks and this process may run on more than one core."""
    cores = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else ()
    return can_fork() and len(cores) > 1


@contextmanager
def alongside(function: Callable[..., T], *args: Any) -> Iterator[Alongside[T]]:
    """Start ``function(*args)`` in a forked process; the block runs meanwhile and reads
    the result with ``.result()`` (an error raised there is raised again here)."""
    if not can_fork():
        done: Future[T] = Future()
        try:
            done.set_result(function(*args))
        except BaseException as error:  # raised again by .result(), as a pool would
            done.set_exception(error)
        yield Alongside(done, function, args)
        return
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        yield Alongside(pool.submit(function, *args), function, args)
