"""The feed list, fetch failures and stored URLs, in SQL both backends run.

Written once with ``?`` placeholders; :class:`FeedTables` rewrites them for
PostgreSQL (``%s``). A backend calls these inside its own transactions with
its own connection: both ``sqlite3`` and ``psycopg`` connections have
``execute(sql, params)`` returning a cursor.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Final, Protocol

from ..errors import NotFoundError, StoreError
from ..records import Feed, FetchFailure
from .codec import iso, iso_or_none, parse_dt, required_dt

__all__ = ["FEED_COLUMNS", "FeedTables", "FollowedFeeds", "HashedArticles"]

FEED_COLUMNS: Final = (
    "url, title, added, etag, last_modified, last_polled, next_poll, "
    "last_status, last_error, errors, polls, articles, last_new"
)
_FAILURE_COLUMNS: Final = "url, reason, at, feed, attempts"
HashedArticles = dict[str, list[tuple[str, str | None]]]
"""Stored articles by content hash: ``(id, url)`` of each, in ingest order."""
_CHUNK: Final = 500  # URLs per IN (...) query


class Connection(Protocol):
    """What these queries need of a connection (sqlite3 and psycopg both have it)."""

    def execute(self, sql: Any, params: Any = ...) -> Any: ...


class FeedTables:
    """Queries on ``feeds``, ``fetch_failures`` and ``articles.url``, in one placeholder style."""

    def __init__(self, placeholder: str = "?") -> None:
        if placeholder not in ("?", "%s"):
            raise ValueError(f"placeholder must be '?' or '%s', got {placeholder!r}")
        self.placeholder = placeholder

    def _sql(self, text: str) -> str:
        return text if self.placeholder == "?" else text.replace("?", self.placeholder)

    # -- feeds ------------------------------------------------------------------

    def add_feed(self, conn: Connection, url: str, added: str) -> bool:
        """Follow ``url`` (True) unless it is followed already (False)."""
        if conn.execute(self._sql("SELECT 1 FROM feeds WHERE url = ?"), (url,)).fetchone():
            return False
        conn.execute(self._sql("INSERT INTO feeds (url, added) VALUES (?, ?)"), (url, added))
        return True

    def remove_feed(self, conn: Connection, url: str) -> bool:
        """Stop following ``url``; False when it was not followed."""
        found = conn.execute(self._sql("SELECT 1 FROM feeds WHERE url = ?"), (url,)).fetchone()
        conn.execute(self._sql("DELETE FROM feeds WHERE url = ?"), (url,))
        return found is not None

    def feeds(self, conn: Connection) -> list[Feed]:
        rows = conn.execute(f"SELECT {FEED_COLUMNS} FROM feeds ORDER BY added, url").fetchall()
        return [_feed(row) for row in rows]

    def feed(self, conn: Connection, url: str) -> Feed | None:
        row = conn.execute(
            self._sql(f"SELECT {FEED_COLUMNS} FROM feeds WHERE url = ?"), (url,)
        ).fetchone()
        return None if row is None else _feed(row)

    def save_feed(self, conn: Connection, feed: Feed) -> bool:
        """Write ``feed``'s state; False when the feed is no longer followed (nothing written)."""
        cursor = conn.execute(
            self._sql(
                "UPDATE feeds SET title = ?, etag = ?, last_modified = ?, last_polled = ?, "
                "next_poll = ?, last_status = ?, last_error = ?, errors = ?, polls = ?, "
                "articles = ?, last_new = ? WHERE url = ?"
            ),
            (
                feed.title,
                feed.etag,
                feed.last_modified,
                iso_or_none(feed.last_polled),
                iso_or_none(feed.next_poll),
                feed.last_status,
                feed.last_error,
                feed.errors,
                feed.polls,
                feed.articles,
                feed.last_new,
                feed.url,
            ),
        )
        return bool(getattr(cursor, "rowcount", 1))

    # -- fetch failures -------------------------------------------------------------

    def record_failure(self, conn: Connection, failure: FetchFailure) -> None:
        """Record that ``failure.url`` failed; a URL that failed before counts one attempt more."""
        conn.execute(
            self._sql(
                f"INSERT INTO fetch_failures ({_FAILURE_COLUMNS}) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (url) DO UPDATE SET reason = excluded.reason, at = excluded.at, "
                "feed = excluded.feed, attempts = fetch_failures.attempts + 1"
            ),
            (failure.url, failure.reason, iso(failure.at), failure.feed, failure.attempts),
        )

    def clear_failures(self, conn: Connection, urls: Iterable[str]) -> None:
        for chunk in _chunks(list(urls)):
            marks = ", ".join("?" * len(chunk))
            conn.execute(self._sql(f"DELETE FROM fetch_failures WHERE url IN ({marks})"), chunk)

    def failures(self, conn: Connection, feed: str | None, limit: int) -> list[FetchFailure]:
        """The latest failures (of ``feed``'s entries, or of every URL), newest first."""
        where, params = ("WHERE feed = ? ", [feed]) if feed is not None else ("", [])
        rows = conn.execute(
            self._sql(
                f"SELECT {_FAILURE_COLUMNS} FROM fetch_failures {where}"
                "ORDER BY at DESC, url LIMIT ?"
            ),
            (*params, limit),
        ).fetchall()
        return [
            FetchFailure(str(r[0]), str(r[1]), required_dt(r[2]), r[3], int(r[4])) for r in rows
        ]

    def failure_attempts(self, conn: Connection, urls: Sequence[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for chunk in _chunks(list(urls)):
            marks = ", ".join("?" * len(chunk))
            rows = conn.execute(
                self._sql(f"SELECT url, attempts FROM fetch_failures WHERE url IN ({marks})"),
                chunk,
            ).fetchall()
            found.update((str(url), int(attempts)) for url, attempts in rows)
        return found

    # -- stored URLs --------------------------------------------------------------------

    def known_urls(self, conn: Connection, urls: Sequence[str]) -> set[str]:
        """Those of ``urls`` that a stored article has."""
        found: set[str] = set()
        for chunk in _chunks(list(dict.fromkeys(urls))):
            marks = ", ".join("?" * len(chunk))
            rows = conn.execute(
                self._sql(f"SELECT DISTINCT url FROM articles WHERE url IN ({marks})"), chunk
            ).fetchall()
            found.update(str(row[0]) for row in rows)
        return found

    def with_hashes(self, conn: Connection, hashes: Sequence[str]) -> HashedArticles:
        """The stored articles of each of ``hashes``, ``(id, url)`` in ingest order."""
        found: HashedArticles = {}
        for chunk in _chunks(list(dict.fromkeys(hashes))):
            marks = ", ".join("?" * len(chunk))
            rows = conn.execute(
                self._sql(
                    f"SELECT content_hash, id, url FROM articles WHERE content_hash IN ({marks}) "
                    "ORDER BY seq"
                ),
                chunk,
            ).fetchall()
            for digest, article_id, url in rows:
                found.setdefault(str(digest), []).append((str(article_id), url))
        return found


def _chunks(items: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _feed(row: Sequence[Any]) -> Feed:
    return Feed(
        url=str(row[0]),
        title=row[1],
        added=required_dt(row[2]),
        etag=row[3],
        last_modified=row[4],
        last_polled=parse_dt(row[5]),
        next_poll=parse_dt(row[6]),
        last_status=row[7],
        last_error=row[8],
        errors=int(row[9]),
        polls=int(row[10]),
        articles=int(row[11]),
        last_new=int(row[12]),
    )


class FollowedFeeds:
    """The :class:`~synopsis.store.Store` methods on followed feeds, fetch failures and
    stored URLs, for both backends: a backend lists it last among its bases and
    gives ``_feed_tables`` (its placeholder style), ``_transaction`` and ``_now``.
    """

    _feed_tables: FeedTables

    if TYPE_CHECKING:

        def _transaction(
            self, *, write: bool, timeout: float | None = None
        ) -> AbstractContextManager[Any]: ...

        def _now(self) -> str: ...

    def add_feed(self, url: str) -> bool:
        """Follow the feed at ``url``: True, or False when it is followed already."""
        if not url.strip():
            raise StoreError("a feed needs a URL")
        with self._transaction(write=True) as conn:
            return self._feed_tables.add_feed(conn, url, self._now())

    def remove_feed(self, url: str) -> bool:
        """Stop following ``url``: True, or False when it was not followed."""
        with self._transaction(write=True) as conn:
            return self._feed_tables.remove_feed(conn, url)

    def feeds(self) -> list[Feed]:
        """Every followed feed with its state, in the order they were added."""
        with self._transaction(write=False) as conn:
            return self._feed_tables.feeds(conn)

    def get_feed(self, url: str) -> Feed:
        """The followed feed at ``url``; :class:`NotFoundError` if it is not followed."""
        with self._transaction(write=False) as conn:
            found = self._feed_tables.feed(conn, url)
        if found is None:
            raise NotFoundError("feed", url)
        return found

    def save_feed(self, feed: Feed) -> None:
        """Write a followed feed's state; :class:`NotFoundError` if it is no longer followed."""
        with self._transaction(write=True) as conn:
            if not self._feed_tables.save_feed(conn, feed):
                raise NotFoundError("feed", feed.url)

    def record_fetch_failure(self, failure: FetchFailure) -> None:
        """Record that a URL could not be fetched (a repeat counts one attempt more)."""
        with self._transaction(write=True) as conn:
            self._feed_tables.record_failure(conn, failure)

    def clear_fetch_failures(self, urls: Iterable[str]) -> None:
        """Forget the failures of ``urls`` (they were fetched since)."""
        with self._transaction(write=True) as conn:
            self._feed_tables.clear_failures(conn, urls)

    def fetch_failures(self, feed: str | None = None, limit: int = 100) -> list[FetchFailure]:
        """The latest ``limit`` fetch failures, newest first: of ``feed``'s entries, or all."""
        with self._transaction(write=False) as conn:
            return self._feed_tables.failures(conn, feed, limit)

    def fetch_attempts(self, urls: Sequence[str]) -> dict[str, int]:
        """How often each of ``urls`` that failed has been tried, by URL."""
        with self._transaction(write=False) as conn:
            return self._feed_tables.failure_attempts(conn, urls)

    def known_urls(self, urls: Sequence[str]) -> set[str]:
        """Those of ``urls`` that a stored article was read from."""
        with self._transaction(write=False) as conn:
            return self._feed_tables.known_urls(conn, urls)

    def articles_with_hashes(self, hashes: Sequence[str]) -> HashedArticles:
        """The stored articles of each content hash, ``(id, url)`` in ingest order."""
        with self._transaction(write=False) as conn:
            return self._feed_tables.with_hashes(conn, hashes)
