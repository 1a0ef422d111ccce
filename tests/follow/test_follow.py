"""Following a feed on a loopback server: new entries once, 304s, robots, failures, restarts."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from site_fixture import NewsSite, open_archive

from local_http import LocalServer, Route
from synopsis.archive import Archive
from synopsis.follow import Follower
from synopsis.readers.web import FeedRead


def page_hits(server: LocalServer) -> dict[str, int]:
    counts: dict[str, int] = {}
    for seen in server.requests:
        if seen.path.startswith(("/news/", "/private/")):
            counts[seen.path] = counts.get(seen.path, 0) + 1
    return counts


def test_three_polls_ingest_each_article_once_with_conditional_requests(
    site: NewsSite, server: LocalServer, archive: Archive
) -> None:
    follower = Follower(archive)
    assert follower.follow([site.feed_url, site.feed_url]) == [site.feed_url]
    site.add(3)
    site.add(1, path="/private/leak.html")  # robots.txt disallows it: its entry text is used
    first = follower.poll()
    assert first.new == 4 and [f.status for f in first.feeds] == ["ok"]
    store = archive.store
    urls = [site.url(e) for e in site.entries]
    assert store.known_urls(urls) == set(urls)
    assert set(store.stories_of([a for a in first.ingest.added]).keys()) == set(first.ingest.added)

    second = follower.poll(store.feeds())  # nothing new: the feed answers 304
    assert [f.status for f in second.feeds] == ["not modified"] and second.new == 0
    site.add(2)
    third = follower.poll(store.feeds())
    assert third.new == 2 and third.feeds[0].known == 4 and third.feeds[0].new == 2

    hits = page_hits(server)
    assert hits == {e.path: 1 for e in site.entries if not e.path.startswith("/private/")}
    assert "/private/leak.html" not in hits  # never requested
    assert site.not_modified == 1 and site.conditional_requests() == 2
    assert server.hits("/robots.txt") == 1
    assert store.article_count() == 6
    leak = [a for a in store.iter_articles() if a.url == site.server.url("/private/leak.html")]
    assert leak[0].metadata["text_from"] == "feed entry"
    assert "robots.txt" in leak[0].metadata["page_error"]
    feed = store.get_feed(site.feed_url)
    assert (feed.polls, feed.articles, feed.last_new, feed.errors) == (3, 6, 2, 0)
    assert feed.title == "Loopback News" and feed.etag
    (failure,) = store.fetch_failures(feed=site.feed_url)
    assert "robots.txt" in failure.reason and "entry's text was used" in failure.reason
    ids = [a.id for a in store.iter_articles()]
    assert set(store.stories_of(ids)) == set(ids)  # every article is in a story


def test_pages_that_fail_fall_back_to_the_entry_and_are_recorded(
    site: NewsSite, server: LocalServer, tmp_path: Path
) -> None:
    slow, broken, image, moved = site.add(4)
    server.routes[slow.path] = Route(200, body=b"<html></html>", delay=1.0)  # past the timeout
    server.routes[broken.path] = Route(500)
    server.routes[image.path] = Route(200, (("Content-Type", "image/png"),), b"\x89PNG\r\n")
    server.routes[moved.path] = Route(301, (("Location", "/news/moved-1"),))
    server.routes["/news/moved-1"] = Route(302, (("Location", "/news/final.html"),))
    server.routes["/news/final.html"] = Route(
        200,
        (("Content-Type", "text/html"),),
        b"<html><body><p>"
        + b" ".join(p.encode() for p in moved.paragraphs)
        + b"</p></body></html>",
    )
    with open_archive(tmp_path / "news.db", timeout=0.3, response_timeout=0.5) as archive:
        follower = Follower(archive)
        follower.follow([site.feed_url])
        run = follower.poll()
        assert run.new == 4 and run.feeds[0].page_failures == 3
        by_url = {a.url: a for a in archive.store.iter_articles()}
        for entry in (slow, broken, image):
            assert by_url[site.url(entry)].metadata["text_from"] == "feed entry"
        assert "timed out" in by_url[site.url(slow)].metadata["page_error"]
        assert "500" in by_url[site.url(broken)].metadata["page_error"]
        assert server.hits(broken.path) == 2  # retried once
        final = by_url[site.url(moved)]
        assert final.metadata["fetched_url"] == server.url("/news/final.html")
        assert "text_from" not in final.metadata
        reasons = {f.url: f.reason for f in archive.store.fetch_failures()}
        assert set(reasons) == {site.url(e) for e in (slow, broken, image)}
        again = follower.poll(archive.store.feeds())  # stored: not fetched again
        assert again.new == 0 and server.hits(broken.path) == 2


def test_a_feed_that_fails_backs_off_and_recovers(
    site: NewsSite, server: LocalServer, archive: Archive
) -> None:
    follower = Follower(archive)
    follower.follow([site.feed_url, server.url("/not-a-feed")])
    server.routes["/not-a-feed"] = Route(200, (("Content-Type", "text/html"),), b"<html>hi</html>")
    site.add(1)
    server.routes["/feed.xml"] = Route(200, (("Content-Type", "application/rss+xml"),), b"<rss")
    run = follower.poll()
    assert [f.status for f in run.feeds] == ["failed", "failed"]
    assert "not an RSS or Atom feed" in (run.feeds[1].error or "")
    feed = archive.store.get_feed(site.feed_url)
    assert feed.errors == 1 and not feed.healthy and feed.last_error
    assert feed.next_poll is not None and feed.last_polled is not None
    assert feed.next_poll - feed.last_polled == timedelta(seconds=120)  # twice the interval
    assert follower.due(feed.last_polled + timedelta(seconds=61)) == []
    site.__post_init__()  # the feed is back
    recovered = follower.poll([archive.store.get_feed(site.feed_url)])
    assert recovered.new == 1
    feed = archive.store.get_feed(site.feed_url)
    assert feed.errors == 0 and feed.healthy and feed.last_error is None


CHILD = """
import sys
sys.path[:0] = [sys.argv[1], sys.argv[2]]
from site_fixture import open_archive
from synopsis.follow import Follower
with open_archive(sys.argv[3]) as archive:
    follower = Follower(archive)
    follower.follow(sys.argv[4:])
    follower.run(once=True)
