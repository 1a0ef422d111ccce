"""Opening a store from a path or URL: one table of URL schemes, one door.

:data:`BACKENDS` maps a URL scheme to the function that opens a store of that
kind; :func:`open_store` picks the entry by the URL's scheme (lower-cased,
any ``+driver`` suffix dropped, so ``sqlite+pysqlite://`` is ``sqlite``) and
sends a plain file path to SQLite. A new backend is one more entry.
``postgresql://`` (or ``postgres://``) URLs open a
:class:`~synopsis.store.postgres.PostgresStore`; that module, and psycopg
with it, is imported only when such a URL is opened.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Final

from ..errors import StoreError
from .base import Store
from .sqlite import ReadOnlyStoreError, SQLiteStore, can_write
from .urls import mask_password

__all__ = ["BACKENDS", "Opener", "open_store"]

logger = logging.getLogger(__name__)

Opener = Callable[[str, bool, bool], Store]
"""Opens the store at a URL of its scheme; the flags are ``create`` and ``read_only``
(see :func:`open_store`)."""


def open_store(url_or_path: str | Path, *, create: bool = True, read_only: bool = False) -> Store:
    """Open the store at ``url_or_path``: a file path or a URL of a scheme in :data:`BACKENDS`.

    SQLite URLs follow the SQLAlchemy convention: ``sqlite:///relative/file.db``
    and ``sqlite:////absolute/file.db`` (three slashes, then the path), and
    ``sqlite://`` or ``sqlite:///:memory:`` for a private in-memory store.
    PostgreSQL URLs are libpq's: ``postgresql://user:password@host:port/db``
    (``postgres://`` too; ``?host=/run/postgresql`` for a Unix socket).
    With ``create=False`` a store file that does not exist yet (a database
    that holds no synopsis store yet) is a :class:`StoreError` instead of a
    new, empty store. ``read_only=True`` opens an existing store for
    reading only (every write raises :class:`StoreError`); an existing store
    this process cannot write (a read-only file or folder) is opened that
    way too, so it can always be read. Any other scheme raises
    :class:`StoreError` naming the URL (with any password masked) and the
    supported schemes.
    """
    if isinstance(url_or_path, Path) or "://" not in url_or_path:
        return _open_sqlite_file(url_or_path, create, read_only)
    scheme = url_or_path.partition("://")[0]
    opener = BACKENDS.get(scheme.lower().partition("+")[0])
    if opener is None:
        raise _unsupported(url_or_path, scheme)
    return opener(url_or_path, create, read_only)


def _open_sqlite(url: str, create: bool, read_only: bool = False) -> Store:
    """The SQLite store a ``sqlite://`` URL names."""
    rest = url.partition("://")[2]
    if rest in ("", "/"):
        return SQLiteStore(":memory:")
    if not rest.startswith("/"):
        raise StoreError(
            f"{url}: a sqlite URL needs three slashes before the path "
            "(sqlite:///relative.db or sqlite:////absolute.db)"
        )
    return _open_sqlite_file(rest[1:], create, read_only)


def _open_sqlite_file(path: str | Path, create: bool, read_only: bool = False) -> SQLiteStore:
    """The SQLite store in file ``path`` (or ``":memory:"``); a missing file only if ``create``.

    An existing file that cannot be written opens read-only.
    """
    if str(path) == ":memory:":
        return SQLiteStore(path, read_only=read_only)
    exists = Path(path).expanduser().exists()
    if not exists and (read_only or not create):
        raise StoreError(f"{Path(path)}: no such store (run 'synopsis ingest' first)")
    if read_only:
        return SQLiteStore(path, read_only=True)
    folder = Path(path).expanduser().parent
    if not exists and folder.is_dir() and not can_write(path):
        raise ReadOnlyStoreError(f"{Path(path)}: cannot create a store in {folder} (not writable)")
    if exists and not can_write(path):
        logger.info("%s: not writable here, opened read-only", path)
        return SQLiteStore(path, read_only=True)
    try:
        return SQLiteStore(path)
    except ReadOnlyStoreError:
        if not exists:
            raise
        logger.info("%s: cannot be opened for writing, opened read-only", path)
        return SQLiteStore(path, read_only=True)


def _open_postgres(url: str, create: bool, read_only: bool = False) -> Store:
    """The PostgreSQL store a ``postgresql://`` URL names (the ``+driver`` part dropped).

    A server that takes no writes from this session (a standby) opens it read-only.
    """
    from .postgres import PostgresStore  # imports psycopg: only when a store needs it

    scheme, _, rest = url.partition("://")
    target = f"{scheme.lower().partition('+')[0]}://{rest}"
    try:
        return PostgresStore(target, create=create, read_only=read_only)
    except ReadOnlyStoreError:
        if read_only:
            raise
        logger.info("%s: the server takes no writes here, opened read-only", mask_password(url))
        return PostgresStore(target, read_only=True)


BACKENDS: Final[Mapping[str, Opener]] = MappingProxyType(
    {"sqlite": _open_sqlite, "postgresql": _open_postgres, "postgres": _open_postgres}
)
"""The store backends by URL scheme (lower case, without ``+driver``)."""


def _unsupported(url: str, scheme: str) -> StoreError:
    """The error for ``url``, whose ``scheme`` has no entry in :data:`BACKENDS`."""
    reason = f"unknown store URL scheme {scheme!r}; use a file path, sqlite:/// or postgresql://"
    supported = ", ".join(sorted(BACKENDS))
    return StoreError(f"{mask_password(url)}: {reason} (supported schemes: {supported})")
