"""The SQLite article store: one file, standard library :mod:`sqlite3` only.

The file is opened in WAL mode (readers, in this process or others such as a
web server, are not blocked by an ingest in progress) with foreign keys
enforced and ``synchronous=NORMAL``. Its schema is versioned: the ``meta``
table holds ``schema_version``, and :data:`~synopsis.store.schema.MIGRATIONS`
lists, in order, the SQL scripts that bring a store from one version to the
next. Opening a store applies the missing migrations, each in a transaction
together with the version bump; opening a store written by a newer synopsis
raises :class:`~synopsis.errors.SchemaError`. Records become rows and back
through :mod:`synopsis.store.codec`; this module holds only the connections,
their locking and transactions, migration running and the queries.

Connections and threads: one :class:`SQLiteStore` may be shared by several
threads (the web server reads from a pool of them). Writes go through one
writer connection, one transaction at a time (a :class:`threading.RLock`
in this process, ``BEGIN IMMEDIATE`` across processes). Reads take a
connection of their own from a small pool and run in a read transaction of
their own: WAL gives each a consistent snapshot, so a reader never sees a
half-written batch and never waits for a writer, however long the write
transaction. :meth:`SQLiteStore.transaction` makes several calls one
transaction (the calls inside it nest as savepoints); while it is open the
thread that opened it reads through the writer connection and so sees what
it has written, and every other reader sees the store as it was before.
Results are fully fetched inside their transaction;
:meth:`SQLiteStore.iter_articles` reads in pages, one read transaction each.
A ``":memory:"`` store has a single connection, which reads share under the
write lock.

Read-only stores: ``read_only=True`` opens the file with ``mode=ro`` (no
write is attempted, no migration run; every write raises
:class:`ReadOnlyStoreError`). WAL needs a ``-shm`` file beside the database;
where it does not exist and the folder is not writable, SQLite cannot open
the file even for reading, and the store opens it ``immutable=1`` instead:
the file is read as it is, which is right because nothing can write to a
folder nobody may write to.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Sized
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote

import numpy as np
import numpy.typing as npt

from ..closing import Closeable
from ..errors import NotFoundError, SchemaError, StoreError
from ..records import Article, CopyLink
from .base import AddResult, StoryRow
from .codec import (
    ARTICLE_COLUMNS,
    COPY_COLUMNS,
    COPY_COLUMNS_WITHOUT_EVIDENCE,
    STORY_COLUMNS,
    CopyRow,
    article_from_row,
    article_values,
    copy_link_from_row,
    copy_link_values,
    iso,
    iso_or_none,
    parse_dt,
    same_article,
    state_from_json,
    state_to_json,
    story_from_row,
    utc_now,
    vector_blob,
    vector_from_blob,
)
from .feeds import FeedTables, FollowedFeeds
from .schema import (
    CANDIDATE_POSITION_KEY,
    META_TABLE,
    MIGRATIONS,
    Migration,
    check_meta_key,
    checked_migrations,
    split_statements,
)

__all__ = ["ReadOnlyStoreError", "SQLiteStore", "can_write"]

_CHUNK: Final = 500  # ids per ``IN (...)`` query, well under SQLite's variable limit
_PAGE: Final = 200  # articles per page in iter_articles
_IDLE_READERS: Final = 8  # read connections kept open between reads
# Primary result codes that mean "this process may not write the file (or its folder)".
_NOT_WRITABLE: Final = frozenset(
    {sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM}
)


class ReadOnlyStoreError(StoreError):
    """The store is open read-only, or its file or folder cannot be written."""


def can_write(path: str | Path) -> bool:
    """Whether this process may write the store file ``path`` and create files beside it.

    SQLite writes a ``-wal`` and a ``-shm`` file beside the database, so the
    folder must be writable too. A missing file counts as writable when its
    folder is.
    """
    target = Path(path).expanduser()
    folder = target.parent
    if not os.access(folder, os.W_OK | os.X_OK):
        return False
    return not target.exists() or os.access(target, os.R_OK | os.W_OK)


class SQLiteStore(Closeable, FollowedFeeds):
    """The article store in one SQLite file (see the module docstring).

    ``path`` is the database file (created if missing; its directory must
    exist) or ``":memory:"``. ``migrations`` defaults to
    :data:`~synopsis.store.schema.MIGRATIONS`; tests pass their own list to
    exercise upgrades. ``timeout`` is how long, in seconds, to wait for
    another writer's lock (another thread's or another process's).
    ``clock`` gives the current time for ``created``/``updated`` stamps
    (default: now, UTC). ``read_only`` opens an existing store for reading
    only (see the module docstring); its schema must be current, since a
    read-only store cannot be migrated.

    Use it as a context manager, or call :meth:`close`::

        with SQLiteStore("synopsis.db") as store:
            store.add_articles(articles)
    """

    _feed_tables = FeedTables("?")

    def __init__(
        self,
        path: str | Path,
        *,
        migrations: Sequence[Migration] = MIGRATIONS,
        timeout: float = 30.0,
        clock: Callable[[], datetime] | None = None,
        read_only: bool = False,
    ) -> None:
        self._migrations = checked_migrations(migrations)
        self._target_version = self._migrations[-1][0]
        self._clock: Callable[[], datetime] = clock or utc_now
        self._timeout = timeout
        self._memory = str(path) == ":memory:"
        self.path: Path = Path(path) if self._memory else Path(path).expanduser()
        self.read_only: bool = read_only
        """Whether the store was opened for reading only (every write raises)."""
        self._write_lock = threading.RLock()
        self._owner: int | None = None  # the thread whose write transaction is open
        self._savepoints = 0
        self._pool_lock = threading.Lock()
        self._idle: list[sqlite3.Connection] = []
        self._closed = False
        self._conn: sqlite3.Connection | None = None
        self._reader_uri = ""
        if read_only:
            self.journal_mode: str = self._open_read_only()
            return
        conn = self._connect(timeout)
        try:
            self.journal_mode = self._configure(conn)
            self._migrate(conn)
        except BaseException:
            conn.close()
            raise
        self._conn = conn
        if not self._memory:
            self._reader_uri = f"file:{quote(str(self.path.resolve()))}"

    def __repr__(self) -> str:
        mode = ", read_only=True" if self.read_only else ""
        return f"SQLiteStore({str(self.path)!r}{mode})"

    # -- opening ------------------------------------------------------------

    def _check_path(self) -> None:
        path = self.path
        if path.is_dir():
            raise StoreError(f"{path}: is a directory, not a store file")
        if not path.parent.is_dir():
            raise StoreError(f"{path}: directory does not exist ({path.parent})")

    def _connect(self, timeout: float) -> sqlite3.Connection:
        if not self._memory:
            self._check_path()
        try:
            return sqlite3.connect(
                str(self.path),
                timeout=timeout,
                isolation_level=None,  # transactions are explicit: BEGIN ... COMMIT
                check_same_thread=False,  # shared between threads, guarded by self._write_lock
            )
        except sqlite3.Error as exc:
            raise self._open_error(exc) from exc

    def _configure(self, conn: sqlite3.Connection) -> str:
        # Switching a new file to WAL takes a lock SQLite does not wait for (no busy
        # handler): a second writer opening the same new store at that moment gets
        # "database is locked" at once. Wait for it as for any lock, up to the timeout.
        deadline = time.monotonic() + self._timeout
        while True:
            try:
                mode = str(conn.execute("PRAGMA journal_mode=WAL").fetchone()[0])
                conn.execute("PRAGMA foreign_keys=ON")
                conn.execute("PRAGMA synchronous=NORMAL")
                return mode
            except sqlite3.OperationalError as exc:
                locked = getattr(exc, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_BUSY
                if not locked or time.monotonic() >= deadline:
                    raise self._open_error(exc) from exc
                time.sleep(0.05)
            except sqlite3.Error as exc:
                raise self._open_error(exc) from exc

    def _open_error(self, exc: sqlite3.Error) -> StoreError:
        code = getattr(exc, "sqlite_errorcode", None)
        if code == sqlite3.SQLITE_NOTADB:
            return StoreError(f"{self.path}: not a SQLite database ({exc})")
        if code is not None and code & 0xFF in _NOT_WRITABLE and not self.read_only:
            return ReadOnlyStoreError(
                f"{self.path}: cannot open the store for writing ({exc}); "
                "the file and its folder must be writable (reading works read-only)"
            )
        return StoreError(f"{self.path}: cannot open the store: {exc}")

    def _open_read_only(self) -> str:
        """Open the first read connection (``mode=ro``, else ``immutable=1``); the journal mode."""
        if self._memory:
            raise StoreError(":memory:: an in-memory store cannot be opened read-only")
        self._check_path()
        if not self.path.is_file():
            raise StoreError(f"{self.path}: no such store (run 'synopsis ingest' first)")
        base = f"file:{quote(str(self.path.resolve()))}?mode=ro"
        failure: sqlite3.Error | None = None
        for uri in (base, base + "&immutable=1"):
            conn = None
            try:
                conn = self._open_reader(uri)
                mode = str(conn.execute("PRAGMA journal_mode").fetchone()[0])
                version = self._read_version(conn)
            except sqlite3.Error as exc:
                if conn is not None:
                    conn.close()
                code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
                if code not in _NOT_WRITABLE or failure is not None:
                    raise self._open_error(exc) from exc
                failure = exc
                continue  # no -shm file, and a folder it cannot be created in: immutable
            except BaseException:
                if conn is not None:
                    conn.close()
                raise
            try:
                self._check_not_newer(version)
                if version == 0:
                    raise StoreError(f"{self.path}: an empty store (nothing was ingested yet)")
                if version < self._target_version:
                    raise StoreError(
                        f"{self.path}: the store has schema version {version} and needs "
                        f"version {self._target_version}; open it once with write access "
                        "to upgrade it (a read-only store cannot be migrated)"
                    )
            except BaseException:
                conn.close()
                raise
            self._reader_uri = uri
            self._idle.append(conn)
            return mode
        raise StoreError(f"{self.path}: cannot open the store for reading: {failure}")

    def _open_reader(self, uri: str) -> sqlite3.Connection:
        conn = sqlite3.connect(
            uri,
            uri=True,
            timeout=self._timeout,
            isolation_level=None,
            check_same_thread=False,  # handed from thread to thread by the pool
        )
        try:
            conn.execute("PRAGMA query_only=ON")
        except BaseException:
            conn.close()
            raise
        return conn

    def _read_version(self, conn: sqlite3.Connection) -> int:
        """The stored schema version; 0 for an empty file. The caller handles errors."""
        # One statement, one snapshot: another opener may be creating the tables meanwhile.
        tables = [
            str(row[0])
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        if "meta" not in tables:
            if tables:
                raise StoreError(
                    f"{self.path}: a SQLite database but not a synopsis store "
                    f"(no meta table; it has {', '.join(tables)})"
                )
            return 0
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if row is None:
            return 0
        try:
            return int(row[0])
        except (TypeError, ValueError):
            raise StoreError(f"{self.path}: corrupt schema_version {row[0]!r}") from None

    def _check_not_newer(self, version: int) -> None:
        if version > self._target_version:
            raise SchemaError(
                f"{self.path}: the store has schema version {version}, newer than "
                f"version {self._target_version} that this synopsis supports; "
                "upgrade synopsis to open it"
            )

    def _migrate(self, conn: sqlite3.Connection) -> None:
        try:
            version = self._read_version(conn)
            self._check_not_newer(version)
            if version == self._target_version:
                return
            # Re-read under the write lock: another process may have migrated meanwhile.
            conn.execute("BEGIN IMMEDIATE")
            try:
                version = self._read_version(conn)
                self._check_not_newer(version)
                conn.execute(META_TABLE)
                for target, script in self._migrations:
                    if target <= version:
                        continue
                    try:
                        for statement in split_statements(script):
                            conn.execute(statement)
                    except sqlite3.Error as exc:
                        raise StoreError(
                            f"{self.path}: migration to schema version {target} failed: {exc}"
                        ) from exc
                    version = target
                conn.execute(
                    "INSERT INTO meta (key, value) VALUES ('schema_version', ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (str(version),),
                )
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise self._open_error(exc) from exc

    # -- lifetime -----------------------------------------------------------

    def close(self) -> None:
        """Close every connection; idempotent. Later calls raise :class:`StoreError`."""
        with self._write_lock:
            self._closed = True
            if self._conn is not None:
                self._conn.close()
                self._conn = None
        with self._pool_lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()

    def _closed_error(self) -> StoreError:
        return StoreError(f"{self.path}: the store is closed")

    @contextmanager
    def transaction(self, timeout: float | None = None) -> Iterator[None]:
        """One write transaction around every store call made inside it, from this thread.

        Commits when the block ends, rolls everything back if it raises.
        Waits up to ``timeout`` seconds (default: the store's ``timeout``)
        for another writer to finish, in this process or another, then holds
        the write lock (``BEGIN IMMEDIATE``) until the end: what is read
        inside it is current, and no other writer can change it meanwhile.
        Other threads and processes keep reading the store as it was before
        the block. Blocks nest (an inner one is a savepoint).
        """
        with self._transaction(write=True, timeout=timeout):
            yield

    @contextmanager
    def _transaction(
        self, *, write: bool, timeout: float | None = None
    ) -> Iterator[sqlite3.Connection]:
        """A transaction: commit on success, roll back on error.

        ``write``: on the writer connection, under the write lock; nested
        inside this thread's open write transaction it is a savepoint. A read
        inside this thread's write transaction reads through it; any other
        read runs on a pooled read connection. Any :class:`sqlite3.Error`
        comes out as a :class:`StoreError` naming the file.
        """
        if write:
            with self._writing(self._timeout if timeout is None else timeout) as conn:
                yield conn
        elif self._owner == threading.get_ident():
            own = self._conn
            if own is None:
                raise self._closed_error()
            try:
                yield own
            except sqlite3.Error as exc:
                raise StoreError(f"{self.path}: {exc}") from exc
        elif self._memory:
            with self._writing(self._timeout, begin="BEGIN") as conn:
                yield conn
        else:
            with self._reading() as conn:
                yield conn

    @contextmanager
    def _writing(self, wait: float, begin: str = "BEGIN IMMEDIATE") -> Iterator[sqlite3.Connection]:
        if self.read_only and begin != "BEGIN":
            raise ReadOnlyStoreError(f"{self.path}: the store is open read-only")
        if not self._write_lock.acquire(timeout=wait):
            raise StoreError(f"{self.path}: another thread held the write lock for over {wait:g} s")
        try:
            conn = self._conn
            if conn is None:
                raise self._closed_error()
            if self._owner == threading.get_ident():
                with self._savepoint(conn) as inner:
                    yield inner
                return
            try:
                self._begin(conn, begin, wait)
                self._owner = threading.get_ident()
                try:
                    yield conn
                    conn.execute("COMMIT")
                except BaseException:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
                finally:
                    self._owner = None
            except sqlite3.Error as exc:
                raise StoreError(f"{self.path}: {exc}") from exc
        finally:
            self._write_lock.release()

    def _begin(self, conn: sqlite3.Connection, begin: str, wait: float) -> None:
        """``begin`` (``BEGIN IMMEDIATE``), retried while another process writes, for ``wait`` s.

        Each attempt already waits the connection's busy timeout; a longer
        ``wait`` (a whole ingest waiting for another) retries until it is over.
        """
        deadline = time.monotonic() + wait
        while True:
            try:
                conn.execute(begin)
                return
            except sqlite3.OperationalError as exc:
                busy = getattr(exc, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_BUSY
                if not busy or time.monotonic() >= deadline:
                    raise

    @contextmanager
    def _savepoint(self, conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
        name = f"nested_{self._savepoints}"
        self._savepoints += 1
        try:
            conn.execute(f"SAVEPOINT {name}")
            try:
                yield conn
            except BaseException:
                conn.execute(f"ROLLBACK TO {name}")
                conn.execute(f"RELEASE {name}")
                raise
            conn.execute(f"RELEASE {name}")
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: {exc}") from exc
        finally:
            self._savepoints -= 1

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        conn = self._checkout()
        try:
            try:
                conn.execute("BEGIN")
                try:
                    yield conn
                finally:
                    if conn.in_transaction:
                        conn.execute("COMMIT")  # a read transaction: this ends its snapshot
            except sqlite3.Error as exc:
                raise StoreError(f"{self.path}: {exc}") from exc
        finally:
            self._checkin(conn)

    def _checkout(self) -> sqlite3.Connection:
        with self._pool_lock:
            if self._closed:
                raise self._closed_error()
            if self._idle:
                return self._idle.pop()
        try:
            return self._open_reader(self._reader_uri)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot open a read connection: {exc}") from exc

    def _checkin(self, conn: sqlite3.Connection) -> None:
        with self._pool_lock:
            usable = not conn.in_transaction and not self._closed
            if usable and len(self._idle) < _IDLE_READERS:
                self._idle.append(conn)
                return
        conn.close()

    @property
    def schema_version(self) -> int:
        """The schema version recorded in the store's ``meta`` table."""
        with self._transaction(write=False) as conn:
            return self._read_version(conn)

    def _now(self) -> str:
        return iso(self._clock())

    # -- articles -------------------------------------------------------------

    def add_articles(self, articles: Iterable[Article]) -> AddResult:
        """Store ``articles`` in one transaction; idempotent.

        An article whose id is stored with identical fields is ``unchanged``
        and nothing is written for it; a known id whose fields differ is
        replaced (keeping its place in ingest order) and counts as added. If
        an id occurs more than once in ``articles`` the last one wins.
        ``paragraphs`` and ``sentences`` are not stored: they are re-derived.
        """
        batch: dict[str, tuple[Any, ...]] = {}
        for article in articles:  # serialise before taking the lock
            if not article.id:
                raise StoreError(f"{article.source}: the article has an empty id")
            batch[article.id] = article_values(article)
        added: list[str] = []
        unchanged: list[str] = []
        if not batch:
            return AddResult(added, unchanged)
        with self._transaction(write=True) as conn:
            existing: dict[str, tuple[Any, ...]] = {}
            for chunk in _chunks(list(batch)):
                rows = conn.execute(
                    f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id IN ({_marks(chunk)})",
                    chunk,
                )
                existing.update((row[0], tuple(row)) for row in rows)
            now = self._now()
            seq = int(conn.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM articles").fetchone()[0])
            inserts: list[tuple[Any, ...]] = []
            updates: list[tuple[Any, ...]] = []
            for article_id, values in batch.items():
                old = existing.get(article_id)
                if old is None:
                    inserts.append((*values, seq, now))
                    seq += 1
                    added.append(article_id)
                elif same_article(old, values):
                    unchanged.append(article_id)
                else:
                    updates.append((*values[1:], now, article_id))
                    added.append(article_id)
            conn.executemany(
                f"INSERT INTO articles ({ARTICLE_COLUMNS}, seq, ingested_at) "
                f"VALUES ({_marks(range(16))})",
                inserts,
            )
            conn.executemany(
                "UPDATE articles SET content_hash = ?, source = ?, path = ?, url = ?, "
                "outlet = ?, title = ?, published = ?, language = ?, text = ?, raw_text = ?, "
                "metadata = ?, removed = ?, quality = ?, ingested_at = ? WHERE id = ?",
                updates,
            )
        return AddResult(added, unchanged)

    def get_article(self, article_id: str) -> Article:
        """The article with id ``article_id``; :class:`NotFoundError` if none."""
        with self._transaction(write=False) as conn:
            row = conn.execute(
                f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,)
            ).fetchone()
        if row is None:
            raise NotFoundError("article", article_id)
        return article_from_row(row)

    def get_articles(self, article_ids: Sequence[str]) -> list[Article]:
        """The articles with the given ids, in the order asked.

        Raises :class:`NotFoundError` naming the first id that is not stored.
        """
        ids = list(article_ids)
        rows: dict[str, Any] = {}
        with self._transaction(write=False) as conn:
            for chunk in _chunks(list(dict.fromkeys(ids))):
                for row in conn.execute(
                    f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id IN ({_marks(chunk)})",
                    chunk,
                ):
                    rows[row[0]] = row
        for article_id in ids:
            if article_id not in rows:
                raise NotFoundError("article", article_id)
        return [article_from_row(rows[article_id]) for article_id in ids]

    def article_titles(self, article_ids: Sequence[str]) -> dict[str, str | None]:
        """The title of each of ``article_ids`` that is stored (``None``: untitled), by id."""
        found: dict[str, str | None] = {}
        with self._transaction(write=False) as conn:
            for chunk in _chunks(list(dict.fromkeys(article_ids))):
                for article_id, title in conn.execute(
                    f"SELECT id, title FROM articles WHERE id IN ({_marks(chunk)})", chunk
                ):
                    found[str(article_id)] = None if title is None else str(title)
        return found

    def iter_articles(self) -> Iterator[Article]:
        """Every stored article, in the order first ingested.

        Reads a page at a time, so other threads can use the store while the
        caller works through the articles; articles added meanwhile are seen.
        """
        last = 0
        while True:
            with self._transaction(write=False) as conn:
                rows = conn.execute(
                    f"SELECT seq, {ARTICLE_COLUMNS} FROM articles "
                    "WHERE seq > ? ORDER BY seq LIMIT ?",
                    (last, _PAGE),
                ).fetchall()
            if not rows:
                return
            for row in rows:
                yield article_from_row(row[1:])
            last = int(rows[-1][0])

    def article_count(self) -> int:
        """How many articles are stored."""
        with self._transaction(write=False) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def articles_without_story(self) -> list[str]:
        """The ids of the stored articles that no story holds, in ingest order.

        After an ingest every article it stored is in a story; an article
        listed here was left by an ingest that did not finish (or by one
        that could not place it), and the next ingest assigns it.
        """
        with self._transaction(write=False) as conn:
            rows = conn.execute(
                "SELECT id FROM articles a WHERE NOT EXISTS "
                "(SELECT 1 FROM story_articles sa WHERE sa.article_id = a.id) ORDER BY seq"
            ).fetchall()
        return [str(row[0]) for row in rows]

    def ingest_order(self, article_ids: Sequence[str]) -> list[str]:
        """The stored ones of ``article_ids``, each once, in the order they were first ingested."""
        found: list[tuple[int, str]] = []
        with self._transaction(write=False) as conn:
            for chunk in _chunks(list(dict.fromkeys(article_ids))):
                found.extend(
                    (int(seq), str(article_id))
                    for seq, article_id in conn.execute(
                        f"SELECT seq, id FROM articles WHERE id IN ({_marks(chunk)})", chunk
                    )
                )
        return [article_id for _, article_id in sorted(found)]

    def article_hashes(self) -> dict[str, str]:
        """The content hash of every stored article, by id, in ingest order."""
        with self._transaction(write=False) as conn:
            rows = conn.execute("SELECT id, content_hash FROM articles ORDER BY seq").fetchall()
        return {str(article_id): str(digest) for article_id, digest in rows}

    def articles_changed(self) -> str:
        """A token that changes whenever an article is added or replaced."""
        with self._transaction(write=False) as conn:
            count, seq, stamp = conn.execute(
                "SELECT COUNT(*), MAX(seq), MAX(ingested_at) FROM articles"
            ).fetchone()
        return f"{count}:{seq or 0}:{stamp or ''}"

    def has_article(self, article_id: str) -> bool:
        """Whether an article with id ``article_id`` is stored."""
        with self._transaction(write=False) as conn:
            row = conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone()
        return row is not None

    # -- stories --------------------------------------------------------------

    def save_story(
        self,
        story_id: str,
        title: str,
        article_ids: Sequence[str],
        first_published: datetime | None = None,
        last_published: datetime | None = None,
        centroid: npt.ArrayLike | None = None,
        state: Mapping[str, Any] | None = None,
    ) -> StoryRow:
        """Create or replace story ``story_id`` and return it as stored.

        Every field is replaced by what is given (``created`` is kept; a
        ``None`` centroid or state clears the stored one), and the story's
        article set becomes ``article_ids`` (duplicates dropped, order kept).
        An article belongs to at most one story: listing it here moves it out
        of any other story. Raises :class:`NotFoundError` for an unknown
        article and :class:`StoreError` if ``story_id`` was merged away.
        """
        if not story_id:
            raise StoreError("a story needs a non-empty id")
        ids = list(dict.fromkeys(article_ids))
        what = f"story {story_id!r}"
        blob = None if centroid is None else vector_blob(centroid, f"{what} centroid")[1]
        state_json = state_to_json(state, what)
        with self._transaction(write=True) as conn:
            row = conn.execute(
                "SELECT merged_into FROM stories WHERE id = ?", (story_id,)
            ).fetchone()
            if row is not None and row[0] is not None:
                raise StoreError(f"{what} was merged into {row[0]!r}; save that story instead")
            _require_articles(conn, ids)
            now = self._now()
            conn.execute(
                "INSERT INTO stories (id, title, created, updated, first_published, "
                "last_published, merged_into, centroid, state) "
                "VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET title = excluded.title, "
                "updated = excluded.updated, first_published = excluded.first_published, "
                "last_published = excluded.last_published, centroid = excluded.centroid, "
                "state = excluded.state",
                (
                    story_id,
                    title,
                    now,
                    now,
                    iso_or_none(first_published),
                    iso_or_none(last_published),
                    blob,
                    state_json,
                ),
            )
            conn.execute("DELETE FROM story_articles WHERE story_id = ?", (story_id,))
            for chunk in _chunks(ids):
                conn.execute(
                    f"DELETE FROM story_articles WHERE article_id IN ({_marks(chunk)})", chunk
                )
            conn.executemany(
                "INSERT INTO story_articles (story_id, article_id, position) VALUES (?, ?, ?)",
                [(story_id, article_id, i) for i, article_id in enumerate(ids)],
            )
            return _load_stories(conn, story_id=story_id)[0]

    def get_story(self, story_id: str) -> StoryRow:
        """The story with id ``story_id`` (merged or not); :class:`NotFoundError` if none."""
        with self._transaction(write=False) as conn:
            stories = _load_stories(conn, story_id=story_id)
        if not stories:
            raise NotFoundError("story", story_id)
        return stories[0]

    def list_stories(self, include_merged: bool = False) -> list[StoryRow]:
        """All live stories (and merged ones if asked), most recently updated first, then by id."""
        with self._transaction(write=False) as conn:
            return _load_stories(conn, include_merged=include_merged)

    def story_of(self, article_id: str) -> str | None:
        """The id of the story holding ``article_id``; ``None`` if no story does (or no article)."""
        with self._transaction(write=False) as conn:
            row = conn.execute(
                "SELECT story_id FROM story_articles WHERE article_id = ?", (article_id,)
            ).fetchone()
        return None if row is None else str(row[0])

    def record_merge(self, from_id: str, into_id: str) -> None:
        """Record that story ``from_id`` was merged into the live story ``into_id``.

        The articles still in ``from_id`` move to the end of ``into_id``,
        whose published range widens to cover both; stories merged earlier
        into ``from_id`` now point at ``into_id``, so ``merged_into`` always
        names a live story. Raises :class:`NotFoundError` for an unknown story
        and :class:`StoreError` if either story was already merged away.
        """
        if from_id == into_id:
            raise StoreError(f"cannot merge story {from_id!r} into itself")
        with self._transaction(write=True) as conn:
            rows = {}
            for story_id in (from_id, into_id):
                row = conn.execute(
                    "SELECT merged_into, first_published, last_published FROM stories WHERE id = ?",
                    (story_id,),
                ).fetchone()
                if row is None:
                    raise NotFoundError("story", story_id)
                if row[0] is not None:
                    raise StoreError(f"story {story_id!r} was already merged into {row[0]!r}")
                rows[story_id] = row
            starts = [parse_dt(rows[s][1]) for s in (from_id, into_id)]
            ends = [parse_dt(rows[s][2]) for s in (from_id, into_id)]
            first = min((d for d in starts if d is not None), default=None)
            last = max((d for d in ends if d is not None), default=None)
            offset = int(
                conn.execute(
                    "SELECT COALESCE(MAX(position) + 1, 0) FROM story_articles WHERE story_id = ?",
                    (into_id,),
                ).fetchone()[0]
            )
            now = self._now()
            conn.execute(
                "UPDATE story_articles SET story_id = ?, position = position + ? "
                "WHERE story_id = ?",
                (into_id, offset, from_id),
            )
            conn.execute(
                "UPDATE stories SET merged_into = ?, updated = ? WHERE id = ?",
                (into_id, now, from_id),
            )
            conn.execute(
                "UPDATE stories SET merged_into = ? WHERE merged_into = ?", (into_id, from_id)
            )
            conn.execute(
                "UPDATE stories SET updated = ?, first_published = ?, last_published = ? "
                "WHERE id = ?",
                (now, iso_or_none(first), iso_or_none(last), into_id),
            )
            conn.execute(
                "INSERT INTO story_merges (from_id, into_id, at) VALUES (?, ?, ?)",
                (from_id, into_id, now),
            )

    def story_centroids(
        self, story_ids: Sequence[str] | None = None
    ) -> dict[str, npt.NDArray[np.float32]]:
        """The centroid of every live story that has one (or of those in ``story_ids``)."""
        query = (
            "SELECT id, centroid FROM stories WHERE merged_into IS NULL AND centroid IS NOT NULL"
        )
        with self._transaction(write=False) as conn:
            if story_ids is None:
                rows = conn.execute(query + " ORDER BY id").fetchall()
            else:
                rows = []
                for chunk in _chunks(list(dict.fromkeys(story_ids))):
                    rows.extend(
                        conn.execute(f"{query} AND id IN ({_marks(chunk)})", chunk).fetchall()
                    )
        return {str(sid): vector_from_blob(data, f"story {sid!r} centroid") for sid, data in rows}

    def get_stories(self, story_ids: Sequence[str]) -> list[StoryRow]:
        """The stories with the given ids (merged or not), in the order asked.

        Raises :class:`NotFoundError` naming the first id that is not stored.
        """
        ids = list(story_ids)
        with self._transaction(write=False) as conn:
            found = {row.id: row for row in _load_some_stories(conn, list(dict.fromkeys(ids)))}
        for story_id in ids:
            if story_id not in found:
                raise NotFoundError("story", story_id)
        return [found[story_id] for story_id in ids]

    def active_stories(self, since: datetime | None) -> list[StoryRow]:
        """The live stories whose ``last_published`` is unknown or not before ``since``.

        Every live story when ``since`` is ``None``; in :meth:`list_stories` order.
        """
        with self._transaction(write=False) as conn:
            rows = conn.execute(
                "SELECT id, last_published FROM stories WHERE merged_into IS NULL "
                "ORDER BY updated DESC, id"
            ).fetchall()
            # Stored times keep their own offsets, so they are compared parsed, not as text.
            wanted = [
                str(story_id)
                for story_id, last in rows
                if since is None or last is None or _after(parse_dt(last), since)
            ]
            found = {row.id: row for row in _load_some_stories(conn, wanted)}
        return [found[story_id] for story_id in wanted]

    def story_clock(self) -> datetime | None:
        """The latest ``last_published`` of any live story, or ``None`` if none has one."""
        with self._transaction(write=False) as conn:
            rows = conn.execute(
                "SELECT DISTINCT last_published FROM stories "
                "WHERE merged_into IS NULL AND last_published IS NOT NULL"
            ).fetchall()
        times = [parse_dt(row[0]) for row in rows]
        return max((t for t in times if t is not None), default=None)

    def story_states(self, story_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The clustering state saved with each of ``story_ids`` that has one, by story id."""
        states: dict[str, dict[str, Any]] = {}
        with self._transaction(write=False) as conn:
            for chunk in _chunks(list(dict.fromkeys(story_ids))):
                for story_id, data in conn.execute(
                    f"SELECT id, state FROM stories WHERE state IS NOT NULL "
                    f"AND id IN ({_marks(chunk)})",
                    chunk,
                ):
                    state = state_from_json(data, f"{self.path}: story {story_id!r}")
                    if state is not None:
                        states[str(story_id)] = state
        return states

    def stories_of(self, article_ids: Sequence[str]) -> dict[str, str]:
        """The story holding each of ``article_ids`` that a story holds, by article id."""
        found: dict[str, str] = {}
        with self._transaction(write=False) as conn:
            for chunk in _chunks(list(dict.fromkeys(article_ids))):
                for article_id, story_id in conn.execute(
                    "SELECT article_id, story_id FROM story_articles "
                    f"WHERE article_id IN ({_marks(chunk)})",
                    chunk,
                ):
                    found[str(article_id)] = str(story_id)
        return found

    def story_state(self, story_id: str) -> dict[str, Any] | None:
        """The clustering state saved with story ``story_id``, or ``None``.

        Raises :class:`NotFoundError` if there is no such story.
        """
        with self._transaction(write=False) as conn:
            row = conn.execute("SELECT state FROM stories WHERE id = ?", (story_id,)).fetchone()
        if row is None:
            raise NotFoundError("story", story_id)
        return state_from_json(row[0], f"{self.path}: story {story_id!r}")

    # -- metadata -------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        """The value stored under ``key`` in the ``meta`` table, or ``None``."""
        with self._transaction(write=False) as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        """Store ``value`` under ``key``; ``schema_version`` is the store's own and refused."""
        check_meta_key(key)
        with self._transaction(write=True) as conn:
            conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # -- candidate indexes ------------------------------------------------------

    def put_candidate_keys(self, keys: Mapping[str, Sequence[tuple[int, int]]]) -> None:
        """Index each article's LSH band keys, replacing what it had.

        Raises :class:`NotFoundError` for an id that is not a stored article.
        """
        if not keys:
            return
        # In primary-key order: inserted in hash order, each row lands on another
        # page of a large index; sorted, neighbouring rows share their pages.
        rows = sorted(
            {
                (int(band), int(key), article_id)
                for article_id, pairs in keys.items()
                for band, key in pairs
            }
        )
        with self._transaction(write=True) as conn:
            ids = list(keys)
            _require_articles(conn, ids)
            for chunk in _chunks(ids):
                conn.execute(
                    f"DELETE FROM candidate_keys WHERE article_id IN ({_marks(chunk)})", chunk
                )
            conn.executemany(
                "INSERT INTO candidate_keys (band, key, article_id) VALUES (?, ?, ?)", rows
            )

    def candidate_matches(
        self, keys: Mapping[str, Sequence[tuple[int, int]]]
    ) -> dict[str, list[str]]:
        """For each id in ``keys``: the other stored articles sharing a ``(band, key)`` pair.

        In ingest order. The keys asked about travel as one JSON parameter,
        so the whole batch is one query however many keys it has.
        """
        matches: dict[str, list[str]] = {article_id: [] for article_id in keys}
        if not keys:
            return matches
        asked = sorted(
            {(int(b), int(k), article_id) for article_id, pairs in keys.items() for b, k in pairs}
        )
        with self._transaction(write=False) as conn:
            rows = conn.execute(
                "WITH q (band, key, article_id) AS (SELECT json_extract(value, '$[0]'), "
                "json_extract(value, '$[1]'), json_extract(value, '$[2]') FROM json_each(?)) "
                "SELECT DISTINCT q.article_id, a.id, a.seq FROM q "
                "CROSS JOIN candidate_keys c ON c.band = q.band AND c.key = q.key "
                "JOIN articles a ON a.id = c.article_id "
                "WHERE c.article_id != q.article_id ORDER BY q.article_id, a.seq",
                (json.dumps(asked),),
            ).fetchall()
        for asking, found, _seq in rows:
            matches[str(asking)].append(str(found))
        return matches

    def put_candidate_vectors(self, vectors: Mapping[str, npt.ArrayLike]) -> None:
        """Record each article's search vector at the next position, replacing an older one.

        Raises :class:`NotFoundError` for an id that is not a stored article.
        """
        if not vectors:
            return
        blobs = [
            (article_id, vector_blob(vector, f"candidate vector of {article_id!r}")[1])
            for article_id, vector in vectors.items()
        ]
        with self._transaction(write=True) as conn:
            ids = [article_id for article_id, _ in blobs]
            _require_articles(conn, ids)
            for chunk in _chunks(ids):
                conn.execute(
                    f"DELETE FROM candidate_vectors WHERE article_id IN ({_marks(chunk)})", chunk
                )
            start = int(_meta_int(conn, CANDIDATE_POSITION_KEY)) + 1
            conn.executemany(
                "INSERT INTO candidate_vectors (position, article_id, data) VALUES (?, ?, ?)",
                [(start + n, article_id, blob) for n, (article_id, blob) in enumerate(blobs)],
            )
            conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (CANDIDATE_POSITION_KEY, str(start + len(blobs) - 1)),
            )

    def candidate_vectors_after(
        self, position: int, limit: int = 10_000
    ) -> list[tuple[int, str, npt.NDArray[np.float32]]]:
        """``(position, article_id, vector)`` recorded after ``position``, by position."""
        with self._transaction(write=False) as conn:
            rows = conn.execute(
                "SELECT position, article_id, data FROM candidate_vectors "
                "WHERE position > ? ORDER BY position LIMIT ?",
                (int(position), int(limit)),
            ).fetchall()
        return [
            (int(pos), str(article_id), vector_from_blob(data, f"candidate vector {pos}"))
            for pos, article_id, data in rows
        ]

    def index_folder(self) -> Path | None:
        """``<store file>.indexes`` beside the store file; ``None`` for ``":memory:"``."""
        if self._memory:
            return None
        return self.path.with_name(self.path.name + ".indexes")

    # -- copies ---------------------------------------------------------------

    def save_copies(self, links: Iterable[CopyLink]) -> None:
        """Store ``links``, replacing any stored link with the same ``(a, b, kind)``.

        The pair is kept in the order given. Raises :class:`NotFoundError` if
        ``a`` or ``b`` is not a stored article.
        """
        rows: list[CopyRow] = [copy_link_values(link) for link in links]
        if not rows:
            return
        with self._transaction(write=True) as conn:
            _require_articles(conn, list(dict.fromkeys(i for r in rows for i in r[:2])))
            conn.executemany(
                f"INSERT INTO copies ({COPY_COLUMNS}) VALUES ({_marks(range(6))}) "
                "ON CONFLICT (a, b, kind) DO UPDATE SET score = excluded.score, "
                "origin = excluded.origin, evidence = excluded.evidence",
                rows,
            )

    def copies_among(self, article_ids: Iterable[str], evidence: bool = True) -> list[CopyLink]:
        """The stored links whose two articles are both in ``article_ids``.

        Sorted by ``(a, b, kind)``; ``evidence=False`` leaves the evidence empty.
        """
        ids = list(dict.fromkeys(article_ids))
        wanted = set(ids)
        found: list[tuple[Any, ...]] = []
        columns = COPY_COLUMNS if evidence else COPY_COLUMNS_WITHOUT_EVIDENCE
        with self._transaction(write=False) as conn:
            for chunk in _chunks(ids):
                rows = conn.execute(
                    f"SELECT {columns} FROM copies WHERE a IN ({_marks(chunk)})",
                    chunk,
                )
                found.extend(tuple(row) for row in rows if row[1] in wanted)
        found.sort(key=lambda row: (row[0], row[1], row[2]))
        return [copy_link_from_row(row) for row in found]

    # -- vectors --------------------------------------------------------------

    def get_vectors(self, keys: Sequence[str], model: str) -> dict[str, npt.NDArray[np.float32]]:
        """The cached float32 vectors of ``model`` for ``keys``, in the order asked.

        Keys with no cached vector are left out.
        """
        unique = list(dict.fromkeys(keys))
        found: dict[str, npt.NDArray[np.float32]] = {}
        with self._transaction(write=False) as conn:
            for chunk in _chunks(unique):
                for key, dim, data in conn.execute(
                    "SELECT key, dim, data FROM vectors "
                    f"WHERE model = ? AND key IN ({_marks(chunk)})",
                    [model, *chunk],
                ):
                    vector = vector_from_blob(data, f"vector {key!r} of {model!r}")
                    if vector.shape[0] != dim:
                        raise StoreError(f"{self.path}: vector {key!r} of {model!r} is corrupt")
                    found[str(key)] = vector
        return {key: found[key] for key in unique if key in found}

    def put_vectors(self, model: str, vectors: Mapping[str, npt.ArrayLike]) -> None:
        """Cache ``vectors`` (each 1-D, stored as float32) for ``model``, replacing old ones."""
        rows = []
        for key, value in vectors.items():
            dim, data = vector_blob(value, f"vector {key!r} of {model!r}")
            rows.append((key, model, dim, data))
        if not rows:
            return
        with self._transaction(write=True) as conn:
            conn.executemany(
                "INSERT INTO vectors (key, model, dim, data) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (key, model) DO UPDATE SET dim = excluded.dim, data = excluded.data",
                rows,
            )

    # -- report cache ---------------------------------------------------------

    def cached_report(self, story_id: str, version: str) -> str | None:
        """The report JSON cached for ``story_id`` at ``version``, else ``None``."""
        with self._transaction(write=False) as conn:
            row = conn.execute(
                "SELECT data FROM story_reports WHERE story_id = ? AND version = ?",
                (story_id, version),
            ).fetchone()
        return None if row is None else str(row[0])

    def cache_report(self, story_id: str, version: str, data: str) -> None:
        """Cache ``data`` (report JSON) for ``story_id`` at ``version``, replacing any older one.

        Raises :class:`NotFoundError` if there is no such story.
        """
        with self._transaction(write=True) as conn:
            if conn.execute("SELECT 1 FROM stories WHERE id = ?", (story_id,)).fetchone() is None:
                raise NotFoundError("story", story_id)
            conn.execute(
                "INSERT INTO story_reports (story_id, version, data, computed) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (story_id) DO UPDATE SET "
                "version = excluded.version, data = excluded.data, computed = excluded.computed",
                (story_id, version, data, self._now()),
            )

    def stories_changed(self) -> str:
        """A token that changes whenever any story is saved, merged or removed."""
        with self._transaction(write=False) as conn:
            count, updated = conn.execute("SELECT COUNT(*), MAX(updated) FROM stories").fetchone()
        return f"{count}:{updated or ''}"

    def story_languages(self) -> dict[str, list[str]]:
        """The languages of each live story's articles, most common first, by story id."""
        with self._transaction(write=False) as conn:
            rows = conn.execute(
                "SELECT sa.story_id, a.language, COUNT(*) AS n FROM story_articles sa "
                "JOIN articles a ON a.id = sa.article_id WHERE a.language IS NOT NULL "
                "GROUP BY sa.story_id, a.language ORDER BY sa.story_id, n DESC, a.language"
            ).fetchall()
        languages: dict[str, list[str]] = {}
        for story_id, language, _count in rows:
            languages.setdefault(str(story_id), []).append(str(language))
        return languages


# -- helpers -------------------------------------------------------------------


def _load_stories(
    conn: sqlite3.Connection, *, story_id: str | None = None, include_merged: bool = True
) -> list[StoryRow]:
    """One story (by id, merged or not), or all of them in listing order."""
    if story_id is not None:
        rows = conn.execute(f"SELECT {STORY_COLUMNS} FROM stories WHERE id = ?", (story_id,))
        links = conn.execute(
            "SELECT story_id, article_id FROM story_articles WHERE story_id = ? ORDER BY position",
            (story_id,),
        )
    else:
        where = "" if include_merged else "WHERE merged_into IS NULL"
        rows = conn.execute(
            f"SELECT {STORY_COLUMNS} FROM stories {where} ORDER BY updated DESC, id"
        )
        links = conn.execute(
            "SELECT story_id, article_id FROM story_articles ORDER BY story_id, position"
        )
    stories = rows.fetchall()
    members: dict[str, list[str]] = {}
    for sid, article_id in links:
        members.setdefault(sid, []).append(article_id)
    return [story_from_row(row, members.get(row[0], [])) for row in stories]


def _load_some_stories(conn: sqlite3.Connection, story_ids: Sequence[str]) -> list[StoryRow]:
    """The stories with the given ids (those that exist), with their members."""
    rows: list[Any] = []
    members: dict[str, list[str]] = {}
    for chunk in _chunks(story_ids):
        marks = _marks(chunk)
        rows.extend(
            conn.execute(f"SELECT {STORY_COLUMNS} FROM stories WHERE id IN ({marks})", chunk)
        )
        for sid, article_id in conn.execute(
            f"SELECT story_id, article_id FROM story_articles WHERE story_id IN ({marks}) "
            "ORDER BY story_id, position",
            chunk,
        ):
            members.setdefault(sid, []).append(article_id)
    return [story_from_row(row, members.get(row[0], [])) for row in rows]


def _after(when: datetime | None, since: datetime) -> bool:
    return when is None or when.timestamp() >= since.timestamp()


def _meta_int(conn: sqlite3.Connection, key: str) -> int:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return 0 if row is None else int(row[0])


def _require_articles(conn: sqlite3.Connection, ids: Sequence[str]) -> None:
    """Raise :class:`NotFoundError` for the first of ``ids`` that is not a stored article."""
    found: set[str] = set()
    for chunk in _chunks(ids):
        found.update(
            row[0]
            for row in conn.execute(f"SELECT id FROM articles WHERE id IN ({_marks(chunk)})", chunk)
        )
    for article_id in ids:
        if article_id not in found:
            raise NotFoundError("article", article_id)


def _chunks(items: Sequence[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), _CHUNK):
        yield list(items[start : start + _CHUNK])


def _marks(items: Sized) -> str:
    return ", ".join("?" * len(items))
