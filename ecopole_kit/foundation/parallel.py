"""Work done alongside the main thread in another process, where the platform forks.

A forked child starts with everything already loaded (référentiel, geography, modules), so
it costs no import; it holds its own interpreter lock, so pure-Python work (mkdocs) truly
runs beside the main thread's (WeasyPrint). Where forking is not safe (macOS, Windows),
the work runs in place, first: the result is the same, only slower.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")


def can_fork() -> bool:
    """Linux forks safely (macOS's system libraries do not, Windows cannot)."""
    return sys.platform == "linux" and "fork" in multiprocessing.get_all_start_methods()


def spare_core() -> bool:
    """Whether work started ``alongside`` would truly run beside this process: the platform
    forks and this process may run on more than one core."""
    cores = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else ()
    return can_fork() and len(cores) > 1


@contextmanager
def alongside(function: Callable[..., T], *args: Any) -> Iterator[Future[T]]:
    """Start ``function(*args)`` in a forked process; the block runs meanwhile and reads
    the result with ``.result()`` (an error raised there is raised again here)."""
    if not can_fork():
        done: Future[T] = Future()
        try:
            done.set_result(function(*args))
        except BaseException as error:  # raised again by .result(), as a pool would
            done.set_exception(error)
        yield done
        return
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        yield pool.submit(function, *args)
