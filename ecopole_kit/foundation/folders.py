"""Folders the kit writes whole: staged beside their target, swapped in, leftovers removed.

A folder the kit produces (a built site) is written into a *staging* folder beside it,
``.<name>.new-<pid>-<random>``, and swapped in only once complete, by two renames:
the old folder goes aside as ``.<name>.old-<pid>-<random>`` (same tail), then the new one
takes its name, then the old one is removed. POSIX cannot exchange two non-empty folders
in one step, so a crash (kill -9, power cut) between the two renames leaves no folder
under the name, but both whole folders beside it: the next run's :func:`recover` finishes
the swap (the new folder only goes in after it was complete, so it is whole).

Temporary folders carry the id of the process that made them. A leftover is *stale* when
that process is gone (POSIX) or, wherever that cannot be told, when it is over a day old;
the current process's own folders are never stale. Stale leftovers are removed by prefix,
never followed when they are links.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
import time
from pathlib import Path

from ecopole_kit.errors import UnsafeLink

STALE_AFTER_SECONDS = 24 * 3600
_NEW, _OLD = ".new-", ".old-"


def tagged(prefix: str) -> str:
    """A temporary folder's name prefix carrying this process's id (see :func:`is_stale`)."""
    return f"{prefix}{os.getpid()}-"


def is_stale(path: Path, prefix: str) -> bool:
    """Whether ``prefix<pid>-…`` was left by a process that is gone, or is over a day old."""
    found = re.match(re.escape(prefix) + r"(\d+)-", path.name)
    if found is None or int(found.group(1)) == os.getpid():
        return False
    return not _alive(int(found.group(1))) or _age(path) > STALE_AFTER_SECONDS


def _alive(pid: int) -> bool:
    if os.name != "posix":  # os.kill(pid, 0) is no probe on Windows: trust the age only
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process: alive
        return True
    return True


def _age(path: Path) -> float:
    try:
        return time.time() - path.lstat().st_mtime
    except OSError:
        return 0.0


def remove_stale(parent: Path, prefix: str) -> list[Path]:
    """Remove the stale ``prefix<pid>-…`` entries of ``parent``; return those removed."""
    removed = []
    try:
        entries = sorted(parent.iterdir()) if parent.is_dir() else []
    except OSError:
        return []
    for entry in entries:
        if entry.name.startswith(prefix) and is_stale(entry, prefix) and remove_entry(entry):
            removed.append(entry)
    return removed


def remove_entry(path: Path) -> bool:
    """Remove a file, a folder and its content, or a link (never what it points to)."""
    try:
        if path.is_symlink() or not path.is_dir():
            path.unlink()
        else:
            shutil.rmtree(path)
    except FileNotFoundError:
        return True
    except OSError:  # retried by the next run
        return False
    return True


def staging(target: Path) -> Path:
    """A new empty folder beside ``target`` to write its next version into; leftovers of
    earlier runs are dealt with first (:func:`recover`)."""
    recover(target)
    made = Path(tempfile.mkdtemp(dir=target.parent, prefix=tagged(f".{target.name}{_NEW}")))
    made.chmod(_default_mode())  # mkdtemp's 0o700 would hide a site from a web server
    return made


def _default_mode() -> int:
    umask = os.umask(0o22)
    os.umask(umask)
    return (stat.S_IRWXU | stat.S_IRWXG | stat.S_IRWXO) & ~umask


def swap_in(new: Path, target: Path) -> None:
    """Put the complete folder ``new`` (from :func:`staging`) in place of ``target``."""
    aside = _counterpart(new, target, _NEW, _OLD)
    if os.path.lexists(target):
        os.rename(target, aside)
    try:
        os.rename(new, target)
    except BaseException:
        if not os.path.lexists(target) and os.path.lexists(aside):
            os.rename(aside, target)
        raise
    remove_entry(aside)


def recover(target: Path) -> None:
    """Finish a swap a crash interrupted, then remove the stale staging and aside folders."""
    new_prefix, old_prefix = f".{target.name}{_NEW}", f".{target.name}{_OLD}"
    for aside in _entries(target.parent, old_prefix):
        if is_stale(aside, old_prefix) and not os.path.lexists(target) \
                and _real_dir(aside):
            new = _counterpart(aside, target, _OLD, _NEW)
            os.rename(new if _real_dir(new) else aside, target)
    remove_stale(target.parent, new_prefix)
    remove_stale(target.parent, old_prefix)


def _counterpart(path: Path, target: Path, kind: str, other: str) -> Path:
    """``.site.new-<tail>`` ↔ ``.site.old-<tail>``: same tail, the other kind."""
    return target.with_name(f".{target.name}{other}"
                            + path.name.removeprefix(f".{target.name}{kind}"))


def _real_dir(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink()


def _entries(parent: Path, prefix: str) -> list[Path]:
    return sorted(p for p in parent.glob(f"{glob_escape(prefix)}*")) if parent.is_dir() else []


def glob_escape(text: str) -> str:
    """``text`` with glob's special characters made literal."""
    return re.sub(r"([*?\[])", r"[\1]", text)


def refuse_linked_folder(folder: Path) -> None:
    """A folder the kit empties or writes into must not be a symbolic link."""
    if folder.is_symlink():
        raise UnsafeLink(
            f"{folder} : ce dossier est un lien symbolique (vers {os.readlink(folder)}) ; "
            "ecopole-kit n'écrit pas à travers un lien, il viderait sa cible.",
            hint=f"Supprimez le lien lui-même (rm {folder}), pas sa cible, puis relancez : "
                 "le kit recrée le dossier.")


def read_bytes_nofollow(path: Path) -> bytes:
    """A file's bytes, refusing to open it if its last component is a symbolic link
    (``O_NOFOLLOW`` where the system has it): ``path`` was checked, not its replacement."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    descriptor = os.open(path, flags)
    with os.fdopen(descriptor, "rb") as stream:
        return stream.read()
