"""A news site on the loopback server for the follow tests: a feed, its pages, robots.txt.

Entries are invented reports (made-up words, so no two share a story by
chance); the feed answers 304 to a conditional request for the version it
has, and logs every request (``server.requests``).
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path

from local_http import LocalServer, Route, Seen, loopback_settings
from synopsis.archive import Archive
from synopsis.config import FollowSettings, Settings
from synopsis.embed.testing import HashedWordsEmbedder
from synopsis.fetch import Fetcher

SYLLABLES = "ka lo mi ne ru ta vo shi pe gu da fi zo be ni".split()
WORDS = sorted({a + b + c for a in SYLLABLES for b in SYLLABLES for c in SYLLABLES if a != c})
START = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


def report(seed: int, sentences: int = 9) -> list[str]:
    """Paragraphs of an invented report, the same for the same seed."""
    rng = random.Random(seed)
    lines = [
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(9, 14))).capitalize() + "."
        for _ in range(sentences)
    ]
    return [" ".join(lines[i : i + 3]) for i in range(0, len(lines), 3)]


@dataclass
class Entry:
    number: int
    path: str
    title: str
    paragraphs: list[str]
    published: datetime
    summary: bool = True


@dataclass
class NewsSite:
    """A feed at ``PREFIX/feed.xml`` whose entries link pages at ``PREFIX/news/N.html``."""

    server: LocalServer
    prefix: str = ""
    entries: list[Entry] = field(default_factory=list)
    disallow: str = "/private/"
    not_modified: int = 0
    """How often the feed answered 304 Not Modified."""

    def __post_init__(self) -> None:
        self.server.routes[self.prefix + "/feed.xml"] = self._feed
        self.server.routes["/robots.txt"] = Route(
            200,
            (("Content-Type", "text/plain"),),
            f"User-agent: *\nDisallow: {self.disallow}\n".encode(),
        )

    @property
    def feed_url(self) -> str:
        return self.server.url(self.prefix + "/feed.xml")

    def add(self, count: int = 1, *, path: str | None = None, summary: bool = True) -> list[Entry]:
        """``count`` new entries (their pages served), newest first in the feed; without
        ``summary`` an entry has no text of its own."""
        added = []
        for _ in range(count):
            number = len(self.entries) + 1
            entry = Entry(
                number,
                path or f"{self.prefix}/news/{number}.html",
                f"Report {number}: " + " ".join(report(number * 7, 1)[0].split()[:5]),
                report(number * 7 + sum(map(ord, self.prefix)) * 1000),
                START + timedelta(hours=number),
                summary,
            )
            self.entries.append(entry)
            self.server.routes[entry.path] = Route(
                200, (("Content-Type", "text/html; charset=utf-8"),), page(entry)
            )
            added.append(entry)
        return added

    def url(self, entry: Entry) -> str:
        return self.server.url(entry.path)

    def feed_xml(self) -> bytes:
        items = "".join(
            f"<item><title>{escape(e.title)}</title><link>{self.url(e)}</link>"
            f"<guid>{self.url(e)}</guid><pubDate>{format_datetime(e.published)}</pubDate>"
            + (f"<description>{escape(' '.join(e.paragraphs))}</description>" if e.summary else "")
            + "</item>"
            for e in reversed(self.entries)
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Loopback News</title><link>{self.server.url('/')}</link>"
            f"<description>Tests</description>{items}</channel></rss>"
        ).encode()

    def _feed(self, seen: Seen) -> Route:
        body = self.feed_xml()
        etag = '"' + hashlib.sha1(body).hexdigest()[:12] + '"'
        if seen.headers.get("if-none-match") == etag:
            self.not_modified += 1
            return Route(304, (("ETag", etag),))
        return Route(200, (("Content-Type", "application/rss+xml"), ("ETag", etag)), body)

    def conditional_requests(self) -> int:
        return sum(
            1
            for s in self.server.requests
            if s.path == self.prefix + "/feed.xml" and "if-none-match" in s.headers
        )


def page(entry: Entry) -> bytes:
    body = "".join(f"<p>{escape(p)}</p>" for p in entry.paragraphs)
    return (
        f"<!DOCTYPE html><html><head><title>{escape(entry.title)}</title>"
        f'<meta property="article:published_time" content="{entry.published.isoformat()}">'
        f"</head><body><article><h1>{escape(entry.title)}</h1>{body}</article></body></html>"
    ).encode()


def open_archive(path: Path, **fetch: object) -> Archive:
    """An archive over ``path`` that fetches from loopback (robots on, one retry), with the
    hashed-words encoder, polling every minute, ingesting two articles at a time."""
    settings = Settings(follow=FollowSettings(every=60.0, batch=2))
    fetcher = Fetcher(loopback_settings(robots=True, retries=1, **fetch))
    return Archive.open(path, settings, embedder=HashedWordsEmbedder(64), fetcher=fetcher)
