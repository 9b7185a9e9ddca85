"""A throwaway PostgreSQL server for the tests: found, or started on 127.0.0.1, never guessed.

- ``$ECOPOLE_KIT_TEST_POSTGRESQL`` (a superuser URL) names a running server: `.ci/run` starts
  one with this very module (``python tests/pg_server.py start DIR``) so every pytest worker
  shares it. A server named there that does not answer fails the tests (never a skip).
- Otherwise the session starts its own cluster when ``initdb`` and ``pg_ctl`` are found
  (``$PG_BIN``, the PATH, or Debian's ``/usr/lib/postgresql/*/bin``). PostgreSQL refuses to
  run as root: as root the cluster belongs to the ``postgres`` system user (``runuser``).
  The maintained plugin pytest-postgresql has no such switch (its issue #455), hence this.
- Where neither is possible the PostgreSQL tests are skipped, with the reason (``-ra``).

The cluster trusts the superuser ``postgres`` on 127.0.0.1 and asks every other role a
password (SCRAM), so the tests can try a wrong one with the role ``ecopole_mdp``.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ENV = "ECOPOLE_KIT_TEST_POSTGRESQL"
PASSWORD_ROLE, PASSWORD = "ecopole_mdp", "secret-de-test-42"
SERVICE_USER = "postgres"
_HBA = ("local all all trust\n"
        "host all postgres 127.0.0.1/32 trust\n"
        "host all all 127.0.0.1/32 scram-sha-256\n")
_SETTINGS = ("-c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
             "-c full_page_writes=off -c shared_buffers=16MB -c max_connections=60")


class Unavailable(Exception):
    """No PostgreSQL server can be started here (the reason is the message)."""


def binaries() -> Path:
    """The folder holding initdb and pg_ctl, newest version first."""
    candidates = [os.environ.get("PG_BIN", "")]
    found = shutil.which("pg_ctl")
    candidates.append(str(Path(found).parent) if found else "")
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                         key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit()
                         else 0, reverse=True)
    for folder in filter(None, candidates):
        if all((Path(folder) / tool).is_file() for tool in ("initdb", "pg_ctl")):
            return Path(folder)
    raise Unavailable("initdb et pg_ctl introuvables (paquet Debian « postgresql », ou $PG_BIN)")


def _as_owner() -> list[str]:
    """The prefix that runs a command as the cluster's owner: nothing, or runuser as root."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam(SERVICE_USER)
    except KeyError:
        raise Unavailable("lancé en root sans utilisateur système « postgres »") from None
    if shutil.which("runuser") is None:
        raise Unavailable("lancé en root sans la commande runuser")
    return ["runuser", "-u", SERVICE_USER, "--"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(folder: Path) -> str:
    """Start a cluster in ``folder``; return the superuser's URL."""
    tools, owner = binaries(), _as_owner()
    folder.mkdir(parents=True, exist_ok=True)
    if owner:
        entry = pwd.getpwnam(SERVICE_USER)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
    data, port = folder / "data", _free_port()
    _run(owner, tools / "initdb", "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
         "--no-instructions")
    (data / "pg_hba.conf").write_text(_HBA, encoding="utf-8")
    _run(owner, tools / "pg_ctl", "-D", str(data), "-l", str(folder / "journal.log"), "-w",
         "-t", "60", "-o", f"{_SETTINGS} -p {port} -k {folder}", "start")
    url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
    _password_role(url)
    return url


def stop(folder: Path) -> None:
    """Stop the cluster of ``folder`` at once (its data is thrown away)."""
    data = folder / "data"
    if (data / "postmaster.pid").exists():
        subprocess.run([*_as_owner(), str(binaries() / "pg_ctl"), "-D", str(data), "-m",
                        "immediate", "-w", "stop"], capture_output=True, check=False)


def _run(owner: list[str], tool: Path, *arguments: str) -> None:
    done = subprocess.run([*owner, str(tool), *arguments], capture_output=True, text=True,
                          check=False, cwd="/")
    if done.returncode:
        raise Unavailable(f"{tool.name} a échoué : {done.stderr.strip()[-300:]}")


def _password_role(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s",
                             (PASSWORD_ROLE,)).fetchone()
        if found is None:
            conn.execute(f"CREATE ROLE {PASSWORD_ROLE} LOGIN PASSWORD '{PASSWORD}' CREATEDB")


def with_database(url: str, name: str) -> str:
    return url.rsplit("/", 1)[0] + f"/{name}"


# Fixtures ----------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A superuser URL of a running PostgreSQL server, for the whole session."""
    pytest.importorskip("psycopg", reason="module psycopg absent (extra « postgresql »)")
    named = os.environ.get(ENV)
    if named:
        _answers(named)
        yield named
        return
    folder = Path(tempfile.mkdtemp(prefix="ecopole-pg-"))
    try:
        url = start(folder)
    except Unavailable as why:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.skip(f"PostgreSQL : aucun serveur ne peut être démarré ici ({why})")
    try:
        yield url
    finally:
        stop(folder)
        shutil.rmtree(folder, ignore_errors=True)


def _answers(url: str) -> None:
    import psycopg

    try:
        psycopg.connect(url, connect_timeout=10).close()
    except psycopg.Error as error:
        pytest.fail(f"${ENV} nomme un serveur PostgreSQL qui ne répond pas : "
                    f"{type(error).__name__}", pytrace=False)


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A new, empty database of the session's server, dropped after the test."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name} OWNER {PASSWORD_ROLE}")
    yield with_database(postgres_server, name)
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


if __name__ == "__main__":  # .ci/run: start DIR prints the URL; stop DIR
    action, where = sys.argv[1], Path(sys.argv[2])
    try:
        print(start(where) if action == "start" else stop(where) or "arrêté")
    except Unavailable as why:
        print(f"PostgreSQL : {why}", file=sys.stderr)
        sys.exit(1)
