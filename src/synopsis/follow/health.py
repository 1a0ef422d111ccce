"""How the followed feeds are doing: each feed's state with its entries' latest failures."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..records import Feed, FetchFailure
from ..store import Store
from ..store.codec import iso_or_none

__all__ = ["FeedHealth", "feed_health"]


@dataclass(frozen=True, slots=True)
class FeedHealth:
    """A followed feed and the latest pages of it that could not be fetched."""

    feed: Feed
    failures: tuple[FetchFailure, ...]

    def to_dict(self) -> dict[str, Any]:
        feed = self.feed
        return {
            "url": feed.url,
            "title": feed.title,
            "added": iso_or_none(feed.added),
            "last_polled": iso_or_none(feed.last_polled),
            "next_poll": iso_or_none(feed.next_poll),
            "last_status": feed.last_status,
            "last_error": feed.last_error,
            "healthy": feed.healthy,
            "errors": feed.errors,
            "polls": feed.polls,
            "articles": feed.articles,
            "last_new": feed.last_new,
            "failures": [
                {
                    "url": f.url,
                    "reason": f.reason,
                    "at": iso_or_none(f.at),
                    "attempts": f.attempts,
                }
                for f in self.failures
            ],
        }


def feed_health(store: Store, failures_per_feed: int = 10) -> list[FeedHealth]:
    """Every followed feed with up to ``failures_per_feed`` of its latest page failures."""
    return [
        FeedHealth(feed, tuple(store.fetch_failures(feed=feed.url, limit=failures_per_feed)))
        for feed in store.feeds()
    ]
