"""Polling followed feeds into an archive: only what is new is fetched, and a restart resumes.

One :meth:`Follower.poll`:

1. reads the feeds that are due from the store (the feed list and each feed's
   state live there: validators, last and next poll, errors);
2. fetches them, ``follow.feed_workers`` at once, each conditionally on the
   ETag and Last-Modified its last complete poll saw (a 304 costs nothing
   more);
3. leaves out every entry whose link a stored article was read from, and
   every page that failed ``follow.max_attempts`` times; fetches the pages of
   the rest (the entry's own text stands in for a page that cannot be read,
   and the failure is recorded against its URL);
4. as feeds finish, ingests their new articles once about ``follow.batch``
   have gathered, each batch one committed ingest (stories updated as by
   ``synopsis ingest``);
5. only then saves those feeds' new validators and schedule.

A poll killed anywhere loses nothing: what was committed is known by URL
and not fetched again; a feed whose state was not saved is fetched again
with its old validators (so the server sends its entries again, and only
the ones not stored are fetched).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from ..archive import Archive, IngestResult
from ..config import FollowSettings
from ..readers import ReadResult, collect_outcomes
from ..readers.web import FeedRead, WebReader
from ..records import Article, Feed, FetchFailure, Skip
from ..store import Store
from ..store.codec import utc_now

__all__ = ["FeedPoll", "Follower", "PollRun"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class FeedPoll:
    """What one poll of one feed did."""

    url: str
    status: str
    """``"ok"``, ``"not modified"`` or ``"failed"``."""
    entries: int = 0
    known: int = 0
    new: int = 0
    """Articles stored from this feed by this poll."""
    page_failures: int = 0
    error: str | None = None


@dataclass(slots=True)
class PollRun:
    """One poll of the due feeds: per feed, and what the ingests did."""

    started: datetime
    finished: datetime | None = None
    feeds: list[FeedPoll] = field(default_factory=list)
    ingest: IngestResult = field(default_factory=IngestResult)

    @property
    def new(self) -> int:
        return len(self.ingest.added)

    @property
    def stories(self) -> int:
        return len(set(self.ingest.stories))


class Follower:
    """Keeps an archive current with the feeds it follows (see the module docstring).

    ``clock`` gives the time (tests pass their own); ``reader`` reads feeds
    and pages (default: the archive's, which knows what is stored).
    """

    def __init__(
        self,
        archive: Archive,
        settings: FollowSettings | None = None,
        *,
        reader: WebReader | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.archive = archive
        self.settings = settings or archive.settings.follow
        self.reader = reader or WebReader(
            archive.fetcher,
            known=archive.store.known_urls,
            given_up=self._given_up,
            workers=self.settings.page_workers,
        )
        self.clock = clock

    @property
    def store(self) -> Store:
        return self.archive.store

    def follow(self, urls: Iterable[str]) -> list[str]:
        """Add feeds to the store's list; the URLs that were not followed before."""
        wanted = dict.fromkeys(u.strip() for u in urls if u.strip())
        return [url for url in wanted if self.store.add_feed(url)]

    def due(self, now: datetime | None = None) -> list[Feed]:
        """The followed feeds whose next poll is due (never polled ones first)."""
        now = now or self.clock()
        return [f for f in self.store.feeds() if f.next_poll is None or f.next_poll <= now]

    def next_due(self) -> datetime | None:
        """When the next feed is due (``None``: no feed is followed)."""
        times = [f.next_poll or self.clock() for f in self.store.feeds()]
        return min(times, default=None)

    def poll(self, feeds: Sequence[Feed] | None = None) -> PollRun:
        """Poll ``feeds`` (default: those due) once (see the module docstring)."""
        run = PollRun(self.clock())
        chosen = list(self.due(run.started) if feeds is None else feeds)
        if not chosen:
            run.finished = self.clock()
            return run
        pending: list[tuple[Feed, FeedRead]] = []
        polls: dict[str, FeedPoll] = {}
        with ThreadPoolExecutor(max_workers=self.settings.feed_workers) as pool:
            reading = {pool.submit(self._read, feed): feed for feed in chosen}
            for done in as_completed(reading):
                pending.append((reading[done], done.result()))
                if sum(len(read.outcomes) for _, read in pending) >= self.settings.batch:
                    polls.update(self._store(pending, run))
                    pending = []
            polls.update(self._store(pending, run))
        run.feeds = [polls[feed.url] for feed in chosen]
        run.finished = self.clock()
        return run

    def _store(self, reads: Sequence[tuple[Feed, FeedRead]], run: PollRun) -> dict[str, FeedPoll]:
        """Ingest what ``reads`` brought, then save those feeds' state (in that order)."""
        new_by_feed = self._ingest([read for _, read in reads], run)
        now = self.clock()
        polls: dict[str, FeedPoll] = {}
        for feed, read in reads:
            new = new_by_feed.get(feed.url, 0)
            self._record_pages(read, now)
            self._save(feed, read, new, now)
            polls[feed.url] = FeedPoll(
                feed.url,
                read.status,
                read.entries,
                read.known,
                new,
                len(read.page_failures),
                read.error,
            )
        return polls

    def run(
        self,
        *,
        once: bool = False,
        on_poll: Callable[[PollRun], None] | None = None,
        stop: threading.Event | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> int:
        """Poll until ``stop`` is set (or once): the number of polls made.

        Between polls it waits until the next feed is due, in steps of at
        most a second so that ``stop`` is seen soon.
        """
        stop = stop or threading.Event()
        polls = 0
        while not stop.is_set():
            run = self.poll()
            polls += 1
            if on_poll is not None:
                on_poll(run)
            if once:
                break
            due = self.next_due()
            wait = self.settings.every if due is None else (due - self.clock()).total_seconds()
            while wait > 0 and not stop.is_set():
                step = min(wait, 1.0)
                sleep(step)
                wait -= step
        return polls

    # -- steps ------------------------------------------------------------------

    def _read(self, feed: Feed) -> FeedRead:
        """One feed's read; whatever goes wrong in it fails that feed, never the poll."""
        try:
            return self.reader.read_feed(feed.url, etag=feed.etag, last_modified=feed.last_modified)
        except Exception as exc:  # a bug or a foreign library's error: that feed's failure
            logger.exception("feed %s could not be read", feed.url)
            return FeedRead(feed.url, "failed", error=f"{type(exc).__name__}: {exc}")

    def _given_up(self, urls: Sequence[str]) -> set[str]:
        """The pages tried ``max_attempts`` times already: not asked for again."""
        attempts = self.store.fetch_attempts(urls)
        return {url for url, tried in attempts.items() if tried >= self.settings.max_attempts}

    def _ingest(self, reads: Sequence[FeedRead], run: PollRun) -> dict[str, int]:
        """Ingest the new articles of ``reads`` in batches; articles stored per feed URL."""
        outcomes = [o for read in reads if read.status == "ok" for o in read.outcomes]
        new_by_feed: dict[str, int] = {}
        size = self.settings.batch
        for start in range(0, len(outcomes), size):
            read = self._without_reposts(
                collect_outcomes(outcomes[start : start + size], self.archive.settings.read)
            )
            result = self.archive.ingest_read(read)
            # The web reader names each entry's feed in its metadata.
            feed_of = {a.id: a.metadata.get("feed") for a in read.articles}
            for article_id in result.added:
                feed = feed_of.get(article_id)
                if feed is not None:
                    new_by_feed[feed] = new_by_feed.get(feed, 0) + 1
            run.ingest.extend(result)
            stored = [a.url for a in read.articles if a.url]
            if stored:
                self.store.clear_fetch_failures(stored)
        return new_by_feed

    def _without_reposts(self, read: ReadResult) -> ReadResult:
        """``read`` without the articles a stored one of the same site already holds word for
        word (an entry listed again under another URL); the same text from another site is
        kept, since its copies count the sources."""
        stored = self.store.articles_with_hashes([a.content_hash for a in read.articles])
        kept: list[Article] = []
        for article in read.articles:
            same = [
                (article_id, url)
                for article_id, url in stored.get(article.content_hash, [])
                if _site(url) == _site(article.url)
            ]
            if same:
                reason = f"same text as stored article {same[0][0]} from this site"
                read.skipped.append(Skip(article.source, reason))
            else:
                kept.append(article)
        read.articles = kept
        return read

    def _record_pages(self, read: FeedRead, now: datetime) -> None:
        for failure in read.page_failures:
            reason = failure.reason
            if failure.used_entry_text:
                reason = f"{reason} (the feed entry's text was used)"
            self.store.record_fetch_failure(FetchFailure(failure.url, reason, now, read.url))

    def _save(self, feed: Feed, read: FeedRead, new: int, now: datetime) -> None:
        if read.status == "failed":
            errors = feed.errors + 1
            wait = min(self.settings.every * 2 ** min(errors, 30), self.settings.max_backoff)
            saved = replace(
                feed,
                last_polled=now,
                next_poll=now + timedelta(seconds=wait),
                last_status="failed",
                last_error=read.error,
                errors=errors,
                polls=feed.polls + 1,
                last_new=0,
            )
            logger.warning("feed %s failed: %s", feed.url, read.error)
        else:
            saved = replace(
                feed,
                title=read.title or feed.title,
                etag=read.etag,
                last_modified=read.last_modified,
                last_polled=now,
                next_poll=now + timedelta(seconds=self.settings.every),
                last_status=read.status,
                last_error=None,
                errors=0,
                polls=feed.polls + 1,
                articles=feed.articles + new,
                last_new=new,
            )
        try:
            self.store.save_feed(saved)
        except KeyError:  # unfollowed while it was polled: nothing to keep
            logger.info("feed %s was unfollowed during its poll", feed.url)


def _site(url: str | None) -> str | None:
    return urlsplit(url).netloc.lower() if url else None
