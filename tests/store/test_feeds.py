"""Followed feeds, fetch failures and stored URLs in the store, on both backends."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from store_backends import Backend

from synopsis.errors import NotFoundError, StoreError
from synopsis.records import Article, FetchFailure
from synopsis.store import MIGRATIONS

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
FEED = "https://news.example/rss.xml"


def clock() -> datetime:
    return T0


def test_a_feed_is_followed_once_and_its_state_saved(backend: Backend) -> None:
    with backend.open(clock=clock) as store:
        assert store.add_feed(FEED) is True
        assert store.add_feed(FEED) is False  # followed already: nothing changes
        assert store.add_feed("https://other.example/atom") is True
        assert [f.url for f in store.feeds()] == [FEED, "https://other.example/atom"]
        fresh = store.get_feed(FEED)
        assert fresh.added == T0 and fresh.polls == 0 and fresh.etag is None and fresh.healthy
        polled = replace(
            fresh,
            title="Example News",
            etag='"v2"',
            last_modified="Wed, 01 May 2024 11:00:00 GMT",
            last_polled=T0,
            next_poll=T0 + timedelta(minutes=15),
            last_status="ok",
            polls=1,
            articles=3,
            last_new=3,
        )
        store.save_feed(polled)
    with backend.open() as store:  # a restart finds it as it was left
        assert store.get_feed(FEED) == polled
        failed = replace(polled, errors=2, last_error="HTTP 500", last_status="failed")
        store.save_feed(failed)
        assert not store.get_feed(FEED).healthy
        assert store.remove_feed(FEED) is True
        assert store.remove_feed(FEED) is False
        with pytest.raises(NotFoundError):
            store.get_feed(FEED)
        with pytest.raises(NotFoundError):
            store.save_feed(failed)  # a feed removed meanwhile is not brought back
        with pytest.raises(StoreError):
            store.add_feed("  ")


def test_fetch_failures_count_attempts_and_are_cleared(backend: Backend) -> None:
    with backend.open() as store:
        first = FetchFailure("https://news.example/a", "HTTP 500", T0, FEED)
        store.record_fetch_failure(first)
        store.record_fetch_failure(replace(first, reason="timed out", at=T0 + timedelta(hours=1)))
        store.record_fetch_failure(FetchFailure("https://x.example/b", "robots", T0, None))
        (latest, other) = store.fetch_failures()
        assert latest.url == first.url and latest.attempts == 2 and latest.reason == "timed out"
        assert other.url == "https://x.example/b"
        assert [f.url for f in store.fetch_failures(feed=FEED)] == [first.url]
        assert store.fetch_attempts([first.url, "https://none.example/"]) == {first.url: 2}
        store.clear_fetch_failures([first.url])
        assert [f.url for f in store.fetch_failures()] == ["https://x.example/b"]
        assert len(store.fetch_failures(limit=0)) == 0


def test_known_urls_are_those_of_stored_articles(backend: Backend) -> None:
    with backend.open() as store:
        store.add_articles(
            [
                Article(id=f"a{n}", text=f"Body {n}.", source="feed", url=f"https://n.example/{n}")
                for n in range(700)  # more than one query's worth
            ]
        )
        asked = [f"https://n.example/{n}" for n in range(650, 750)]
        assert store.known_urls(asked) == {f"https://n.example/{n}" for n in range(650, 700)}
        assert store.known_urls([]) == set()


def test_a_version_4_store_is_upgraded_with_its_articles_kept(backend: Backend) -> None:
    with backend.open(migrations=MIGRATIONS[:4]) as store:
        store.add_articles([Article(id="a1", text="Body.", source="s", url="https://n.example/1")])
        assert "feeds" not in backend.tables()
    with backend.open() as store:
        assert store.known_urls(["https://n.example/1"]) == {"https://n.example/1"}
        assert store.add_feed(FEED) and store.feeds()[0].url == FEED
    assert {"feeds", "fetch_failures"} <= backend.tables()


def test_articles_are_found_by_content_hash_with_their_urls(backend: Backend) -> None:
    with backend.open() as store:
        first = Article(id="a1", text="Same words here.", source="s", url="https://x.example/1")
        again = Article(id="a2", text="Same  WORDS here.", source="s", url="https://y.example/2")
        other = Article(id="a3", text="Other words.", source="s")
        store.add_articles([first, again, other])
        assert first.content_hash == again.content_hash  # case and spacing do not count
        found = store.articles_with_hashes([first.content_hash, "nothing", other.content_hash])
        assert found == {
            first.content_hash: [("a1", "https://x.example/1"), ("a2", "https://y.example/2")],
            other.content_hash: [("a3", None)],
        }
