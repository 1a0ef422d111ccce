"""Reading from the web: an article page by its URL, or a feed whose entries' pages are fetched.

:class:`WebReader` turns a URL into what the other readers give (drafts,
failures, skips), through one :class:`~synopsis.fetch.Fetcher` (its address
guard, limits, robots.txt and retries apply to every request):

* a page is read like an HTML file (plain text like a ``.txt`` file);
* a feed (RSS or Atom) gives one article per entry: the page its link points
  to is fetched and read, and where that page cannot be fetched, holds no
  article text or less than the entry itself, the entry's own text is used
  and the article says so
  (``metadata["text_from"] = "feed entry"``, with ``metadata["page_error"]``);
* a URL a stored article was read from (``known``) is not fetched again, and
  is skipped saying so.

An entry's article keeps the entry's link as its URL (the page's final URL,
after redirects, goes to ``metadata["fetched_url"]``), so the next poll of
the feed recognises it by its link.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Literal

from ..errors import FetchError
from ..fetch import Fetcher, FetchResult, sniff_kind
from ..records import Failure, Skip
from .feed import FeedEntry, parse_feed
from .fields import Draft, Outcome
from .html import draft_from_html_bytes
from .text import read_txt

__all__ = ["FeedRead", "PageFailure", "WebReader", "article_from_page"]

logger = logging.getLogger(__name__)

KnownUrls = Callable[[Sequence[str]], set[str]]
"""Those of some URLs that a stored article was read from."""

FeedStatus = Literal["ok", "not modified", "failed"]
_STORED = "already stored (an article was read from this URL)"


@dataclass(frozen=True, slots=True)
class PageFailure:
    """An entry's page that could not be read, and why (its entry's text may stand in)."""

    url: str
    reason: str
    used_entry_text: bool


@dataclass(slots=True)
class FeedRead:
    """One read of a feed: its status, validators, and an outcome per entry it had new.

    ``status`` is ``"not modified"`` when the server answered a conditional
    request with 304 (``outcomes`` is then empty) and ``"failed"`` with
    ``error`` when the feed itself could not be fetched or read.
    """

    url: str
    status: FeedStatus
    outcomes: list[Outcome] = field(default_factory=list)
    title: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    entries: int = 0
    known: int = 0
    page_failures: list[PageFailure] = field(default_factory=list)
    error: str | None = None


class WebReader:
    """Articles from URLs (see the module docstring).

    ``known`` tells which URLs are stored already (none, by default) and
    ``given_up`` which entry pages are not to be asked for again (they failed
    too often); ``workers`` is how many entry pages are fetched at once (the
    fetcher's per-host limits still apply).
    """

    def __init__(
        self,
        fetcher: Fetcher,
        *,
        known: KnownUrls | None = None,
        given_up: KnownUrls | None = None,
        workers: int = 8,
    ) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers!r}")
        self.fetcher = fetcher
        self.known: KnownUrls = known or _none
        self.given_up: KnownUrls = given_up or _none
        self.workers = workers

    def read(self, url: str) -> list[Outcome]:
        """What ``url`` gives: its article, or a feed's entries, or why it gives nothing."""
        url = url.strip()
        if self.known([url]):
            return [Skip(url, _STORED)]
        try:
            fetched = self.fetcher.fetch(url)
        except FetchError as exc:
            return [Failure(url, exc.reason)]
        if sniff_kind(fetched) == "feed":
            read = self._entries(url, fetched)
            return read.outcomes if read.status == "ok" else [Failure(url, read.error or "")]
        return [article_from_page(fetched, url)]

    def read_feed(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FeedRead:
        """The feed at ``url``, fetched conditionally on ``etag``/``last_modified``."""
        try:
            fetched = self.fetcher.fetch(url, etag=etag, last_modified=last_modified)
        except FetchError as exc:
            return FeedRead(url, "failed", error=exc.reason, etag=etag, last_modified=last_modified)
        if fetched.not_modified:
            return FeedRead(url, "not modified", etag=etag, last_modified=last_modified)
        if sniff_kind(fetched) != "feed":
            kind = fetched.content_type or "no content type"
            return FeedRead(url, "failed", error=f"not an RSS or Atom feed ({kind})")
        return self._entries(url, fetched)

    def _entries(self, url: str, fetched: FetchResult) -> FeedRead:
        parsed = parse_feed(fetched.data, url, None)
        read = FeedRead(
            url,
            "ok",
            title=parsed.title,
            etag=fetched.etag,
            last_modified=fetched.last_modified,
            entries=len(parsed.entries),
        )
        if isinstance(parsed.problem, Failure):
            read.status, read.error = "failed", parsed.problem.reason
            return read
        links = [e.link for e in parsed.entries if e.link]
        stored = self.known(links) if links else set()
        given_up = self.given_up([link for link in links if link not in stored]) if links else set()
        fresh: list[FeedEntry] = []
        seen: set[str] = set()
        for entry in parsed.entries:
            if entry.link and entry.link in stored:
                read.known += 1
                read.outcomes.append(Skip(entry.link, _STORED))
                continue
            if entry.link and entry.link in given_up:
                read.outcomes.append(Skip(entry.link, "not fetched again: it failed too often"))
                continue
            if entry.link and entry.link in seen:
                read.outcomes.append(Skip(entry.link, "listed twice in the feed"))
                continue
            if entry.link:
                seen.add(entry.link)
            fresh.append(entry)
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            pages = list(pool.map(self._fetch_page, fresh))
        for entry, page in zip(fresh, pages, strict=True):
            try:
                outcome, failure = _entry_article(url, entry, page)
            except Exception as exc:  # a foreign reader's error fails this entry only
                name = entry.link or url
                reason = f"could not read the page: {type(exc).__name__}: {exc}"
                outcome, failure = Failure(name, reason), PageFailure(name, reason, False)
            read.outcomes.append(outcome)
            if failure is not None:
                read.page_failures.append(failure)
        return read

    def _fetch_page(self, entry: FeedEntry) -> FetchResult | FetchError | None:
        if not entry.link:
            return None
        try:
            return self.fetcher.fetch(entry.link)
        except FetchError as exc:
            return exc


def _none(urls: Sequence[str]) -> set[str]:
    return set()


def article_from_page(fetched: FetchResult, url: str | None = None) -> Draft | Failure:
    """The article of a fetched page (HTML, or plain text), else why there is none.

    Its URL is ``url``, the one asked for (default: the final one, after
    redirects); a final URL that differs is kept as ``metadata["fetched_url"]``.
    """
    url = url or fetched.url
    kind = sniff_kind(fetched)
    outcome: Outcome
    if kind == "html":
        outcome = draft_from_html_bytes(fetched.data, url, None, url=url, charset=fetched.charset)
    elif fetched.content_type == "text/plain":
        outcome = next(iter(read_txt(fetched.data, url, "")), Failure(url, "no text"))
    else:
        return Failure(
            url, f"not an HTML or text page ({fetched.content_type or 'no content type'})"
        )
    if isinstance(outcome, Skip):
        return Failure(url, outcome.reason)
    if isinstance(outcome, Draft):
        outcome.url, outcome.path = url, None
        if fetched.url != url:
            outcome.metadata["fetched_url"] = fetched.url
    return outcome


def _entry_article(
    feed: str, entry: FeedEntry, page: FetchResult | FetchError | None
) -> tuple[Outcome, PageFailure | None]:
    """An entry's article: its page's, else its own text (saying why), else a failure."""
    name = entry.link or (entry.draft.source if isinstance(entry.draft, Draft) else feed)
    reason: str | None = None
    if isinstance(page, FetchError):
        reason = page.reason
    elif isinstance(page, FetchResult):
        article = article_from_page(page, name)
        own_text = entry.draft.body if isinstance(entry.draft, Draft) else ""
        if isinstance(article, Draft) and len(article.body) >= len(own_text):
            _fill_from_entry(article, entry.draft, feed)
            return article, None
        # A page that says less than its own feed entry was not read well (a teaser, a wall).
        reason = article.reason if isinstance(article, Failure) else "page text shorter than entry"
    own = entry.draft
    if isinstance(own, Draft):
        if reason is None:  # no link: the entry's text is all there is
            own.metadata.update({"feed": feed, "text_from": "feed entry"})
            return own, None
        own.source = name
        own.metadata.update({"feed": feed, "text_from": "feed entry", "page_error": reason})
        logger.warning("%s: the feed entry's text is used (page not read: %s)", name, reason)
        return own, PageFailure(name, reason, used_entry_text=True)
    failure = Failure(name, f"page not read ({reason}) and the feed entry has no text")
    return failure, PageFailure(name, reason or own.reason, used_entry_text=False)


def _fill_from_entry(article: Draft, entry: Draft | Failure, feed: str) -> None:
    """What the page lacks and the entry says: title, outlet, publication time, language."""
    article.metadata["feed"] = feed
    if not isinstance(entry, Draft):
        return
    article.title = article.title or entry.title
    article.outlet = article.outlet or entry.outlet
    article.published = article.published or entry.published
    article.language = article.language or entry.language
    for key in ("guid", "author"):
        if key in entry.metadata:
            article.metadata.setdefault(key, entry.metadata[key])
