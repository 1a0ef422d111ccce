"""The store backends the tests run on, and a throwaway PostgreSQL cluster for them.

:class:`Backend` is one store location of one backend (a SQLite file, a
PostgreSQL database) with a way under the store to its tables;
:class:`PostgresCluster` starts and stops the PostgreSQL server. The
fixtures that use them are in ``conftest.py`` beside this file.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from synopsis.store import SQLiteStore, Store

BACKENDS = ("sqlite", "postgres")


def postgres_bindir() -> Path | None:
    """The folder of the newest installed PostgreSQL's ``initdb`` and ``pg_ctl``, if any."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).parent
    return None


class PostgresCluster:
    """A throwaway PostgreSQL cluster in a temporary folder, on a Unix socket there.

    Tuned for tests (``fsync=off``, trust authentication for the user
    ``synopsis``, which is its superuser); :meth:`create_database` gives
    each test a database of its own. :meth:`stop` stops it and deletes
    everything.
    """

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self._user: pwd.struct_passwd | None = None
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            for name in ("postgres", "nobody"):
                try:
                    self._user = pwd.getpwnam(name)
                    break
                except KeyError:
                    continue
            else:
                raise RuntimeError("running as root, and no 'postgres' or 'nobody' user to run as")
        # /tmp, not a folder of root's (which the server's user could not reach); short,
        # as a socket's path must be.
        self.root = Path(tempfile.mkdtemp(prefix="synopsis-pg-", dir="/tmp"))
        if self._user is not None:
            os.chown(self.root, self._user.pw_uid, self._user.pw_gid)
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self._names = itertools.count(1)

    def _run(self, *args: str) -> None:
        user = None if self._user is None else self._user.pw_uid
        group = None if self._user is None else self._user.pw_gid
        done = subprocess.run(
            list(args),
            cwd=self.root,
            user=user,
            group=group,
            extra_groups=[] if user is not None else None,
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "LC_ALL": "C", "LANG": "C"},
        )
        if done.returncode != 0:
            log = self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
            raise RuntimeError(
                f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}\n{log}"
            )

    def start(self) -> None:
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "synopsis",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )
        options = (
            f"-k {self.root} -c listen_addresses='' -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c max_connections=100"
        )
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-w",
            "-t",
            "60",
            "-o",
            options,
            "start",
        )

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                pg_ctl = str(self.bindir / "pg_ctl")
                self._run(pg_ctl, "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql://synopsis@/{database}?host={self.root}"

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def create_database(self) -> str:
        name = f"test_{next(self._names)}"
        self.admin(f"CREATE DATABASE {name} TEMPLATE template0")
        return name

    def drop_database(self, name: str) -> None:
        self.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


class Backend:
    """One store location of one backend, and a way under the store to its tables."""

    name: str
    target: str | Path
    """What :func:`~synopsis.store.open_store` takes to open this store."""
    label: str
    """How the store's messages name it."""

    def open(self, **options: Any) -> Store:
        """The store here (options as for the backend's store class)."""
        raise NotImplementedError

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Run ``sql`` (``?`` placeholders) on a connection of its own, committed; its rows."""
        raise NotImplementedError

    def count(self, table: str) -> int:
        return int(self.execute(f"SELECT COUNT(*) FROM {table}")[0][0])

    def tables(self) -> set[str]:
        raise NotImplementedError

    def columns(self, table: str) -> list[str]:
        raise NotImplementedError

    def snapshot(self) -> Any:
        """Everything stored, to compare before and after."""
        return {
            table: sorted(map(repr, self.execute(f"SELECT * FROM {table}")))
            for table in sorted(self.tables())
        }


class SQLiteBackend(Backend):
    name = "sqlite"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.target = path
        self.label = str(path)

    def open(self, **options: Any) -> Store:
        return SQLiteStore(self.path, **options)

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        conn = sqlite3.connect(self.path)
        try:
            with conn:
                return [tuple(row) for row in conn.execute(sql, params)]
        finally:
            conn.close()

    def tables(self) -> set[str]:
        rows = self.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {str(row[0]) for row in rows}

    def columns(self, table: str) -> list[str]:
        return [str(row[1]) for row in self.execute(f"PRAGMA table_info({table})")]

    def snapshot(self) -> Any:
        return self.path.read_bytes()


class PostgresBackend(Backend):
    name = "postgres"

    def __init__(self, url: str) -> None:
        self.url = url
        self.target = url
        self.label = url

    def open(self, **options: Any) -> Store:
        from synopsis.store.postgres import PostgresStore

        return PostgresStore(self.url, **options)

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            cursor = conn.execute(sql.replace("?", "%s"), params)  # type: ignore[arg-type]
            return [tuple(row) for row in cursor.fetchall()] if cursor.description else []

    def tables(self) -> set[str]:
        rows = self.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        return {str(row[0]) for row in rows}

    def columns(self, table: str) -> list[str]:
        rows = self.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
            (table,),
        )
        return [str(row[0]) for row in rows]
