"""The article store interface and the records it returns.

A store keeps everything synopsis derives and wants to keep between runs:
articles (cleaned text and provenance), stories (which articles belong
together, the clustering state), copy links between articles, and a cache of
sentence vectors. :class:`Store` is the small interface the rest of synopsis
codes against; :class:`~synopsis.store.sqlite.SQLiteStore` and
:class:`~synopsis.store.postgres.PostgresStore` implement it.
:func:`~synopsis.store.open.open_store` opens one. This module imports no
backend, and nothing it imports comes back to it.

Every method returns records (:class:`~synopsis.records.Article`,
:class:`StoryRow`, :class:`~synopsis.records.CopyLink`, NumPy arrays), never
raw rows, and raises :class:`~synopsis.errors.StoreError` (or a subclass) when
it cannot do what was asked.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, Self, runtime_checkable

import numpy as np
import numpy.typing as npt

from ..records import Article, CopyLink, Feed, FetchFailure

__all__ = ["AddResult", "Store", "StoryRow"]


@dataclass(frozen=True, slots=True)
class AddResult:
    """What :meth:`Store.add_articles` did, by article id, in input order.

    ``added`` holds the ids that were written (new articles, and known ids
    whose stored fields changed); ``unchanged`` those already stored exactly
    as given, for which nothing was written.
    """

    added: list[str]
    unchanged: list[str]


@dataclass(frozen=True, slots=True)
class StoryRow:
    """A stored story: its title, its articles and its bookkeeping times.

    ``created`` and ``updated`` are when the store first saved and last changed
    the story (timezone-aware, UTC). ``merged_into`` is ``None`` for a live
    story; for a story merged into another it names the live story that now
    holds its articles, and ``article_ids`` is then empty.
    """

    id: str
    title: str
    article_ids: list[str]
    created: datetime
    updated: datetime
    first_published: datetime | None
    last_published: datetime | None
    merged_into: str | None


@runtime_checkable
class Store(Protocol):
    """The interface of an article store.

    Implementations are safe to share between threads and are context
    managers: ``with open_store(path) as store: ...`` closes the store on exit.
    Each method is one transaction; :meth:`transaction` makes several one.
    Reads never wait for a write in progress: they see the store as it was
    before it.
    """

    read_only: bool
    """Whether the store was opened for reading only: every write raises :class:`StoreError`."""

    def transaction(self, timeout: float | None = None) -> AbstractContextManager[None]:
        """``with store.transaction(): ...``: every call inside is one transaction.

        Committed when the block ends, rolled back as a whole if it raises;
        other writers (threads or processes) wait up to ``timeout`` seconds
        (default: the store's) for the lock, and hold it, so what is read
        inside is current until the end. Blocks nest.
        """
        ...

    # -- articles ---------------------------------------------------------

    def add_articles(self, articles: Iterable[Article]) -> AddResult:
        """Store ``articles`` in one transaction; idempotent.

        An article whose id is already stored with identical fields is
        ``unchanged`` and nothing is written for it; an article with a known id
        but different content replaces the stored one (and counts as added).
        ``paragraphs`` and ``sentences`` are not stored.
        """
        ...

    def get_article(self, article_id: str) -> Article:
        """The article with id ``article_id``; :class:`NotFoundError` if none."""
        ...

    def get_articles(self, article_ids: Sequence[str]) -> list[Article]:
        """The articles with the given ids, in the order asked.

        Raises :class:`NotFoundError` naming the first id that is not stored.
        """
        ...

    def iter_articles(self) -> Iterator[Article]:
        """Every stored article, in the order they were first ingested."""
        ...

    def article_count(self) -> int:
        """How many articles are stored."""
        ...

    def has_article(self, article_id: str) -> bool:
        """Whether an article with id ``article_id`` is stored."""
        ...

    def articles_without_story(self) -> list[str]:
        """The ids of the stored articles no story holds, in ingest order.

        An ingest leaves none; one that was interrupted by an older synopsis
        (which committed articles and stories separately) may have.
        """
        ...

    def article_titles(self, article_ids: Sequence[str]) -> dict[str, str | None]:
        """The title of each of ``article_ids`` that is stored (``None``: untitled), by id."""
        ...

    def ingest_order(self, article_ids: Sequence[str]) -> list[str]:
        """The stored ones of ``article_ids``, each once, in the order they were first ingested."""
        ...

    def article_hashes(self) -> dict[str, str]:
        """The content hash of every stored article, by id, in ingest order."""
        ...

    def articles_changed(self) -> str:
        """A token that changes whenever an article is added or replaced."""
        ...

    # -- stories ----------------------------------------------------------

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

        Every field is replaced by what is given (``created`` is kept), and
        the story's article set becomes ``article_ids``. An article belongs to
        at most one story: listing it here moves it out of any other story.
        """
        ...

    def get_story(self, story_id: str) -> StoryRow:
        """The story with id ``story_id`` (merged or not); :class:`NotFoundError` if none."""
        ...

    def list_stories(self, include_merged: bool = False) -> list[StoryRow]:
        """All stories, most recently updated first, ties by id."""
        ...

    def story_of(self, article_id: str) -> str | None:
        """The id of the story holding ``article_id``, or ``None`` if no story does."""
        ...

    def record_merge(self, from_id: str, into_id: str) -> None:
        """Record that story ``from_id`` was merged into story ``into_id``.

        The articles still in ``from_id`` move to ``into_id``, and stories
        previously merged into ``from_id`` now point at ``into_id``.
        """
        ...

    def story_centroids(
        self, story_ids: Sequence[str] | None = None
    ) -> dict[str, npt.NDArray[np.float32]]:
        """The centroid of every live story that has one (or of those in ``story_ids``)."""
        ...

    def story_state(self, story_id: str) -> dict[str, Any] | None:
        """The clustering state saved with story ``story_id``, if any."""
        ...

    # -- stories: what one ingest reads, never every story --------------------

    def get_stories(self, story_ids: Sequence[str]) -> list[StoryRow]:
        """The stories with the given ids (merged or not), in the order asked.

        Raises :class:`NotFoundError` naming the first id that is not stored.
        """
        ...

    def active_stories(self, since: datetime | None) -> list[StoryRow]:
        """The live stories that can still gather articles, in :meth:`list_stories` order.

        Those whose ``last_published`` is unknown or not before ``since``
        (every live story when ``since`` is ``None``).
        """
        ...

    def story_clock(self) -> datetime | None:
        """The latest ``last_published`` of any live story, or ``None`` if none has one."""
        ...

    def story_states(self, story_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The clustering state saved with each of ``story_ids`` that has one, by story id."""
        ...

    def stories_of(self, article_ids: Sequence[str]) -> dict[str, str]:
        """The story holding each of ``article_ids`` that a story holds, by article id."""
        ...

    # -- metadata -----------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        """The value stored under ``key`` in the store's metadata, or ``None``."""
        ...

    def set_meta(self, key: str, value: str) -> None:
        """Store ``value`` under ``key``; ``schema_version`` is the store's own and refused."""
        ...

    # -- followed feeds ---------------------------------------------------

    def add_feed(self, url: str) -> bool:
        """Follow the feed at ``url``: True, or False when it is followed already."""
        ...

    def remove_feed(self, url: str) -> bool:
        """Stop following ``url``: True, or False when it was not followed."""
        ...

    def feeds(self) -> list[Feed]:
        """Every followed feed with its state, in the order they were added."""
        ...

    def get_feed(self, url: str) -> Feed:
        """The followed feed at ``url``; :class:`NotFoundError` if it is not followed."""
        ...

    def save_feed(self, feed: Feed) -> None:
        """Write a followed feed's state; :class:`NotFoundError` if it is no longer followed."""
        ...

    def record_fetch_failure(self, failure: FetchFailure) -> None:
        """Record that a URL could not be fetched (a repeat counts one attempt more)."""
        ...

    def clear_fetch_failures(self, urls: Iterable[str]) -> None:
        """Forget the failures of ``urls`` (they were fetched since)."""
        ...

    def fetch_failures(self, feed: str | None = None, limit: int = 100) -> list[FetchFailure]:
        """The latest ``limit`` fetch failures, newest first: of ``feed``'s entries, or all."""
        ...

    def fetch_attempts(self, urls: Sequence[str]) -> dict[str, int]:
        """How often each of ``urls`` that failed has been tried, by URL."""
        ...

    def known_urls(self, urls: Sequence[str]) -> set[str]:
        """Those of ``urls`` that a stored article was read from."""
        ...

    def articles_with_hashes(
        self, hashes: Sequence[str]
    ) -> dict[str, list[tuple[str, str | None]]]:
        """The stored articles of each content hash, ``(id, url)`` in ingest order."""
        ...

    # -- copies -----------------------------------------------------------

    def save_copies(self, links: Iterable[CopyLink]) -> None:
        """Store ``links``, replacing any stored link with the same (a, b, kind)."""
        ...

    def copies_among(self, article_ids: Iterable[str], evidence: bool = True) -> list[CopyLink]:
        """The stored links whose two articles are both in ``article_ids``.

        ``evidence=False`` leaves each link's evidence empty (not read): for
        callers that need only who is linked to whom.
        """
        ...

    # -- candidate indexes (copy detection) ------------------------------------

    def put_candidate_keys(self, keys: Mapping[str, Sequence[tuple[int, int]]]) -> None:
        """Index each article's LSH band keys, ``(band, key)`` pairs, replacing what it had.

        ``band`` names the index and the band in it (a small int chosen by
        :mod:`synopsis.copies`), ``key`` is a signed 64-bit int. Each id must
        be a stored article; its keys go when it does.
        """
        ...

    def candidate_matches(
        self, keys: Mapping[str, Sequence[tuple[int, int]]]
    ) -> dict[str, list[str]]:
        """For each id in ``keys``: the other stored articles sharing a ``(band, key)`` pair.

        In ingest order; an id that matches nothing maps to an empty list.
        The ids asked about need not be stored.
        """
        ...

    def put_candidate_vectors(self, vectors: Mapping[str, npt.ArrayLike]) -> None:
        """Record each article's nearest-neighbour search vector (1-D, float32).

        Each gets the next position (positions only grow; a later vector of
        an article replaces its earlier one, which leaves its position).
        Each id must be a stored article.
        """
        ...

    def candidate_vectors_after(
        self, position: int, limit: int = 10_000
    ) -> list[tuple[int, str, npt.NDArray[np.float32]]]:
        """``(position, article_id, vector)`` recorded after ``position``, by position.

        At most ``limit`` rows; a caller catches up by asking again after the
        last position it got.
        """
        ...

    def index_folder(self) -> Path | None:
        """Where indexes derived from the store may be kept between runs, or ``None``.

        A folder for rebuildable files (the nearest-neighbour index of
        copy candidates), created on first use by whoever writes there;
        ``None`` where the store has no place on this machine's disk (an
        in-memory store): such indexes are then rebuilt in memory.
        """
        ...

    # -- vectors ----------------------------------------------------------

    def get_vectors(self, keys: Sequence[str], model: str) -> dict[str, npt.NDArray[np.float32]]:
        """The cached vectors of ``model`` for ``keys``; keys not cached are left out."""
        ...

    def put_vectors(self, model: str, vectors: Mapping[str, npt.ArrayLike]) -> None:
        """Cache ``vectors`` (1-D, stored as float32) for ``model``, replacing old ones."""
        ...

    # -- report cache -----------------------------------------------------

    def cached_report(self, story_id: str, version: str) -> str | None:
        """The report JSON cached for ``story_id`` at ``version``, or ``None``."""
        ...

    def cache_report(self, story_id: str, version: str, data: str) -> None:
        """Cache report JSON ``data`` for ``story_id`` at ``version``, replacing older ones."""
        ...

    def stories_changed(self) -> str:
        """A token that changes whenever any story is saved, merged or removed."""
        ...

    def story_languages(self) -> dict[str, list[str]]:
        """The languages of each live story's articles, most common first, by story id."""
        ...

    # -- lifetime ---------------------------------------------------------

    def close(self) -> None:
        """Release the store's resources; later calls raise :class:`StoreError`."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
