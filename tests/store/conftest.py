"""Store fixtures: every backend behind one parameterised ``backend`` fixture.

``backend`` is a :class:`Backend`, once for SQLite (a file in the test's
folder) and once for PostgreSQL (a fresh database on a throwaway cluster
that this session starts, see :class:`PostgresCluster`). A test written
against ``backend`` (or the ``store`` fixtures built on it) runs on both;
``backend.execute`` reaches under the store, with SQLite's ``?``
placeholders on both, so the checks do not depend on the code under test.

The PostgreSQL tests skip, saying why, where PostgreSQL is not installed
(no ``initdb``) or psycopg is missing; a cluster that is installed but does
not start fails them. As root (CI, containers) the cluster runs as the
``postgres`` user (``nobody`` where there is none), since PostgreSQL refuses
to run as root: its folder is created for that user, and the server listens
only on a Unix socket in that folder.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from store_backends import (
    BACKENDS,
    Backend,
    PostgresBackend,
    PostgresCluster,
    SQLiteBackend,
    postgres_bindir,
)


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    """The session's PostgreSQL cluster, started on first use; skips where there is none."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed (pip install -e '.[dev]')")
    bindir = postgres_bindir()
    if bindir is None:
        pytest.skip(
            "PostgreSQL is not installed (no initdb in /usr/lib/postgresql/*/bin or on PATH); "
            "apt-get install postgresql to run the PostgreSQL store tests"
        )
    cluster = PostgresCluster(bindir)
    try:
        cluster.start()
    except BaseException:
        cluster.stop()
        raise
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def postgres_url(postgres_cluster: PostgresCluster) -> Iterator[str]:
    """The URL of a fresh, empty database, dropped after the test."""
    name = postgres_cluster.create_database()
    try:
        yield postgres_cluster.url(name)
    finally:
        postgres_cluster.drop_database(name)


@pytest.fixture(params=BACKENDS)
def backend(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Backend:
    """A fresh store location, once per backend (index folders in the test's folder)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    if request.param == "sqlite":
        return SQLiteBackend(tmp_path / "store.db")
    return PostgresBackend(request.getfixturevalue("postgres_url"))
