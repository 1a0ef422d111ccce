"""The PostgreSQL article store: one database (one schema of it), through psycopg 3.

It keeps the same tables as the SQLite store, made by the same scripts
(:data:`~synopsis.store.schema.MIGRATIONS`, their SQLite spellings turned
into PostgreSQL's by :func:`postgres_sql`), and the same row formats: times
are ISO 8601 ``TEXT`` and vectors little-endian float32 ``BYTEA``, so
:mod:`synopsis.store.codec` turns rows into records for both. The schema
version is in the ``meta`` table; opening a store applies the missing
migrations in one transaction under the store's write lock, and a store
written by a newer synopsis raises :class:`~synopsis.errors.SchemaError`.
This module holds only the connections, their locking and transactions,
migration running and the queries; it is the only one that imports psycopg.

Connections and threads: one :class:`PostgresStore` may be shared by
several threads. Writes go through one writer connection, one transaction
at a time: a :class:`threading.RLock` in this process and, across store
objects, processes and machines, a transaction-level advisory lock
(``pg_advisory_xact_lock``) that every write transaction takes first and
PostgreSQL releases when it ends, as SQLite's ``BEGIN IMMEDIATE`` does. A
write transaction runs at ``READ COMMITTED``, so once it holds the lock it
sees everything the previous writer committed. :meth:`PostgresStore.transaction`
makes several calls one transaction (the calls inside it nest as
savepoints, so a call that fails leaves the rest of the block as it was);
while it is open the thread that opened it reads through the writer
connection and so sees what it has written. Every other read takes a
connection of its own from a small pool (at most sixteen are open at once:
a server's connections are few) and runs in a ``REPEATABLE READ``
read-only transaction: it sees one consistent snapshot, the store as it was
before any write in progress, and never waits for a writer. Results are
fully fetched inside their transaction; :meth:`PostgresStore.iter_articles`
reads in pages, one read transaction each.

Read-only stores: ``read_only=True`` sets ``default_transaction_read_only``
on every connection (PostgreSQL itself refuses any write), runs no
migration, and every write raises :class:`ReadOnlyStoreError` before it
reaches the server.

Text that PostgreSQL cannot hold: a ``TEXT`` value cannot contain the NUL
character, so an article with one in a stored field is refused with a
:class:`StoreError` naming it (SQLite stores it).
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import uuid
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import Any, Final, TypeAlias

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
from .sqlite import ReadOnlyStoreError
from .urls import mask_password, scrub

try:
    import psycopg
    from psycopg import errors as pg_errors
    from psycopg.pq import TransactionStatus
except ImportError as _missing:  # pragma: no cover - the dev and postgres extras install it
    raise StoreError(
        f"PostgreSQL stores need psycopg ({_missing}); install it with "
        "pip install 'synopsis[postgres]'"
    ) from _missing

__all__ = ["PostgresStore", "postgres_sql"]

Connection: TypeAlias = "psycopg.Connection[tuple[Any, ...]]"

_PAGE: Final = 200  # articles per page in iter_articles
_IDLE_READERS: Final = 8  # read connections kept open between reads
_READERS: Final = 16  # read connections open at once; more readers wait (the server's are few)
# The write lock is the advisory lock (_LOCK_CLASS, a hash of the schema's name); "SYNO".
_LOCK_CLASS: Final = 0x53594E4F
# SQLite's spellings in the shared migration scripts, and PostgreSQL's.
_TYPES: Final = (
    (re.compile(r"\bBLOB\b", re.IGNORECASE), "BYTEA"),
    (re.compile(r"\bREAL\b", re.IGNORECASE), "DOUBLE PRECISION"),
)
_COMMENT: Final = re.compile(r"--[^\n]*")
# A name the store draws when it is created: a database made again gets a new index folder.
_STORE_ID_KEY: Final = "postgres.store_id"
_OPEN: Final = frozenset({TransactionStatus.INTRANS, TransactionStatus.INERROR})


def postgres_sql(statement: str) -> str:
    """One statement of a shared migration script in PostgreSQL's spelling.

    The scripts keep to the SQL both databases share, but for two type
    names: SQLite's ``BLOB`` is PostgreSQL's ``BYTEA``, and SQLite's
    ``REAL`` (an 8-byte float) is PostgreSQL's ``DOUBLE PRECISION``.
    """
    for pattern, replacement in _TYPES:
        statement = pattern.sub(replacement, statement)
    return statement


class PostgresStore(Closeable, FollowedFeeds):
    """The article store in a PostgreSQL database (see the module docstring).

    ``url`` is a libpq connection URL (``postgresql://user:password@host:5432/db``,
    ``postgresql:///db?host=/run/postgresql``) or ``key=value`` string; the
    tables live in its current schema (the first of ``search_path``).
    ``create=False`` refuses a database that holds no synopsis store yet,
    instead of creating the tables. ``migrations``, ``timeout``, ``clock``
    and ``read_only`` are those of :class:`~synopsis.store.sqlite.SQLiteStore`:
    ``timeout`` is how long, in seconds, a write waits for another writer's
    lock (another thread's, process's or machine's).

    Use it as a context manager, or call :meth:`close`::

        with PostgresStore("postgresql://synopsis@localhost/news") as store:
            store.add_articles(articles)
    """

    _feed_tables = FeedTables("%s")

    def __init__(
        self,
        url: str,
        *,
        migrations: Sequence[Migration] = MIGRATIONS,
        timeout: float = 30.0,
        clock: Callable[[], datetime] | None = None,
        read_only: bool = False,
        create: bool = True,
    ) -> None:
        self._migrations = checked_migrations(migrations)
        self._target_version = self._migrations[-1][0]
        self._clock: Callable[[], datetime] = clock or utc_now
        self._timeout = timeout
        self._conninfo = url
        self.url: str = mask_password(url)
        """The store's URL as shown in messages (any password masked)."""
        self.read_only: bool = read_only
        """Whether the store was opened for reading only (every write raises)."""
        self._write_lock = threading.RLock()
        self._owner: int | None = None  # the thread whose write transaction is open
        self._savepoints = 0
        self._pool_lock = threading.Lock()
        self._idle: list[Connection] = []
        self._readers = threading.BoundedSemaphore(_READERS)
        self._closed = False
        self._conn: Connection | None = None
        self._lock_keys = (_LOCK_CLASS, 0)
        self._where = ""
        conn = self._connect()
        try:
            self._identify(conn)
            if read_only:
                self._check_readable(conn)
                self._idle.append(conn)
            else:
                self._check_writable(conn)
                self._migrate(conn, create)
                self._conn = conn
            row = conn.execute("SELECT value FROM meta WHERE key = %s", (_STORE_ID_KEY,)).fetchone()
            self._where += f"\0{'' if row is None else row[0]}"
        except psycopg.Error as exc:
            conn.close()
            raise self._error(exc, "cannot open the store: ") from exc
        except BaseException:
            conn.close()
            raise

    def __repr__(self) -> str:
        mode = ", read_only=True" if self.read_only else ""
        return f"PostgresStore({self.url!r}{mode})"

    # -- opening ------------------------------------------------------------

    def _error(self, exc: psycopg.Error, doing: str = "") -> StoreError:
        """``exc`` as a :class:`StoreError` naming the store (no password in it)."""
        message = scrub(str(exc).strip() or type(exc).__name__, self._conninfo)
        return StoreError(f"{self.url}: {doing}{message}")

    def _connect(self) -> Connection:
        """A new connection in autocommit mode (transactions are explicit: BEGIN ... COMMIT)."""
        try:
            conn: Connection = psycopg.connect(self._conninfo, autocommit=True)
        except psycopg.Error as exc:
            raise self._error(exc, "cannot connect to the store: ") from exc
        try:
            if self.read_only:
                conn.execute("SET default_transaction_read_only = on")
        except psycopg.Error as exc:
            conn.close()
            raise self._error(exc, "cannot connect to the store: ") from exc
        return conn

    def _identify(self, conn: Connection) -> None:
        """Find the schema the tables live in: it names the write lock and the index folder."""
        try:
            row = _one(conn, "SELECT current_schema(), current_database()")
        except psycopg.Error as exc:
            raise self._error(exc) from exc
        schema, database = row
        if schema is None:
            raise StoreError(
                f"{self.url}: no schema to keep the store in (the search_path names none "
                "that exists)"
            )
        info = conn.info
        self._where = f"{info.host}\0{info.port}\0{database}\0{schema}"
        key = zlib.crc32(str(schema).encode("utf-8"))
        self._lock_keys = (_LOCK_CLASS, key - (1 << 32) if key >= 1 << 31 else key)

    def _check_writable(self, conn: Connection) -> None:
        """:class:`ReadOnlyStoreError` where the server takes no writes from this session.

        A standby server, or a role or database whose transactions are
        read-only by default: such a store can only be opened read-only.
        """
        try:
            read_only = _one(conn, "SELECT current_setting('transaction_read_only')")[0]
        except psycopg.Error as exc:
            raise self._error(exc, "cannot open the store: ") from exc
        if read_only == "on":
            raise ReadOnlyStoreError(
                f"{self.url}: the server takes no writes here (a standby, or read-only "
                "transactions by default); open the store read-only"
            )

    def _read_version(self, conn: Connection) -> int:
        """The stored schema version; 0 for an empty schema. The caller handles errors."""
        tables = [
            str(row[0])
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                'ORDER BY tablename COLLATE "C"'
            )
        ]
        if "meta" not in tables:
            if tables:
                raise StoreError(
                    f"{self.url}: a PostgreSQL database but not a synopsis store "
                    f"(no meta table; it has {', '.join(tables)})"
                )
            return 0
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if row is None:
            return 0
        try:
            return int(row[0])
        except (TypeError, ValueError):
            raise StoreError(f"{self.url}: corrupt schema_version {row[0]!r}") from None

    def _check_not_newer(self, version: int) -> None:
        if version > self._target_version:
            raise SchemaError(
                f"{self.url}: the store has schema version {version}, newer than "
                f"version {self._target_version} that this synopsis supports; "
                "upgrade synopsis to open it"
            )

    def _no_store(self) -> StoreError:
        return StoreError(f"{self.url}: no such store (run 'synopsis ingest' first)")

    def _check_readable(self, conn: Connection) -> None:
        """A read-only store must hold a store of the current schema version."""
        try:
            version = self._read_version(conn)
        except psycopg.Error as exc:
            raise self._error(exc, "cannot open the store for reading: ") from exc
        self._check_not_newer(version)
        if version == 0:
            raise self._no_store()
        if version < self._target_version:
            raise StoreError(
                f"{self.url}: the store has schema version {version} and needs "
                f"version {self._target_version}; open it once with write access "
                "to upgrade it (a read-only store cannot be migrated)"
            )

    def _migrate(self, conn: Connection, create: bool) -> None:
        try:
            version = self._read_version(conn)
            self._check_not_newer(version)
            if version == 0 and not create:
                raise self._no_store()
            if version == self._target_version:
                return
            # Re-read under the write lock: another process may have migrated meanwhile.
            with self._write_transaction(conn, self._timeout):
                version = self._read_version(conn)
                self._check_not_newer(version)
                conn.execute(META_TABLE)
                for target, script in self._migrations:
                    if target <= version:
                        continue
                    try:
                        for statement in split_statements(script):
                            if _COMMENT.sub("", statement).strip(" \t\r\n;"):
                                conn.execute(postgres_sql(statement))
                    except psycopg.Error as exc:
                        raise self._error(
                            exc, f"migration to schema version {target} failed: "
                        ) from exc
                    version = target
                _put_meta(conn, "schema_version", str(version))
                if (
                    conn.execute("SELECT 1 FROM meta WHERE key = %s", (_STORE_ID_KEY,)).fetchone()
                    is None
                ):
                    _put_meta(conn, _STORE_ID_KEY, uuid.uuid4().hex)
        except psycopg.Error as exc:
            raise self._error(exc, "cannot open the store: ") from exc

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
        return StoreError(f"{self.url}: the store is closed")

    @contextmanager
    def transaction(self, timeout: float | None = None) -> Iterator[None]:
        """One write transaction around every store call made inside it, from this thread.

        Commits when the block ends, rolls everything back if it raises.
        Waits up to ``timeout`` seconds (default: the store's ``timeout``)
        for another writer to finish, in this process or another, on this
        machine or another, then holds the write lock (the store's advisory
        lock) until the end: what is read inside it is current, and no other
        writer can change the store meanwhile. Other threads and processes
        keep reading the store as it was before the block. Blocks nest (an
        inner one is a savepoint).
        """
        with self._transaction(write=True, timeout=timeout):
            yield

    @contextmanager
    def _transaction(self, *, write: bool, timeout: float | None = None) -> Iterator[Connection]:
        """A transaction: commit on success, roll back on error.

        ``write``: on the writer connection, under the write lock; nested
        inside this thread's open write transaction it is a savepoint. A read
        inside this thread's write transaction reads through it (in a
        savepoint too: PostgreSQL aborts a transaction at its first failed
        statement, SQLite goes on, and so does this store); any other
        read runs on a pooled read connection. Any :class:`psycopg.Error`
        comes out as a :class:`StoreError` naming the store.
        """
        if write:
            with self._writing(self._timeout if timeout is None else timeout) as conn:
                yield conn
        elif self._owner == threading.get_ident():
            own = self._conn
            if own is None:
                raise self._closed_error()
            with self._savepoint(own) as conn:  # a read that fails leaves the rest as it was
                yield conn
        else:
            with self._reading() as conn:
                yield conn

    @contextmanager
    def _writing(self, wait: float) -> Iterator[Connection]:
        if self.read_only:
            raise ReadOnlyStoreError(f"{self.url}: the store is open read-only")
        if not self._write_lock.acquire(timeout=max(wait, 0.0)):
            raise StoreError(f"{self.url}: another thread held the write lock for over {wait:g} s")
        try:
            if self._conn is None:
                raise self._closed_error()
            if self._owner == threading.get_ident():
                with self._savepoint(self._conn) as inner:
                    yield inner
                return
            conn = self._writer()
            try:
                try:
                    self._begin(conn, wait)
                except psycopg.OperationalError:
                    if not conn.broken:
                        raise
                    conn = self._writer()  # the server dropped it: once more, on a new one
                    self._begin(conn, wait)
                with self._ending(conn):
                    self._owner = threading.get_ident()
                    try:
                        yield conn
                    finally:
                        self._owner = None
            except psycopg.Error as exc:
                raise self._error(exc) from exc
        finally:
            self._write_lock.release()

    def _writer(self) -> Connection:
        """The writer connection, opened again if the server dropped it."""
        conn = self._conn
        assert conn is not None
        if conn.closed or conn.broken:
            conn.close()
            self._conn = conn = self._connect()
        return conn

    @contextmanager
    def _write_transaction(self, conn: Connection, wait: float) -> Iterator[None]:
        """``BEGIN``, then the store's advisory lock within ``wait`` s; commit or roll back."""
        self._begin(conn, wait)
        with self._ending(conn):
            yield

    def _begin(self, conn: Connection, wait: float) -> None:
        """``BEGIN`` a write transaction and take the store's advisory lock within ``wait`` s.

        Raises :class:`StoreError` if another writer holds the lock that long.
        """
        first, second = self._lock_keys
        try:
            if wait > 0:  # one round trip: PostgreSQL ends the wait after lock_timeout
                conn.execute(
                    "BEGIN ISOLATION LEVEL READ COMMITTED; "
                    f"SET LOCAL lock_timeout = '{max(1, round(wait * 1000))}ms'; "
                    f"SELECT pg_advisory_xact_lock({first}, {second}); "
                    "SET LOCAL lock_timeout TO DEFAULT"
                )
            else:
                conn.execute("BEGIN ISOLATION LEVEL READ COMMITTED")
                got = _one(conn, "SELECT pg_try_advisory_xact_lock(%s, %s)", (first, second))
                if not got[0]:
                    raise pg_errors.LockNotAvailable("the write lock is held")
        except pg_errors.LockNotAvailable as exc:
            _rollback(conn)
            raise StoreError(
                f"{self.url}: another writer held the write lock for over {wait:g} s"
            ) from exc
        except BaseException:
            _rollback(conn)
            raise

    @contextmanager
    def _ending(self, conn: Connection) -> Iterator[None]:
        """Commit the open transaction when the block ends; roll it back if it raises."""
        try:
            yield
            conn.execute("COMMIT")
        except BaseException:
            _rollback(conn)
            raise

    @contextmanager
    def _savepoint(self, conn: Connection) -> Iterator[Connection]:
        name = f"nested_{self._savepoints}"
        self._savepoints += 1
        try:
            conn.execute(f"SAVEPOINT {name}")
            try:
                yield conn
            except BaseException:
                if not conn.broken:
                    conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                    conn.execute(f"RELEASE SAVEPOINT {name}")
                raise
            conn.execute(f"RELEASE SAVEPOINT {name}")
        except psycopg.Error as exc:
            raise self._error(exc) from exc
        finally:
            self._savepoints -= 1

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        if not self._readers.acquire(timeout=self._timeout):
            raise StoreError(
                f"{self.url}: {_READERS} reads were in progress for over {self._timeout:g} s"
            )
        try:
            with self._reading_on_a_connection() as conn:
                yield conn
        finally:
            self._readers.release()

    @contextmanager
    def _reading_on_a_connection(self) -> Iterator[Connection]:
        conn = self._checkout()
        try:
            try:
                try:
                    conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                except psycopg.OperationalError:
                    if not conn.broken:
                        raise
                    conn.close()  # a pooled connection the server dropped: one more try
                    conn = self._checkout(fresh=True)
                    conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                try:
                    yield conn
                finally:
                    _rollback(conn)  # a read transaction: this ends its snapshot
            except psycopg.Error as exc:
                raise self._error(exc) from exc
        finally:
            self._checkin(conn)

    def _checkout(self, fresh: bool = False) -> Connection:
        with self._pool_lock:
            if self._closed:
                raise self._closed_error()
            while self._idle and not fresh:
                conn = self._idle.pop()
                if not (conn.closed or conn.broken):
                    return conn
                conn.close()
        return self._connect()

    def _checkin(self, conn: Connection) -> None:
        with self._pool_lock:
            usable = not (conn.closed or conn.broken or self._closed)
            usable = usable and conn.info.transaction_status == TransactionStatus.IDLE
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
        An article with a NUL character in a stored field is refused.
        """
        batch: dict[str, tuple[Any, ...]] = {}
        for article in articles:  # serialise before taking the lock
            if not article.id:
                raise StoreError(f"{article.source}: the article has an empty id")
            values = article_values(article)
            if any(isinstance(v, str) and "\0" in v for v in values):
                raise StoreError(
                    f"{article.source}: article {article.id!r} holds a NUL character, "
                    "which PostgreSQL cannot store"
                )
            batch[article.id] = values
        added: list[str] = []
        unchanged: list[str] = []
        if not batch:
            return AddResult(added, unchanged)
        with self._transaction(write=True) as conn:
            existing = {
                row[0]: tuple(row)
                for row in conn.execute(
                    f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = ANY(%s::text[])",
                    (list(batch),),
                )
            }
            now = self._now()
            seq = int(_one(conn, "SELECT COALESCE(MAX(seq), 0) + 1 FROM articles")[0])
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
            with conn.cursor() as cursor:
                if inserts:
                    cursor.executemany(
                        f"INSERT INTO articles ({ARTICLE_COLUMNS}, seq, ingested_at) "
                        f"VALUES ({_marks(16)})",
                        inserts,
                    )
                if updates:
                    cursor.executemany(
                        "UPDATE articles SET content_hash = %s, source = %s, path = %s, "
                        "url = %s, outlet = %s, title = %s, published = %s, language = %s, "
                        "text = %s, raw_text = %s, metadata = %s, removed = %s, quality = %s, "
                        "ingested_at = %s WHERE id = %s",
                        updates,
                    )
        return AddResult(added, unchanged)

    def get_article(self, article_id: str) -> Article:
        """The article with id ``article_id``; :class:`NotFoundError` if none."""
        with self._transaction(write=False) as conn:
            row = conn.execute(
                f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = %s", (article_id,)
            ).fetchone()
        if row is None:
            raise NotFoundError("article", article_id)
        return article_from_row(row)

    def get_articles(self, article_ids: Sequence[str]) -> list[Article]:
        """The articles with the given ids, in the order asked.

        Raises :class:`NotFoundError` naming the first id that is not stored.
        """
        ids = list(article_ids)
        with self._transaction(write=False) as conn:
            rows = {
                row[0]: row
                for row in conn.execute(
                    f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = ANY(%s::text[])",
                    (list(dict.fromkeys(ids)),),
                )
            }
        for article_id in ids:
            if article_id not in rows:
                raise NotFoundError("article", article_id)
        return [article_from_row(rows[article_id]) for article_id in ids]

    def article_titles(self, article_ids: Sequence[str]) -> dict[str, str | None]:
        """The title of each of ``article_ids`` that is stored (``None``: untitled), by id."""
        with self._transaction(write=False) as conn:
            rows = conn.execute(
                "SELECT id, title FROM articles WHERE id = ANY(%s::text[])",
                (list(dict.fromkeys(article_ids)),),
            ).fetchall()
        return {str(i): None if t is None else str(t) for i, t in rows}

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
                    "WHERE seq > %s ORDER BY seq LIMIT %s",
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
            return int(_one(conn, "SELECT COUNT(*) FROM articles")[0])

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
        with self._transaction(write=False) as conn:
            rows = conn.execute(
                "SELECT id FROM articles WHERE id = ANY(%s::text[]) ORDER BY seq",
                (list(dict.fromkeys(article_ids)),),
            ).fetchall()
        return [str(row[0]) for row in rows]

    def article_hashes(self) -> dict[str, str]:
        """The content hash of every stored article, by id, in ingest order."""
        with self._transaction(write=False) as conn:
            rows = conn.execute("SELECT id, content_hash FROM articles ORDER BY seq").fetchall()
        return {str(article_id): str(digest) for article_id, digest in rows}

    def articles_changed(self) -> str:
        """A token that changes whenever an article is added or replaced."""
        with self._transaction(write=False) as conn:
            count, seq, stamp = _one(
                conn, 'SELECT COUNT(*), MAX(seq), MAX(ingested_at COLLATE "C") FROM articles'
            )
        return f"{count}:{seq or 0}:{stamp or ''}"

    def has_article(self, article_id: str) -> bool:
        """Whether an article with id ``article_id`` is stored."""
        with self._transaction(write=False) as conn:
            row = conn.execute("SELECT 1 FROM articles WHERE id = %s", (article_id,)).fetchone()
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
                "SELECT merged_into FROM stories WHERE id = %s", (story_id,)
            ).fetchone()
            if row is not None and row[0] is not None:
                raise StoreError(f"{what} was merged into {row[0]!r}; save that story instead")
            _require_articles(conn, ids)
            now = self._now()
            conn.execute(
                "INSERT INTO stories (id, title, created, updated, first_published, "
                "last_published, merged_into, centroid, state) "
                "VALUES (%s, %s, %s, %s, %s, %s, NULL, %s, %s) "
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
            conn.execute(
                "DELETE FROM story_articles WHERE story_id = %s OR article_id = ANY(%s::text[])",
                (story_id, ids),
            )
            conn.execute(
                "INSERT INTO story_articles (story_id, article_id, position) "
                "SELECT %s, article_id, position - 1 "
                "FROM unnest(%s::text[]) WITH ORDINALITY AS t (article_id, position)",
                (story_id, ids),
            )
            return _load_stories(conn, story_ids=[story_id])[0]

    def get_story(self, story_id: str) -> StoryRow:
        """The story with id ``story_id`` (merged or not); :class:`NotFoundError` if none."""
        with self._transaction(write=False) as conn:
            stories = _load_stories(conn, story_ids=[story_id])
        if not stories:
            raise NotFoundError("story", story_id)
        return stories[0]

    def get_stories(self, story_ids: Sequence[str]) -> list[StoryRow]:
        """The stories with the given ids (merged or not), in the order asked.

        Raises :class:`NotFoundError` naming the first id that is not stored.
        """
        ids = list(story_ids)
        with self._transaction(write=False) as conn:
            found = {row.id: row for row in _load_stories(conn, story_ids=ids)}
        for story_id in ids:
            if story_id not in found:
                raise NotFoundError("story", story_id)
        return [found[story_id] for story_id in ids]

    def list_stories(self, include_merged: bool = False) -> list[StoryRow]:
        """All live stories (and merged ones if asked), most recently updated first, then by id."""
        with self._transaction(write=False) as conn:
            return _load_stories(conn, include_merged=include_merged)

    def active_stories(self, since: datetime | None) -> list[StoryRow]:
        """The live stories whose ``last_published`` is unknown or not before ``since``.

        Every live story when ``since`` is ``None``; in :meth:`list_stories` order.
        """
        with self._transaction(write=False) as conn:
            rows = conn.execute(
                "SELECT id, last_published FROM stories WHERE merged_into IS NULL "
                'ORDER BY updated COLLATE "C" DESC, id COLLATE "C"'
            ).fetchall()
            # Stored times keep their own offsets, so they are compared parsed, not as text.
            wanted = [
                str(story_id)
                for story_id, last in rows
                if since is None or last is None or _not_before(parse_dt(last), since)
            ]
            found = {row.id: row for row in _load_stories(conn, story_ids=wanted)}
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

    def story_of(self, article_id: str) -> str | None:
        """The id of the story holding ``article_id``; ``None`` if no story does (or no article)."""
        with self._transaction(write=False) as conn:
            row = conn.execute(
                "SELECT story_id FROM story_articles WHERE article_id = %s", (article_id,)
            ).fetchone()
        return None if row is None else str(row[0])

    def stories_of(self, article_ids: Sequence[str]) -> dict[str, str]:
        """The story holding each of ``article_ids`` that a story holds, by article id."""
        with self._transaction(write=False) as conn:
            rows = conn.execute(
                "SELECT article_id, story_id FROM story_articles "
                "WHERE article_id = ANY(%s::text[])",
                (list(dict.fromkeys(article_ids)),),
            ).fetchall()
        return {str(article_id): str(story_id) for article_id, story_id in rows}

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
                    "SELECT merged_into, first_published, last_published FROM stories "
                    "WHERE id = %s",
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
                _one(
                    conn,
                    "SELECT COALESCE(MAX(position) + 1, 0) FROM story_articles WHERE story_id = %s",
                    (into_id,),
                )[0]
            )
            now = self._now()
            conn.execute(
                "UPDATE story_articles SET story_id = %s, position = position + %s "
                "WHERE story_id = %s",
                (into_id, offset, from_id),
            )
            conn.execute(
                "UPDATE stories SET merged_into = %s, updated = %s WHERE id = %s",
                (into_id, now, from_id),
            )
            conn.execute(
                "UPDATE stories SET merged_into = %s WHERE merged_into = %s", (into_id, from_id)
            )
            conn.execute(
                "UPDATE stories SET updated = %s, first_published = %s, last_published = %s "
                "WHERE id = %s",
                (now, iso_or_none(first), iso_or_none(last), into_id),
            )
            conn.execute(
                "INSERT INTO story_merges (from_id, into_id, at) VALUES (%s, %s, %s)",
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
                rows = conn.execute(query + ' ORDER BY id COLLATE "C"').fetchall()
            else:
                rows = conn.execute(
                    query + " AND id = ANY(%s::text[])", (list(dict.fromkeys(story_ids)),)
                ).fetchall()
        return {str(sid): vector_from_blob(data, f"story {sid!r} centroid") for sid, data in rows}

    def story_state(self, story_id: str) -> dict[str, Any] | None:
        """The clustering state saved with story ``story_id``, or ``None``.

        Raises :class:`NotFoundError` if there is no such story.
        """
        with self._transaction(write=False) as conn:
            row = conn.execute("SELECT state FROM stories WHERE id = %s", (story_id,)).fetchone()
        if row is None:
            raise NotFoundError("story", story_id)
        return state_from_json(row[0], f"{self.url}: story {story_id!r}")

    def story_states(self, story_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The clustering state saved with each of ``story_ids`` that has one, by story id."""
        with self._transaction(write=False) as conn:
            rows = conn.execute(
                "SELECT id, state FROM stories WHERE state IS NOT NULL AND id = ANY(%s::text[])",
                (list(dict.fromkeys(story_ids)),),
            ).fetchall()
        states: dict[str, dict[str, Any]] = {}
        for story_id, data in rows:
            state = state_from_json(data, f"{self.url}: story {story_id!r}")
            if state is not None:
                states[str(story_id)] = state
        return states

    # -- metadata -------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        """The value stored under ``key`` in the ``meta`` table, or ``None``."""
        with self._transaction(write=False) as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = %s", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        """Store ``value`` under ``key``; ``schema_version`` is the store's own and refused."""
        check_meta_key(key)
        with self._transaction(write=True) as conn:
            _put_meta(conn, key, value)

    # -- candidate indexes ------------------------------------------------------

    def put_candidate_keys(self, keys: Mapping[str, Sequence[tuple[int, int]]]) -> None:
        """Index each article's LSH band keys, replacing what it had.

        The whole batch is one delete and one insert of three arrays, however
        many keys it has. Raises :class:`NotFoundError` for an id that is not
        a stored article.
        """
        if not keys:
            return
        bands: list[int] = []
        values: list[int] = []
        owners: list[str] = []
        for article_id, pairs in keys.items():
            for band, key in dict.fromkeys((int(b), int(k)) for b, k in pairs):
                bands.append(band)
                values.append(key)
                owners.append(article_id)
        ids = list(keys)
        with self._transaction(write=True) as conn:
            _require_articles(conn, ids)
            conn.execute("DELETE FROM candidate_keys WHERE article_id = ANY(%s::text[])", (ids,))
            if bands:
                conn.execute(
                    "INSERT INTO candidate_keys (band, key, article_id) "
                    "SELECT * FROM unnest(%s::int[], %s::bigint[], %s::text[])",
                    (bands, values, owners),
                )

    def candidate_matches(
        self, keys: Mapping[str, Sequence[tuple[int, int]]]
    ) -> dict[str, list[str]]:
        """For each id in ``keys``: the other stored articles sharing a ``(band, key)`` pair.

        In ingest order. The keys asked about travel as three arrays, so the
        whole batch is one query however many keys it has.
        """
        matches: dict[str, list[str]] = {article_id: [] for article_id in keys}
        asked = sorted(
            {(int(b), int(k), article_id) for article_id, pairs in keys.items() for b, k in pairs}
        )
        if not asked:
            return matches
        bands, values, owners = (list(column) for column in zip(*asked, strict=True))
        with self._transaction(write=False) as conn:
            rows = conn.execute(
                "SELECT DISTINCT q.article_id, a.id, a.seq "
                "FROM unnest(%s::int[], %s::bigint[], %s::text[]) AS q (band, key, article_id) "
                "JOIN candidate_keys c ON c.band = q.band AND c.key = q.key "
                "JOIN articles a ON a.id = c.article_id "
                "WHERE c.article_id <> q.article_id ORDER BY q.article_id, a.seq",
                (bands, values, owners),
            ).fetchall()
        for asking, found, _seq in rows:
            matches[str(asking)].append(str(found))
        return matches

    def put_candidate_vectors(self, vectors: Mapping[str, npt.ArrayLike]) -> None:
        """Record each article's search vector at the next position, replacing an older one.

        Positions come from a counter in the ``meta`` table, advanced inside
        the write transaction, so they only grow and are never reused.
        Raises :class:`NotFoundError` for an id that is not a stored article.
        """
        if not vectors:
            return
        blobs = [
            (article_id, vector_blob(vector, f"candidate vector of {article_id!r}")[1])
            for article_id, vector in vectors.items()
        ]
        ids = [article_id for article_id, _ in blobs]
        with self._transaction(write=True) as conn:
            _require_articles(conn, ids)
            conn.execute("DELETE FROM candidate_vectors WHERE article_id = ANY(%s::text[])", (ids,))
            row = conn.execute(
                "SELECT value FROM meta WHERE key = %s", (CANDIDATE_POSITION_KEY,)
            ).fetchone()
            start = (0 if row is None else int(row[0])) + 1
            conn.execute(
                "INSERT INTO candidate_vectors (position, article_id, data) "
                "SELECT %s + n - 1, article_id, data "
                "FROM unnest(%s::text[], %s::bytea[]) WITH ORDINALITY AS t (article_id, data, n)",
                (start, ids, [blob for _, blob in blobs]),
            )
            _put_meta(conn, CANDIDATE_POSITION_KEY, str(start + len(blobs) - 1))

    def candidate_vectors_after(
        self, position: int, limit: int = 10_000
    ) -> list[tuple[int, str, npt.NDArray[np.float32]]]:
        """``(position, article_id, vector)`` recorded after ``position``, by position."""
        with self._transaction(write=False) as conn:
            rows = conn.execute(
                "SELECT position, article_id, data FROM candidate_vectors "
                "WHERE position > %s ORDER BY position LIMIT %s",
                (int(position), int(limit)),
            ).fetchall()
        return [
            (int(pos), str(article_id), vector_from_blob(data, f"candidate vector {pos}"))
            for pos, article_id, data in rows
        ]

    def index_folder(self) -> Path | None:
        """A folder of this user's cache for the indexes of this store; not created here.

        ``$XDG_CACHE_HOME`` (else ``~/.cache``) ``/synopsis/indexes/<name>``,
        the name a short hash of the server, port, database and schema, and
        of an id the store drew when it was created (so a database dropped
        and made again does not find the indexes of the old one).
        """
        cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        name = hashlib.sha256(self._where.encode("utf-8")).hexdigest()[:16]
        return Path(cache) / "synopsis" / "indexes" / name

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
            with conn.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO copies ({COPY_COLUMNS}) VALUES ({_marks(6)}) "
                    "ON CONFLICT (a, b, kind) DO UPDATE SET score = excluded.score, "
                    "origin = excluded.origin, evidence = excluded.evidence",
                    rows,
                )

    def copies_among(self, article_ids: Iterable[str], evidence: bool = True) -> list[CopyLink]:
        """The stored links whose two articles are both in ``article_ids``.

        Sorted by ``(a, b, kind)``; ``evidence=False`` leaves the evidence empty.
        """
        ids = list(dict.fromkeys(article_ids))
        columns = COPY_COLUMNS if evidence else COPY_COLUMNS_WITHOUT_EVIDENCE
        with self._transaction(write=False) as conn:
            found = [
                tuple(row)
                for row in conn.execute(
                    f"SELECT {columns} FROM copies "
                    "WHERE a = ANY(%s::text[]) AND b = ANY(%s::text[])",
                    (ids, ids),
                )
            ]
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
            rows = conn.execute(
                "SELECT key, dim, data FROM vectors WHERE model = %s AND key = ANY(%s::text[])",
                (model, unique),
            ).fetchall()
        for key, dim, data in rows:
            vector = vector_from_blob(data, f"vector {key!r} of {model!r}")
            if vector.shape[0] != dim:
                raise StoreError(f"{self.url}: vector {key!r} of {model!r} is corrupt")
            found[str(key)] = vector
        return {key: found[key] for key in unique if key in found}

    def put_vectors(self, model: str, vectors: Mapping[str, npt.ArrayLike]) -> None:
        """Cache ``vectors`` (each 1-D, stored as float32) for ``model``, replacing old ones."""
        keys: list[str] = []
        dims: list[int] = []
        blobs: list[bytes] = []
        for key, value in vectors.items():
            dim, data = vector_blob(value, f"vector {key!r} of {model!r}")
            keys.append(key)
            dims.append(dim)
            blobs.append(data)
        if not keys:
            return
        with self._transaction(write=True) as conn:
            conn.execute(
                "INSERT INTO vectors (key, model, dim, data) "
                "SELECT key, %s, dim, data FROM unnest(%s::text[], %s::int[], %s::bytea[]) "
                "AS t (key, dim, data) "
                "ON CONFLICT (key, model) DO UPDATE SET dim = excluded.dim, data = excluded.data",
                (model, keys, dims, blobs),
            )

    # -- report cache ---------------------------------------------------------

    def cached_report(self, story_id: str, version: str) -> str | None:
        """The report JSON cached for ``story_id`` at ``version``, else ``None``."""
        with self._transaction(write=False) as conn:
            row = conn.execute(
                "SELECT data FROM story_reports WHERE story_id = %s AND version = %s",
                (story_id, version),
            ).fetchone()
        return None if row is None else str(row[0])

    def cache_report(self, story_id: str, version: str, data: str) -> None:
        """Cache ``data`` (report JSON) for ``story_id`` at ``version``, replacing any older one.

        Raises :class:`NotFoundError` if there is no such story.
        """
        with self._transaction(write=True) as conn:
            if conn.execute("SELECT 1 FROM stories WHERE id = %s", (story_id,)).fetchone() is None:
                raise NotFoundError("story", story_id)
            conn.execute(
                "INSERT INTO story_reports (story_id, version, data, computed) "
                "VALUES (%s, %s, %s, %s) ON CONFLICT (story_id) DO UPDATE SET "
                "version = excluded.version, data = excluded.data, computed = excluded.computed",
                (story_id, version, data, self._now()),
            )

    def stories_changed(self) -> str:
        """A token that changes whenever any story is saved, merged or removed."""
        with self._transaction(write=False) as conn:
            count, updated = _one(conn, 'SELECT COUNT(*), MAX(updated COLLATE "C") FROM stories')
        return f"{count}:{updated or ''}"

    def story_languages(self) -> dict[str, list[str]]:
        """The languages of each live story's articles, most common first, by story id."""
        with self._transaction(write=False) as conn:
            rows = conn.execute(
                "SELECT sa.story_id, a.language, COUNT(*) AS n FROM story_articles sa "
                "JOIN articles a ON a.id = sa.article_id WHERE a.language IS NOT NULL "
                "GROUP BY sa.story_id, a.language "
                'ORDER BY sa.story_id COLLATE "C", n DESC, a.language COLLATE "C"'
            ).fetchall()
        languages: dict[str, list[str]] = {}
        for story_id, language, _count in rows:
            languages.setdefault(str(story_id), []).append(str(language))
        return languages