"""


def page_hits_anywhere(server: LocalServer) -> dict[str, int]:
    counts: dict[str, int] = {}
    for seen in server.requests:
        if "/news/" in seen.path:
            counts[seen.path] = counts.get(seen.path, 0) + 1
    return counts


def test_a_follow_killed_mid_poll_resumes_losing_nothing_fetching_nothing_twice(
    server: LocalServer, tmp_path: Path
) -> None:
    quick, stuck = NewsSite(server, prefix="/quick"), NewsSite(server, prefix="/stuck")
    quick.add(3)  # polled and stored (a batch is 2 articles) while the other feed hangs
    stuck.add(3)
    slow = stuck.entries[1]
    server.routes[slow.path] = Route(200, (("Content-Type", "text/html"),), b"<html/>", delay=30)
    db = tmp_path / "news.db"
    tests = Path(__file__).resolve().parent
    feeds = [quick.feed_url, stuck.feed_url]
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(tests), str(tests.parent), str(db), *feeds],
        env={**os.environ, "PYTHONPATH": str(tests.parents[1] / "src")},
    )
    everything = [*quick.entries, *stuck.entries]
    try:
        deadline = time.monotonic() + 60
        saved = False
        with Archive.open(db) as watching:
            while time.monotonic() < deadline:
                stored = watching.store.known_urls([quick.url(e) for e in quick.entries])
                # Its state is saved just after its articles commit: a kill between the
                # two polls it again (see synopsis.follow.follower), which is not this case.
                saved = any(
                    f.url == quick.feed_url and f.last_polled is not None
                    for f in watching.store.feeds()
                )
                if len(stored) == 3 and saved and server.hits(slow.path):
                    break
                time.sleep(0.05)
        assert server.hits(slow.path) == 1, "the child never reached the slow page"
        assert saved, "the child never saved the quick feed's state"
        child.send_signal(signal.SIGKILL)  # mid-poll: one feed stored, the other hanging
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
    before = page_hits_anywhere(server)
    with open_archive(db) as archive:
        stored_before = archive.store.known_urls([server.url(e.path) for e in everything])
        assert stored_before == {quick.url(e) for e in quick.entries}
        server.routes[slow.path] = Route(
            200, (("Content-Type", "text/html"),), b"<html><body><p>Back.</p></body></html>"
        )
        Follower(archive).run(once=True)
        urls = {server.url(e.path) for e in everything}
        assert archive.store.known_urls(list(urls)) == urls  # nothing lost
        assert archive.store.article_count() == len(urls)
    after = page_hits_anywhere(server)
    for entry in everything:
        if server.url(entry.path) in stored_before:
            assert after[entry.path] == before[entry.path] == 1  # stored: never fetched again
    # its state was saved after its articles: not due again, not even asked for its feed
    assert server.hits("/quick/feed.xml") == 1 and server.hits("/stuck/feed.xml") == 2


def test_a_page_without_entry_text_that_keeps_failing_is_given_up(
    site: NewsSite, server: LocalServer, archive: Archive
) -> None:
    (bare,) = site.add(1, summary=False)
    server.routes[bare.path] = Route(503)
    follower = Follower(archive)  # max_attempts 3, one retry per fetch
    follower.follow([site.feed_url])
    for poll in range(5):
        run = follower.poll(archive.store.feeds())
        assert archive.store.known_urls([site.url(bare)]) == set()
        if poll < 3:
            assert any("feed entry has no text" in f.reason for f in run.ingest.failures)
        site.add(1)  # the feed changes, so it is read again
    (failure,) = [f for f in archive.store.fetch_failures() if f.url == site.url(bare)]
    assert failure.attempts == 3 and "503" in failure.reason
    assert server.hits(bare.path) == 3 * 2  # three polls, each with its retry; then never
    assert archive.store.article_count() == 4  # the entries added before the last poll


def test_an_entry_listed_again_under_another_url_is_skipped_by_its_text(
    site: NewsSite, server: LocalServer, archive: Archive
) -> None:
    (original,) = site.add(1)
    follower = Follower(archive)
    follower.follow([site.feed_url])
    assert follower.poll().new == 1
    (again,) = site.add(1)  # the same report, listed again under a tracking URL
    again.paragraphs = original.paragraphs
    server.routes[again.path] = server.routes[original.path]
    run = follower.poll(archive.store.feeds())
    assert run.new == 0 and archive.store.article_count() == 1
    (skip,) = [s for s in run.ingest.skipped if s.input == site.url(again)]
    assert "same text as stored article" in skip.reason


def test_an_error_reading_one_feed_fails_that_feed_not_the_poll(
    site: NewsSite, server: LocalServer, archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = NewsSite(server, prefix="/other")
    site.add(1)
    other.add(1)
    follower = Follower(archive)
    follower.follow([site.feed_url, other.feed_url])
    real = follower.reader.read_feed

    def broken(url: str, **conditions: str | None) -> FeedRead:
        if url == other.feed_url:
            raise RuntimeError("parser exploded")
        return real(url, **conditions)

    monkeypatch.setattr(follower.reader, "read_feed", broken)
    run = follower.poll()
    assert [f.status for f in run.feeds] == ["ok", "failed"]
    assert run.feeds[1].error == "RuntimeError: parser exploded" and run.new == 1
    assert archive.store.get_feed(other.feed_url).errors == 1
