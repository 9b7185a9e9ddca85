"""Work done alongside the main thread in another process, where the platform forks.

A forked child starts with everything already loaded (référentiel, geography, modules), so
it costs no import; it holds its own interpreter lock, so pure-Python work (mkdocs) truly
runs beside the main thread's (WeasyPrint). Where forking is not safe (macOS, Windows),
the work runs in place, first: the result is the same, only slower. A process killed midway
(out of memory, a signal) has its work done again in place when its result is asked for.

A forked process does one piece of work and ends: its garbage collector is off, what the
work made is dropped with the process instead of being walked (WeasyPrint's half a million
boxes took 0.3 to 0.6 s to collect). Work given ``told`` reports its steps: they cross
back through a pipe and reach ``told`` here while ``.result()`` waits.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

T = TypeVar("T")
Told = Callable[[str], None]  # a step of the work, in French, for a person
_RELAY_EVERY = 0.05  # seconds between two looks at the steps told there
_steps: Any = None  # in the forked process: the queue its steps are put on


class Alongside(Generic[T]):
    """Work started alongside: ``result()`` waits for it (and raises its error again)."""

    def __init__(self, future: Future[T], function: Callable[..., T], args: tuple[Any, ...],
                 told: Told | None = None, steps: Any = None):
        self._future, self._function, self._args = future, function, args
        self._told, self._steps = told, steps

    def result(self) -> T:
        while not wait([self._future], timeout=_RELAY_EVERY).done:
            self._relay()
        self._relay()
        try:
            return self._future.result()
        except BrokenProcessPool:  # the process was killed: its work is done here instead
            return _call(self._function, self._args, self._told)

    def _relay(self) -> None:
        while self._steps is not None and self._told is not None and not self._steps.empty():
            self._told(self._steps.get())


def can_fork() -> bool:
    """Linux forks safely (macOS's system libraries do not, Windows cannot)."""
    return sys.platform == "linux" and "fork" in multiprocessing.get_all_start_methods()


def spare_core() -> bool:
    """Whether work started ``alongside`` would truly run beside this process: the platform
    forks and this process may run on more than one core."""
    cores = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else ()
    return can_fork() and len(cores) > 1


@contextmanager
def alongside(function: Callable[..., T], *args: Any,
              told: Told | None = None) -> Iterator[Alongside[T]]:
    """Start ``function(*args)`` in a forked process; the block runs meanwhile and reads
    the result with ``.result()`` (an error raised there is raised again here). With
    ``told``, the function is given ``on_step``: its steps reach ``told`` here."""
    if not can_fork():
        done: Future[T] = Future()
        try:
            done.set_result(_call(function, args, told))
        except BaseException as error:  # raised again by .result(), as a pool would
            done.set_exception(error)
        yield Alongside(done, function, args, told)
        return
    context = multiprocessing.get_context("fork")
    steps = context.SimpleQueue() if told is not None else None  # written at once, no thread
    with ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_forked,
                             initargs=(steps,)) as pool:
        future = pool.submit(_telling, function, *args) if steps is not None \
            else pool.submit(function, *args)
        yield Alongside(future, function, args, told, steps)


def _call(function: Callable[..., T], args: tuple[Any, ...], told: Told | None) -> T:
    return function(*args) if told is None else function(*args, on_step=told)


def _forked(steps: Any) -> None:
    """The forked process's start: no collector (its work ends with it), its steps' queue."""
    global _steps
    gc.disable()
    _steps = steps


def _telling(function: Callable[..., T], *args: Any) -> T:
    return function(*args, on_step=_steps.put)