# -- helpers -------------------------------------------------------------------


def _one(conn: Connection, query: str, params: Sequence[Any] = ()) -> tuple[Any, ...]:
    """The one row ``query`` gives (an aggregate's)."""
    row = conn.execute(query, params).fetchone()
    if row is None:  # pragma: no cover - an aggregate always gives a row
        raise StoreError(f"no row from {query!r}")
    return row


def _rollback(conn: Connection) -> None:
    """Roll back the open transaction, if any; a connection already lost is left be."""
    if conn.closed or conn.broken or conn.info.transaction_status not in _OPEN:
        return
    with suppress(psycopg.Error):  # the connection went away: the server rolled it back
        conn.execute("ROLLBACK")


def _put_meta(conn: Connection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (%s, %s) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def _load_stories(
    conn: Connection, *, story_ids: Sequence[str] | None = None, include_merged: bool = True
) -> list[StoryRow]:
    """The stories with the given ids (those that exist), or all of them in listing order."""
    if story_ids is not None:
        ids = list(dict.fromkeys(story_ids))
        rows = conn.execute(
            f"SELECT {STORY_COLUMNS} FROM stories WHERE id = ANY(%s::text[])", (ids,)
        ).fetchall()
        links = conn.execute(
            "SELECT story_id, article_id FROM story_articles WHERE story_id = ANY(%s::text[]) "
            "ORDER BY story_id, position",
            (ids,),
        ).fetchall()
    else:
        where = "" if include_merged else "WHERE merged_into IS NULL"
        rows = conn.execute(
            f"SELECT {STORY_COLUMNS} FROM stories {where} "
            'ORDER BY updated COLLATE "C" DESC, id COLLATE "C"'
        ).fetchall()
        links = conn.execute(
            "SELECT story_id, article_id FROM story_articles ORDER BY story_id, position"
        ).fetchall()
    members: dict[str, list[str]] = {}
    for sid, article_id in links:
        members.setdefault(sid, []).append(article_id)
    return [story_from_row(row, members.get(row[0], [])) for row in rows]


def _require_articles(conn: Connection, ids: Sequence[str]) -> None:
    """Raise :class:`NotFoundError` for the first of ``ids`` that is not a stored article."""
    found = {
        row[0]
        for row in conn.execute("SELECT id FROM articles WHERE id = ANY(%s::text[])", (list(ids),))
    }
    for article_id in ids:
        if article_id not in found:
            raise NotFoundError("article", article_id)


def _not_before(when: datetime | None, since: datetime) -> bool:
    return when is None or when.timestamp() >= since.timestamp()


def _marks(count: int) -> str:
    return ", ".join(["%s"] * count)
