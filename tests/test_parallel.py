"""Work alongside the main thread: a forked process on Linux, in place elsewhere; errors
of the kit cross the process boundary as they were raised."""

from __future__ import annotations

import gc
import os
import pickle
from collections.abc import Callable

import pytest

from ecopole_kit.errors import BuildFailed, EcopoleError, FileSystemError, InvalidRequest
from ecopole_kit.foundation import parallel
from ecopole_kit.foundation.parallel import alongside


def _pid_and_double(value: int) -> tuple[int, int]:
    return os.getpid(), 2 * value


PARENT = os.getpid()


def _killed_there(value: int) -> tuple[int, int]:
    """Dies in the other process, as the kernel's out-of-memory killer would kill it."""
    if os.getpid() != PARENT:
        os._exit(9)
    return _pid_and_double(value)


def _telling_steps(count: int, *, on_step: Callable[[str], None]) -> tuple[int, bool]:
    for number in range(1, count + 1):
        on_step(f"étape {number}")
    return os.getpid(), gc.isenabled()


def _fails() -> None:
    raise BuildFailed(output="WARNING -  une page manque")


@pytest.mark.parametrize("error", [
    BuildFailed(output="WARNING -  une page manque"),
    FileSystemError(error=PermissionError(13, "Permission denied", "/x"), action="copie"),
    InvalidRequest("Choisissez un seul département."),
])
def test_every_kit_error_survives_pickling(error: EcopoleError) -> None:
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error)
    assert (again.message, again.hint, str(again)) == (error.message, error.hint, str(error))
    assert again.__dict__ == error.__dict__


def test_work_runs_in_another_process_and_comes_back() -> None:
    with alongside(_pid_and_double, 21) as future:
        pid, value = future.result()
    assert value == 42 and pid != os.getpid()


def test_an_error_there_is_raised_here() -> None:
    with alongside(_fails) as future, pytest.raises(BuildFailed) as caught:
        future.result()
    assert "une page manque" in caught.value.message


def test_where_forking_is_unsafe_the_work_runs_in_place(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "can_fork", lambda: False)
    with alongside(_pid_and_double, 1) as future:
        assert future.result() == (os.getpid(), 2)
    with alongside(_fails) as future, pytest.raises(BuildFailed):
        future.result()


@pytest.mark.skipif(not parallel.can_fork(), reason="pas de fork : le travail se fait sur place")
def test_work_whose_process_was_killed_is_done_here_instead() -> None:
    with alongside(_killed_there, 4) as future:
        assert future.result() == (os.getpid(), 8)


@pytest.mark.skipif(not parallel.can_fork(), reason="pas de fork : le travail se fait sur place")
def test_steps_told_there_reach_here_in_order_and_its_collector_is_off() -> None:
    told: list[str] = []
    with alongside(_telling_steps, 3, told=told.append) as future:
        pid, collecting = future.result()
    assert told == ["étape 1", "étape 2", "étape 3"]
    assert pid != os.getpid() and not collecting  # its objects go with the process
    assert gc.isenabled()  # here, the collector is left as it was


def test_in_place_steps_are_told_and_the_collector_left_alone(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "can_fork", lambda: False)
    told: list[str] = []
    with alongside(_telling_steps, 2, told=told.append) as future:
        assert future.result() == (os.getpid(), True)
    assert told == ["étape 1", "étape 2"]
